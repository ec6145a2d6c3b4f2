"""Boilerplate in context: the passes that look at a block's place in the document (labels around
the headline, tag boxes, author bios, overrides of context-free verdicts). The context-free rules
are tested from their table (tests/test_rule_table.py)."""

from __future__ import annotations

import pytest

import dedupe
from dedupe import Config
from dedupe.rules import classify_line
from dedupe.stages import passes as bp


def test_table_rows_are_only_removed_as_exact_repeats():
    row = "| Office Assistant | Job type: Full time | Pay: $8.00 - $10.00/hour | Staffing company {} |"
    # Two records of one table that differ by one word (a typo, as far as the text can tell).
    rows = [row.format("North Harbour Services"), row.format("North Harbour Services").replace("time", "tme")]
    prose = [
        "The listings below were collected from the regional job board on Monday morning.",
        "Applicants should send a letter and a short CV to the address given in each listing.",
    ]
    text = "\n\n".join([*prose, *rows, rows[0]])
    res = dedupe.clean(text, config=Config(stages=("duplicates",)))
    assert [d.kept for d in res.decisions] == [True, True, True, True, False]
    assert res.decisions[4].evidence["match"] == "exact"
    # The same two records as prose lines: the second is a near copy of the first. (Records that
    # differ by a name, "North Harbour Services" / "Riverside Office Partners", are two items of a
    # template and stay whatever their shape: see test_repeats.py.)
    plain = "\n\n".join([*prose, *(r.strip("| ").replace(" | ", ", ") for r in rows)])
    res = dedupe.clean(plain, config=Config(stages=("duplicates",)))
    assert not res.decisions[3].kept


_HEADLINE = "Council approves the new budget for schools after a long debate"
_BODY = "The council voted on Monday to approve the budget, which adds money for schools and roads."


@pytest.mark.parametrize(
    ("line", "removed"),
    [
        ("World News", True),
        ("Politics", True),
        ("|Genitiv||der Lotterie||der Lotterien|", False),  # a table row
        ("Substantiv, f[Bearbeiten]", False),  # wiki markup
        ("Contact: info@example.org", False),
        ("Council Budget", False),  # the headline takes up all its words: the page's title
        ("Council News", True),  # "news" is not the story's: a section label
    ],
)
def test_section_label_is_words_only(line, removed):
    """Only a line of plain words above the headline is a section label; table rows and markup
    are structured content."""
    cfg = Config(stages=("boilerplate",), boilerplate=dedupe.config.BoilerplateConfig(quality=False))
    r = dedupe.clean(f"{line}\n{_HEADLINE}\n{_BODY}", config=cfg)
    reasons = [d.reason for d in r.decisions]
    assert (reasons[0] == "boilerplate.section_label") is removed, reasons
    assert reasons[1:] == ["kept", "kept"]


def test_kicker_under_the_headline():
    cfg = Config(stages=("boilerplate",), boilerplate=dedupe.config.BoilerplateConfig(quality=False))
    r = dedupe.clean(f"{_HEADLINE}\nPolitics\n{_BODY}", config=cfg)
    assert [d.reason for d in r.decisions] == ["kept", "boilerplate.section_label", "kept"]
    assert r.decisions[1].evidence["rule"] == "label_under_headline"
    # A list of short items under a heading is content: the line after the label must be longer.
    r = dedupe.clean(f"{_HEADLINE}\nPolitics\nSport\nCulture", config=cfg)
    assert all(d.kept for d in r.decisions)
    # Only the line right under the headline.
    r = dedupe.clean(f"{_HEADLINE}\n{_BODY}\nPolitics\n{_BODY} Again.", config=cfg)
    assert all(d.kept for d in r.decisions)


@pytest.mark.parametrize("line", ["Dear readers,", "I. The Beginning"])
def test_salutations_and_numbered_sections_are_not_kickers(line):
    cfg = Config(stages=("boilerplate",), boilerplate=dedupe.config.BoilerplateConfig(quality=False))
    r = dedupe.clean(f"{_HEADLINE}\n{line}\n{_BODY}", config=cfg)
    assert all(d.kept for d in r.decisions)


_STORY = [
    "The council approved the budget on Monday after a long debate about costs and schools.",
    "Residents welcomed the decision but asked for more details on the timetable for the works.",
    "The mayor said work on the roads would begin in the spring and last for two years.",
]


@pytest.mark.parametrize(
    ("line", "removed"),
    [
        ("Julia Beizer is The Post’s mobile projects editor.", True),
        ("John Roe is a freelance journalist based in Madrid.", True),
        ("John Smith is a reporter who saw the vote and said the debate was heated.", False),
        ("Jane Doe is the new head of the schools department.", False),
    ],
)
def test_author_bio_at_the_end(line, removed):
    r = dedupe.clean("\n".join([_HEADLINE, *_STORY, line]))
    last = r.decisions[-1]
    assert (last.reason == "boilerplate.byline" and last.evidence["rule"] == "author_bio") is removed, last
    assert all(d.kept for d in r.decisions[:-1])


def test_author_bio_shape_inside_the_body_is_kept():
    r = dedupe.clean(
        "\n".join([_HEADLINE, "John Roe is a freelance journalist based in Madrid.", *_STORY, _BODY])
    )
    assert all(d.kept for d in r.decisions)


@pytest.mark.parametrize("entries", [1, 2])
def test_labels_are_headings_when_the_body_repeats_them(entries):
    """A body of entries each headed by a short label (questions by subject, posts, products)
    heads its first entry the same way: the short line on top is then a heading, not the site's
    section label. Boundary: HEADED_ENTRIES further headed entries."""
    assert bp.HEADED_ENTRIES == 2
    cfg = Config(stages=("boilerplate",), boilerplate=dedupe.config.BoilerplateConfig(quality=False))
    subjects = ["Chemistry", "Algebra", "Geography"][:entries]
    body = "\n".join(
        f"{s}\nWhat volume of the solution is needed here, and how would you solve it" for s in subjects
    )
    r = dedupe.clean(f"Physics\n{_HEADLINE}\n{_BODY}\n{body}", config=cfg)
    assert (r.decisions[0].reason == "boilerplate.section_label") is (entries < bp.HEADED_ENTRIES)
    # The later headings are left alone either way.
    assert all(d.kept for d in r.decisions[1:])


_PROSE = [
    "The city council approved a new budget on Monday after months of talks over the money for buses.",
    "Council members who opposed the plan said it left too little for road repairs and more borrowing.",
]


def _decisions(lines):
    cfg = Config(stages=("boilerplate",), boilerplate=dedupe.config.BoilerplateConfig(quality=False))
    r = dedupe.clean("\n".join(lines), config=cfg)
    return {b.text: d for b, d in zip(r.blocks, r.decisions, strict=True)}


@pytest.mark.parametrize("label", ["Topics", "Tags:", "Themen", "Schlagworte"])
def test_tag_box_after_the_article(label):
    got = _decisions([_HEADLINE, *_PROSE, label, "Politics", "Transit Authority"])
    for text in (label, "Politics", "Transit Authority"):
        assert got[text].reason == "boilerplate.links" and got[text].evidence["rule"] == "tag_box", text
    assert got["Transit Authority"].evidence["part"] == "tag"
    assert all(got[p].kept for p in _PROSE)


def test_tag_box_stops_at_a_longer_line_and_before_the_body():
    # Above the first prose paragraph: the box ends where the article starts.
    got = _decisions([_HEADLINE, "Topics", "Politics", *_PROSE])
    assert not got["Topics"].kept and not got["Politics"].kept
    assert all(got[p].kept for p in _PROSE)
    # A tag has at most TAG_MAX_WORDS words: a longer line after the box is not a tag.
    longer = "Transit money for the new depots in the north"
    got = _decisions([_HEADLINE, *_PROSE, "Topics", "Politics", longer])
    assert not got["Politics"].kept and got[longer].kept


def test_topics_heading_inside_the_article_is_content():
    lines = [_HEADLINE, _PROSE[0], "Topics", "Algebra", "Geometry", _PROSE[1]]
    assert all(d.kept for d in _decisions(lines).values() if d is not None)


@pytest.mark.parametrize(
    "line",
    [
        "Registergericht: Ulm",
        "Sitz der Gesellschaft: Ulm",
        "Vertretungsberechtigter Geschäftsführer: Jane Doe",
        "Registered in England",
        "VAT No. 1",
    ],
)
def test_imprint_in_any_case(line):
    for variant in (line, line.upper(), line.lower()):
        assert classify_line(variant) == ("boilerplate.disclaimer", "legal_imprint"), variant


_LONG_STORY = [
    _HEADLINE,
    _BODY,
    "Residents welcomed the decision but asked for more details on the timetable for the works.",
    "Second heading of the story",
    "The mayor said work on the roads would begin in the spring and last for two years at least.",
    "Then the fire brigade arrived with three engines and put out the blaze within the hour.",
    "March 3, 2024",
    "Nobody was hurt, but two families lost their homes, the city said in a statement on Tuesday.",
    "The council will meet again next month to decide on the money for the families.",
    "The end of the story, as the editor wrote it down on Friday evening.",
]


def test_a_dateline_inside_the_body_is_kept_and_says_why():
    """The dateline_position override keeps a date heading an entry inside the body; the decision
    keeps the context-free verdict and names the override, and explain() shows both."""
    r = dedupe.clean("\n".join(_LONG_STORY), config=Config(stages=("boilerplate",)))
    d = r.decisions[6]
    assert d.kept and d.reason == "kept"
    assert dict(d.evidence) == {
        "cf_reason": "boilerplate.dateline",
        "cf_rule": "dateline",
        "kept_by": "dateline_position",
    }
    assert "kept_by=dateline_position" in r.explain().splitlines()[7]
    assert r.overridden == [{"start": r.blocks[6].start, "end": r.blocks[6].end, "block": 6, **d.evidence}]
    assert "kept" not in r.to_record()
    # Every other kept block is the plain KEPT decision.
    assert all(not d.evidence for i, d in enumerate(r.decisions) if i != 6)
    # Near the top, the same line is the page's dateline.
    r = dedupe.clean(
        "\n".join([_HEADLINE, "March 3, 2024", *_LONG_STORY[1:6]]), config=Config(stages=("boilerplate",))
    )
    assert r.decisions[1].reason == "boilerplate.dateline" and r.decisions[1].evidence == {"rule": "dateline"}


def test_a_block_kept_by_an_override_and_removed_later_keeps_both_verdicts():
    # The kept dateline is the text of the first comment, whose "Reply" link closes it: the comment
    # section starts there and removes it after all.
    story = [_HEADLINE, *(_BODY.replace("Monday", day) for day in ("Monday", "Tuesday", "Friday"))] * 2
    comments = ["Reply", "Jane Doe says: 11/2/2012", "I agree.", "John Roe says: 11/3/2012", "Not me."]
    lines = [*story, "March 3, 2024", *comments, "Ann Lee says: 11/4/2012", "Me neither.", "Thanks"]
    cfg = Config(stages=("boilerplate",), boilerplate=dedupe.config.BoilerplateConfig(quality=False))
    r = dedupe.clean("\n".join(lines), config=cfg)
    d = r.decisions[len(story)]
    assert d.reason == "boilerplate.comments", r.explain()
    assert d.evidence["removed_by"] == "comment_section"
    assert (d.evidence["cf_rule"], d.evidence["kept_by"]) == ("dateline", "dateline_position")


def test_pass_removals_name_the_pass():
    cfg = Config(stages=("boilerplate",), boilerplate=dedupe.config.BoilerplateConfig(quality=False))
    r = dedupe.clean(f"{_HEADLINE}\nPolitics\n{_BODY}", config=cfg)
    assert r.decisions[1].evidence == {"rule": "label_under_headline", "removed_by": "labels_around_headline"}
    # A context-free removal has only its rule.
    r = dedupe.clean(f"{_HEADLINE}\n2 min read\n{_BODY}", config=cfg)
    assert r.decisions[1].evidence == {"rule": "reading_time"}
