"""The splice detector (dedupe.discourse, issue 21) and its pass in the off-topic stage
(``splice_model``, :class:`dedupe.stages.offtopic.SplicedPassage`).

What it must keep doing: the seeds stay exact, the title is never removed, every removal names the
signals and scores behind it, a threshold is a boundary, ``None`` switches it off, and the detector
is a pure function of the blocks it is given.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.discourse import (
    FEATURES,
    MIN_BLOCKS,
    SCREEN_END,
    SpliceDetector,
    candidates,
    decide,
    splice_features,
)
from dedupe.lang import guess_stoplist_texts

# A made-up article: a body about a harbour, a teaser of a football story in the middle, and the
# lede of another story at the end (the two shapes of the seeds, in our own words).
ARTICLE = [
    "Harbour council approves new ferry terminal after long debate",
    "The harbour council approved plans for a new ferry terminal on Tuesday, ending a debate about the cost of the project that lasted two years.",
    "Council members voted seven to two for the terminal, which will replace the ageing ferry pier built in the 1960s.",
    "The new terminal will have two berths, a waiting hall and a covered walkway to the bus station, the council said.",
    "Opponents of the ferry terminal said the harbour budget could not carry the cost and asked for a smaller pier.",
    "Striker Jan Kowal scores twice as United beat Rovers in cup thriller",
    "Kowal's late double sent United into the semi-finals after Rovers had led for most of the match at Meadow Park.",
    "Work on the terminal is expected to begin in the spring, and the first ferries should berth there within three years.",
    "The council will publish the final design of the terminal and the walkway next month.",
    "Astronomers at the Vela Observatory have found a comet that will pass close to Earth next winter, the observatory's director Mira Sand said on Friday.",
]


@pytest.fixture(scope="module")
def detector() -> SpliceDetector:
    return SpliceDetector.load()


def test_model_loads_with_its_features(detector):
    assert detector.spec["features"] == list(FEATURES)
    assert 0.5 < detector.threshold < 1.0
    assert detector.lede is not None and detector.close is not None


def test_seeds_stay_exact_with_the_detector_wired_in(gold, seed_texts):
    """The default pipeline (off-topic rules, then the detector on the kept blocks): every gold
    off-topic line goes (003's football teaser and its same-subject lede at the end) and no other
    line goes by an off-topic decision."""
    assert dedupe.Config().offtopic.splice_threshold is not None
    wrong = []
    for d in gold:
        res = dedupe.clean(seed_texts[d["file"]])
        for k, line in enumerate(d["lines"]):
            dec = res.decisions[k]
            if line["label"] == "offtopic" and dec.kept:
                wrong.append(("missed", d["file"], k, line["line"][:60]))
            elif line["label"] != "offtopic" and not dec.kept and dec.reason.startswith("offtopic"):
                wrong.append(("taken", d["file"], k, line["line"][:60]))
    assert wrong == []


def _pipeline(threshold: float | None) -> dedupe.Cleaner:
    """The off-topic rules off (their headline-and-blurb rule takes ARTICLE's teaser first)."""
    config = dedupe.OfftopicConfig(score=math.inf, splice_threshold=threshold)
    return dedupe.Cleaner(dedupe.Config(offtopic=config))


def test_the_pass_removes_with_reason_and_evidence_and_can_be_switched_off(detector):
    """Through the pipeline: the detector's removals are ``offtopic.teaser`` decisions of the
    off-topic stage with ``removed_by: splice_model`` and its evidence; ``None`` turns it off."""
    text = "\n\n".join(ARTICLE)
    res = _pipeline(detector.threshold).clean(text)
    by_pass = [(b.index, d) for b, d in zip(res.blocks, res.decisions) if d.evidence.get("removed_by") == "splice_model"]
    assert by_pass, "the pass removed nothing from an article with two foreign passages"
    for index, d in by_pass:
        assert index in {5, 6, 9}
        assert d.reason == "offtopic.teaser" and d.stage == "offtopic"
        assert d.evidence["rule"] == "splice_model" and d.evidence["signals"]
        assert d.evidence["score"] >= d.evidence["threshold"] or d.evidence["part"] in ("headline", "blurb")
    off = _pipeline(None).clean(text)
    assert not any(d.evidence.get("removed_by") == "splice_model" for d in off.decisions)


def test_a_passage_under_a_line_ending_with_a_colon_is_the_articles(detector):
    """A line ending with a colon introduces what follows: the pass leaves the passage under it."""
    lines = list(ARTICLE)
    lines[4] = lines[4].rstrip(".") + ", as the minutes record:"
    res = _pipeline(0.0).clean("\n\n".join(lines))
    assert res.decisions[5].kept and res.decisions[6].kept


@pytest.mark.parametrize("bad", [-0.1, 1.5, "0.9", True])
def test_bad_splice_threshold_is_a_config_error(bad):
    with pytest.raises(dedupe.ConfigError, match=r"offtopic\.splice_threshold"):
        dedupe.OfftopicConfig(splice_threshold=bad)


def test_finds_a_foreign_passage_and_explains_it(detector):
    stop = guess_stoplist_texts(ARTICLE)[1]
    findings = detector.detect(ARTICLE, stop)
    positions = {f.position for f in findings}
    assert positions, "nothing found in an article with two foreign passages"
    assert positions <= {5, 6, 9}, f"removed genuine blocks: {positions - {5, 6, 9}}"
    for f in findings:
        ev = f.evidence()
        assert ev["rule"] == "splice_model" and ev["part"] in ("lede", "headline", "blurb")
        assert ev["threshold"] == detector.threshold
        assert ev["signals"] and set(ev["signals"]) <= set(FEATURES)
        assert all(set(v) == {"value", "log_odds"} for v in ev["signals"].values())
        if f.part == "lede":
            assert f.score >= detector.threshold


def test_threshold_is_a_boundary(detector):
    """At a threshold equal to the highest score the block is removed; a hair above, nothing is."""
    stop = guess_stoplist_texts(ARTICLE)[1]
    rows, _, p = detector.scores(ARTICLE, stop)
    top = float(p.max())
    at = SpliceDetector.load(threshold=top).detect(ARTICLE, stop)
    assert rows[int(p.argmax())] in {f.position for f in at}
    assert SpliceDetector.load(threshold=math.nextafter(top, 2.0)).detect(ARTICLE, stop) == []


def test_decide_pairs_and_title():
    nan = math.nan
    # The title (block 0) never goes, however sure the model is.
    assert decide([1.0, 0.1, 0.1], [True, False, False], 0.9) == {}
    # A headline at the threshold takes the line under it when that scores half the threshold ...
    assert decide([0.0, 0.95, 0.5, 0.0], [False, True, False, False], 0.9) == {1: "headline", 2: "blurb"}
    # ... not when it scores less.
    assert decide([0.0, 0.95, 0.4, 0.0], [False, True, False, False], 0.9) == {1: "headline"}
    # A sentence at the threshold takes the headline above it (half the threshold).
    assert decide([0.0, 0.46, 0.92, 0.0], [False, True, False, False], 0.9) == {1: "headline", 2: "blurb"}
    # A block not judged (NaN) is never removed.
    assert decide([0.0, nan, 0.2], [False, False, False], 0.1) == {2: "lede"}


def test_short_documents_are_left_alone(detector):
    assert detector.detect(ARTICLE[: MIN_BLOCKS - 1]) == []


def test_screen_never_takes_the_title_and_always_the_end():
    stop = guess_stoplist_texts(ARTICLE)[1]
    cands = candidates(ARTICLE, stop)
    assert 0 not in cands
    assert set(range(len(ARTICLE) - SCREEN_END, len(ARTICLE))) <= set(cands)


def test_a_row_does_not_depend_on_the_other_rows_asked_for():
    stop = guess_stoplist_texts(ARTICLE)[1]
    rows, x = splice_features(ARTICLE, stop, rows=range(len(ARTICLE)))
    for k in (1, 5, 9):
        _, one = splice_features(ARTICLE, stop, rows=[k])
        np.testing.assert_array_equal(one[0], x[rows.index(k)])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=80).filter(str.strip), min_size=0, max_size=12))
def test_any_blocks_give_valid_findings(texts):
    texts = [" ".join(t.split()) or "x" for t in texts]
    det = SpliceDetector.load()
    found = det.detect(texts)
    positions = [f.position for f in found]
    assert positions == sorted(set(positions))
    assert all(0 < p < len(texts) for p in positions)
    assert [f.position for f in det.detect(list(texts))] == positions  # pure: same blocks, same answer


def test_a_body_that_does_not_cohere_is_not_judged():
    """Boundary of MIN_BODY_COHERENCE: the same passages in a body of unrelated paragraphs (median
    coherence below it) are not candidates; in ARTICLE's coherent body they are."""
    from dedupe import discourse

    stop = guess_stoplist_texts(ARTICLE)[1]
    assert discourse._Doc(ARTICLE, stop).median >= discourse.MIN_BODY_COHERENCE
    assert candidates(ARTICLE, stop)
    mixed = [
        ARTICLE[0],
        "Bakers in the valley raised bread prices after a poor wheat harvest this autumn.",
        "A violinist from Oslo won the concerto prize with a piece written for her grandmother.",
        "Engineers replaced the signalling cables along the northern railway over the weekend.",
        "The aquarium welcomed two sea otters rescued from a storm on the southern coast.",
        ARTICLE[9],
    ]
    mstop = guess_stoplist_texts(mixed)[1]
    assert not discourse._Doc(mixed, mstop).median >= discourse.MIN_BODY_COHERENCE
    assert candidates(mixed, mstop) == []


# A clean text of dedupe.strategies (CI, 2026-12-07): five paragraphs of unrelated sentences whose
# median coherence is 0.20; before SHORT_BODY_COHERENCE the detector took the last one (p=0.94).
UNRELATED = [
    "The district council approved a plan to repair the old stone bridge after a long debate on Tuesday. "
    "Local farmers questioned a plan to widen the ring road after an inspection in March. The school board "
    "announced a proposal to open the museum on Sunday evenings following months of delays.",
    "A group of nurses welcomed a plan to keep the night bus running at a crowded meeting last week. The "
    "water company criticised a plan to build a new sports hall without giving a clear reason.",
    "Regional planners reviewed a plan to extend the tram line to the coast once the spring floods had "
    "passed. The museum director postponed a plan to plant trees along the river bank while the budget "
    "remained uncertain. Shop owners in the old town rejected a plan to move the weekly market indoors "
    "before the summer holidays began.",
    "The transport authority defended a plan to close the small village school amid complaints about "
    "noise. Several parents debated a proposal to hire more night nurses as costs continued to climb.",
    "The hospital trust studied a plan to raise parking fees downtown in a letter sent to every household. "
    "The harbour master funded a plan to restore the flooded railway station despite strong objections "
    "from residents. Volunteers from the library supported a plan to cut the price of bus tickets in time "
    "for the new school year.",
]


def test_a_short_body_must_cohere_more(monkeypatch):
    """Boundary of SHORT_BODY_COHERENCE: the five unrelated paragraphs above (median 0.20, between
    the two bars) come back whole; with the short bar at the long one's they would be judged."""
    from dedupe import discourse

    stop = guess_stoplist_texts(UNRELATED)[1]
    median = discourse._Doc(UNRELATED, stop).median
    assert len(UNRELATED) < discourse.SHORT_BODY_BLOCKS
    assert discourse.MIN_BODY_COHERENCE <= median < discourse.SHORT_BODY_COHERENCE
    assert candidates(UNRELATED, stop) == []
    text = "\n\n".join(UNRELATED)
    assert dedupe.clean(text).text == text
    monkeypatch.setattr(discourse, "SHORT_BODY_COHERENCE", median)
    assert candidates(UNRELATED, stop)
    # A long body is held to the long bar only: ARTICLE (>= SHORT_BODY_BLOCKS blocks) is judged.
    assert len(ARTICLE) >= discourse.SHORT_BODY_BLOCKS
    assert candidates(ARTICLE, guess_stoplist_texts(ARTICLE)[1])
