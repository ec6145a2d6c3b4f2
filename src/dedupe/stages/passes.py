"""The context-sensitive passes of the boilerplate stage, each a small named object.

After the context-free rules (:mod:`dedupe.rules`) have given every block a verdict, these passes
look at the block in its document, as jusText's context-sensitive step does:

* *overrides* (:class:`Override`) keep a block against its context-free verdict when its position
  says it is content after all (a date heading a post inside the body; the caption of a page that is
  only a picture). The block keeps its context-free verdict in its decision (``cf_reason``,
  ``cf_rule``) and the override that kept it (``kept_by``);
* *passes* (:class:`~dedupe.stages.Pass`) then remove what only the context shows (labels above the
  headline, a tag box, the comment section, an author's bio at the end...); their removals carry
  ``removed_by``.

Each class's docstring states its observation (``docs/algorithm.md`` shows it). To add a pass, write
its class here and list it in :data:`dedupe.stages.boilerplate.BoilerplateStage.PASSES` (or
``OVERRIDES``) where it belongs in the order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from itertools import pairwise
from typing import ClassVar

import regex

from ..config import Config
from ..pagetype import Thread, find_thread, is_stamp, stamp_shape
from ..rules import REGEX_TIMEOUT
from ..rules.core import F_SIMPLE_CASE, F
from ..rules.table import DATE_ANCHOR, DATE_TOKEN
from ..rules.vocab import COMMENT_NOUNS, TAG_WORDS
from ..shapes import (
    LABEL_PUNCT_END,
    TITLE_FULL_STOP_END,
    is_label,
    is_prose,
    spaceless,
    split_words,
    word_count,
)
from ..text import content_of
from . import Context, Pass

__all__ = [
    "AuthorBio",
    "CaptionOnPhotoPage",
    "CommentSection",
    "DatelinePosition",
    "EntryLines",
    "LabelsAroundHeadline",
    "LinkDenseRows",
    "Override",
    "TableRows",
    "TagBoxes",
    "length",
    "thread_of",
]

#: A context-free verdict: (reason, rule name).
Verdict = tuple[str, str]

STAGE = "boilerplate"


class Override:
    """A pass that keeps blocks against their context-free verdict (see the module docstring)."""

    name: ClassVar[str] = ""

    def __init__(self, config: Config) -> None:
        self.config = config

    def keeps(self, ctx: Context, verdicts: Mapping[int, Verdict]) -> Iterable[int]:
        """The positions among ``verdicts`` (the context-free removals of this pass, by position)
        that stay."""
        raise NotImplementedError


def length(ctx: Context, k: int) -> int:
    """Words of the block at ``k``: its normalised words, or in a script written without spaces its
    characters counted by the word (:func:`dedupe.shapes.word_count`), so that a paragraph of
    Japanese is not one word long."""
    text = ctx.blocks[k].text
    return word_count(text) if spaceless(text) else len(ctx.words(k))


def thread_of(ctx: Context) -> Thread | None:
    """The thread the blocks of this pass form (:func:`dedupe.pagetype.find_thread`), or None.
    Judged on every block of the pass, removed or not, so that the answer does not depend on
    which rule ran first."""
    return find_thread([b.text for b in ctx.blocks])


# -- overrides -------------------------------------------------------------------------------------

#: A standalone date is a dateline only among the first or last blocks of a document (under the
#: headline, or an "Updated: ..." footer). Further in, dates head posts and list entries: on the
#: portal development pages 88 of 321 date lines removed anywhere were gold text.
DATELINE_HEAD = 6
DATELINE_TAIL = 2
#: A date line printed from the same template (:func:`dedupe.pagetype.stamp_shape`) as at least this
#: many other date stamps of the page is one of a series: the date of each entry of a list ("Jane
#: Roe, January 27, 2026" under every post of a blog's index, the date of every event), content even
#: at the top or the foot of the page. A page's own dateline is printed once. Tune part of wcxb, gold
#: texts cleaned as plain text: genuine date lines lost to the dateline rule 34 -> 25; trafilatura's
#: text of the same pages: 8 -> 6 genuine lines removed, 36 -> 33 noise lines (tune, out/h2/tt.py).
DATELINE_SERIES = 2


class DatelinePosition(Override):
    """A date line inside the body heads a post or an entry of a list (blog archives, forum threads):
    structure of the content, not the page's dateline. A ``boilerplate.dateline`` verdict stands
    only among the first :data:`DATELINE_HEAD` or the last :data:`DATELINE_TAIL` blocks, not on a
    date of a series (its template shared with at least :data:`DATELINE_SERIES` other stamps of the
    page: the dates of a list's entries), and not on the stamps of a thread
    (:func:`dedupe.pagetype.find_thread`: a page of posts each headed by a date stamp of one
    template, from the top), whose first posts are near the top."""

    name = "dateline_position"

    def keeps(self, ctx: Context, verdicts: Mapping[int, Verdict]) -> Iterable[int]:
        alive = ctx.alive()
        edge = set(alive[:DATELINE_HEAD]) | set(alive[-DATELINE_TAIL:])
        thread = thread_of(ctx)
        if thread is not None:
            edge -= set(thread.stamps)
        datelines = [k for k, v in verdicts.items() if v[0] == "boilerplate.dateline"]
        if any(k in edge for k in datelines):
            shapes = Counter(stamp_shape(b.text) for b in ctx.blocks if is_stamp(b.text))
            edge = {k for k in edge if shapes[stamp_shape(ctx.blocks[k].text)] <= DATELINE_SERIES}
        return [k for k in datelines if k not in edge]


#: A block of this many words is prose-length: a caption that long stays when the page has no
#: other block of this length (a photo page whose caption is all its text).
CAPTION_PAGE_WORDS = 15


class CaptionOnPhotoPage(Override):
    """A caption is furniture next to the story it illustrates. On a page that is only a picture and
    its caption, the caption is the text: a ``boilerplate.caption`` verdict on a block of
    :data:`CAPTION_PAGE_WORDS` words or more is overridden when no block without a verdict is that
    long."""

    name = "caption_on_photo_page"

    def keeps(self, ctx: Context, verdicts: Mapping[int, Verdict]) -> Iterable[int]:
        alive = ctx.alive()
        if any(k not in verdicts and length(ctx, k) >= CAPTION_PAGE_WORDS for k in alive):
            return []
        return [
            k
            for k, v in verdicts.items()
            if v[0] == "boilerplate.caption" and length(ctx, k) >= CAPTION_PAGE_WORDS
        ]


#: Rules whose lines, repeated under every entry of a list, belong to the entries: who wrote each
#: article of an index, the tags of each post. The wcxb gold keeps them on listing pages (tune part:
#: 63 listing lines lost to ``byline``, 18 to ``handles_or_hashtags``).
ENTRY_RULES = frozenset({"byline", "handles_or_hashtags"})
#: A list has at least this many entries carrying such a line.
ENTRY_MIN = 3


class EntryLines(Override):
    """A byline or a line of hashtags under every entry of a list (an index of articles, a feed of
    posts) is part of the entries, not the page's furniture: the verdicts of one rule of
    :data:`ENTRY_RULES` stand down when at least :data:`ENTRY_MIN` lines take it, spread over the page
    (the first in its first half, each separated from the next by text that no rule took). An
    article's own byline is one line on top; the bylines of a box of other articles' teasers under it
    start in the second half of the page."""

    name = "entry_lines"

    def keeps(self, ctx: Context, verdicts: Mapping[int, Verdict]) -> Iterable[int]:
        alive = ctx.alive()
        if not alive:
            return []
        middle = alive[len(alive) // 2]
        out: list[int] = []
        for rule in ENTRY_RULES:
            hits = sorted(k for k, v in verdicts.items() if v[1] == rule)
            if len(hits) < ENTRY_MIN or hits[0] > middle:
                continue
            if all(any(j not in verdicts for j in range(a + 1, b)) for a, b in pairwise(hits)):
                out.extend(hits)
        return out


#: Cell separators of a table row written without its outer bars ("Total | 12 | 4").
_CELL_BAR = regex.compile(r"\s\|\s")
#: A table has at least this many cells per row.
TABLE_MIN_CELLS = 3


def _cells(text: str) -> int:
    return len(_CELL_BAR.findall(text)) + 1


class TableRows(Override):
    """A menu written on one line ("News | Sport | Weather | Contact", rule ``menu``) is one line; a
    row of a table written without its outer bars ("Total | 12 | 4 | 7") has a neighbour with as many
    cells (at least :data:`TABLE_MIN_CELLS`): the header row over it, the next row. Such a ``menu``
    verdict stands down."""

    name = "table_rows"

    def keeps(self, ctx: Context, verdicts: Mapping[int, Verdict]) -> Iterable[int]:
        alive = ctx.alive()
        cells = {k: _cells(ctx.blocks[k].text) for k in alive}
        out = []
        for i, k in enumerate(alive):
            if verdicts.get(k, ("", ""))[1] != "menu" or cells[k] < TABLE_MIN_CELLS:
                continue
            near = alive[max(0, i - 1) : i] + alive[i + 1 : i + 2]
            if any(cells[j] == cells[k] for j in near):
                out.append(k)
        return out


# -- passes ----------------------------------------------------------------------------------------


class LinkDenseRows(Pass):
    """On HTML pages, a table row that is mostly link text is a navigation bar or a row of page
    tools in the layout table that also holds the article (the link density comes from the page,
    see :func:`dedupe.html.row_link_density`; plain text has none). Threshold:
    ``html.row_link_density``."""

    name = "link_dense_rows"
    stage = STAGE

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.threshold = config.html.row_link_density

    def applies(self, ctx: Context) -> bool:
        return bool(ctx.link_density) and self.threshold is not None

    def run(self, ctx: Context) -> None:
        threshold = self.threshold
        assert threshold is not None
        for k in ctx.alive():
            density = ctx.link_density.get(ctx.blocks[k].index)
            if density is not None and density >= threshold:
                self.remove(
                    ctx,
                    k,
                    "boilerplate.links",
                    rule="link_dense_row",
                    link_density=round(density, 3),
                    threshold=round(threshold, 3),
                )


#: Labels above the headline are the document's own headings, not the site's section labels, when
#: at least this many further short labels each head a longer block in the body.
HEADED_ENTRIES = 2
#: A story has at most this many section labels and kickers right above its headline.
KICKER_LINES = 2
#: Not a kicker: a salutation ("Dear readers,") or a numbered section ("I. The Pancake").
_KICKER_EXCLUDED = regex.compile(r",\s*$|^\s*[IVXivx]{1,4}[.)]\s")


class LabelsAroundHeadline(Pass):
    """Section labels and kickers are one to three words above the headline, without sentence
    punctuation ("World Media"), or one right under it ("Politics") when a longer line follows
    (rules ``label_above_headline`` and ``label_under_headline``; at most
    ``boilerplate.max_label_words`` words, :func:`dedupe.shapes.is_label`).

    The headline is the first block with more words than a label can have; a document of short
    lines only (a list, a table) has none and loses nothing here, and a first long line that ends
    like a sentence means the short line above it is the title itself. A short line whose content
    words the headline or the block under it takes up is the page's title; a body whose entries
    are headed by short labels again and again (:data:`HEADED_ENTRIES`) gives its first entry the
    same heading. A thread (:func:`dedupe.pagetype.find_thread`) has no kicker: its first short
    line is the first poster's name."""

    name = "labels_around_headline"
    stage = STAGE

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.most = config.boilerplate.max_label_words

    def run(self, ctx: Context) -> None:
        if thread_of(ctx) is not None:
            return  # a page of posts: the short line on top is the first poster's name
        alive = ctx.alive()
        most = self.most
        head = next((k for k in alive if word_count(ctx.blocks[k].text) > most), None)
        if head is None or TITLE_FULL_STOP_END(ctx.blocks[head].text):
            # No headline, or the first long line is a sentence: the short line above it is the
            # title itself, not a label.
            return
        # A body where short labels head entries again and again (a list of posts, questions or
        # products, each under its own heading) gives its first entries the same heading: the
        # short line on top is the first of them, not the site's section label.
        entries = [k for k in alive if k > head]
        headed = sum(
            1
            for k, nxt in pairwise(entries)
            if is_label(ctx.blocks[k].text, most) and word_count(ctx.blocks[nxt].text) > most
        )
        if headed >= HEADED_ENTRIES:
            return
        body: frozenset[str] | None = None
        # The labels right above the headline: a kicker or two. A longer run of short lines is a
        # list (a menu, the entries of a listing page), not the story's labels.
        above = [k for k in alive if k < head]
        run = 0
        while run < len(above) and is_label(ctx.blocks[above[-1 - run]].text, most):
            run += 1
        if run > KICKER_LINES:
            run = 0
        for k in above[len(above) - run :]:
            if is_label(ctx.blocks[k].text, most):
                # A short line whose every content word the headline or the block under it takes
                # up ("Lotterie" over "Lotterie (Deutsch)", "Anthus" over "Die Zeitschrift Anthus
                # ...") is the page's title, part of the article; a section label ("World Media",
                # "Egypt Watch") names the site's section, not the story. (Not the whole body: a
                # long article mentions "world" and "media" somewhere.)
                stop = ctx.stopwords
                if body is None:
                    lead = [j for j in alive if j >= head][:2]
                    body = frozenset().union(*(content_of(ctx.blocks[j].text, stop) for j in lead))
                mine = content_of(ctx.blocks[k].text, stop)
                if mine and mine <= body:
                    continue
                self.remove(ctx, k, "boilerplate.section_label", rule="label_above_headline")
        # A kicker right under the headline ("Politics", "Analysis") when a longer line (the
        # standfirst or the first paragraph) follows it: a list of short items is left alone.
        after = [k for k in alive if k > head][:2]
        if (
            len(after) == 2
            and is_label(ctx.blocks[after[0]].text, most)
            and not _KICKER_EXCLUDED.search(ctx.blocks[after[0]].text)
            and word_count(ctx.blocks[after[1]].text) > most
        ):
            self.remove(ctx, after[0], "boilerplate.section_label", rule="label_under_headline")


#: A tag box: a bare "Topics" / "Tags" / "Themen" label and the short lines under it (one tag per
#: line), before the article's first prose paragraph or after its last.
TAG_LABEL = regex.compile(rf"^\W*(?:{TAG_WORDS}|categories|kategorien)\s*:?\s*$", F)
TAG_MAX_WORDS = 4
TAG_MAX_ITEMS = 20


class TagBoxes(Pass):
    """A bare tag label ("Topics", "Tags", "Themen") and the one-tag lines under it (at most
    :data:`TAG_MAX_ITEMS` lines of at most :data:`TAG_MAX_WORDS` words, no sentence end), above the
    article's first prose paragraph or below its last (rule ``tag_box``). Inside the article such a
    label heads the article's own list."""

    name = "tag_boxes"
    stage = STAGE

    def run(self, ctx: Context) -> None:
        alive = ctx.alive()
        prose = [k for k in alive if is_prose(ctx.blocks[k].text)]
        if not prose:
            return
        first, last = prose[0], prose[-1]
        for i, k in enumerate(alive):
            if first <= k <= last or not TAG_LABEL.match(ctx.blocks[k].text, timeout=REGEX_TIMEOUT):
                continue
            items = []
            for j in alive[i + 1 : i + 1 + TAG_MAX_ITEMS]:
                text = ctx.blocks[j].text
                if j == first or word_count(text) > TAG_MAX_WORDS or LABEL_PUNCT_END(text):
                    break
                items.append(j)
            self.remove(ctx, k, "boilerplate.links", rule="tag_box", part="label", tags=len(items))
            for j in items:
                self.remove(
                    ctx, j, "boilerplate.links", rule="tag_box", part="tag", label=ctx.blocks[k].index
                )


# -- the comment section ---------------------------------------------------------------------------

#: The head of a comment section: "12 Comments", "{ 7 comments… read them below or add one }",
#: "4 appreciated comments on “Title”", "3 thoughts on “Title”", "Leave a Reply", "Kommentare (4)".
COMMENTS_HEADER = regex.compile(
    rf"^\W*(?:(?:\d+|one|no)\s+(?:\w+\s+){{0,2}}?(?:{COMMENT_NOUNS}|responses?|thoughts|reaktionen)\b.*|"
    r"(?:comments?|kommentare|leserkommentare|"
    r"(?:reader|user)s?'?\s+comments|(?:leave|post|add|write)\s+a\s+(?:reply|comment)|"
    r"commentaires|comentarios|commenti|reacties)\s*(?:\(\d+\))?\W*)$",
    F,
)
#: A head that counts the comments under it and says they follow: "{ 69 comments… read them below or
#: add one }", "12 Responses to “Title”", "3 thoughts on “Title”".
COMMENTS_COUNTED = regex.compile(
    r"^\W*[1-9]\d*\s+(?:\w+\s+){0,2}?(?:comments?|responses?|replies|thoughts)\s*(?:…|\.\.\.)?\s*"
    r"(?:(?:to|on)\s+\S.*|read\s+them\s+below\b.*)$",
    F,
)
#: Commenters' signatures, as sure as a head: "Jane Doe says: 11/2/2012", "Posted by: Jane |
#: November 13, 2012 at 12:19 PM", the reply and report links under a comment ("Reply",
#: "ReplyDelete", "Report this comment"), a Slashdot comment's title ("Re: Title (Score:5,
#: Insightful)").
COMMENT_SIGNED = regex.compile(
    r"^\W*(?:(?:\S+\s+){0,5}?\S+\s+(?:says|said|schreibt|sagt|meint|a\s+écrit|dice|escribió|ha\s+scritto)\s*:"
    r"(?:\s*.{0,40}\d.{0,20})?|posted\s+by\s*(?::\s*\S.{0,60}?(?:\||\bat\b|\bon\b|,)|\s\S.{0,60}?\|)\s*.{0,40}\d.*|"
    r"reply(?:\s*delete)?|antworten|répondre|responder|rispondi|report\s+this\s+comment.*|link\s+to\s+this.*|"
    r"like\s+or\s+dislike.*|comment\s+number\s+\d+.*|.{0,80}\(score:\s*-?\d+(?:,\s*\w+)?\))\W*$",
    F,
)
#: Marks that count only under a head, because an article or a blog archive has them too: "On
#: October 26, 2012 at 2:08am, Rosa said...", "by james on January 31, 2011 at 9:59 am", a post's
#: footer ("Posted by Dave at 8:56 AM", without the colon a comment's signature has), a name
#: and a date ("Ranjit | 11/6/2012 3:07:08 AM"), a date alone.
COMMENT_WEAK = regex.compile(
    r"^\W*(?:on\s+.{0,40}\d.{0,30},\s*.{1,60}?\s+(?:said|says|wrote)\W*|(?:posted\s+)?by\s+\S.{0,60}?\s+(?:on|at)\s+.{0,40}\d.{0,30})$",
    F,
)
#: Opening and closing signatures, and where the first comment starts with respect to its mark.
_CLOSING = regex.compile(
    r"^\W*(?:posted\s+by|reply|antworten|répondre|responder|rispondi|report|link|like)\b", F
)
#: A comment section needs this many commenters' marks after its head (three signatures with no
#: head), and this many words of article before it (a forum thread, all comments, has no article
#: above it).
COMMENT_MIN_MARKS = 2
COMMENT_MIN_SIGNED = 3
COMMENT_MIN_ARTICLE_WORDS = 80


#: Words every head and every signature holds (cheap tests before the patterns).
_COMMENT_HEAD_WORDS = (
    "comment",
    "coment",
    "respons",
    "repl",
    "thought",
    "kommentar",
    "antwort",
    "reaktion",
    "reacties",
)
_SIGNATURE_WORDS = (
    "say",
    "said",
    "schreibt",
    "sagt",
    "meint",
    "écrit",
    "dice",
    "escribió",
    "scritto",
    "posted",
    "repl",
    "antworten",
    "répondre",
    "responder",
    "rispondi",
    "report",
    "link to",
    "like or",
    "comment number",
    "score:",
)


@lru_cache(maxsize=1 << 14)
def _comment_mark(line: str) -> str | None:
    """ "signed" for a commenter's signature or reply link, "weak" for a name and a date, a date
    alone or a signature that a byline could also be ("David Janke 07.13.12 at 07:34"), else None."""
    n = len(split_words(line))
    if n > 16:
        return None
    if COMMENT_SIGNED.match(line, timeout=REGEX_TIMEOUT):
        return "signed"
    if COMMENT_WEAK.match(line, timeout=REGEX_TIMEOUT):
        return "weak"
    if n > 10 or not DATE_ANCHOR.search(line, timeout=REGEX_TIMEOUT) or not regex.search(r"\d", line):
        return None
    rest = [
        w for w in split_words(DATE_TOKEN.sub(" ", line, timeout=REGEX_TIMEOUT)) if regex.search(r"\p{L}", w)
    ]
    return "weak" if len(rest) <= 5 and (not rest or rest[0][:1].isupper()) else None


def _has(low: str, needles: tuple[str, ...]) -> bool:
    return any(w in low for w in needles)


class CommentSection(Pass):
    """Readers' comments under the article, to the end of the document: from a comment-section head
    ("12 Comments") followed by :data:`COMMENT_MIN_MARKS` commenters' marks (signatures, dates,
    reply links), or from a head that counts the comments under it ("{ 69 comments… read them
    below }") when the page has only one; with no head, from the first of
    :data:`COMMENT_MIN_SIGNED` signatures. Only under :data:`COMMENT_MIN_ARTICLE_WORDS` words of
    article (a forum thread, all comments, has no article above it), and never on a thread: a page
    whose HTML declares itself one (:attr:`dedupe.stages.Context.declared_thread`), or a text of
    posts headed by stamps of one template from the top of the page, the first post no article
    (:func:`dedupe.pagetype.find_thread`). Judged on every block of the pass, so a head or a
    signature counts whether or not a rule took it (rule ``comment_section``; off with
    ``boilerplate.comments=False``). A head printed more than once (the counter under every entry of
    a list) is no head, and marks above a head, below the page's first :data:`DATELINE_HEAD` blocks,
    make the marks under it the page's own (dated entries), not commenters'."""

    name = "comment_section"
    stage = STAGE

    def applies(self, ctx: Context) -> bool:
        return self.config.boilerplate.comments

    def run(self, ctx: Context) -> None:
        if ctx.declared_thread or thread_of(ctx) is not None:
            return  # a page of posts (declared, or from the top): the posts are the content
        n = len(ctx.blocks)
        article = [0] * (n + 1)  # words of the blocks still kept before position k
        for k in range(n):
            article[k + 1] = article[k] + (length(ctx, k) if ctx.decisions[k] is None else 0)
        lows = [b.text.lower() for b in ctx.blocks]
        heads = [
            k
            for k in range(n)
            if length(ctx, k) <= 15
            and _has(lows[k], _COMMENT_HEAD_WORDS)
            and COMMENTS_HEADER.match(ctx.blocks[k].text, timeout=REGEX_TIMEOUT)
        ]
        # Without a head only signatures count: look at the lines that may hold one.
        look = range(n) if heads else [k for k in range(n) if _has(lows[k], _SIGNATURE_WORDS)]
        marks = {k: m for k in look if (m := _comment_mark(ctx.blocks[k].text)) is not None}
        counted = [k for k in heads if COMMENTS_COUNTED.match(ctx.blocks[k].text, timeout=REGEX_TIMEOUT)]
        # A head printed again and again is the comment counter under every entry of a list.
        repeated = Counter(lows[k].strip() for k in heads)
        start = head = None
        for k in heads:
            if article[k] < COMMENT_MIN_ARTICLE_WORDS or repeated[lows[k].strip()] > 1:
                continue
            if sum(1 for j in marks if DATELINE_HEAD <= j < k) >= COMMENT_MIN_MARKS:
                # Dated entries above the head (a blog's index, a list of news): the marks under it
                # are the page's own, not commenters'.
                break
            if sum(1 for j in marks if j > k) >= COMMENT_MIN_MARKS or (counted == [k] and len(heads) == 1):
                start = head = k
                break
        if start is None:
            signed = [
                k for k in sorted(marks) if marks[k] == "signed" and article[k] >= COMMENT_MIN_ARTICLE_WORDS
            ]
            if len(signed) < COMMENT_MIN_SIGNED:
                return
            # A signature that closes a comment ("Posted by: ...", "Reply") comes after its text.
            start = signed[0] - bool(_CLOSING.match(ctx.blocks[signed[0]].text))
            if article[start] < COMMENT_MIN_ARTICLE_WORDS:
                return
        count = sum(1 for j in marks if j > start or (head is None and j >= start))
        for j in range(start, n):
            self.remove(
                ctx,
                j,
                "boilerplate.comments",
                rule="comment_section",
                head=None if head is None else [ctx.doc_id, ctx.blocks[head].index],
                marks=count,
            )


#: An author's bio line at the end of an article: "Jane Doe is The Post's mobile projects editor.",
#: "John Roe is a freelance journalist based in Madrid."
AUTHOR_BIO = regex.compile(
    r"^(?-i:\p{Lu})[\p{L}.'’\-]+(?:\s+(?-i:\p{Lu})[\p{L}.'’\-]+){1,3}\s+(?:is|was|has\s+been|writes|covers|reports)\b"
    r"[^.!?]{0,120}?\b(?:editor|reporter|correspondent|writer|columnist|contributor|journalist|author|"
    r"producer|blogger|critic|commentator|photographer|freelancer|intern)s?\b[^!?]{0,120}$",
    F_SIMPLE_CASE,
)
#: An author's bio is looked for among this many last blocks, of a document of at least
#: AUTHOR_BIO_MIN_BLOCKS blocks, and has at most AUTHOR_BIO_MAX_WORDS words.
AUTHOR_BIO_TAIL = 2
AUTHOR_BIO_MIN_BLOCKS = 5
AUTHOR_BIO_MAX_WORDS = 40
#: A bio describes; a sentence with a relative clause or a reporting verb tells what happened
#: ("John Smith is a reporter who saw the vote").
_NARRATION = regex.compile(r"\b(?:who|which|that|when|said|says|told|saw|asked)\b", F)


class AuthorBio(Pass):
    """An author's bio closes an article: a name, then "is"/"writes"/"covers" and a journalist's
    role, among the last :data:`AUTHOR_BIO_TAIL` blocks ("Jane Doe is The Post's mobile projects
    editor."). A sentence that narrates (a relative clause, a reporting verb) is text (rule
    ``author_bio``)."""

    name = "author_bio"
    stage = STAGE

    def run(self, ctx: Context) -> None:
        # The last blocks of the pass, whether or not an earlier rule took them (a removed block is
        # skipped, not replaced by the one above it).
        blocks = range(len(ctx.blocks))
        for k in blocks[-AUTHOR_BIO_TAIL:] if len(blocks) >= AUTHOR_BIO_MIN_BLOCKS else ():
            text = ctx.blocks[k].text
            if (
                ctx.decisions[k] is None
                and word_count(text) <= AUTHOR_BIO_MAX_WORDS
                and AUTHOR_BIO.match(text, timeout=REGEX_TIMEOUT)
                and not _NARRATION.search(text, timeout=REGEX_TIMEOUT)
            ):
                self.remove(ctx, k, "boilerplate.byline", rule="author_bio")
