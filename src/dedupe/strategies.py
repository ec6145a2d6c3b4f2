"""Hypothesis strategies for property-based tests of code that uses dedupe (and of dedupe itself).

Needs the ``strategies`` extra (``pip install dedupe-text[strategies]``).

>>> from hypothesis import given
>>> from dedupe.strategies import noisy_articles
>>> @given(noisy_articles())
... def test_cleaning_never_grows(text):
...     assert len(dedupe.clean(text).text) <= len(text)

:func:`cleaning_cases` and :func:`corpus_cases` also say what the right cleaning is: documents of
genuine paragraphs with problems injected (exact and edited copies of paragraphs, boilerplate
lines, a related-stories box of teasers, paragraphs copied from an earlier document), each line
labelled with whether it must go. Test your own pipeline against them:

>>> from dedupe.strategies import cleaning_cases
>>> @given(cleaning_cases())
... def test_my_pipeline_removes_what_must_go(case):
...     kept_lines = my_pipeline(case.text).split("\\n\\n")
...     assert kept_lines == [case.lines[i].text for i in case.must_keep]

The injections are ones dedupe catches by design, so the same cases test dedupe itself
(``tests/test_strategies.py``): long paragraphs copied verbatim or with one word changed, a
reading-time line, a "Follow us" prompt, a byline under the top, a "Related" box of headlines of
other articles at the end, and verbatim copies across documents (corpus mode). Genuine paragraphs are
several full sentences that share no clause with one another, so no genuine line is ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as e:  # pragma: no cover - exercised only without the extra
    raise ImportError("dedupe.strategies needs hypothesis: pip install 'dedupe-text[strategies]'") from e

__all__ = [
    "BOILERPLATE_LINES",
    "INJECTIONS",
    "CleaningCase",
    "Line",
    "articles",
    "cleaning_cases",
    "corpus_cases",
    "line_texts",
    "noisy_articles",
    "paragraphs",
]

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


# -- cases with the expected cleaning ------------------------------------------------------------------

#: What :func:`cleaning_cases` can inject (the ``kind`` of a :class:`Line` that must go).
INJECTIONS = ("exact_copy", "edited_copy", "reading_time", "follow_prompt", "byline", "related_box")


@dataclass(frozen=True)
class Line:
    """One line of a generated document.

    Attributes:
        text: The line.
        must_go: True if a correct cleaner removes it.
        kind: ``genuine``, one of :data:`INJECTIONS`, ``corpus_copy`` (a paragraph copied from an
            earlier document of a :func:`corpus_cases` list), or ``related_label`` (the label of a
            related box).
    """

    text: str
    must_go: bool
    kind: str


@dataclass(frozen=True)
class CleaningCase:
    """A generated document and the cleaning expected of it."""

    id: str
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        """The document: one line per paragraph, a blank line between them."""
        return "\n\n".join(line.text for line in self.lines)

    @property
    def must_go(self) -> list[int]:
        """Positions (in :attr:`lines`) of the lines a correct cleaner removes. Positions, not
        texts: an exact copy has the same text as the original that stays."""
        return [i for i, line in enumerate(self.lines) if line.must_go]

    @property
    def must_keep(self) -> list[int]:
        """Positions of the lines a correct cleaner keeps."""
        return [i for i, line in enumerate(self.lines) if not line.must_go]

    @property
    def expected_text(self) -> str:
        """The clean text, as dedupe assembles it (kept lines, a blank line between them)."""
        return "\n\n".join(line.text for line in self.lines if not line.must_go)


# Sentence parts. Within a case every sentence gets its own object and its own ending, so two genuine
# paragraphs never share a clause (a shared clause is exactly what a near-duplicate detector is
# entitled to act on); subjects and verbs recur, as they do in real articles.
_SUBJECTS = (
    "the district council", "local farmers", "the school board", "a group of nurses", "the water company",
    "regional planners", "the museum director", "shop owners in the old town", "the transport authority",
    "several parents", "the hospital trust", "the harbour master", "volunteers from the library",
    "the fire brigade", "a panel of engineers", "the mayor's office",
)  # fmt: skip
_VERBS = (
    "approved", "questioned", "postponed", "welcomed", "criticised", "reviewed", "announced", "rejected",
    "defended", "funded", "studied", "debated", "supported", "delayed", "presented", "examined",
)  # fmt: skip
_OBJECT_HEADS = (
    "a plan to", "a proposal to", "the decision to", "an offer to", "a campaign to", "a request to",
    "the attempt to", "a scheme to",
)  # fmt: skip
_OBJECT_ACTIONS = (
    "repair the old stone bridge", "widen the ring road", "close the small village school",
    "replace the leaking water pipes", "build a new sports hall", "extend the tram line to the coast",
    "plant trees along the river bank", "move the weekly market indoors", "raise parking fees downtown",
    "open the museum on Sunday evenings", "hire more night nurses", "restore the flooded railway station",
    "cut the price of bus tickets", "protect the wetland from housing", "merge the two fire stations",
    "renovate the public swimming pool", "light the cycle paths at night", "fix the potholes near the port",
    "turn the old mill into flats", "fund free school lunches", "paint the faded murals in the tunnel",
    "buy two electric ferries", "rebuild the collapsed harbour wall", "ban lorries from the high street",
    "sell the empty police station", "double the number of allotments", "keep the night bus running",
    "clean the polluted canal", "repave the cobbled square", "insulate the council flats",
)  # fmt: skip
_TAILS = (
    "after a long debate on Tuesday", "despite strong objections from residents", "following months of delays",
    "at a crowded meeting last week", "without giving a clear reason", "once the spring floods had passed",
    "while the budget remained uncertain", "before the summer holidays began", "amid complaints about noise",
    "as costs continued to climb", "in a letter sent to every household", "after an inspection in March",
    "during a tense hearing at the town hall", "because the old contract was expiring",
    "with support from neighbouring towns", "after a survey of two thousand people",
    "ahead of the autumn elections", "when the first estimates arrived", "on the advice of outside experts",
    "to the surprise of many observers", "behind closed doors on Friday", "after a petition gathered pace",
    "even though the vote was close", "in a short statement on Monday", "as the winter storms approached",
    "after talks with the unions broke down", "while the auditors were still at work",
    "under pressure from local businesses", "in time for the new school year", "after a leak to the press",
)  # fmt: skip
_SWAPS = {"old": "ancient", "new": "modern", "long": "lengthy", "strong": "fierce", "clear": "proper",
          "small": "tiny", "public": "municipal", "first": "earliest", "many": "several"}  # fmt: skip
_FIRST = ("Jane", "Omar", "Lucia", "Peter", "Amara", "Tomasz", "Mei", "Daniel", "Ines", "Kwame")
_LAST = ("Holloway", "Brennan", "Okafor", "Lindqvist", "Moreau", "Castellano", "Whitfield", "Novak")
_NETWORKS = ("Twitter", "Facebook", "Instagram")
_RELATED = ("Related stories", "Related articles", "Related")
_TEASER_WORDS = (
    "Stadium", "Orchestra", "Glacier", "Vineyard", "Satellite", "Marathon", "Bakery", "Airline",
    "Volcano", "Festival", "Chess", "Telescope",
)  # fmt: skip


class _Parts:
    """Sentence parts not used yet: in a document no two sentences share a subject, a verb, an
    action or an ending, and across the documents of a corpus case no two share an action or an
    ending (so no genuine paragraph is even partly a copy of another)."""

    def __init__(self, draw: Any) -> None:
        self.actions = iter(draw(st.permutations(_OBJECT_ACTIONS)))
        self.tails = iter(draw(st.permutations(_TAILS)))

    def sentence(self, draw: Any, subjects: Any, verbs: Any) -> str:
        head = draw(st.sampled_from(_OBJECT_HEADS))
        s = f"{next(subjects)} {next(verbs)} {head} {next(self.actions)} {next(self.tails)}."
        return s[0].upper() + s[1:]


#: Sentences per genuine paragraph.
_SENTENCES = (2, 3)


@st.composite
def _genuine_paragraphs(draw: Any, count: int, parts: _Parts) -> list[str]:
    """``count`` paragraphs of 2-3 sentences (at most 5, so 15 sentences: fewer than 16 subjects)."""
    subjects = iter(draw(st.permutations(_SUBJECTS)))
    verbs = iter(draw(st.permutations(_VERBS)))
    return [
        " ".join(parts.sentence(draw, subjects, verbs) for _ in range(draw(st.integers(*_SENTENCES))))
        for _ in range(count)
    ]


def _edited(paragraph: str, n: int) -> str | None:
    """``paragraph`` with one word changed (the ``n``-th changeable one), or None."""
    words = paragraph.split(" ")
    spots = [i for i, w in enumerate(words) if w in _SWAPS]
    if not spots:
        return None
    i = spots[n % len(spots)]
    words[i] = _SWAPS[words[i]]
    return " ".join(words)


@st.composite
def cleaning_cases(
    draw: Any,
    injections: tuple[str, ...] = INJECTIONS,
    min_paragraphs: int = 3,
    max_paragraphs: int = 5,
    doc_id: str = "case",
    _parts: _Parts | None = None,
) -> CleaningCase:
    """A document of genuine paragraphs with some of ``injections`` put in, and which lines must go.

    Copies come after their original (the first occurrence is the one kept); a byline goes right
    under the first paragraph; a related box goes at the end.

    Args:
        injections: Kinds to draw from (see :data:`INJECTIONS`); each appears at most once.
        min_paragraphs: Fewest genuine paragraphs (at least 1).
        max_paragraphs: Most genuine paragraphs (at most 5).
        doc_id: The case's id.
    """
    unknown = set(injections) - set(INJECTIONS)
    if unknown:
        raise ValueError(f"unknown injection(s) {sorted(unknown)}; choose from {INJECTIONS}")
    if not 1 <= min_paragraphs <= max_paragraphs <= 5:
        raise ValueError("need 1 <= min_paragraphs <= max_paragraphs <= 5")
    parts = _parts if _parts is not None else _Parts(draw)
    paras = draw(_genuine_paragraphs(draw(st.integers(min_paragraphs, max_paragraphs)), parts))
    lines = [Line(p, False, "genuine") for p in paras]
    chosen = draw(st.lists(st.sampled_from(injections), unique=True)) if injections else []
    for kind in [k for k in INJECTIONS if k in chosen]:  # a fixed order: positions stay meaningful
        if kind in ("exact_copy", "edited_copy"):
            k = draw(st.integers(0, len(paras) - 1))
            copy = paras[k] if kind == "exact_copy" else _edited(paras[k], draw(st.integers(0, 9)))
            if copy is None:
                continue
            first = next(i for i, line in enumerate(lines) if line.text == paras[k])
            lines.insert(draw(st.integers(first + 1, len(lines))), Line(copy, True, kind))
        elif kind == "reading_time":
            text = f"{draw(st.integers(2, 15))} min read"
            lines.insert(draw(st.integers(0, len(lines))), Line(text, True, kind))
        elif kind == "follow_prompt":
            text = f"Follow us on {draw(st.sampled_from(_NETWORKS))}"
            lines.insert(draw(st.integers(0, len(lines))), Line(text, True, kind))
        elif kind == "byline":
            text = f"By {draw(st.sampled_from(_FIRST))} {draw(st.sampled_from(_LAST))}"
            lines.insert(1, Line(text, True, kind))
        elif kind == "related_box":
            lines.append(Line(draw(st.sampled_from(_RELATED)), True, "related_label"))
            topics = draw(st.lists(st.sampled_from(_TEASER_WORDS), min_size=2, max_size=3, unique=True))
            for topic in topics:
                place = draw(st.sampled_from(_LAST))
                lines.append(Line(f"{topic} Plans Unveiled In {place} Valley", True, kind))
    return CleaningCase(id=doc_id, lines=tuple(lines))


@st.composite
def corpus_cases(
    draw: Any, min_docs: int = 2, max_docs: int = 3, injections: tuple[str, ...] = INJECTIONS
) -> list[CleaningCase]:
    """Documents for corpus mode (clean them in order): every document but the first also copies a
    genuine paragraph of an earlier one verbatim (``corpus_copy``, must go), besides its own
    injections."""
    if not 1 <= min_docs <= max_docs <= 3:
        raise ValueError("need 1 <= min_docs <= max_docs <= 3")
    parts = _Parts(draw)  # shared: documents never share an action or an ending
    cases: list[CleaningCase] = []
    for n in range(draw(st.integers(min_docs, max_docs))):
        # 3 documents of at most 3 paragraphs of 3 sentences: 27 sentences, within the 30 parts.
        case = draw(cleaning_cases(injections=injections, max_paragraphs=3, doc_id=f"doc{n}", _parts=parts))
        if cases:
            source = draw(
                st.sampled_from([line.text for c in cases for line in c.lines if line.kind == "genuine"])
            )
            lines = list(case.lines)
            end = next((i for i, line in enumerate(lines) if line.kind == "related_label"), len(lines))
            lines.insert(draw(st.integers(0, end)), Line(source, True, "corpus_copy"))
            case = CleaningCase(id=case.id, lines=tuple(lines))
        cases.append(case)
    return cases
