"""Gold in, gold out on the shapes issue 16 lists: clean text handed to the cleaner comes back whole.

Every text here is made up (no line is copied from a page of the development sets). Each case is a
genuine text of one shape, inside an article-like page (a title and paragraphs of prose around
it), cleaned by the rules and passes alone (the learned line model off: it is tested apart), and
every line must stay. A failure names the line, the reason and the rule that took it.
"""

from __future__ import annotations

import pytest

import dedupe
from dedupe.config import BoilerplateConfig, Config

CFG = Config(boilerplate=BoilerplateConfig(quality=False))

TITLE = "Harbour town counts the cost of the winter storms"
OPENING = [
    "The storms that crossed the coast in January damaged more than two hundred homes and closed "
    "the harbour for eleven days, the town council said in its first full report on Tuesday.",
    "Repairs to the sea wall alone will cost about four million pounds, and the council has asked "
    "the government for help with the bill before the spring tides arrive.",
]
CLOSING = [
    "The council will publish a second report in the summer, once the insurers have assessed the "
    "damage to the fishing fleet and the boatyards along the river mouth.",
]


def _page(*lines: str, title: str = TITLE) -> str:
    return "\n".join([title, *OPENING, *lines, *CLOSING])


def _lost(text: str) -> list[tuple[str, str, object]]:
    res = dedupe.clean(text, config=CFG)
    return [
        (b.text, d.reason, d.evidence.get("rule")) for b, d in zip(res.blocks, res.decisions) if not d.kept
    ]


CASES: dict[str, list[str]] = {
    "table rows with bars": [
        "| Rank | Name | Points | Wins |",
        "| --- | --- | --- | --- |",
        "| 1 | Jane Roe | 6120 | 7 |",
        "| 2 | John Doe | 5544 | 5 |",
        "| 3 | Mary Major | 5031 | 4 |",
    ],
    "one cell per line": ["Rank", "Name", "Points", "1", "Jane Roe", "6120", "2", "John Doe", "5544"],
    "score lines and a separator": [
        "Bowling for the visitors:",
        "J Smith 10-1-37-2",
        "R Brown 8-0-41-1",
        "T Green 6-2-19-3",
        "___",
        "The hosts needed 212 to win from their fifty overs and reached it with two balls to spare.",
    ],
    "the same interview question before each answer": [
        "We asked three skippers about the season.",
        "What did the storms cost you?",
        "Two nets and a week at sea, which in January is most of the month's catch for a small boat.",
        "What did the storms cost you?",
        "Nothing on the water, but the shed on the quay lost its roof and all the gear inside it.",
        "What did the storms cost you?",
        "My boat sank at its mooring, and it will be April before the yard can lift it out and look.",
    ],
    "the same label in every recipe card": [
        "Fish pie",
        "Ingredients: cod, smoked haddock, prawns, milk, butter, flour and potatoes for the topping.",
        "Method",
        "Poach the fish in the milk, make a white sauce with it and bake under the mashed potatoes.",
        "Crab cakes",
        "Ingredients: white crab meat, breadcrumbs, spring onions, an egg and a little mustard.",
        "Method",
        "Mix everything gently, shape into cakes, chill for an hour and fry them until golden.",
    ],
    "an embedded social post": [
        "The harbour master posted a photograph of the wall on the night of the second storm.",
        "The sea came over the wall at nine tonight and the whole quay is under water. Stay away.",
        "— Jane Doe (@jdoe) January 14, 2024",
    ],
    "profile lines in a list of creators": [
        "Three local photographers whose storm pictures went round the world:",
        "Ann Lee, who shot the lifeboat launch from the cliff path. Account: @annlee_photos",
        "Tom Quay, who stayed on the pier all night. Account: @tomquay",
    ],
    "questions and answers": [
        "Q: Who pays for the repairs to private homes?",
        "A: Owners claim on their own insurance first; the council covers what the policies exclude.",
        "Q: When will the harbour reopen to visitors?",
        "A: The car park and the quay reopen on Saturday, the pier only once the engineers are done.",
    ],
    "trademark signs": [
        "The new barrier is built from StormGuard(R) panels, which the maker says resist waves of six metres.",
        "The pumps run on FloodStop (C) software, licensed to the council for ten years.",
    ],
    "parallel sentences": [
        "A list of boats is covariant in its element type, because a list only hands its items out.",
        "A sink of boats is contravariant in its element type, because a sink only takes its items in.",
    ],
    "a short headline and a dateline under the title": [
        "Sea wall to be rebuilt",
        "LONDON -- Ministers approved the money for the new sea wall on Wednesday evening after a "
        "debate in which members from every coastal constituency spoke in favour.",
    ],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_gold_shape_comes_back_whole(case):
    assert _lost(_page(*CASES[case])) == []


def test_sentences_without_spaces_stay():
    lines = [
        "冬の嵐で港の防波堤が大きく壊れ、町は修理のために国に支援を求めている。",
        "町議会によると、被害を受けた家は二百軒を超え、港は十一日間閉鎖された。",
        "漁師たちは春の漁期までに船を修理できるかどうか心配している。",
    ]
    assert _lost("\n".join(["港町、冬の嵐の被害を数える", *lines])) == []


def test_forum_thread_keeps_its_posts():
    posts = []
    for n, (name, body) in enumerate(
        [
            ("harbourfan", "Does anyone know when the pier reopens? The council page says nothing."),
            ("seawall_sam", "I asked at the office today: not before the engineers finish, maybe March."),
            ("harbourfan", "Thanks, that is longer than I hoped but it makes sense after the damage."),
            ("old_salt", "The last time the wall went, in the nineties, it took them most of a year."),
        ]
    ):
        posts += [name, f"Jan {10 + n}, 2024, 9:{10 + n} AM", body]
    assert _lost("\n".join(["When does the pier reopen?", *posts])) == []


# -- dates of a list's entries ------------------------------------------------------------------------

ENTRIES = [
    ("Tide tables for the spring now online", "Jane Roe, January 27, 2026"),
    ("The ferry timetable changes in March", "John Doe, January 22, 2026"),
    ("What the new sea wall will look like", "Mary Major, January 15, 2026"),
]


def _entries(n: int) -> str:
    lines = ["News from the harbour office"]
    for head, stamp in ENTRIES[:n]:
        lines += [head, stamp]
    return "\n".join(lines)


def test_the_dates_of_a_lists_entries_stay_at_the_foot_of_the_page():
    """A date line at the foot of a page whose entries are each dated by one template is the last
    entry's date, not the page's dateline (DATELINE_SERIES)."""
    assert _lost(_entries(3)) == []


def test_a_date_of_one_template_printed_fewer_times_is_still_a_dateline():
    """Boundary of DATELINE_SERIES (2 other stamps of one template): with one other stamp, the date
    lines near the head and the foot of the page are datelines again."""
    from dedupe.stages.passes import DATELINE_SERIES

    assert DATELINE_SERIES == 2
    lost = _lost(_entries(2))
    assert [rule for _, _, rule in lost] == ["dateline", "dateline"]


def test_an_articles_own_dateline_still_goes():
    text = "\n".join([TITLE, "March 3, 2024", *OPENING, *CLOSING])
    assert [(t, rule) for t, _, rule in _lost(text)] == [("March 3, 2024", "dateline")]


# -- a page of cards -----------------------------------------------------------------------------------

CARDS = [
    "Harbour seals return to the estuary after a decade away",
    "Counts by volunteers found more than forty animals on the sandbanks this spring.",
    "A new battery chemistry that survives the cold",
    "Engineers say their cells keep most of their charge at minus thirty degrees.",
    "Why the comet will be brighter than forecast",
    "Astronomers revised their estimate after the nucleus shed a large fragment.",
    "Tomato growers try a fungus that feeds the roots",
    "Trials on three farms raised yields by a tenth without extra fertiliser.",
]


class _FlagsOneCard:
    """A stand-in for the splice detector that takes the third card (headline and blurb)."""

    def detect(self, texts, stop, threshold):
        from dedupe.discourse import Finding

        if CARDS[4] not in texts:
            return []  # a later round, after the card went
        k = texts.index(CARDS[4])
        return [Finding(k, "headline", 0.99, threshold), Finding(k + 1, "blurb", 0.99, threshold)]


@pytest.fixture
def flags_one_card(monkeypatch):
    from dedupe import discourse

    monkeypatch.setattr(discourse, "detector", lambda: _FlagsOneCard())


def test_a_card_of_a_page_of_cards_is_the_pages_own_item(flags_one_card):
    """On a page that is a run of cards (headline and a one-sentence summary each), a card the splice
    detector takes for another article's teaser is one of the page's items (CARD_PAGE_SHARE)."""
    assert _lost("\n".join(["Latest from the science desk", *CARDS])) == []


def test_cards_in_a_page_of_prose_are_judged(flags_one_card):
    """Counterexample: the same cards below an article's prose hold less than CARD_PAGE_SHARE of the
    blocks, and the detector's finding stands."""
    lost = _lost(_page(*CARDS))
    assert [(t, rule) for t, _, rule in lost] == [(CARDS[4], "splice_model"), (CARDS[5], "splice_model")]


def test_card_runs_boundaries():
    from dedupe.stages.offtopic import CARD_BLURB_MAX_WORDS, CARD_META_WORDS, CARD_RUN, card_runs

    assert CARD_RUN == 3
    assert card_runs(CARDS[:6]) == set(range(6))
    assert card_runs(CARDS[:4]) == set()  # two cards are no run
    long_blurb = " ".join(["word"] * CARD_BLURB_MAX_WORDS) + "."
    assert card_runs([*CARDS[:4], "Why the comet will be brighter", long_blurb]) == set(range(6))
    longer = " ".join(["word"] * (CARD_BLURB_MAX_WORDS + 1)) + "."
    assert card_runs([*CARDS[:4], "Why the comet will be brighter", longer]) == set()
    # Cards of three lines: a headline, its summary and a short line of facts under them.
    meta = " ".join(["Jane"] * CARD_META_WORDS)
    three = [CARDS[0], CARDS[1], meta, CARDS[2], CARDS[3], meta, CARDS[4], CARDS[5], meta]
    assert card_runs(three) == set(range(9))
    longer_meta = " ".join(["Jane"] * (CARD_META_WORDS + 1))
    assert card_runs([*three[:8], longer_meta]) == set()


# -- a page that declares itself a thread ---------------------------------------------------------------

THREAD_TEXT = [
    "Residents of the harbour district packed the town hall on Tuesday evening to hear the council "
    "explain why the dredging works will take two more years than planned.",
    "The council said the first estimate had not included the cost of moving the fish market, and "
    "that the contractor had asked for more time after finding old mooring chains on the bottom.",
    "Several residents asked for the full plan to be published before any further vote, and the "
    "mayor promised that it would be online by the end of the month.",
    "2 Replies",
    "Jane Doe says: 11/2/2012",
    "Two more years of noise and mud, and nobody asked us.",
    "John Roe says: 11/3/2012",
    "At least the market stays open while they work.",
]
FORUM_HTML = '<script type="application/ld+json">{"@type": "DiscussionForumPosting"}</script><p>x</p>'
ARTICLE_HTML = '<script type="application/ld+json">{"@type": "NewsArticle"}</script><p>x</p>'


@pytest.mark.parametrize(("html", "lost"), [(FORUM_HTML, 0), (ARTICLE_HTML, 4)])
def test_a_page_declaring_a_thread_keeps_its_replies(monkeypatch, html, lost):
    """A page that declares itself a forum posting (schema.org, HTML_THREAD_TYPES) keeps the
    replies the comment-section pass would take under an article; the same text under an article's
    markup loses them."""
    from dedupe import pipeline

    monkeypatch.setattr(pipeline, "extract_text", lambda html, cfg: "\n".join(THREAD_TEXT))
    res = dedupe.Cleaner(CFG).clean(dedupe.Document(id="t", html=html))
    comments = [d for d in res.decisions if d.reason == "boilerplate.comments"]
    assert len(comments) == lost
    assert res.decisions[0].kept and res.decisions[-1].kept is (lost == 0)
