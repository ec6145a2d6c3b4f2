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
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..config import Config, CorpusConfig
from ..corpus_index import CorpusIndex, Match
from ..minhash import Signer
from ..text import sentences, words
from . import Context, register

__all__ = ["BlockInfo", "CorpusStage", "CorpusState", "Prepared", "block_info", "corpus_units", "presign"]

#: A sentence counts as seen when its estimated Jaccard with an indexed sentence reaches this (or
#: ``corpus.jaccard`` if that is higher: a stricter paragraph threshold must not be undercut by
#: the sentence path).
SENTENCE_JACCARD = 0.8
#: Sentences shorter than this are not matched on their own (too common across articles).
SENTENCE_MIN_WORDS = 5


#: What the corpus stage needs to know of a paragraph: its number of words, and its sentences
#: with their numbers of words.
BlockInfo = tuple[int, tuple[tuple[str, int], ...]]


def block_info(text: str) -> BlockInfo:
    """``(len(words(text)), ((sentence, len(words(sentence))) for each of sentences(text)))``."""
    return len(words(text)), tuple((s, len(words(s))) for s in sentences(text))


def corpus_units(text: str, min_words: int, info: BlockInfo | None = None) -> list[tuple[int, str]]:
    """The parts of a paragraph that are indexed: itself (part 0) and its sentences (1..k)."""
    n_words, sents = info if info is not None else block_info(text)
    units: list[tuple[int, str]] = []
    if n_words >= min_words:
        units.append((0, text))
        for p, (sent, n) in enumerate(sents, start=1):
            if SENTENCE_MIN_WORDS <= n < n_words:
                units.append((p, sent))
    return units


@dataclass(eq=False)
class Prepared:
    """Corpus-phase facts about one document's surviving paragraphs, computed by :func:`presign`
    where the per-document phase ran: each paragraph's :data:`BlockInfo`, and the signatures
    of the units the corpus phase looks up (see :meth:`CorpusState.preload`)."""

    texts: list[str]
    infos: list[BlockInfo]
    units: list[str]
    sigs: np.ndarray[Any, Any]


def presign(cfg: CorpusConfig, signer: Signer, docs: list[list[str]]) -> list[Prepared]:
    """What the corpus phase of each document (the paragraphs ``docs[i]``) will look up: their
    word counts and sentences, and the signatures of the paragraphs and sentences, all
    documents signed in one batch.

    Computed where the per-document phase runs (worker processes), so that the process running
    the corpus phase in input order mostly does index lookups.
    """
    out = []
    for texts in docs:
        infos = [block_info(t) for t in texts]
        units = list(
            dict.fromkeys(u for t, i in zip(texts, infos) for _, u in corpus_units(t, cfg.min_words, i))
        )
        out.append(Prepared(texts, infos, units, np.zeros(0)))
    flat = [u for p in out for u in p.units]
    sigs = signer.sign(flat) if flat else np.zeros((0, signer.num_perm), dtype=signer.dtype)
    start = 0
    for p in out:
        p.sigs = sigs[start : start + len(p.units)]
        start += len(p.units)
    return out


class CorpusState:
    """What corpus mode remembers between documents: the index of kept paragraphs.

    Signatures are computed once per document, in one batch, by :meth:`prepare` (the corpus
    stage calls it) and reused when the document's kept blocks are indexed by :meth:`commit`.
    """

    def __init__(self, cfg: CorpusConfig) -> None:
        self.cfg = cfg
        self.index = CorpusIndex(cfg, lowest_threshold=min(cfg.jaccard, SENTENCE_JACCARD))
        self._sigs: dict[str, np.ndarray[Any, Any]] = {}
        self._unit_cache: dict[str, list[tuple[int, str]]] = {}
        self._infos: dict[str, BlockInfo] = {}

    def info(self, text: str) -> BlockInfo:
        """:func:`block_info` of a paragraph of the current document (remembered)."""
        info = self._infos.get(text)
        if info is None:
            info = self._infos[text] = block_info(text)
        return info

    def _units(self, text: str) -> list[tuple[int, str]]:
        """The parts of a paragraph that are indexed: itself (part 0) and its sentences (1..k)."""
        units = self._unit_cache.get(text)
        if units is None:
            units = self._unit_cache[text] = corpus_units(text, self.cfg.min_words, self.info(text))
        return units

    def preload(self, prepared: Prepared) -> None:
        """Take what a worker process computed for the current document (see :func:`presign`)."""
        for t, info in zip(prepared.texts, prepared.infos):
            self._infos.setdefault(t, info)
        have = self._sigs
        for u, sig in zip(prepared.units, prepared.sigs):
            have.setdefault(u, sig)

    def prepare(self, texts: list[str]) -> None:
        """Sign every paragraph and sentence of a document in one batch."""
        self.sign_missing([u for t in texts for _, u in self._units(t)])

    def sign_missing(self, texts: list[str]) -> None:
        """Sign, in one batch, the texts that have no signature yet."""
        todo = sorted(set(texts) - self._sigs.keys())
        if todo:
            for u, sig in zip(todo, self.index.sign(todo)):
                self._sigs[u] = sig

    def signature(self, text: str) -> np.ndarray[Any, Any]:
        sig = self._sigs.get(text)
        if sig is None:
            sig = self._sigs[text] = self.index.sign([text])[0]
        return sig

    def query_many(self, texts: list[str]) -> list[list[Match]]:
        """The index's matches for each text (signed in one batch where needed)."""
        if not texts:
            return []
        self.sign_missing(texts)
        sigs = self._sigs
        return self.index.query_many(np.stack([sigs[t] for t in texts]))

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
            self.index.add_many(doc_id, rows, parts, np.stack(sigs))
        self._sigs.clear()
        self._unit_cache.clear()
        self._infos.clear()

    def close(self) -> None:
        """Commit what this run indexed (call once its output is safely written)."""
        self.index.close()

    def abort(self) -> None:
        """Forget what this run indexed (its output was discarded), where the back-end can."""
        self._sigs.clear()
        self._unit_cache.clear()
        self._infos.clear()
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
        cfg = self.cfg
        info = state.info
        alive = [k for k in ctx.alive() if info(ctx.blocks[k].text)[0] >= cfg.min_words]
        texts = [ctx.blocks[k].text for k in alive]
        state.prepare(texts)
        # The index does not change while a document is checked (its blocks are added by
        # commit), so every lookup is made in one batch: the paragraphs, and the sentences that
        # count for the sentence rule (used for the paragraphs that match no indexed paragraph).
        units: list[tuple[int, int, str]] = []  # (block position, words, sentence)
        n_words: dict[int, int] = {}
        for k, text in zip(alive, texts):
            nw, sents = info(text)
            n_words[k] = nw
            for s, n in sents or ((text, nw),):
                if n >= SENTENCE_MIN_WORDS:
                    units.append((k, n, s))
        found = state.query_many(texts + [s for _, _, s in units])
        pending: set[int] = set()
        for k, matches in zip(alive, found):
            best = None
            for m in matches:
                sim = m.similarity or 0.0
                if sim >= cfg.jaccard and (best is None or sim > (best.similarity or 0.0)):
                    best = m
            if best is not None:
                ctx.remove(
                    k,
                    "duplicate.corpus",
                    self.name,
                    duplicate_of=[best.doc_id, best.block],
                    similarity=best.similarity,
                    threshold=cfg.jaccard,
                    match="paragraph",
                )
            else:
                pending.add(k)
        sentence_threshold = max(SENTENCE_JACCARD, cfg.jaccard)
        covered: dict[int, int] = {}
        sources: dict[int, Counter[tuple[str, int]]] = {}
        for (k, n, _), matches in zip(units, found[len(texts) :]):
            if k not in pending:
                continue
            hits = [m for m in matches if (m.similarity or 0.0) >= sentence_threshold]
            if hits:
                covered[k] = covered.get(k, 0) + n
                top = max(hits, key=lambda m: m.similarity or 0.0)
                sources.setdefault(k, Counter())[(top.doc_id, top.block)] += n
        for k in alive:
            if k not in pending:
                continue
            src = sources.get(k)
            share = covered.get(k, 0) / n_words[k]
            if share >= cfg.containment and src:
                (doc_id, block), _ = src.most_common(1)[0]
                ctx.remove(
                    k,
                    "duplicate.corpus",
                    self.name,
                    duplicate_of=[doc_id, block],
                    similarity=min(share, 1.0),
                    threshold=cfg.containment,
                    match="sentences",
                )
