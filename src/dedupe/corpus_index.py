"""The index corpus mode queries: word-shingle MinHash signatures (:mod:`dedupe.minhash`) in an
LSH index (:mod:`dedupe.index`: in memory, SQLite or Redis, chosen by ``corpus.index``).

Thin adapter between the corpus stage, which speaks in texts of paragraphs and sentences, and
the near-duplicate engine, which speaks in signatures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .config import CorpusConfig
from .index import LSHIndex, Match, open_index
from .minhash import Signer

__all__ = ["CANDIDATE_MARGIN", "CorpusIndex", "Match"]

#: How far below the lowest decision threshold the LSH retrieves candidates, so that pairs right
#: at a threshold are found rather than found half the time; candidates are then filtered by
#: their estimated similarity.
CANDIDATE_MARGIN = 0.2


class CorpusIndex:
    """Signatures and an LSH index for the paragraphs (and sentences) of earlier documents.

    Args:
        cfg: Corpus settings (shingle size, permutations, seed, where the index lives).
        lowest_threshold: The lowest similarity any caller will accept; the banding is tuned
            :data:`CANDIDATE_MARGIN` below it.
    """

    def __init__(self, cfg: CorpusConfig, lowest_threshold: float) -> None:
        self.cfg = cfg
        self.signer = Signer(num_perm=cfg.num_perm, seed=cfg.seed, ngram=cfg.ngram)
        threshold = max(0.1, lowest_threshold - CANDIDATE_MARGIN)
        # No intermediate commits: what a run adds becomes durable only when the run succeeds
        # (close), and is rolled back when it fails (abort). A killed run therefore leaves the
        # index as it was before the run, matching its output, which is also all or nothing.
        self.index: LSHIndex = open_index(cfg.index, threshold=threshold, signer=self.signer, autocommit=None)

    def sign(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        """Signatures of many texts at once (one vectorised batch)."""
        if not texts:
            return np.zeros((0, self.cfg.num_perm), dtype=np.uint32)
        return self.signer.sign(list(texts))

    def add_many(
        self, doc_id: str, blocks: Sequence[int], parts: Sequence[int], sigs: np.ndarray[Any, Any]
    ) -> None:
        if not len(blocks):
            return
        add_many = getattr(self.index, "add_many", None)
        if add_many is not None:
            add_many([doc_id] * len(blocks), list(blocks), sigs, list(parts))
        else:
            for b, p, s in zip(blocks, parts, sigs):
                self.index.add(doc_id, b, s, p)

    def query(self, sig: np.ndarray[Any, Any]) -> list[Match]:
        return self.index.query(sig)

    def query_many(self, sigs: np.ndarray[Any, Any]) -> list[list[Match]]:
        """:meth:`query` for each row of ``sigs`` (one vectorised lookup where the back-end has one)."""
        query_many = getattr(self.index, "query_many", None)
        if query_many is not None:
            return list(query_many(sigs))
        return [self.index.query(s) for s in sigs]

    def flush(self) -> None:
        self.index.flush()

    def close(self) -> None:
        """Commit what was added and release the index."""
        self.index.close()

    def abort(self) -> None:
        """Forget what this run added, where the back-end allows it, and release the index.

        SQLite rolls back. A Redis index shares every addition with other workers at once and
        cannot; an in-memory index is gone anyway.
        """
        rollback = getattr(self.index, "rollback", None)
        if rollback is not None:
            rollback()
        self.index.close()
