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
