"""Candidate retrieval for within-document duplicates: MinHash signatures and a banded LSH table.

The signatures come from :class:`dedupe.minhash.Signer` (bigram shingles, one vectorised batch per
document). Bands and rows come from the threshold with datasketch's optimisation (see
:func:`dedupe.minhash.lsh_params`: minimise the weighted false-positive and false-negative areas
under ``P(s) = 1 - (1 - s**r)**b``). At the default threshold 0.2 and 128 permutations that is 28
bands of 2 rows: a pair at Jaccard 0.35 (an edited copy in the seeds) becomes a candidate with
probability 1 - (1 - 0.35**2)**28 = 0.97, a pair at 0.05 with probability 0.07. Candidates are
verified exactly by the caller, so the table only has to not miss.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from ..minhash import Signer, lsh_params

__all__ = ["LSHCandidates"]


@cache
def _params(threshold: float, num_perm: int) -> tuple[int, int]:
    return lsh_params(threshold, num_perm)


@cache
def _signer(num_perm: int, ngram: int, seed: int) -> Signer:
    return Signer(num_perm=num_perm, seed=seed, ngram=ngram)


class LSHCandidates:
    """Small in-memory LSH keyed by block position; a block may be added several times (sentences)."""

    def __init__(self, *, threshold: float, num_perm: int, ngram: int, seed: int = 1) -> None:
        self.bands, self.rows = _params(threshold, num_perm)
        self.signer = _signer(num_perm, ngram, seed)
        self.tables: list[dict[bytes, set[int]]] = [defaultdict(set) for _ in range(self.bands)]

    def sign(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        return self.signer.sign(list(texts))

    def _keys(self, sig: np.ndarray[Any, Any]) -> list[bytes]:
        r = self.rows
        return [sig[i * r : (i + 1) * r].tobytes() for i in range(self.bands)]

    def add(self, key: int, sig: np.ndarray[Any, Any]) -> None:
        for table, band in zip(self.tables, self._keys(sig)):
            table[band].add(key)

    def query(self, sig: np.ndarray[Any, Any]) -> set[int]:
        out: set[int] = set()
        for table, band in zip(self.tables, self._keys(sig)):
            hit = table.get(band)
            if hit:
                out |= hit
        return out
