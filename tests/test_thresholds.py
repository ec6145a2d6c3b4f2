"""Boundary tests: for each threshold, the decision flips exactly at the configured value.

Each test measures the quantity on a fixed input (through the evidence the stage reports), then
sets the threshold to that value (removed: the comparisons are inclusive) and just above it (kept).
"""

from __future__ import annotations

import dataclasses

import pytest

import dedupe
from dedupe import BoilerplateConfig, Config, CorpusConfig, DuplicateConfig, OfftopicConfig
from dedupe.stages.quality import PROSE_LONG_WORDS

EPS = 1e-6

# Hand-made: a paragraph and an edited copy of it (two words changed), as in the seeds' file 002.
ORIGINAL = (
    "The regional council approved the new harbour budget on Tuesday after a long debate "
    "about dredging costs and the future of the fish market near the old railway station."
)
EDITED = (
    "The regional council approved the harbour budget on Tuesday after a heated debate "
    "about dredging costs and the future of the fish market near the old railway station."
)
FILLER = [
    "Residents had asked for the plan to be published in full before any vote was taken.",
    "Several members said the costs had doubled since the first estimate two years ago.",
]


def _doc(*paras):
    return "\n\n".join(paras)


def _dup_decision(cfg: DuplicateConfig):
    res = dedupe.clean(_doc(ORIGINAL, *FILLER, EDITED), config=Config(stages=("duplicates",), duplicates=cfg))
    return res.decisions[3]


def test_duplicate_containment_boundary():
    d = _dup_decision(DuplicateConfig())
    assert not d.kept and d.reason == "duplicate.within"
    measured = d.evidence["similarity"]
    assert 0.5 < measured < 1.0
    assert not _dup_decision(DuplicateConfig(containment=measured)).kept
    assert _dup_decision(DuplicateConfig(containment=min(1.0, measured + 0.001))).kept


def test_duplicate_min_shared_boundary():
    d = _dup_decision(DuplicateConfig())
    shared = round(d.evidence["similarity"] * 27)  # EDITED has 28 words -> 27 bigrams
    assert not _dup_decision(DuplicateConfig(min_shared=shared)).kept
    assert _dup_decision(DuplicateConfig(min_shared=shared + 1)).kept


def test_duplicate_min_words_near_boundary():
    n = len(EDITED.split())
    assert not _dup_decision(DuplicateConfig(min_words_near=n)).kept
    assert _dup_decision(DuplicateConfig(min_words_near=n + 1)).kept


def test_duplicate_min_words_exact_boundary():
    line = "Read the full report"
    text = _doc("A title for this test", line, *FILLER, line)
    for n, kept in ((4, False), (5, True)):
        cfg = Config(stages=("duplicates",), duplicates=DuplicateConfig(min_words_exact=n))
        assert dedupe.clean(text, config=cfg).decisions[4].kept is kept


def _corpus_second(cfg: CorpusConfig, first: str, second: str):
    cleaner = dedupe.Cleaner(Config(stages=("corpus",), corpus=cfg))
    return list(cleaner.clean_many([first, second]))[1].decisions[0]


# One word changed at the end: a lightly edited syndicated copy.
LIGHT_EDIT = ORIGINAL.replace("old railway station", "old railway depot")


def test_corpus_containment_boundary():
    d = _corpus_second(CorpusConfig(), ORIGINAL, LIGHT_EDIT)
    assert not d.kept and d.evidence["match"] == "paragraph"
    measured = d.evidence["similarity"]
    assert CorpusConfig().containment <= measured < 1.0
    assert not _corpus_second(CorpusConfig(containment=measured), ORIGINAL, LIGHT_EDIT).kept
    assert _corpus_second(CorpusConfig(containment=measured + 0.001), ORIGINAL, LIGHT_EDIT).kept


def test_corpus_coverage_boundary():
    # A truncated copy: the first sentence of a two-sentence paragraph, then a new sentence. Less
    # than 0.9 of it is found in the earlier paragraph, so it must also cover enough of that one.
    first = ORIGINAL + " " + FILLER[0]
    second = ORIGINAL + " Officials declined to comment on the decision."
    d = _corpus_second(CorpusConfig(), first, second)
    assert not d.kept and d.evidence["match"] == "paragraph"
    measured = d.evidence["coverage"]
    assert 0.5 < measured < d.evidence["similarity"] < 0.9
    assert not _corpus_second(CorpusConfig(coverage=measured), first, second).kept
    assert _corpus_second(CorpusConfig(coverage=measured + 0.001), first, second).kept


def test_corpus_excerpt_of_12_words_is_a_copy_however_little_it_covers():
    """A sentence of 12+ units found whole in a longer earlier paragraph is a copy of an excerpt of
    it (a syndicated story cut short); a shorter line must be all of what it is found in."""
    long = ORIGINAL + " " + FILLER[0] + " " + FILLER[1]
    assert not _corpus_second(CorpusConfig(), long, ORIGINAL).kept
    n = len(ORIGINAL.split())
    assert _corpus_second(CorpusConfig(min_words_edited=n + 1), long, ORIGINAL).kept


def test_corpus_min_words_boundary():
    line = "Officials declined to comment on the decision today"
    n = len(line.split())
    assert not _corpus_second(CorpusConfig(min_words=n), line, line).kept
    assert _corpus_second(CorpusConfig(min_words=n + 1), line, line).kept


def test_corpus_min_words_edited_boundary():
    """From corpus.min_words_edited units a paragraph may be an edited copy; below, only a copy
    found whole (a short line edited is too often another line of the same template)."""
    n = len(LIGHT_EDIT.split())
    assert not _corpus_second(CorpusConfig(min_words_edited=n), ORIGINAL, LIGHT_EDIT).kept
    assert _corpus_second(CorpusConfig(min_words_edited=n + 1), ORIGINAL, LIGHT_EDIT).kept
    assert not _corpus_second(CorpusConfig(min_words_edited=n + 1), ORIGINAL, ORIGINAL).kept


def _document_verdict(cfg: CorpusConfig, first: str, second: str):
    cleaner = dedupe.Cleaner(Config(stages=("corpus",), corpus=cfg))
    return list(cleaner.clean_many([first, second]))[1].notes.get("duplicate_of")


def test_corpus_document_jaccard_boundary():
    first = _doc(ORIGINAL, *FILLER)
    second = _doc(LIGHT_EDIT, *FILLER)
    verdict = _document_verdict(CorpusConfig(), first, second)
    assert verdict is not None and verdict["id"] == "0"
    measured = verdict["similarity"]
    assert CorpusConfig().document_jaccard <= measured < 1.0
    assert _document_verdict(CorpusConfig(document_jaccard=measured), first, second) is not None
    assert _document_verdict(CorpusConfig(document_jaccard=measured + 0.001), first, second) is None


def test_offtopic_score_boundary(seed_texts):
    text = seed_texts["003_797bc3d8dcbf117b.txt"]
    res = dedupe.clean(text)
    last = res.decisions[-1]
    assert last.reason == "offtopic.teaser" and last.evidence["rule"] == "foreign_lede"
    score = last.evidence["score"]
    for thr, kept in ((score, False), (score + 0.01, True)):
        cfg = Config(offtopic=OfftopicConfig(score=thr))
        assert dedupe.clean(text, config=cfg).decisions[-1].kept is kept


def test_label_words_boundary():
    text = _doc("World Media News", "A headline about the harbour budget vote", ORIGINAL)
    for n, kept in ((3, False), (2, True)):
        bp = BoilerplateConfig(max_label_words=n, quality=False)
        cfg = Config(stages=("boilerplate",), boilerplate=bp)
        assert dedupe.clean(text, config=cfg).decisions[0].kept is kept


def test_quality_threshold_boundary():
    # A navigation line between prose: the quality model scores it above the prose around it (the
    # prose is never the model's to remove: see the prose guard).
    text = _doc(ORIGINAL, "Login Register Search Cart", *FILLER)
    cfg = Config(stages=("boilerplate",), boilerplate=BoilerplateConfig(quality_threshold=0.01))
    decisions = dedupe.clean(text, config=cfg).decisions
    d = decisions[1]
    assert not d.kept and d.evidence["rule"] == "quality_model"
    assert all(other.kept for k, other in enumerate(decisions) if k != 1)
    score = d.evidence["score"]
    for thr, kept in ((score, False), (min(1.0, score + 1e-9), True)):
        cfg = Config(stages=("boilerplate",), boilerplate=BoilerplateConfig(quality_threshold=thr))
        assert dedupe.clean(text, config=cfg).decisions[1].kept is kept


@pytest.mark.parametrize(
    ("factory", "field", "bad"),
    [
        (DuplicateConfig, "containment", 1.5),
        (DuplicateConfig, "ngram", 0),
        (CorpusConfig, "containment", -0.1),
        (CorpusConfig, "document_jaccard", 1.5),
        (DuplicateConfig, "structure_repeats", 2),
        (DuplicateConfig, "min_run", 1),
        (CorpusConfig, "min_words", "5"),
        (OfftopicConfig, "score", 0),
        (BoilerplateConfig, "max_label_words", 11),
    ],
)
def test_invalid_values_are_refused_with_the_field_name(factory, field, bad):
    with pytest.raises(dedupe.ConfigError, match=field):
        factory(**{field: bad})


def test_unknown_option_and_stage_are_refused():
    with pytest.raises(dedupe.ConfigError, match="unknown option"):
        dedupe.clean("x", frobnicate=True)
    with pytest.raises(dedupe.ConfigError, match="unknown stage"):
        Config(stages=("boilerplate", "nope"))


def test_config_is_frozen_and_fingerprinted():
    cfg = Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.max_passes = 3  # type: ignore[misc]
    assert cfg.fingerprint() == Config().fingerprint()
    assert cfg.fingerprint() != Config(duplicates=DuplicateConfig(containment=0.6)).fingerprint()


def test_numbered_item_boundary(monkeypatch):
    """A near copy whose numbers differ from its source's is another item of a templated list
    below NUMBERED_ITEM_MAX_WORDS words, and a copy from that length on."""
    from dedupe.stages import duplicates

    words = [
        "case",
        "cover",
        "for",
        "the",
        "phone",
        "new",
        "silicone",
        "gel",
        "black",
        "pink",
        "shipping",
        "from",
        "the",
        "united",
        "kingdom",
    ]

    def pair(n: int) -> tuple[str, str]:
        body = " ".join((words * 3)[: n - 2])
        return f"Model 7 {body}", f"Model 8 {body}"

    n = duplicates.NUMBERED_ITEM_MAX_WORDS
    cfg = Config(stages=("duplicates",))
    for length, removed in ((n - 1, False), (n, True)):
        a, b = pair(length)
        assert len(b.split()) == length
        res = dedupe.clean(_doc(a, *FILLER, b), config=cfg)
        assert (not res.decisions[3].kept) is removed, (length, res.decisions[3])


@pytest.mark.parametrize("n_words", [PROSE_LONG_WORDS - 1, PROSE_LONG_WORDS])
def test_long_prose_is_never_the_models_whatever_its_ending(n_words):
    """A block of PROSE_LONG_WORDS words or more with a prose share of function words is kept by
    the model even when it does not end like a sentence (an article held in one table cell)."""
    words = ("the council said that it would vote on the plan for the harbour and the roads " * 10).split()
    block = " ".join(words[: n_words - 1]) + " | Comments |  |"  # n_words words in all
    text = _doc(ORIGINAL, block, *FILLER)
    cfg = Config(stages=("boilerplate",), boilerplate=BoilerplateConfig(quality_threshold=0.0))
    d = dedupe.clean(text, config=cfg).decisions[1]
    assert d.kept is (n_words >= PROSE_LONG_WORDS), d


@pytest.mark.parametrize(("row", "kept"), [("| The council approved the plan on Monday after a long debate. |  |", True),
                                           ("| The council approved the plan on Monday after a long debate |  |", False)])  # fmt: skip
def test_table_row_is_judged_by_its_last_cell(row, kept):
    text = _doc(ORIGINAL, row, *FILLER)
    cfg = Config(stages=("boilerplate",), boilerplate=BoilerplateConfig(quality_threshold=0.0))
    assert dedupe.clean(text, config=cfg).decisions[1].kept is kept


@pytest.mark.parametrize(
    ("before", "fragment", "kept"),
    [
        (FILLER[0], "(", True),  # a piece of the sentence around it: takes its neighbours' class
        (FILLER[0], ",", True),
        (FILLER[0], "?", True),
        (FILLER[0], "----", False),  # a separator is not sentence punctuation
        (FILLER[0], "||", False),
        ("Menu | Home", "(", False),  # one neighbour goes, so the fragment is the model's
    ],
)
def test_punctuation_fragment_takes_its_neighbours_class(before, fragment, kept):
    text = _doc(ORIGINAL, before, fragment, FILLER[1])
    cfg = Config(stages=("boilerplate",), boilerplate=BoilerplateConfig(quality_threshold=0.0))
    res = dedupe.clean(text, config=cfg)
    assert res.decisions[2].kept is kept, res.decisions


def test_punctuation_fragment_at_the_edge_is_the_models():
    cfg = Config(stages=("boilerplate",), boilerplate=BoilerplateConfig(quality_threshold=0.0))
    res = dedupe.clean(_doc(ORIGINAL, *FILLER, "("), config=cfg)
    assert not res.decisions[3].kept


def test_a_caption_that_is_all_the_page_says_stays():
    """A photo page: the caption with its credit is the page's only text, so it is the content.
    Next to a story of prose length it is furniture (boundary: CAPTION_PAGE_WORDS)."""
    from dedupe.stages.passes import CAPTION_PAGE_WORDS

    caption = (
        "A boy poses with a painting at the art exhibition in the old town hall, where visitors are "
        "encouraged to touch the works. (Jane Doe/Getty Images)"
    )
    assert len(caption.split()) >= CAPTION_PAGE_WORDS
    cfg = Config(stages=("boilerplate",), boilerplate=BoilerplateConfig(quality=False))
    alone = dedupe.clean(caption, config=cfg).decisions
    assert alone[0].kept, alone
    story = " ".join(["word"] * (CAPTION_PAGE_WORDS - 2) + ["council", "vote."])
    for words, removed in ((CAPTION_PAGE_WORDS - 1, False), (CAPTION_PAGE_WORDS, True)):
        body = " ".join(story.split()[-words:])
        d = dedupe.clean(_doc(caption, body), config=cfg).decisions[0]
        assert (d.reason == "boilerplate.caption") is removed, (words, d)
