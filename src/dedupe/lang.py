"""Stopword lists and a cheap language guess, for stopword density and content-word vectors.

The lists are jusText's (100 languages, built from Wikipedia), loaded lazily. The guess picks the
list that covers most of a document's words among the commonest web languages; it only has to be
good enough to tell function words from content words.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from itertools import islice
from pathlib import Path

from .text import _words

__all__ = ["guess_stoplist", "guess_stoplist_texts", "stoplist"]

#: Languages tried by :func:`guess_stoplist`, commonest in web crawls first (ties go to the first).
CANDIDATES = (
    "English", "German", "French", "Spanish", "Italian", "Portuguese", "Dutch", "Polish",
    "Swedish", "Danish", "Norwegian_Bokmal", "Finnish", "Czech", "Turkish", "Indonesian", "Russian",
)  # fmt: skip

#: Below this share of stopwords among a document's words no list is trusted (code, tables, CJK).
MIN_COVERAGE = 0.05


@cache
def _stoplist_dir() -> Path | None:
    # Located without importing jusText: its import pulls in lxml.html.clean, which recent lxml
    # no longer ships, and we only need its data files.
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "stoplists"
    return folder if folder.is_dir() else None


@cache
def stoplist(language: str) -> frozenset[str]:
    """jusText's stopword list for ``language`` (lower-cased), empty if jusText lacks it."""
    folder = _stoplist_dir()
    if folder is None or not language.replace("_", "").isalpha():
        return frozenset()
    path = folder / f"{language}.txt"
    if not path.is_file():
        return frozenset()
    text = path.read_text(encoding="utf-8")
    return frozenset(w.strip().casefold().replace("’", "'") for w in text.splitlines() if w.strip())


@cache
def _languages_of() -> dict[str, tuple[int, ...]]:
    """Each stopword of the candidate languages -> the indices of the languages that list it."""
    table: dict[str, list[int]] = {}
    for i, lang in enumerate(CANDIDATES):
        for w in stoplist(lang):
            table.setdefault(w, []).append(i)
    return {w: tuple(v) for w, v in table.items()}


#: Words :func:`guess_stoplist` looks at.
GUESS_WORDS = 2000


def _hits(words: Iterable[str]) -> tuple[int, ...]:
    table = _languages_of()
    hits = [0] * len(CANDIDATES)
    for w in words:
        for i in table.get(w, ()):
            hits[i] += 1
    return tuple(hits)


@lru_cache(maxsize=1 << 15)
def _text_hits(text: str) -> tuple[int, tuple[int, ...]]:
    ws = _words(text)
    return len(ws), _hits(ws)


def _decide(hits: Sequence[int], total: int) -> tuple[str | None, frozenset[str]]:
    if not total:
        return None, frozenset()
    best = max(range(len(CANDIDATES)), key=lambda i: (hits[i], -i))
    if hits[best] == 0 or hits[best] / total < MIN_COVERAGE:
        return None, frozenset()
    return CANDIDATES[best], stoplist(CANDIDATES[best])


def guess_stoplist_texts(texts: Iterable[str]) -> tuple[str | None, frozenset[str]]:
    """:func:`guess_stoplist` of the words of ``texts`` in order (the same answer), with each
    text's stopword hits remembered: the stages ask again on every fixed-point pass."""
    hits = [0] * len(CANDIDATES)
    total = 0
    for text in texts:
        n, h = _text_hits(text)
        if total + n > GUESS_WORDS:
            # The text that crosses the limit counts with its first words only.
            part = _hits(_words(text)[: GUESS_WORDS - total])
            hits = [a + b for a, b in zip(hits, part)]
            total = GUESS_WORDS
            break
        hits = [a + b for a, b in zip(hits, h)]
        total += n
    return _decide(hits, total)


def guess_stoplist(words: Iterable[str]) -> tuple[str | None, frozenset[str]]:
    """The language among :data:`CANDIDATES` whose stopwords cover most of ``words``.

    Looks at the first 2,000 words. Returns ``(None, empty set)`` when no list covers at least
    :data:`MIN_COVERAGE` of them. Ties go to the language listed first.
    """
    counts = Counter(islice(words, GUESS_WORDS))
    total = sum(counts.values())
    hits = [0] * len(CANDIDATES)
    table = _languages_of()
    for w, n in counts.items():
        for i in table.get(w, ()):
            hits[i] += n
    return _decide(hits, total)
