"""Hypothesis strategies for property-based tests of code that uses dedupe (and of dedupe itself).

Needs the ``strategies`` extra (``pip install dedupe-text[strategies]``).

>>> from hypothesis import given
>>> from dedupe.strategies import noisy_articles
>>> @given(noisy_articles())
... def test_cleaning_never_grows(text):
...     assert len(dedupe.clean(text).text) <= len(text)
"""

from __future__ import annotations

from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as e:  # pragma: no cover - exercised only without the extra
    raise ImportError("dedupe.strategies needs hypothesis: pip install 'dedupe-text[strategies]'") from e

__all__ = ["BOILERPLATE_LINES", "articles", "line_texts", "noisy_articles", "paragraphs"]

#: Lines of the kinds the boilerplate stage removes, in several languages (for injection).
BOILERPLATE_LINES = (
    "2 min read",
    "Lesezeit: 4 Minuten",
    "14 April, 2019",
    "Updated: 10:32 GMT",
    "Follow us on Twitter: @example_news",
    "Suivez-nous sur Facebook",
    "Powered by automated translation",
    "A crowd gathers outside the court on Monday [AFP/Getty]",
    "© 2020 Example Media. All rights reserved.",
    "Advertisement",
)

_WORDS = [
    "council",
    "budget",
    "river",
    "school",
    "minister",
    "report",
    "market",
    "election",
    "court",
    "water",
    "energy",
    "hospital",
    "police",
    "farmers",
    "bridge",
    "station",
    "festival",
    "museum",
    "teachers",
    "strike",
    "museum",
    "harbour",
    "railway",
    "village",
    "vote",
    "plan",
    "tax",
    "funding",
    "project",
    "officials",
    "residents",
    "company",
    "workers",
    "union",
    "prices",
    "airport",
]
_FUNCTION = [
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "on",
    "for",
    "with",
    "that",
    "was",
    "is",
    "by",
    "from",
    "as",
    "at",
    "said",
    "has",
]


def _sentence() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(_WORDS + _FUNCTION), min_size=6, max_size=24).map(
        lambda ws: (" ".join(ws)).capitalize() + "."
    )


def paragraphs() -> st.SearchStrategy[str]:
    """A paragraph of one to four sentences of news-like words (no line breaks)."""
    return st.lists(_sentence(), min_size=1, max_size=4).map(" ".join)


def articles(min_paragraphs: int = 1, max_paragraphs: int = 12) -> st.SearchStrategy[str]:
    """A plain-text article: paragraphs separated by blank lines."""
    return st.lists(paragraphs(), min_size=min_paragraphs, max_size=max_paragraphs).map("\n\n".join)


@st.composite
def noisy_articles(draw: Any, max_paragraphs: int = 12) -> str:
    """An article with injected boilerplate lines and repeated paragraphs, as crawls leave them."""
    paras = draw(st.lists(paragraphs(), min_size=1, max_size=max_paragraphs))
    out = list(paras)
    for _ in range(draw(st.integers(0, 3))):
        out.insert(draw(st.integers(0, len(out))), draw(st.sampled_from(BOILERPLATE_LINES)))
    for _ in range(draw(st.integers(0, 2))):
        out.insert(draw(st.integers(0, len(out))), draw(st.sampled_from(paras)))
    return "\n\n".join(out)


def line_texts() -> st.SearchStrategy[str]:
    """Arbitrary Unicode text with many line breaks of every kind (for robustness properties)."""
    return st.lists(
        st.one_of(st.text(max_size=80), st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x0b", "\n\n"])),
        max_size=30,
    ).map("".join)
