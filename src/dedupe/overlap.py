"""Exact verification of candidate copies: how much of a text occurs in a source, and where.

Both duplicate stages find candidates with MinHash + LSH and then verify each one exactly, here.
The unit of comparison is the *word bigram* of script-aware units (:func:`units`: the words of
:func:`dedupe.text.words`, except that a run of a script written without spaces, Chinese, Japanese,
Thai..., is split into its characters, so a Japanese sentence has one unit per character, not one
for the whole sentence). :func:`overlap` compares the bigrams of a query, in order, with the set of a
source's bigrams and reports

* ``containment``: the share of the query's bigrams found in the source;
* ``gaps``: the number of runs of consecutive bigrams *not* found. An edited copy has one gap per
  edit (a typo, an added or dropped word and a replaced clause each break the bigrams around one
  place), while two genuinely different paragraphs on the same subject, or two parallel sentences
  of a template, share bigrams scattered over many places;
* ``shared`` and ``compared``: the counts behind the share.

Why bigram containment and not Jaccard: an edited copy in the seeds keeps 0.60 of its bigrams in
the original with 3 gaps, and a paragraph fused from two earlier ones keeps 0.94 of its bigrams in
the two together, but their Jaccard with the original is 0.35 and 0.58.

Across documents the index cannot keep every paragraph's bigrams verbatim; it keeps their 16-bit
hashes (:func:`pack_bigrams`), all of them up to :data:`PAYLOAD_BIGRAMS` distinct values and the
:data:`PAYLOAD_BIGRAMS` smallest beyond (a bottom-k sample: both sides are compared on the hash
range the sample covers, which is a consistent sample of both texts' bigrams). A false match of
one bigram needs two 16-bit hashes to collide: probability at most 40 / 65,536 per bigram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import regex

from .minhash import Signer
from .text import CACHE_SIZE, normalize, words

__all__ = [
    "PAYLOAD_BIGRAMS",
    "Overlap",
    "bigram_hashes",
    "count_words",
    "is_sentence_end",
    "overlap",
    "pack_bigrams",
    "sentences",
    "spaced",
    "unit_key",
    "units",
    "unpack_bigrams",
]

# ---------------------------------------------------------------------------------------------
# Script-aware shapes. To move into dedupe.shapes (issue 15 makes that module; these are the parts
# the duplicate stages need, right for scripts written without spaces).
# ---------------------------------------------------------------------------------------------

#: Scripts written without spaces between words: a character is the unit of comparison there.
#: (Korean is written with spaces; its words are words.)
_UNSPACED: Final = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}"
_UNSPACED_CHAR = regex.compile(f"[{_UNSPACED}]")
#: Sentence-final punctuation in the scripts we meet: Latin, CJK full-width forms, Arabic, Devanagari
#: (danda), Myanmar, Ethiopic, Armenian; then closing quotes and brackets.
_SENTENCE_END = regex.compile(r"[.!?…。！？｡؟۔।॥။።։][\"'”’»)\]」』）】〕\p{Pf}\p{Pe}]*$")
#: Where a sentence ends inside a paragraph: after sentence-final punctuation and closing quotes,
#: before whitespace and an upper-case letter, a letter of a caseless script, a digit or an opening
#: quote (as :func:`dedupe.text.sentences`), or straight after a full stop of a script without spaces.
_SENTENCE_SPLIT = regex.compile(
    r"(?<=[.!?…؟۔।॥][\"'”’»)\]]*)\s+(?=[\"'“‘«(\[]?[\p{Lu}\p{Lo}\p{N}])|(?<=[。！？｡][」』”’）)]*)\s*(?=\S)"
)


def is_sentence_end(text: str) -> bool:
    """Whether ``text`` ends like a sentence, in any script.

    >>> is_sentence_end("It rained."), is_sentence_end("工事は来週始まる。"), is_sentence_end("Group B: results")
    (True, True, False)
    """
    return bool(_SENTENCE_END.search(text.rstrip()))


@lru_cache(maxsize=CACHE_SIZE)
def spaced(text: str) -> str:
    """``text`` with every character of a script written without spaces set apart by spaces, so
    that :func:`dedupe.text.words` gives one word per character there (and the words elsewhere).

    The MinHash signer is given this text: its word n-grams are then character n-grams in Chinese
    or Japanese and word n-grams elsewhere, and the signatures stay those of datasketch for the
    same shingles.
    """
    if text.isascii() or not _UNSPACED_CHAR.search(text):
        return text
    return _UNSPACED_CHAR.sub(lambda m: f" {m.group()} ", text)


@lru_cache(maxsize=CACHE_SIZE)
def _units(text: str) -> tuple[str, ...]:
    return tuple(words(spaced(text)))


def units(text: str) -> list[str]:
    """Script-aware words: :func:`dedupe.text.words`, with each character of a script written
    without spaces a unit of its own.

    >>> units("Tokyo 市は発表した。")
    ['tokyo', '市', 'は', '発', '表', 'し', 'た']
    """
    return list(_units(text))


def count_words(text: str) -> int:
    """The number of :func:`units` of ``text``: words, or characters in scripts without spaces."""
    return len(_units(text))


@lru_cache(maxsize=CACHE_SIZE)
def unit_key(text: str) -> str:
    """What two blocks must share to be the same line: their units, or, for a line without any
    (``***``, an emoji), its normalised text."""
    u = _units(text)
    return " ".join(u) if u else "\x00" + normalize(text)


@lru_cache(maxsize=CACHE_SIZE)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(s for s in (p.strip() for p in _SENTENCE_SPLIT.split(text)) if s)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, in every script (see :data:`_SENTENCE_SPLIT`).

    >>> sentences("He left. Then she came. 市は発表した。工事は来週始まる。")
    ['He left.', 'Then she came.', '市は発表した。', '工事は来週始まる。']
    """
    return list(_sentences(text))


# ---------------------------------------------------------------------------------------------
# Bigram hashes and their comparison
# ---------------------------------------------------------------------------------------------


@cache
def _bigram_signer() -> Signer:
    # Only its shingle hashing is used (poly64 of the UTF-8 bigram, low 32 bits): vectorised over
    # a batch, no Python code per bigram.
    return Signer(num_perm=1, ngram=2)


def bigram_hashes(texts: Sequence[str]) -> list[npt.NDArray[np.uint32]]:
    """For each text, the 32-bit hashes of its unit bigrams in order (a text of one unit: one
    hash of that unit; no units: empty), computed for the whole batch at once."""
    if not texts:
        return []
    hashes, rows = _bigram_signer().shingle_hashes([spaced(t) for t in texts])
    bounds = np.searchsorted(rows, np.arange(len(texts) + 1))
    h = hashes.astype(np.uint32, copy=False)
    return [h[bounds[i] : bounds[i + 1]] for i in range(len(texts))]


@dataclass(frozen=True)
class Overlap:
    """How much of a query occurs in a source (see the module docstring)."""

    containment: float
    shared: int
    compared: int
    gaps: int


def overlap(query: npt.NDArray[Any], source: npt.NDArray[Any], limit: int | None = None) -> Overlap:
    """Compare the bigram hashes ``query`` (in order) with the sorted distinct hashes ``source``.

    Args:
        query: The query's bigram hashes, in text order.
        source: The source's distinct bigram hashes, sorted ascending.
        limit: When ``source`` is a bottom-k sample, the largest hash it covers: only query
            bigrams with hashes up to ``limit`` are compared.
    """
    q = query if limit is None else query[query <= limit]
    n = len(q)
    if not n or not len(source):
        return Overlap(0.0, 0, n, 1 if n else 0)
    at = np.searchsorted(source, q)
    found = source.take(at, mode="clip") == q
    shared = int(found.sum())
    missing = ~found
    gaps = int(missing[0]) + int(np.count_nonzero(missing[1:] & found[:-1]))
    return Overlap(shared / n, shared, n, gaps)


def distinct(hashes: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The sorted distinct values of ``hashes`` (a source for :func:`overlap`)."""
    return np.unique(hashes)


#: Distinct 16-bit bigram hashes an index keeps per paragraph at most (2 bytes each): a paragraph
#: of up to 41 words is kept whole; a longer one by the bottom-40 sample of its bigram hashes, where
#: an edit changes little (a clause of 12 words replaced in 60 still leaves 0.8 of the bigrams).
PAYLOAD_BIGRAMS: Final = 40
_U16: Final = np.dtype("<u2")


def hash16(hashes: npt.NDArray[Any]) -> npt.NDArray[np.uint16]:
    """The 16-bit bigram hashes of an index payload: the high half of the 32-bit ones."""
    return (hashes.astype(np.uint32, copy=False) >> np.uint32(16)).astype(np.uint16)


def pack_bigrams(hashes: npt.NDArray[Any], k: int = PAYLOAD_BIGRAMS) -> bytes:
    """What an index keeps of a paragraph for exact verification: the number of its distinct
    16-bit bigram hashes (2 bytes), then the ``k`` smallest of them (2 bytes each)."""
    h = np.unique(hash16(hashes))
    return np.array([min(len(h), 0xFFFF)], dtype=_U16).tobytes() + h[:k].astype(_U16).tobytes()


def unpack_bigrams(payload: bytes) -> tuple[npt.NDArray[np.uint16], int | None]:
    """``(sorted distinct 16-bit hashes, limit)`` of :func:`pack_bigrams`'s payload; ``limit`` is
    the largest hash covered when the payload is a sample, None when it holds every bigram."""
    arr = np.frombuffer(payload, dtype=_U16)
    if not len(arr):
        return arr, None
    total, kept = int(arr[0]), arr[1:]
    return kept, (int(kept[-1]) if total > len(kept) and len(kept) else None)
