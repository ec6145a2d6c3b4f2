"""The related-stories box rule of the offtopic stage: headline-shaped lines right under a
"Related"-type label are links to other articles, whatever their subject."""

from __future__ import annotations

import pytest

import dedupe
from dedupe.config import Config, OfftopicConfig

BODY = [
    "Wildfires on the island forced the evacuation of more than 19,000 people on Sunday, the largest "
    "such operation in the country's history, officials said.",
    "Strong winds fanned the flames towards coastal villages and hotels in the south-east of the "
    "island, where thousands of tourists were spending their holidays.",
    "Tour operators cancelled flights to the island and said they were working to bring customers home.",
    "The fire service said more than 250 firefighters were tackling the blaze with help from abroad.",
]
BOX = [
    "Heatwave grips southern Europe as temperatures soar",
    "Tourists told to stay indoors as Acropolis closes",
    "How climate change is making wildfires worse",
]
TAIL = (
    "Greece has been hit by a prolonged heatwave, with temperatures above 40C in many parts of the country."
)
TITLE = "Wildfire spreads across Greek island as thousands flee"
# The learned models are switched off: the rule alone must catch the box (same subject as the article).
# (The splice detector takes TAIL, a one-sentence lede-shaped close whose words the body never uses,
# once the box is gone: 0.96 against 0.925.)
CFG = Config(offtopic=OfftopicConfig(model_threshold=None, splice_threshold=None))


def _clean(label: str | None, box: list[str] = BOX) -> dedupe.CleanResult:
    lines = [TITLE, *BODY, *([label] if label is not None else []), *box, TAIL]
    return dedupe.clean("\n".join(lines), config=CFG)


def _by_text(r: dedupe.CleanResult) -> dict[str, dedupe.Decision]:
    return {b.text: d for b, d in zip(r.blocks, r.decisions)}


@pytest.mark.parametrize(
    "label", ["Related", "Related stories:", "More on this story", "Mehr zum Thema", "À lire aussi"]
)
def test_box_under_a_label_is_removed(label):
    r = _clean(label)
    by_text = _by_text(r)
    for h in BOX:
        d = by_text[h]
        assert d.reason == "offtopic.teaser" and d.evidence["rule"] == "related_box", d
        assert d.evidence["label"] == ["doc", 1 + len(BODY)]
        assert d.evidence["box_size"] == len(BOX)
    assert by_text[TAIL].kept and all(by_text[b].kept for b in BODY)
    assert not by_text[label].kept  # the label goes with its box (or was boilerplate already)


def test_same_headlines_without_a_label_are_not_this_rule():
    r = _clean(None)
    assert not any(d.evidence.get("rule") == "related_box" for d in r.decisions)


def test_box_ends_at_the_first_sentence():
    sentence = "Officials said the evacuation went smoothly and that no tourists had been injured."
    r = _clean("Related", [BOX[0], sentence, BOX[1]])
    by_text = _by_text(r)
    assert by_text[BOX[0]].evidence.get("rule") == "related_box"
    assert by_text[sentence].kept
    assert by_text[BOX[1]].evidence.get("rule") != "related_box"


def test_cut_headlines_and_arrow_links_are_box_items():
    box = [
        "Boreal forest provides hope in the face of...",
        "Conservation »",
        "Songbirds and the warming north…",
    ]
    r = _clean("Recent Posts", box)
    by_text = _by_text(r)
    assert all(by_text[h].evidence.get("rule") == "related_box" for h in box)


def test_a_line_introducing_a_list_ends_the_box():
    r = _clean("Topics", [BOX[0], "Eight quotes about the fire:", BOX[1]])
    by_text = _by_text(r)
    assert by_text[BOX[0]].evidence.get("rule") == "related_box"
    assert by_text["Eight quotes about the fire:"].evidence.get("rule") != "related_box"
    assert by_text[BOX[1]].evidence.get("rule") != "related_box"


def test_bulleted_links_under_a_links_label():
    box = ["- Google-Themenspecial", "- News zu Internet-Themen", "- Firefox"]
    r = _clean("Interessante Links", box)
    by_text = _by_text(r)
    assert all(by_text[h].evidence.get("rule") == "related_box" for h in box)
    # The same bullets without the label are not this rule's.
    r = _clean(None, box)
    assert not any(d.evidence.get("rule") == "related_box" for d in r.decisions)


def test_a_box_of_bulleted_links_ends_at_the_first_line_without_a_bullet():
    box = [
        "- Google-Themenspecial",
        "- News zu Internet-Themen",
        "Firefox adds a reading mode for long articles",
    ]
    r = _clean("Mehr von Example:", box)
    by_text = _by_text(r)
    assert all(by_text[h].evidence.get("rule") == "related_box" for h in box[:2])
    assert by_text[box[2]].evidence.get("rule") != "related_box"
    # And the other way round: a bulleted line after plain headlines is not the box's.
    r = _clean("Related", [BOX[0], BOX[1], "- Firefox"])
    by_text = _by_text(r)
    assert by_text[BOX[1]].evidence.get("rule") == "related_box"
    assert by_text["- Firefox"].evidence.get("rule") != "related_box"


def test_a_label_without_a_box_stays():
    r = _clean("Topics", [])
    by_text = _by_text(r)
    assert by_text["Topics"].kept


def test_see_also_is_a_cross_reference_not_a_box():
    by_text = _by_text(_clean("See also"))
    assert by_text["See also"].kept and all(by_text[h].kept for h in BOX)


def test_box_above_the_first_paragraph_is_the_page():
    # A "Top stories" label before any prose: the headlines are the page (a listing).
    lines = [TITLE, "Top stories", *BOX, *BODY, TAIL]
    r = dedupe.clean("\n".join(lines), config=CFG)
    assert not any(d.evidence.get("rule") == "related_box" for d in r.decisions)


def test_box_on_a_page_of_headlines_is_kept_boundary():
    # One paragraph of prose, then headline after headline: the page is a listing, its "Most read"
    # box more of the same. The prose share of the page decides (offtopic.BOX_MIN_PROSE_SHARE).
    from dedupe.shapes import is_prose, word_count
    from dedupe.stages import offtopic

    listing = [f"{h} ({n})" for n, h in enumerate(BOX * 6)]
    lines = [TITLE, BODY[0], *listing, "Most read", *BOX]
    words = [word_count(x) for x in lines]
    share = sum(w for w, x in zip(words, lines) if is_prose(x)) / sum(words)
    assert share < offtopic.BOX_MIN_PROSE_SHARE
    r = dedupe.clean("\n".join(lines), config=CFG)
    assert not any(d.evidence.get("rule") == "related_box" for d in r.decisions)
    # With the bar just under the page's share, the box goes.
    old = offtopic.BOX_MIN_PROSE_SHARE
    try:
        offtopic.BOX_MIN_PROSE_SHARE = share - 1e-9
        r = dedupe.clean("\n".join(lines), config=CFG)
        assert any(d.evidence.get("rule") == "related_box" for d in r.decisions)
    finally:
        offtopic.BOX_MIN_PROSE_SHARE = old
