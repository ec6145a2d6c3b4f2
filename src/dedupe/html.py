"""HTML records: main-text extraction with trafilatura, before the same stages as plain text.

trafilatura already drops navigation, footers and most comment sections; what it leaves in
(teasers, related links, captions, bylines, prompts) is what the stages are for. Its output has one
paragraph per line, which is what :mod:`dedupe.segment` expects.

One structural hint from the page reaches the stages: the *link density* of table rows (the share
of a row's characters that are the text of a link on the page). trafilatura writes a table row as
one line, ``| cell | cell |``, and keeps layout tables that hold the article, so navigation bars,
"Email this page | Print" tool rows and related-link rows laid out in the same table come out as
rows of links. It drops a whole table when the table is link-dense, but not one row of a table
that also holds the article. Plain text has no links, so plain-text documents get no hints.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Sequence
from functools import lru_cache

from .config import HTML_THREAD_TYPES, THREADS, HtmlConfig
from .model import Block

__all__ = ["extract_text", "is_qa_page", "is_thread_page", "row_link_density"]


@lru_cache(maxsize=16)
def _declared(types: tuple[str, ...]) -> re.Pattern[str] | None:
    """The pattern of a page declaring one of ``types`` (schema.org, in JSON-LD or microdata)."""
    if not types:
        return None
    names = "|".join(re.escape(t) for t in types)
    return re.compile(
        rf'"@type"\s*:\s*(?:"(?:{names})"|\[[^\]]*"(?:{names})")|'
        rf'itemtype\s*=\s*"https?://schema\.org/(?:{names})"'
    )


def is_thread_page(html: str, types: tuple[str, ...] = HTML_THREAD_TYPES) -> bool:
    """Whether the page declares itself a thread: one of the schema.org ``types`` (by default a
    question and its answers, ``QAPage``, or a forum's posts, ``DiscussionForumPosting``, see
    :data:`dedupe.config.HTML_THREAD_TYPES`), in JSON-LD or microdata. Its posts and replies are its
    content, wherever the page's markup puts them: the comment-section pass leaves it alone.

    >>> is_thread_page('<script type="application/ld+json">{"@type": "DiscussionForumPosting"}</script>')
    True
    >>> is_thread_page('<div itemscope itemtype="https://schema.org/Comment">...</div>')
    False
    """
    pattern = _declared(types)
    return pattern is not None and pattern.search(html) is not None


def is_qa_page(html: str) -> bool:
    """Whether the page declares itself a question and its answers (schema.org ``QAPage``)."""
    return is_thread_page(html, ("QAPage",))


def extract_text(html: str, cfg: HtmlConfig) -> str:
    """The main text of ``html`` (empty string if trafilatura finds none).

    With ``include_comments="threads"`` the comments are kept only on a page whose comments are its
    content: a Q&A page (:func:`is_qa_page`) keeps its answers, an article loses its readers'
    comments. (A forum page that declares its posts, schema.org ``DiscussionForumPosting``, has them
    in its main text already: trafilatura routes them there; see
    :data:`dedupe.config.HTML_THREAD_TYPES`. Whether the text itself is a thread,
    :func:`dedupe.pagetype.find_thread`, is not asked here: on the tune part of wcxb, trafilatura's
    main text changes when it extracts the comments too, and lost more on listing and article pages
    than the comments of the few threads it found gained.)
    """
    import trafilatura

    if not html.strip():
        return ""
    comments = cfg.include_comments
    if comments == THREADS:
        comments = is_qa_page(html)
    out = trafilatura.extract(
        html,
        include_comments=bool(comments),
        include_tables=cfg.include_tables,
        favor_precision=cfg.favor == "precision",
        favor_recall=cfg.favor == "recall",
        deduplicate=False,
    )
    return out or ""


# An anchor and its content, up to the next anchor tag. Each part stops at the next "<" it cannot
# consume (the opening tag at any "<", the content at an anchor tag), so every match attempt ends
# before the next start and the scan stays linear on hostile markup (unclosed tags, runs of "<a").
_ANCHOR = re.compile(r"<a\b[^<>]*>([^<]*(?:<(?!/?a\b)[^<]*)*)</a\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# trafilatura's cell separator; a literal "|" inside a cell is written "\|" (a separator too).
_PIPES = re.compile(r"\\?\|")


def _is_row(text: str) -> bool:
    return len(text) > 1 and text[0] == "|" and text[-1] == "|"


def _link_texts(html: str) -> dict[str, list[tuple[str, ...]]]:
    """The words of every link text on the page, indexed by first word, longest first."""
    index: dict[str, set[tuple[str, ...]]] = {}
    for m in _ANCHOR.finditer(html):
        text = m.group(1)
        if "<" in text:
            text = _TAG.sub(" ", text)
        if "&" in text:
            text = _html.unescape(text)
        toks = tuple(text.split())
        if toks:
            index.setdefault(toks[0], set()).add(toks)
    return {k: sorted(v, key=len, reverse=True) for k, v in index.items()}


def _density(row: str, links: dict[str, list[tuple[str, ...]]]) -> float:
    toks = _PIPES.sub(" ", row).split()
    total = sum(map(len, toks))
    covered, i = 0, 0
    while i < len(toks):
        for link in links.get(toks[i], ()):
            if tuple(toks[i : i + len(link)]) == link:
                covered += sum(map(len, link))
                i += len(link)
                break
        else:
            i += 1
    return covered / total if total else 0.0


def row_link_density(html: str, blocks: Sequence[Block]) -> dict[int, float]:
    """Link density of the table-row blocks extracted from ``html``, by block index.

    A row's link density is the share of its characters (cell separators and spaces left out) that
    are covered by the complete text of some link on the page, matched word by word, longest link
    first. Rows without link text are left out; the page is only scanned if it has table rows.
    """
    rows = [b for b in blocks if _is_row(b.text)]
    if not rows:
        return {}
    links = _link_texts(html)
    out: dict[int, float] = {}
    for b in rows:
        d = _density(b.text, links)
        if d > 0:
            out[b.index] = d
    return out
