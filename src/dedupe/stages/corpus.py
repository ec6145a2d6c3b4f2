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
    """What corpus mode remembers between documents: the index of kept paragraphs."""

    def __init__(self, cfg: CorpusConfig) -> None:
        self.cfg = cfg
        self.index = CorpusIndex(cfg)

    def commit(self, doc_id: str, blocks: list[tuple[int, str]]) -> None:
        """Index the kept blocks ``(block_index, text)`` of a finished document."""
        for index, text in blocks:
            ws = words(text)
            if len(ws) < self.cfg.min_words:
                continue
            self.index.add(doc_id, index, 0, ws)
            for p, s in enumerate(sentences(text), start=1):
                sw = words(s)
                if len(sw) >= SENTENCE_MIN_WORDS and len(sw) < len(ws):
                    self.index.add(doc_id, index, p, sw)

    def close(self) -> None:
        self.index.close()


@register("corpus")
class CorpusStage:
    name = "corpus"

    def __init__(self, config: Config) -> None:
        self.cfg = config.corpus

    def run(self, ctx: Context) -> None:
        state: CorpusState | None = ctx.corpus
        if state is None:
            return
        for k in ctx.alive():
            ws = ctx.words(k)
            if len(ws) < self.cfg.min_words:
                continue
            hit = self._match(state, ws, ctx.blocks[k].text)
            if hit is not None:
                ctx.remove(k, "duplicate.corpus", self.name, **hit)

    def _match(self, state: CorpusState, ws: list[str], text: str) -> dict[str, Any] | None:
        cfg = self.cfg
        best = None
        for m in state.index.query(ws):
            if m.similarity >= cfg.jaccard and (best is None or m.similarity > best.similarity):
                best = m
        if best is not None:
            return {
                "duplicate_of": [best.doc_id, best.block],
                "similarity": best.similarity,
                "threshold": cfg.jaccard,
                "match": "paragraph",
            }
        sents = sentences(text) or [text]
        covered = 0
        sources: Counter[tuple[str, int]] = Counter()
        for s in sents:
            sw = words(s)
            if len(sw) < SENTENCE_MIN_WORDS:
                continue
            found = [m for m in state.index.query(sw) if m.similarity >= max(SENTENCE_JACCARD, cfg.jaccard)]
            if found:
                covered += len(sw)
                top = max(found, key=lambda m: m.similarity)
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
