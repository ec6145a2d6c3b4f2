"""The headline-and-blurb rule (offtopic, rule ``headline_blurb``) and the two places where a
headline-shaped line and the paragraph under it are the article's own: under a line that
introduces them with a colon, and at the head of the article, where the paragraph is the lede."""

from __future__ import annotations

import dedupe
from dedupe import Config, OfftopicConfig

TITLE = "Harbour council approves the new dredging budget"
BODY = [
    "The regional council approved the new harbour budget on Tuesday after a long debate about "
    "dredging costs and the future of the fish market.",
    "Residents had asked for the dredging plan to be published in full before the council took "
    "any vote on the harbour budget.",
    "Several council members said the dredging costs had doubled since the first estimate of the "
    "harbour works two years ago.",
    "The fish market will stay open while the harbour is dredged, the council said, and the works "
    "should end before the summer.",
]
HEAD = "Mourinho signs striker Haaland from Dortmund"
BLURB = "Erling Haaland joined Manchester United from Borussia Dortmund, Jose Mourinho told reporters at Old Trafford."
CFG = Config(stages=("offtopic",), offtopic=OfftopicConfig(model_threshold=None))


def _decisions(*blocks: str) -> list[dedupe.Decision]:
    return list(dedupe.clean("\n\n".join(blocks), config=CFG).decisions)


def test_a_foreign_pair_inside_the_body_is_removed_with_its_signals():
    ds = _decisions(TITLE, BODY[0], BODY[1], HEAD, BLURB, BODY[2], BODY[3])
    head, blurb = ds[3], ds[4]
    assert head.reason == blurb.reason == "offtopic.teaser", ds
    assert head.evidence["rule"] == "headline_blurb" and head.evidence["part"] == "headline"
    assert {"novel_names", "headline_low_coherence", "blurb_low_coherence"} <= set(head.evidence["signals"])
    assert blurb.evidence["teaser_headline"] == 3


def test_a_pair_introduced_by_a_colon_line_is_the_articles():
    ds = _decisions(TITLE, BODY[0], BODY[1] + " What the minutes say:", HEAD, BLURB, BODY[2], BODY[3])
    assert ds[3].kept and ds[4].kept, ds


def test_a_pair_above_the_first_prose_is_the_articles_head_when_the_lede_takes_up_the_title():
    lede = (
        "Erling Haaland of Borussia Dortmund said the harbour budget was a record, Jose Mourinho "
        "told reporters at Old Trafford."
    )
    ds = _decisions(TITLE, HEAD, lede, *BODY)
    assert ds[1].kept and ds[2].kept, ds
    # The same pair inside the body is judged as usual.
    ds = _decisions(TITLE, BODY[0], BODY[1], HEAD, lede, BODY[2], BODY[3])
    assert not ds[3].kept and not ds[4].kept, ds


def test_a_pair_above_the_first_prose_that_ignores_the_title_is_still_judged():
    ds = _decisions(TITLE, HEAD, BLURB, *BODY)
    assert not ds[1].kept and not ds[2].kept, ds


def _by_rule(d: dedupe.Decision) -> bool:
    """Removed by the headline-and-blurb rule (the splice detector, a pass of its own, may still
    take a pair this foreign)."""
    return not d.kept and d.evidence.get("rule") == "headline_blurb"


def test_a_bulleted_headline_is_an_item_of_the_articles_list():
    """From the tune part of benchmarks/splice2.py ("- Check: Headlights, Turn Signals ..."): a
    headline-shaped line with a list bullet is the article's list, however foreign its words."""
    ds = _decisions(TITLE, BODY[0], BODY[1], "- " + HEAD, BLURB, BODY[2], BODY[3])
    assert not _by_rule(ds[3]) and not _by_rule(ds[4]), ds


def test_parallel_label_lines_are_the_articles_structure():
    """A "Label: ..." headline is the article's own when another line of the document opens the
    same way (a listicle's "Pro: ..." and "Con: ..."); alone, it is judged as usual. Boundary at
    PARALLEL_LABELS = 1 other such line."""
    head = "Transfer: " + HEAD
    other = "Budget: the harbour works will cost more than planned, the council said on Tuesday."
    assert _by_rule(_decisions(TITLE, BODY[0], BODY[1], head, BLURB, BODY[2], BODY[3])[3])
    ds = _decisions(TITLE, BODY[0], BODY[1], head, BLURB, BODY[2], other)
    assert not _by_rule(ds[3]) and not _by_rule(ds[4]), ds
