"""The index corpus mode queries: word-shingle MinHash signatures in an LSH index.

Thin adapter between the corpus stage (which speaks in words of paragraphs and sentences) and the
near-duplicate engine (signatures and an LSH index).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from .config import CorpusConfig
from .stages._candidates import lsh_params
from .text import ngrams

__all__ = ["CorpusIndex", "Match"]

#: How far below the decision threshold the LSH retrieves candidates.
CANDIDATE_MARGIN = 0.2


@dataclass(frozen=True)
class Match:
    doc_id: str
    block: int
    part: int
    similarity: float


class CorpusIndex:
    def __init__(self, cfg: CorpusConfig) -> None:
        self.cfg = cfg
        # Candidates are retrieved below the decision thresholds (paragraph Jaccard, sentence Jaccard
        # 0.8) so that pairs right at a threshold are found, not found half the time.
        self.bands, self.rows = lsh_params(max(0.1, min(cfg.jaccard, 0.8) - CANDIDATE_MARGIN), cfg.num_perm)
        self.tables: list[dict[bytes, list[int]]] = [{} for _ in range(self.bands)]
        self.keys: list[tuple[str, int, int]] = []
        self.sigs: list[np.ndarray] = []

    def _sig(self, ws: list[str]) -> np.ndarray:
        m = MinHash(num_perm=self.cfg.num_perm, seed=self.cfg.seed)
        m.update_batch([g.encode("utf-8") for g in ngrams(ws, self.cfg.ngram)])
        return np.asarray(m.hashvalues)

    def _bands(self, sig: np.ndarray) -> list[bytes]:
        r = self.rows
        return [sig[i * r : (i + 1) * r].tobytes() for i in range(self.bands)]

    def add(self, doc_id: str, block: int, part: int, ws: list[str]) -> None:
        sig = self._sig(ws)
        n = len(self.keys)
        self.keys.append((doc_id, block, part))
        self.sigs.append(sig)
        for table, band in zip(self.tables, self._bands(sig)):
            table.setdefault(band, []).append(n)

    def query(self, ws: list[str]) -> list[Match]:
        sig = self._sig(ws)
        found: set[int] = set()
        for table, band in zip(self.tables, self._bands(sig)):
            found.update(table.get(band, ()))
        out = []
        for n in sorted(found):
            sim = float(np.mean(self.sigs[n] == sig))
            d, b, p = self.keys[n]
            out.append(Match(d, b, p, sim))
        return out

    def close(self) -> None:
        pass
