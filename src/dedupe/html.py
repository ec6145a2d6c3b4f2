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

from .config import HtmlConfig
from .model import Block

__all__ = ["extract_text", "row_link_density"]


def extract_text(html: str, cfg: HtmlConfig) -> str:
    """The main text of ``html`` (empty string if trafilatura finds none)."""
    import trafilatura

    if not html.strip():
        return ""
    out = trafilatura.extract(
        html,
        include_comments=cfg.include_comments,
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
