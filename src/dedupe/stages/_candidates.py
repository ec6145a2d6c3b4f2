"""Candidate retrieval for within-document duplicates: MinHash signatures and a banded LSH table.

Bands and rows come from the threshold with datasketch's optimisation (minimise the weighted
false-positive and false-negative areas under the S-curve ``P(s) = 1 - (1 - s**r)**b``). With the
default threshold 0.2 and 128 permutations this gives many short bands, so a pair at Jaccard 0.35
becomes a candidate with probability above 0.99; candidates are verified exactly by the caller.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from datasketch import MinHash
from datasketch.lsh import _optimal_param

from ..text import ngrams

__all__ = ["LSHCandidates", "lsh_params"]


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) for ``threshold`` as datasketch's MinHashLSH chooses them."""
    b, r = _optimal_param(threshold, num_perm, 0.5, 0.5)
    return int(b), int(r)


class LSHCandidates:
    """Small in-memory LSH keyed by block position; a block may be added several times (sentences)."""

    def __init__(self, *, threshold: float, num_perm: int, ngram: int, seed: int = 1) -> None:
        self.bands, self.rows = lsh_params(threshold, num_perm)
        self.num_perm, self.ngram, self.seed = num_perm, ngram, seed
        self.tables: list[dict[bytes, set[int]]] = [defaultdict(set) for _ in range(self.bands)]

    def _keys(self, ws: list[str]) -> list[bytes]:
        m = MinHash(num_perm=self.num_perm, seed=self.seed)
        m.update_batch([g.encode("utf-8") for g in ngrams(ws, self.ngram)])
        hv = m.hashvalues
        r = self.rows
        return [hv[i * r : (i + 1) * r].tobytes() for i in range(self.bands)]

    def add(self, key: int, ws: list[str]) -> None:
        for table, band in zip(self.tables, self._keys(ws)):
            table[band].add(key)

    def query(self, ws: list[str]) -> set[int]:
        out: set[int] = set()
        for table, band in zip(self.tables, self._keys(ws)):
            hit = table.get(band)
            if hit:
                out |= hit
        return out
