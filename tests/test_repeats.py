"""Repeats: pasted copies removed, structural repeats kept, edited copies found across documents.

Hand-made cases, one per rule of ``dedupe.stages.duplicates`` and ``dedupe.stages.corpus`` and each
threshold's boundary (issue 17); the examples of structure come from the kinds of page that repeat
lines by design (interviews, recipe cards, listings, parallel sentences, templated blurbs).
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedupe
from dedupe import Config, CorpusConfig, DuplicateConfig
from dedupe.model import Document
from dedupe.parallel import LocalPhase
from dedupe.pipeline import Cleaner
from dedupe.shapes import sentences, unit_count, units
from dedupe.stages.duplicates import (
    EXCERPT_EDITS,
    EXCERPT_MIN_CUT,
    FIELD_RUN_MAX,
    PROSE_REPEAT_WORDS,
    TEMPLATE_JACCARD,
    TEMPLATE_RELATIVES,
    card_fields,
    is_excerpt,
)

DUPS = Config(stages=("duplicates",))

PROSE = [
    "The regional council approved the new harbour budget on Tuesday after a long debate about dredging.",
    "Residents had asked for the plan to be published in full before any vote was taken on it.",
    "Several members said the costs had doubled since the first estimate was made two years ago.",
    "A pilot will run in two districts from the spring before the scheme opens across the whole city.",
    "Local businesses welcomed the plan, although some said the deadline for comments was too tight.",
    "Officials said they would publish figures on the take-up of the scheme every three months.",
    "Critics argue that the money would be better spent on the existing advice service in the centre.",
    "The next meeting of the council is due to take place at the town hall at the end of the month.",
]


def _kept(lines: list[str], config: Config = DUPS) -> list[bool]:
    res = dedupe.clean("\n".join(lines), config=config)
    assert [b.text for b in res.blocks] == lines
    return [d.kept for d in res.decisions]


def _decision(lines: list[str], k: int, config: Config = DUPS) -> dedupe.Decision:
    return dedupe.clean("\n".join(lines), config=config).decisions[k]


# -- runs ----------------------------------------------------------------------------------------


def test_a_run_of_two_short_lines_recurring_once_is_a_copy_and_one_line_is_not():
    """Run length 2 vs 1: two short lines without end punctuation copied far below go; one such
    line recurring far below is a heading used twice and stays."""
    head = ["Group B: second title", "Price: $30"]
    run = [*head, *PROSE[:6], *head]
    kept = _kept(run)
    assert kept == [True] * 8 + [False, False]
    d = _decision(run, 8)
    assert d.evidence["match"] == "run" and d.evidence["run_length"] == 2
    assert d.evidence["duplicate_of"] == ["doc", 0]
    single = [PROSE[7], head[0], *PROSE[:6], head[0]]
    assert all(_kept(single))


def test_a_run_recurring_three_times_is_a_repeated_card():
    card = ["Contract: Full time", "Apply now"]
    lines = [*card, PROSE[0], *card, PROSE[1], *card, PROSE[2]]
    assert all(_kept(lines))


def test_runs_of_any_script_and_length():
    """Japanese lines ending in '。' and lines of under three words, copied as a run far below."""
    ja = [
        "市は火曜日、旧市街の水道管を更新すると発表した。",
        "工事の進み具合",
        "担当者によると、約三十万人が恩恵を受ける。",
    ]
    lines = [*ja, *PROSE[:5], *ja]
    assert _kept(lines) == [True] * 8 + [False] * 3


def test_a_label_ending_a_run_is_not_copied_with_it():
    """A structural line (recurring 3+ times) that ends a repeated stretch is followed by different
    content at the two places: the stretch is one line of a card, not a copied run."""
    lines = ["Plan to spend: $15", "Buying options:", "Amazon", PROSE[0], "Plan to spend: $15",
             "Buying options:", "Home Depot", PROSE[1], "Buying options:", "Walmart", PROSE[2]]  # fmt: skip
    assert all(_kept(lines))


def test_a_card_field_under_the_same_label_stays():
    """The same question under the "Q:" label, asked of two people, is a field of a card."""
    q = "What does a typical working day look like for you?"
    lines = ["Q:", q, "A:", PROSE[0], "Q:", "How did you start?", "A:", PROSE[1], "Q:", q, "A:", PROSE[2]]
    assert all(_kept(lines))


# -- structure and exact repeats -----------------------------------------------------------------


@pytest.mark.parametrize("repeats", [2, 3])
def test_recurrence_two_is_a_copy_three_is_structure(repeats):
    """A line recurring twice (each time followed by different content) is a copy; three times, page
    structure (the boundary is duplicates.structure_repeats). The line is a note, not prose (see
    test_a_prose_paragraph_pasted_three_times_goes)."""
    line = "Read the full review on our sister site"
    lines = [PROSE[0]]
    for k in range(repeats):
        lines += [line, PROSE[1 + k]]
    kept = _kept(lines)
    assert kept[1] and all(kept[2::2])
    assert all(kept[3::2]) is (repeats >= DuplicateConfig().structure_repeats)


def test_structure_repeats_setting_moves_the_boundary():
    line = "Read the full review on our sister site"
    lines = [PROSE[0], line, PROSE[1], line, PROSE[2], line, PROSE[3]]
    assert all(_kept(lines))
    cfg = Config(stages=("duplicates",), duplicates=DuplicateConfig(structure_repeats=4))
    assert _kept(lines, cfg) == [True, True, True, False, True, False, True]


def test_a_short_line_far_away_stays_and_near_by_goes():
    """A short line (< SHORT_LINE_WORDS) recurring once far below is a heading or list item used twice;
    right after its first occurrence it is a copy."""
    from dedupe.stages.duplicates import SHORT_LINE_GAP

    line = "Salt and pepper to taste"
    far = [PROSE[0], line, *PROSE[1 : 1 + SHORT_LINE_GAP], line]  # SHORT_LINE_GAP + 1 blocks apart
    assert all(_kept(far))
    near = [PROSE[0], line, *PROSE[1:SHORT_LINE_GAP], line]  # SHORT_LINE_GAP blocks apart
    assert _kept(near)[-1] is False


# -- titles ---------------------------------------------------------------------------------------

TITLE = "Council approves harbour budget after long debate"


@pytest.mark.parametrize(
    "copy",
    [
        TITLE,
        f"{TITLE} | City Wire",
        f"{TITLE} - City Wire",
        f"{TITLE} – The Daily Ledger",
        f"City Wire :: {TITLE}",
    ],
)
def test_the_title_repeated_far_below_goes_with_or_without_a_site_name(copy):
    lines = [TITLE, *PROSE, copy]
    d = _decision(lines, len(lines) - 1)
    assert not d.kept and d.evidence["match"] == "title" and d.evidence["duplicate_of"] == ["doc", 0]


def test_a_line_that_goes_on_after_the_title_stays():
    lines = [TITLE, *PROSE[:3], f"{TITLE}: what it means for the fish market and the ferry"]
    assert all(_kept(lines))


def test_an_affix_longer_than_a_site_name_is_no_site_name():
    from dedupe.stages.duplicates import AFFIX_MAX_WORDS

    long_affix = " ".join(["word"] * (AFFIX_MAX_WORDS + 1))
    assert all(_kept([TITLE, *PROSE[:3], f"{TITLE} | {long_affix}"]))
    short_affix = " ".join(["word"] * AFFIX_MAX_WORDS)
    assert not _kept([TITLE, *PROSE[:3], f"{TITLE} | {short_affix}"])[-1]


# -- near copies -----------------------------------------------------------------------------------

PARA = ("Egypt has been a key ally of Haftar, providing air strikes to the warlord before and after "
        "his offensive was launched last month on the Libyan capital.")  # fmt: skip


@pytest.mark.parametrize(
    "edited",
    [
        PARA.replace("providing", "provdiing"),  # a typo
        PARA.replace("key ally", "key regional ally"),  # a word added
        PARA.replace(" last month", " month"),  # a word dropped
        PARA.replace(
            "providing air strikes to the warlord", "sending money and weapons to his forces"
        ),  # a clause
    ],
    ids=["typo", "add", "drop", "clause"],
)
def test_an_edited_copy_of_one_paragraph_goes(edited):
    lines = [PARA, *PROSE[:4], edited]
    d = _decision(lines, 5)
    assert not d.kept and d.evidence["match"] == "near" and d.evidence["duplicate_of"] == ["doc", 0]


def test_a_merge_needs_two_adjacent_sources():
    """Sentences of two adjacent blocks fused: a copy; of two blocks far apart: not a copy."""
    merged = PROSE[0] + " " + PROSE[1]
    d = _decision([PROSE[0], PROSE[1], *PROSE[2:6], merged], 6)
    assert not d.kept and d.evidence["match"] == "merged"
    scattered = PROSE[0] + " " + PROSE[5]
    assert all(_kept([*PROSE[:6], scattered]))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Read-only views are covariant: if Dog is a subtype of Pet, then a read-only view of dogs can be "
            "used wherever a read-only view of pets is expected.",
            "Write-only sinks are contravariant: if Dog is a subtype of Pet, then a write-only sink of pets can "
            "be used wherever a write-only sink of dogs is expected.",
        ),
        (
            "The coastal path is 18 kilometres long and takes about five hours on foot from the harbour.",
            "The forest path is 11 kilometres long and takes about three hours on foot from the station.",
        ),
        (
            "We are looking for a site engineer to join our growing team in Glasgow; experience is welcome.",
            "We are looking for a data analyst to join our friendly team in Leeds; experience is welcome.",
        ),
        (
            "Here is an Agile software development methodology comparison in terms of pros and cons.",
            "Here is a Waterfall software development methodology comparison in terms of pros and cons.",
        ),
    ],
    ids=["parallel", "routes", "job_template", "name_swap"],
)
def test_parallel_and_templated_sentences_stay(a, b):
    assert all(_kept([a, *PROSE[:3], b]))


def test_a_sentence_the_page_fills_in_three_times_is_structure():
    """Near copies of one block in two or more places: a template (structure_repeats members)."""
    t = "The council discussed the {} at length on Monday evening, residents who attended said."
    two = [t.format("ferry timetable"), *PROSE[:2], t.format("harbour wall")]
    assert _kept(two)[-1] is False
    three = [*two, PROSE[3], t.format("fish market")]
    assert all(_kept(three))


def test_an_excerpt_is_not_a_copy_within_a_document():
    """A sentence of a longer block repeated as its own line (a pull quote, a summary bullet) covers
    too little of that block (duplicates.coverage). With two typos, so that it is no stretch of the
    block with at most EXCERPT_EDITS edits (those are excerpts whatever the coverage)."""
    long = PROSE[0] + " " + PROSE[1] + " " + PROSE[2]
    lines = [long, *PROSE[3:6], PROSE[1].replace("published", "publsihed").replace("asked", "aksed")]
    assert all(_kept(lines))
    cfg = Config(stages=("duplicates",), duplicates=DuplicateConfig(coverage=0.2))  # it holds 0.26
    assert _kept(lines, cfg)[-1] is False


def test_containment_boundary():
    edited = PARA.replace("providing air strikes to the warlord", "sending money and weapons to his forces")
    lines = [PARA, *PROSE[:4], edited]
    d = _decision(lines, 5)
    measured = d.evidence["similarity"]
    for value, kept in ((measured, False), (min(1.0, measured + 1e-9), True)):
        cfg = Config(stages=("duplicates",), duplicates=DuplicateConfig(containment=value))
        assert _decision(lines, 5, cfg).kept is kept


def test_gap_bigrams_boundary():
    """The seeds' condensed copy misses its source in 3 places of 25 bigrams: at most one gap per
    gap_bigrams bigrams (8: 3 allowed; 9: 2)."""
    source = ("Egypt has been a key ally of Haftar, providing air strikes to the warlord before and after "
              "his offensive was launced last month on the Libyan capital, which is held by the UN-recognised "
              "government.")  # fmt: skip
    copy = ("Egypt and the UAE have been key allIes of Haftar before and after his offensive on the Libyan "
            "capital, which is held by the UN-recognised government.")  # fmt: skip
    lines = [source, *PROSE[:4], copy]
    d = _decision(lines, 5)
    assert not d.kept and d.evidence["gaps"] == 3
    n_bigrams = len(units(copy)) - 1
    for gap_bigrams, kept in ((n_bigrams // 3, False), (n_bigrams // 3 + 1, True)):
        cfg = Config(stages=("duplicates",), duplicates=DuplicateConfig(gap_bigrams=gap_bigrams))
        assert _decision(lines, 5, cfg).kept is kept


def test_edit_words_boundary():
    """New words in two places of a 19-unit sentence: two places are allowed from edit_words <= 9."""
    a = "The museum opens at nine in the morning and closes at five in the afternoon on every weekday."
    b = "The museum opens at ten in the morning and closes at six in the afternoon on every weekday."
    n = unit_count(b)
    lines = [a, *PROSE[:3], b]
    assert _kept(lines)[-1] is True  # also a template: two words swapped one for one
    cfg = Config(stages=("duplicates",), duplicates=DuplicateConfig(edit_words=n // 2))
    b2 = b.replace("ten in", "ten oclock in")  # not one for one any more
    lines2 = [a, *PROSE[:3], b2]
    assert _decision(lines2, 4, cfg).kept is False
    cfg = Config(stages=("duplicates",), duplicates=DuplicateConfig(edit_words=n // 2 + 1))
    assert _decision(lines2, 4, cfg).kept is True


# -- shapes in every script ----------------------------------------------------------------------


def test_sentence_ends_and_word_counts_in_every_script():
    assert unit_count("市は発表した。") == 6
    assert sentences("市は発表した。工事は来週始まる。") == ["市は発表した。", "工事は来週始まる。"]
    assert sentences("他说：“好！”她走了。") == ["他说：“好！”", "她走了。"]
    assert sentences("قال الوزير؟ ثم غادر.") == ["قال الوزير؟", "ثم غادر."]
    assert sentences("Group B: second title") == ["Group B: second title"]


# -- across documents --------------------------------------------------------------------------------


def _second(first: str, second: str, cfg: CorpusConfig | None = None) -> dedupe.Decision:
    cleaner = dedupe.Cleaner(Config(stages=("corpus",), corpus=cfg or CorpusConfig()))
    return list(cleaner.clean_many([first, second]))[1].decisions[0]


SHORT = "Residents had asked for the plan to be published in full before the vote."  # 15 words


@pytest.mark.parametrize(
    "edited",
    [
        SHORT.replace("published", "pubilshed"),
        SHORT.replace("in full", "in full online"),
        SHORT.replace("the plan", "plan"),
        SHORT.replace("to be published in full", "to be shown to everyone"),
    ],
    ids=["typo", "add", "drop", "clause"],
)
def test_edited_copies_of_short_paragraphs_are_found_across_documents(edited):
    d = _second(SHORT, edited)
    assert not d.kept and d.reason == "duplicate.corpus" and d.evidence["duplicate_of"] == ["0", 0]


def test_a_paragraph_sharing_a_stock_phrase_is_no_copy_across_documents():
    a = "More than 440 people have been killed in the fighting and thousands wounded, according to the WHO."
    b = ("Since April 4, when the offensive began, more than 121 people have been killed in the capital "
         "and a further 561 wounded, according to the WHO.")  # fmt: skip
    assert _second(a, b).kept


def test_a_near_copy_of_a_document_is_flagged_and_dropped_when_asked():
    first = "\n".join(PROSE)
    second = "\n".join([*PROSE[:-1], PROSE[-1].replace("month", "mnoth")])
    res = list(dedupe.Cleaner(Config(stages=("corpus",))).clean_many([first, second]))
    assert res[1].notes["duplicate_of"]["id"] == "0" and "dropped" not in res[1].notes
    assert "duplicate_of" not in res[0].notes
    cfg = Config(stages=("corpus",), corpus=CorpusConfig(drop_duplicate_documents=True))
    cleaner = dedupe.Cleaner(cfg)
    state = cleaner.new_corpus_state()
    assert state is not None
    outs = [
        cleaner.complete(cleaner.prepare(Document(id=str(i), text=t)), state)
        for i, t in enumerate([first, second, second])
    ]
    assert outs[1].notes["dropped"] and outs[2].notes["duplicate_of"]["id"] == "0"  # nothing of 1 was kept


# -- corpus decisions do not depend on the number of workers -----------------------------------------

_WORDS = ["council", "harbour", "budget", "ferry", "school", "river", "market", "court", "water", "road"]


@st.composite
def _corpora(draw: st.DrawFn) -> list[str]:
    pool = [" ".join(draw(st.lists(st.sampled_from(_WORDS), min_size=8, max_size=20))).capitalize() + "."
            for _ in range(6)]  # fmt: skip
    docs = []
    for _ in range(draw(st.integers(2, 7))):
        paras = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=5))
        if draw(st.booleans()):  # an edited copy of a pool paragraph
            p = draw(st.sampled_from(pool)).split()
            p.insert(draw(st.integers(1, len(p) - 1)), draw(st.sampled_from(["also", "now", "very"])))
            paras.append(" ".join(p))
        docs.append("\n".join(paras))
    if docs and draw(st.booleans()):
        docs.append(docs[0])  # a whole document copied
    return docs


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_corpora())
def test_corpus_decisions_do_not_depend_on_the_number_of_workers(texts):
    docs = [Document(id=str(i), text=t) for i, t in enumerate(texts)]
    outcomes = []
    for workers in (1, 2):
        cleaner = Cleaner(Config())
        state = cleaner.new_corpus_state()
        with LocalPhase[int](Config(), workers=workers, batch_docs=2, cleaner=cleaner, corpus=True) as phase:
            results = [cleaner.complete(p, state) for _, p in phase.map(enumerate(docs))]
        outcomes.append(
            [
                (r.text, [dataclasses.astuple(d) for d in r.decisions], r.notes.get("duplicate_of"))
                for r in results
            ]
        )
    assert outcomes[0] == outcomes[1]


# -- the command line: duplicate_of, --drop-duplicate-documents, accounting ---------------------------


def _jsonl(path) -> list[dict]:
    import json

    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _near_copies(tmp_path):
    import json

    first = "\n".join(PROSE)
    copy = first.replace("month", "mnoth")
    other = (
        "\n".join(reversed(PROSE[:3]))
        + "\nA new paragraph about something else entirely, written for this page."
    )
    src = tmp_path / "in.jsonl"
    recs = [{"id": "a", "text": first}, {"id": "b", "text": other}, {"id": "c", "text": copy, "url": "u"}]
    src.write_text("".join(json.dumps(r) + "\n" for r in recs) + "not json\n", encoding="utf-8")
    return src


@pytest.mark.parametrize("workers", ["1", "2"])
def test_cli_drops_near_copies_of_documents_and_accounts_for_them(tmp_path, capsys, workers):
    import json

    from dedupe.cli import main

    src = _near_copies(tmp_path)
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    argv = [
        "clean",
        str(src),
        "-o",
        str(out),
        "--stats",
        str(stats),
        "--workers",
        workers,
        "--doc-timeout",
        "0",
    ]
    assert main([*argv, "--drop-duplicate-documents"]) == 0
    assert [r["id"] for r in _jsonl(out)] == ["a", "b"]
    [dup] = _jsonl(tmp_path / "out.duplicates.jsonl")
    assert dup["id"] == "c" and dup["duplicate_of"]["id"] == "a" and dup["url"] == "u"
    assert dup["duplicate_of"]["similarity"] >= 0.8
    s = json.loads(stats.read_text())
    assert (s["read"], s["written"], s["rejected"], s["dropped"], s["unfinished"]) == (4, 2, 1, 1, 0)
    assert "read 4, written 2, rejected 1 (malformed_json 1), dropped 1" in capsys.readouterr().err
    # Without the flag the near copy is written, flagged, in corpus mode only.
    assert main([*argv, "--corpus"]) == 0
    recs = {r["id"]: r for r in _jsonl(out)}
    assert recs["c"]["duplicate_of"]["id"] == "a" and "duplicate_of" not in recs["a"]
    assert json.loads(stats.read_text())["dropped"] == 0
    assert main(argv) == 0
    assert all("duplicate_of" not in r for r in _jsonl(out))


def test_cli_duplicates_file_needs_a_place(tmp_path, capsys):
    from dedupe.cli import main

    src = _near_copies(tmp_path)
    assert main(["clean", str(src), "--drop-duplicate-documents"]) == 2
    assert "--duplicates FILE" in capsys.readouterr().err
    assert main(["clean", str(src), "--duplicates", str(tmp_path / "d.jsonl")]) == 2
    dups = tmp_path / "d.jsonl"
    assert main(["clean", str(src), "--drop-duplicate-documents", "--duplicates", str(dups)]) == 0
    assert [r["id"] for r in _jsonl(dups)] == ["c"]
    # The setting in a --config file is the flag: the dropped documents need a place too.
    cfg = tmp_path / "dedupe.toml"
    cfg.write_text("[corpus]\ndrop_duplicate_documents = true\n", encoding="utf-8")
    assert main(["clean", str(src), "--config", str(cfg)]) == 2
    assert main(["clean", str(src), "--config", str(cfg), "-o", str(tmp_path / "o.jsonl")]) == 0
    assert [r["id"] for r in _jsonl(tmp_path / "o.duplicates.jsonl")] == ["c"]


def test_code_shared_by_two_examples_is_not_a_pasted_run():
    """Documentation repeats statements in its examples by design: a run of code lines stays."""
    code = ["setCount(count + 1);", "return (", "<div>", "</div>", ");"]
    lines = [PROSE[0], *code[:3], PROSE[1], PROSE[2], *code[:3], PROSE[3]]
    assert all(_kept(lines))
    prose_run = [
        PROSE[0],
        "Group B: second title",
        "Price: $30",
        PROSE[1],
        PROSE[2],
        "Group B: second title",
        "Price: $30",
    ]
    assert _kept(prose_run)[-2:] == [False, False]


def test_min_run_boundary():
    head = ["Group B: second title", "Price: $30"]
    lines = [PROSE[7], *head, *PROSE[:5], *head]
    assert _kept(lines)[-2:] == [False, False]
    cfg = Config(stages=("duplicates",), duplicates=DuplicateConfig(min_run=3))
    assert all(_kept(lines, cfg))  # two short lines far apart, each a heading used twice


# -- issue 17, last gap: prose pasted three times, excerpts, card fields, labels copied with a run --


@pytest.mark.parametrize("n_units", [PROSE_REPEAT_WORDS - 1, PROSE_REPEAT_WORDS])
def test_a_prose_paragraph_pasted_three_times_goes(n_units):
    """A statement of PROSE_REPEAT_WORDS units or more recurring three times is pasted, not
    structure: the later two go; one unit shorter it is a note the page repeats and stays. A
    question recurring three times stays whatever its length (the question before each answer)."""
    words = "the committee will publish its final report on the harbour plan early next spring and"
    line = " ".join(words.split(" ")[:n_units]).capitalize() + "."
    assert unit_count(line) == n_units
    lines = [PROSE[0], line, PROSE[1], line, PROSE[2], line, PROSE[3]]
    prose = n_units >= PROSE_REPEAT_WORDS
    assert _kept(lines) == [True, True, True, not prose, True, not prose, True]
    question = line[:-1] + "?"
    assert all(_kept([PROSE[0], question, PROSE[1], question, PROSE[2], question, PROSE[3]]))


def test_an_excerpt_cut_from_its_source_is_not_a_copy():
    """A block that is its source less EXCERPT_MIN_CUT units at its head or tail (a quotation without
    the words that introduced it) stays; less one unit (a list number) it is a near copy and goes."""
    quote = "Officials said they would publish figures on the take-up of the scheme every three months."
    assert EXCERPT_MIN_CUT == 2
    for intro, kept in (("She adds: ", True), ("Update: ", False)):
        lines = [intro + quote, *PROSE[:4], quote]
        assert _kept(lines)[-1] is kept, intro
    assert is_excerpt(["b", "c"], ["a", "b", "c", "d"]) and not is_excerpt(
        ["b", "c", "d"], ["a", "b", "c", "d"]
    )
    assert not is_excerpt(["b", "x"], ["a", "b", "c", "d"])


def test_a_label_is_copied_with_a_run_long_enough_without_it():
    """A structural line ending a repeated stretch is part of the pasted run when the stretch holds
    min_run lines without it (and without a leading structural line); with fewer it is a card's."""
    label = "Buying options:"
    run = [PROSE[4], PROSE[5], label]
    lines = [label, "Amazon", *run, "Home Depot", PROSE[0], PROSE[1], *run, "Walmart"]
    assert _kept(lines)[8:11] == [False, False, False]
    cfg = Config(stages=("duplicates",), duplicates=DuplicateConfig(min_run=3))
    assert _kept(lines, cfg)[10] is True  # the label stays with the card


@pytest.mark.parametrize("shared", [FIELD_RUN_MAX, FIELD_RUN_MAX + 1])
def test_cards_sharing_field_values_by_chance_stay(shared):
    """Two job cards with the same values in FIELD_RUN_MAX fields in a row (their labels start a line
    of every card) are two cards; more equal fields in a row are the same card pasted twice."""
    fields = ["Location: Leeds", "Salary: £31,000 a year", "Hours: 37 a week", "Start: January"]
    others = ["Location: Bristol", "Salary: £27,000 a year", "Hours: 20 a week", "Start: March"]
    cards = [
        ["Data analyst", *fields[:shared], *others[shared:], PROSE[0]],
        ["Site engineer", *fields, PROSE[1]],
        ["Care worker", *others, PROSE[2]],
    ]
    lines = [line for card in cards for line in card]
    kept = _kept(lines)
    copied = kept[len(cards[0]) + 1 : len(cards[0]) + 1 + shared]
    assert all(copied) is (shared <= FIELD_RUN_MAX)
    assert card_fields(lines, 3) == {i for i, line in enumerate(lines) if ": " in line}


# -- issue 17, within-document precision: the same slot, template items, numbers, excerpts -------

_FERRY = "Fast crossings every twenty minutes from the old harbour to the island, with room for bicycles."
_FERRY_ADD = _FERRY.replace("for bicycles", "for bicycles and prams")


def test_a_near_copy_in_the_same_slot_of_a_repeated_section_stays():
    """Under the same kept line as its source (the same label of two reviews), a near copy is the
    same slot worded for its place and stays; under another line it goes; under the same line
    pasted with it (the pair removed as a copy, the second line edited) it goes too."""
    same = [
        "Harbour Ferry",
        "What we like:",
        _FERRY,
        PROSE[0],
        PROSE[1],
        "Island Bus",
        "What we like:",
        _FERRY_ADD,
    ]
    assert all(_kept(same))
    other = [*same[:6], "Why we like it:", _FERRY_ADD]
    d = _decision(other, 7)
    assert not d.kept and d.evidence["match"] == "near" and d.evidence["duplicate_of"] == ["doc", 2]
    below = [_FERRY, "Tickets cost less on weekdays.", *PROSE[:3], _FERRY_ADD, "Tickets cost less at night."]
    assert _kept(below)[5] is False  # the line below differs: a copy
    below[-1] = below[1]
    assert _kept(below)[5] is True
    pasted = [PROSE[4], _FERRY, *PROSE[:3], PROSE[4], _FERRY_ADD]
    assert _kept(pasted) == [True, True, True, True, True, False, False]


_HOTEL = "This hotel appears in our lists of the best spa hotels in Portugal and the best city breaks in {}."
_RELATIVES = [
    "This hotel appears in our lists of the best beach hotels in Greece and the quietest islands of the Aegean.",
    "This hotel appears in our lists of the best ski lodges in Austria and the finest mountain views of Tyrol.",
]


def _hotels(relatives: list[str]) -> list[str]:
    between = [p for pair in zip(relatives, PROSE[3:]) for p in pair]
    return [_HOTEL.format("Lisbon"), PROSE[0], *between, PROSE[1], _HOTEL.format("Lisbon and Porto")]


@pytest.mark.parametrize("n", [TEMPLATE_RELATIVES - 1, TEMPLATE_RELATIVES])
def test_a_near_match_of_a_template_item_is_another_item(n):
    """A source resembling TEMPLATE_RELATIVES other blocks (bigram Jaccard >= TEMPLATE_JACCARD) is an
    item of a template the page fills in: its near match stays. With one relative fewer, it goes."""
    lines = _hotels(_RELATIVES[:n])
    assert _kept(lines)[-1] is (n >= TEMPLATE_RELATIVES)


def test_template_jaccard_boundary(monkeypatch):
    from dedupe.overlap import bigram_hashes
    from dedupe.stages import duplicates

    lines = _hotels(_RELATIVES)
    h = [set(x.tolist()) for x in bigram_hashes([lines[0], *_RELATIVES])]
    jaccard = min(len(h[0] & r) / len(h[0] | r) for r in h[1:])
    assert jaccard >= TEMPLATE_JACCARD
    monkeypatch.setattr(duplicates, "TEMPLATE_JACCARD", jaccard)
    assert _kept(lines)[-1] is True
    monkeypatch.setattr(duplicates, "TEMPLATE_JACCARD", jaccard + 1e-9)
    assert _kept(lines)[-1] is False


def test_a_clause_replaced_by_one_with_a_number_is_an_edit_when_the_source_has_none():
    """Numbers tell two items of a template apart when the source has numbers of its own; a source
    without any had a clause replaced by words that hold one: an edited copy."""
    source = "Residents had asked for the plan to be published in full before any vote was taken on it."
    edited = source.replace("to be published in full", "to reach them by 12 May")
    d = _decision([source, *PROSE[2:5], edited], 4)
    assert not d.kept and d.evidence["match"] == "near"
    numbered = source.replace("Residents had", "About 40 residents had")
    assert _kept([numbered, *PROSE[2:5], numbered.replace("40", "60").replace("in full", "at once")])[-1]


def test_an_excerpt_may_differ_in_one_place():
    """The first sentence of a paragraph numbered as a list item ("1. ...") is an excerpt of it
    (EXCERPT_EDITS = 1 edit besides the cut); with a typo as well it is an edited copy."""
    first = (
        "Officials said on Monday that they would publish figures on the take-up of the scheme every month."
    )
    source = first + " The figures will be broken down by district."
    assert EXCERPT_EDITS == 1
    assert _kept([source, *PROSE[:4], "1. " + first])[-1] is True
    typo = "1. " + first.replace("publish", "pubilsh")
    d = _decision([source, *PROSE[:4], typo], 5)
    assert not d.kept and d.evidence["match"] == "near"
    assert is_excerpt(["1", "b", "c"], ["b", "c", "d", "e"])
    assert not is_excerpt(["1", "b", "x"], ["b", "c", "d", "e"])


def test_a_quotation_with_the_attribution_of_its_post_is_an_excerpt():
    """A quotation taken from a paragraph (the words introducing it cut) and followed by the
    attribution of the post it comes from is an excerpt with words of its own, not a copy; words
    added where nothing was cut make the source extended, which is decided elsewhere."""
    quote = "We wish all our readers a peaceful and happy holiday with their families and friends"
    source = "The mayor posted a picture of the town square and wrote: " + quote + "."
    post = quote + " Posted by the Town Hall on Thursday, 24 December"
    assert _kept([source, *PROSE[:4], post])[-1] is True
    assert is_excerpt(["c", "d", "x", "y"], ["a", "b", "c", "d"])
    assert not is_excerpt(["a", "b", "c", "d", "x", "y"], ["a", "b", "c", "d"])
    assert not is_excerpt(["b", "c", "d", "x", "y"], ["a", "b", "c", "d"])  # one unit cut
