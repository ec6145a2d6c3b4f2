"""Exact verification of candidate copies: how much of a text occurs in a source, and where.

Both duplicate stages find candidates with MinHash + LSH and then verify each one exactly, here.
The unit of comparison is the *word bigram* of script-aware units (:func:`dedupe.shapes.units`: the
words of :func:`dedupe.text.words`, except that a run of a script written without spaces, Chinese,
Japanese, Thai..., is split into its characters, so a Japanese sentence has one unit per character,
not one for the whole sentence). :func:`overlap` compares the bigrams of a query, in order, with the
set of a source's bigrams and reports

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

from .minhash import Signer
from .shapes import spaced, units
from .text import CACHE_SIZE, normalize

__all__ = [
    "PAYLOAD_BIGRAMS",
    "Overlap",
    "bigram_hashes",
    "overlap",
    "pack_bigrams",
    "unit_key",
    "unpack_bigrams",
]


@lru_cache(maxsize=CACHE_SIZE)
def unit_key(text: str) -> str:
    """What two blocks must share to be the same line: their units, or, for a line without any
    (``***``, an emoji), its normalised text."""
    u = units(text)
    return " ".join(u) if u else "\x00" + normalize(text)


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
