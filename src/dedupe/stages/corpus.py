"""Duplicates across documents (corpus mode): the first copy in input order survives.

Every kept paragraph of every cleaned document goes into an LSH index twice over: as a whole
(part 0) and sentence by sentence (parts 1..k). A later paragraph is a copy when

- its estimated Jaccard with an indexed paragraph reaches ``corpus.jaccard`` (verbatim or edited
  copies), or
- the sentences it is made of were seen before, covering at least ``corpus.containment`` of its
  words (a truncated copy, or a paragraph stitched from earlier sentences).

Evidence is ``duplicate_of = [doc_id, block_index]`` of the earlier paragraph and the similarity.
Only kept blocks are indexed: a caption removed as boilerplate is no "first copy" of anything.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from ..config import Config, CorpusConfig
from ..corpus_index import CorpusIndex
from ..text import sentences, words
from . import Context, register

__all__ = ["CorpusStage", "CorpusState"]

#: A sentence counts as seen when its estimated Jaccard with an indexed sentence reaches this (or
#: ``corpus.jaccard`` if that is higher: a stricter paragraph threshold must not be undercut by
#: the sentence path).
SENTENCE_JACCARD = 0.8
#: Sentences shorter than this are not matched on their own (too common across articles).
SENTENCE_MIN_WORDS = 5


class CorpusState:
    """What corpus mode remembers between documents: the index of kept paragraphs.

    Signatures are computed once per document, in one batch, by :meth:`prepare` (the corpus
    stage calls it) and reused when the document's kept blocks are indexed by :meth:`commit`.
    """

    def __init__(self, cfg: CorpusConfig) -> None:
        self.cfg = cfg
        self.index = CorpusIndex(cfg, lowest_threshold=min(cfg.jaccard, SENTENCE_JACCARD))
        self._sigs: dict[str, np.ndarray[Any, Any]] = {}

    def _units(self, text: str) -> list[tuple[int, str]]:
        """The parts of a paragraph that are indexed: itself (part 0) and its sentences (1..k)."""
        ws = words(text)
        if len(ws) < self.cfg.min_words:
            return []
        units = [(0, text)]
        for p, sent in enumerate(sentences(text), start=1):
            n = len(words(sent))
            if SENTENCE_MIN_WORDS <= n < len(ws):
                units.append((p, sent))
        return units

    def prepare(self, texts: list[str]) -> None:
        """Sign every paragraph and sentence of a document in one batch."""
        todo = sorted({u for t in texts for _, u in self._units(t)} - self._sigs.keys())
        for u, sig in zip(todo, self.index.sign(todo)):
            self._sigs[u] = sig

    def signature(self, text: str) -> np.ndarray[Any, Any]:
        sig = self._sigs.get(text)
        if sig is None:
            sig = self._sigs[text] = self.index.sign([text])[0]
        return sig

    def commit(self, doc_id: str, blocks: list[tuple[int, str]]) -> None:
        """Index the kept blocks ``(block_index, text)`` of a finished document."""
        self.prepare([t for _, t in blocks])
        rows: list[int] = []
        parts: list[int] = []
        sigs: list[np.ndarray[Any, Any]] = []
        for index, text in blocks:
            for p, unit in self._units(text):
                rows.append(index)
                parts.append(p)
                sigs.append(self._sigs[unit])
        if sigs:
            self.index.add_many(doc_id, rows, parts, np.vstack(sigs))
        self._sigs.clear()

    def close(self) -> None:
        """Commit what this run indexed (call once its output is safely written)."""
        self.index.close()

    def abort(self) -> None:
        """Forget what this run indexed (its output was discarded), where the back-end can."""
        self._sigs.clear()
        self.index.abort()


@register("corpus")
class CorpusStage:
    name = "corpus"

    def __init__(self, config: Config) -> None:
        self.cfg = config.corpus

    def run(self, ctx: Context) -> None:
        state: CorpusState | None = ctx.corpus
        if state is None:
            return
        alive = [k for k in ctx.alive() if len(ctx.words(k)) >= self.cfg.min_words]
        state.prepare([ctx.blocks[k].text for k in alive])
        for k in alive:
            hit = self._match(state, ctx.words(k), ctx.blocks[k].text)
            if hit is not None:
                ctx.remove(k, "duplicate.corpus", self.name, **hit)

    def _match(self, state: CorpusState, ws: list[str], text: str) -> dict[str, Any] | None:
        cfg = self.cfg
        best = None
        for m in state.index.query(state.signature(text)):
            sim = m.similarity or 0.0
            if sim >= cfg.jaccard and (best is None or sim > (best.similarity or 0.0)):
                best = m
        if best is not None:
            return {
                "duplicate_of": [best.doc_id, best.block],
                "similarity": best.similarity,
                "threshold": cfg.jaccard,
                "match": "paragraph",
            }
        covered = 0
        sources: Counter[tuple[str, int]] = Counter()
        sentence_threshold = max(SENTENCE_JACCARD, cfg.jaccard)
        for s in sentences(text) or [text]:
            sw = words(s)
            if len(sw) < SENTENCE_MIN_WORDS:
                continue
            found = [
                m
                for m in state.index.query(state.signature(s))
                if (m.similarity or 0.0) >= sentence_threshold
            ]
            if found:
                covered += len(sw)
                top = max(found, key=lambda m: m.similarity or 0.0)
                sources[(top.doc_id, top.block)] += len(sw)
        share = covered / len(ws)
        if share >= cfg.containment and sources:
            (doc_id, block), _ = sources.most_common(1)[0]
            return {
                "duplicate_of": [doc_id, block],
                "similarity": min(share, 1.0),
                "threshold": cfg.containment,
                "match": "sentences",
            }
        return None
