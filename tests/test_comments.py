"""Readers' comment sections under an article (boilerplate, rule ``comment_section``): from a
comment-section head followed by commenters' marks, or from the first of several signatures, to
the end of the document; never without an article above them (a forum thread is the content)."""

from __future__ import annotations

import pytest

import dedupe
from dedupe import Config
from dedupe.config import BoilerplateConfig
from dedupe.stages.passes import COMMENT_MIN_ARTICLE_WORDS, _comment_mark

ARTICLE = [
    "Residents of the harbour district packed the town hall on Tuesday evening to hear the council "
    "explain why the dredging works will take two more years than planned.",
    "The council said the first estimate had not included the cost of moving the fish market, and "
    "that the contractor had asked for more time after finding old mooring chains on the bottom.",
    "Several residents asked for the full plan to be published before any further vote, and the "
    "mayor promised that it would be online by the end of the month.",
]
COMMENTS = [
    "Jane Doe says: 11/2/2012",
    "Two more years of noise and mud, and nobody asked us.",
    "John Roe says: 11/3/2012",
    "At least the market stays open while they work.",
]
CFG = Config(stages=("boilerplate",), boilerplate=BoilerplateConfig(quality=False))


def _decisions(*blocks: str, cfg: Config = CFG) -> list[dedupe.Decision]:
    return list(dedupe.clean("\n".join(blocks), config=cfg).decisions)


def test_article_words_are_enough_for_the_rule():
    assert sum(len(p.split()) for p in ARTICLE) >= COMMENT_MIN_ARTICLE_WORDS


def test_section_under_a_head_goes_to_the_end_with_its_evidence():
    ds = _decisions(*ARTICLE, "2 Comments", *COMMENTS)
    assert all(d.kept for d in ds[: len(ARTICLE)])
    body = ds[len(ARTICLE) + 1 :]
    assert all(d.reason == "boilerplate.comments" for d in body), ds
    assert body[0].evidence["rule"] == "comment_section"
    assert body[0].evidence["head"] == ["doc", len(ARTICLE)]
    assert body[0].evidence["marks"] == 2
    assert not ds[len(ARTICLE)].kept  # the head itself (a comment counter: a prompt already)


def test_a_head_needs_commenters_marks_after_it():
    ds = _decisions(*ARTICLE, "2 Comments", COMMENTS[1], COMMENTS[3])
    assert all(d.reason != "boilerplate.comments" for d in ds)


def test_without_a_head_three_closing_signatures_start_at_the_first_comment():
    closing = []
    for i, text in enumerate(["Nobody asked us.", "The market stays open.", "Good news for the boats."]):
        closing += [text, f"Posted by: Reader {i} | November 13, 2012 at 12:19 PM"]
    ds = _decisions(*ARTICLE, *closing)
    assert all(d.kept for d in ds[: len(ARTICLE)])
    assert all(d.reason in ("boilerplate.comments", "boilerplate.byline") for d in ds[len(ARTICLE) :]), ds
    assert ds[len(ARTICLE)].reason == "boilerplate.comments"
    assert ds[len(ARTICLE)].evidence["head"] is None
    # Two signatures without a head are not enough.
    ds = _decisions(*ARTICLE, *closing[:4])
    assert all(d.reason != "boilerplate.comments" for d in ds)


def test_a_forum_thread_without_an_article_above_is_the_content():
    short = "Has anyone moored at the new pontoon yet?"
    ds = _decisions(short, "2 Comments", *COMMENTS)
    assert all(d.reason != "boilerplate.comments" for d in ds)


def test_quote_attributions_are_not_signatures():
    assert _comment_mark("d2_racing wrote:") is None
    assert _comment_mark("Jane Doe says:") == "signed"
    assert _comment_mark("Posted by: Jane | November 13, 2012 at 12:19 PM") == "signed"
    assert _comment_mark("Reply") == "signed"
    assert _comment_mark("Re: Standard connectors? (Score:5, Insightful)") == "signed"
    # A byline or a date could head a post of a blog archive: they count only under a head.
    assert _comment_mark("by james on January 31, 2011 at 9:59 am") == "weak"
    assert _comment_mark("David Janke 07.13.12 at 07:34") == "weak"
    assert _comment_mark("The council met on March 3, 2024 to vote on the harbour plan") is None


def test_weak_marks_need_a_head():
    weak = ["by jane on March 3, 2012 at 9:59 am", "Nobody asked us.", "by john on March 4, 2012 at 10:02 am",
            "The market stays open.", "by ann on March 5, 2012 at 11:00 am", "Good news."]  # fmt: skip
    assert all(d.reason != "boilerplate.comments" for d in _decisions(*ARTICLE, *weak))
    ds = _decisions(*ARTICLE, "Leave a Reply", *weak)
    assert all(d.reason == "boilerplate.comments" for d in ds[len(ARTICLE) + 1 :]), ds


def test_a_head_that_counts_the_comments_below_is_enough_when_it_is_the_only_one():
    comments = ["Nobody asked us.", "The market stays open."]
    head = "{ 2 comments… read them below or add one }"
    ds = _decisions(*ARTICLE, head, *comments)
    assert all(d.reason == "boilerplate.comments" for d in ds[len(ARTICLE) + 1 :]), ds
    # A blog page with a counter under every post: the counters are not a comment section.
    ds = _decisions(*ARTICLE, head, *ARTICLE[:2], "{ 5 comments… read them below or add one }", *comments)
    assert all(d.reason != "boilerplate.comments" for d in ds)


@pytest.mark.parametrize("comments", [True, False])
def test_the_rule_can_be_switched_off(comments):
    cfg = Config(stages=("boilerplate",), boilerplate=BoilerplateConfig(quality=False, comments=comments))
    ds = _decisions(*ARTICLE, "2 Comments", *COMMENTS, cfg=cfg)
    assert any(d.reason == "boilerplate.comments" for d in ds) is comments


def test_cleaning_the_clean_text_again_changes_nothing():
    text = "\n".join([*ARTICLE, "2 Comments", *COMMENTS])
    once = dedupe.clean(text, config=CFG).text
    assert dedupe.clean(once, config=CFG).text == once


def test_a_papers_discussion_section_is_not_a_comment_section():
    dated = ["March 3, 2012", "The first troop split in spring.", "April 4, 2012", "The second followed."]
    ds = _decisions(*ARTICLE, "Discussion", *dated)
    assert all(d.reason != "boilerplate.comments" for d in ds)


def test_a_blog_posts_footer_is_not_a_comment_signature():
    """Blogger prints "Posted by X at 8:56 AM" under every post of a blog's home page; a comment
    system signs "Posted by: X | date". Three post footers without a head are not comments."""
    posts = []
    for i in range(3):
        posts += [ARTICLE[i], f"Posted by Dave Bradley at {i + 8}:56 AM"]
    assert _comment_mark("Posted by Dave Bradley at 8:56 AM") == "weak"
    assert all(d.reason != "boilerplate.comments" for d in _decisions(*ARTICLE, *posts))


@pytest.mark.parametrize(
    "head",
    ["12 Comments", "{ 69 comments… read them below or add one }", "3 thoughts on “Title”", "Leave a Reply",
     "Kommentare (4)", "12 Antworten", "5 Reaktionen", "4 commentaires", "3 comentarios", "2 commenti",
     "7 reacties", "Reader comments", "Post a Comment", "12 Responses to “Title”"],
)  # fmt: skip
def test_head_prefilter_never_rejects_a_head(head):
    from dedupe.stages import passes as bp

    assert bp.COMMENTS_HEADER.match(head), head
    assert bp._has(head.lower(), bp._COMMENT_HEAD_WORDS), head


@pytest.mark.parametrize(
    "line",
    ["Jane Doe says: 11/2/2012", "Jane sagt:", "Jane schreibt:", "Jane a écrit :", "Jane dice:", "Jane escribió:",
     "Jane ha scritto:", "Posted by: Jane | March 3, 2012", "Reply", "ReplyDelete", "Antworten", "Répondre",
     "Responder", "Rispondi", "Report this comment", "Link to this (Comment number 3)", "Like or Dislike: 1 0",
     "Comment number 391.", "Re: Title (Score:5, Insightful)"],
)  # fmt: skip
def test_signature_prefilter_never_rejects_a_signature(line):
    from dedupe.stages import passes as bp

    assert _comment_mark(line) == "signed", line
    assert bp._has(line.lower(), bp._SIGNATURE_WORDS), line
