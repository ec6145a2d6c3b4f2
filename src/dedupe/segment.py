"""Split a text into blocks: one block per non-empty line, offsets into the original text.

Scraped text arrives one paragraph per line (trafilatura's output, crawl dumps, the seeds), so the
line is the unit of decision. Leading and trailing whitespace of a line is not part of its block:
only the whitespace between blocks may change in the clean text.
"""

from __future__ import annotations

import regex

from .model import Block

__all__ = ["segment"]

# A line: anything up to a line break. \r\n, \r, \n and the Unicode separators (U+2028/9, U+0085,
# vertical tab, form feed) all end a line, as str.splitlines() does, so a block never contains a
# line break and re-segmenting the clean text gives back exactly the kept blocks.
_LINE_RE = regex.compile(r"[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
# What str.strip() removes, as a character class, so offsets stay exact.
_LEAD_WS = regex.compile(r"^\s+")
_TRAIL_WS = regex.compile(r"\s+$")


def segment(text: str) -> list[Block]:
    """Return the non-blank lines of ``text`` as blocks, each with ``text[start:end] == block.text``.

    >>> [b.text for b in segment("Title\\n\\n  Body line.  \\r\\nLast")]
    ['Title', 'Body line.', 'Last']
    """
    blocks: list[Block] = []
    for m in _LINE_RE.finditer(text):
        start, end = m.span()
        line = m.group()
        if "!" <= line[0] <= "~" and "!" <= line[-1] <= "~":
            # Printable ASCII other than the space is whitespace in no definition: nothing to trim.
            blocks.append(Block(index=len(blocks), start=start, end=end, text=line))
            continue
        lead = _LEAD_WS.search(line)
        if lead:
            start += lead.end()
        trail = _TRAIL_WS.search(line)
        if trail:
            end -= len(line) - trail.start()
        if end > start:
            blocks.append(Block(index=len(blocks), start=start, end=end, text=text[start:end]))
    return blocks
