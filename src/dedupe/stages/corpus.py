"""Duplicates across documents (corpus mode): the first copy in input order survives.

Every kept paragraph of every cleaned document, and every document as a whole, goes into an LSH
index (:mod:`dedupe.corpus_index`: the retrieval arithmetic, and what an entry keeps). Then, for a
later document:

``document``
    the document (its paragraphs alive when the corpus stage runs, as one text) is a near copy of
    an earlier one when the Jaccard similarity of their word 5-grams, estimated from bottom-k
    samples, reaches ``corpus.document_jaccard`` (0.8, datatrove's and NeMo Curator's setting).
    The document is flagged: ``notes["duplicate_of"] = {"id": earlier id, "similarity": J}``; with
    ``corpus.drop_duplicate_documents`` it is also marked ``notes["dropped"]`` (the CLI writes it
    to the duplicates file instead of the output) and nothing of it is indexed. The paragraph rules
    below run either way.
``paragraph`` / ``merged``
    a paragraph is a copy of *one* earlier paragraph (or of *two adjacent* paragraphs of one
    earlier document fused) when, verified exactly against the index's payload
    (:func:`dedupe.overlap.overlap`): at least ``corpus.containment`` of its word bigrams occur
    there, the missing ones fall in few places (one per ``corpus.gap_bigrams`` bigrams, at least
    one), it is not a small excerpt of a longer paragraph (``corpus.coverage``) nor the earlier
    paragraph with something new added. That finds verbatim copies and copies with a typo, a word
    added or dropped or a clause replaced. Below ``corpus.min_words_edited`` units a paragraph must
    be found whole (a short line edited is too often another line of the same template).

Evidence is ``duplicate_of = [doc_id, block_index]`` of the earlier paragraph, the containment
as ``similarity``, the ``coverage`` and the ``gaps``. Only kept blocks are indexed: a caption
removed as boilerplate is no "first copy" of anything.

The decisions for a document are a pure function of it and of the paragraphs and documents kept
before it in input order (the index does not change while a document is checked), so they do not
depend on how the per-document phase is spread over processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, TypeVar

import numpy as np
import numpy.typing as npt
import xxhash

from ..config import Config, CorpusConfig
from ..corpus_index import (
    DOCUMENT_PART,
    MAX_ANCHORS,
    CorpusIndex,
    Match,
    document_payload,
    document_similarity,
)
from ..minhash import Signer
from ..overlap import bigram_hashes, hash16, overlap, pack_bigrams, unit_key, unpack_bigrams
from ..shapes import sentences, spaced, unit_count
from . import Context, register

__all__ = [
    "CorpusMemory",
    "CorpusStage",
    "CorpusState",
    "Prepared",
    "document_text",
    "document_verdict",
    "first_best",
    "indexed_anchors",
    "log_entry",
    "merged_evidence",
    "paragraph_evidence",
    "presign",
    "verify",
]

T = TypeVar("T")

#: A document of fewer units than this gets no document-level verdict (its paragraphs are still
#: matched): a title and a line are too little to call a document a copy of another.
DOCUMENT_MIN_WORDS: Final = 20
#: A paragraph of ``corpus.min_words_edited`` units or more found (almost) whole in a longer earlier
#: one is a copy of an excerpt of it, however little of it it covers: a syndicated story cut short
#: (in the seeds, one sentence of a long wire paragraph). (A shorter line must be the whole of what it
#: is found in: a product name inside a sentence of another article is no copy.) A paragraph found
#: less than that in an earlier one must also cover ``corpus.coverage`` of it: two paragraphs that
#: share a stock phrase ("more than 440 people have been killed ..., according to the World Health
#: Organisation") are not copies.
EXCERPT_CONTAINMENT: Final = 0.9
#: Sentences of at least this many units anchor a paragraph in the index (an exact key each), so
#: that a later paragraph made of one of them finds it even when it is a small part of it. At most
#: :data:`~dedupe.corpus_index.MAX_ANCHORS` per paragraph, its first (8 bytes each in memory).
SENTENCE_MIN_WORDS: Final = 5
#: A paragraph that holds an earlier one whole (losing at most this many of its bigrams) and adds
#: at least :data:`EXTENSION_MIN_NEW` bigrams, and :data:`EXTENSION_MIN_SHARE` of its own, says
#: more than the earlier one (an updated paragraph continued by a new sentence): not a copy.
EXTENSION_MAX_LOST: Final = 1
EXTENSION_MIN_NEW: Final = 3
EXTENSION_MIN_SHARE: Final = 0.1


@dataclass(eq=False)
class Prepared:
    """What the corpus phase of one document looks up, computed where the per-document phase ran
    (see :func:`presign`): for its surviving paragraphs (``texts``) long enough to be matched,
    their signatures and word-bigram hashes; for the document, its signature and 5-gram sample."""

    texts: list[str]
    signed: list[str] = field(default_factory=list)
    sigs: npt.NDArray[Any] = field(default_factory=lambda: np.zeros(0))
    bigrams: list[npt.NDArray[np.uint32]] = field(default_factory=list)
    anchors: list[list[int]] = field(default_factory=list)
    document: str = ""
    document_sig: npt.NDArray[Any] | None = None
    document_payload: bytes = b""


def _document_text(texts: list[str]) -> str:
    return "\n".join(texts)


def document_text(texts: list[str]) -> str | None:
    """The text of the document entry of a document whose paragraphs alive at the corpus phase
    are ``texts``; None when it is too short for a document-level verdict."""
    text = _document_text(texts)
    return text if unit_count(text) >= DOCUMENT_MIN_WORDS else None


def log_entry(
    verdict: dict[str, Any] | None, document: str | None, blocks: list[tuple[int, str]]
) -> dict[str, Any]:
    """:meth:`CorpusState.log_entry` of a checked document: its ``verdict``, the ``document`` text
    its entry was made of (None: none), and the kept ``blocks`` it commits."""
    if verdict is not None:
        return {"copy": True}
    if document is None:
        return {}
    return {"document": True if document == _document_text([t for _, t in blocks]) else document}


def sentence_anchors(text: str) -> list[int]:
    """The 64-bit keys (xxh3 of :func:`dedupe.overlap.unit_key`) of the sentences of ``text`` that
    have at least :data:`SENTENCE_MIN_WORDS` units: what a paragraph is looked up by, exactly."""
    return [
        xxhash.xxh3_64_intdigest(unit_key(s).encode("utf-8", "surrogatepass"))
        for s in sentences(text)
        if unit_count(s) >= SENTENCE_MIN_WORDS
    ]


def indexed_anchors(text: str, anchors: list[int]) -> list[int]:
    """The anchors a paragraph is indexed by (of its :func:`sentence_anchors`, what it is looked
    up by)."""
    # A paragraph of one sentence is found by its signature; a longer one also by its first
    # sentences (a later paragraph made of one of them).
    return anchors[:MAX_ANCHORS] if len(sentences(text)) > 1 else []


def presign(cfg: CorpusConfig, signer: Signer, docs: list[list[str]]) -> list[Prepared]:
    """For each document (its surviving paragraphs ``docs[i]``), what its corpus phase looks up,
    every document of the batch signed at once.

    Computed where the per-document phase runs (worker processes), so that the process running
    the corpus phase in input order mostly does index lookups.
    """
    out = [Prepared(texts) for texts in docs]
    flat: list[str] = []
    for p in out:
        p.signed = list(dict.fromkeys(t for t in p.texts if unit_count(t) >= cfg.min_words))
        flat += p.signed
        text = _document_text(p.texts)
        if unit_count(text) >= DOCUMENT_MIN_WORDS:
            p.document = text
    documents = [p.document for p in out if p.document]
    sigs = signer.sign([spaced(t) for t in flat + documents]) if flat or documents else None
    hashes = bigram_hashes(flat)
    payloads = iter(document_payload(cfg, documents))
    start = 0
    d = len(flat)
    for p in out:
        n = len(p.signed)
        p.sigs = (
            sigs[start : start + n]
            if sigs is not None
            else np.zeros((0, signer.num_perm), dtype=signer.dtype)
        )
        p.bigrams = hashes[start : start + n]
        p.anchors = [sentence_anchors(t) for t in p.signed]
        start += n
        if p.document:
            assert sigs is not None
            p.document_sig = sigs[d]
            p.document_payload = next(payloads)
            d += 1
    return out


def verify(
    cfg: CorpusConfig,
    seq: npt.NDArray[np.uint16],
    mine: npt.NDArray[np.uint16],
    source: npt.NDArray[np.uint16],
    limit: int | None,
    edited: bool,
) -> dict[str, Any] | None:
    """The evidence that the paragraph with bigram hashes ``seq`` (distinct: ``mine``) is a copy
    of the one whose payload is ``source`` (a sample up to ``limit``), or None.

    A pure function of the two paragraphs: :mod:`dedupe.dask` verifies candidate pairs with it
    wherever the pair is, before the order of the input is applied.
    """
    ov = overlap(seq, source, limit)
    if not ov.compared:
        return None
    here = mine if limit is None else mine[mine <= limit]
    found = np.isin(source, here, assume_unique=True)
    coverage = float(found.mean()) if len(source) else 0.0
    if not edited:  # a short line: found whole, and the whole of what it is found in
        ok = ov.containment >= 1.0 and coverage >= 1.0
    else:
        lost = int((~found).sum())
        new = int((~np.isin(here, source, assume_unique=True)).sum())
        ok = (
            ov.containment >= cfg.containment
            and ov.gaps <= max(1, ov.compared // cfg.gap_bigrams)
            and (coverage >= cfg.coverage or ov.containment >= EXCERPT_CONTAINMENT)
            and not (
                lost <= EXTENSION_MAX_LOST and new >= max(EXTENSION_MIN_NEW, EXTENSION_MIN_SHARE * len(here))
            )
        )
    if not ok:
        return None
    return {
        "similarity": ov.containment,
        "coverage": coverage,
        "gaps": ov.gaps,
        "threshold": cfg.containment,
    }


def first_best(found: Iterable[tuple[float, T]]) -> T | None:
    """The item of the highest similarity, the first one of them on a tie (candidates come in the
    index's insertion order, so the earliest source wins)."""
    best: tuple[float, T] | None = None
    for sim, item in found:
        if best is None or sim > best[0]:
            best = (sim, item)
    return best[1] if best is not None else None


def paragraph_evidence(doc_id: str, block: int, ev: dict[str, Any]) -> dict[str, Any]:
    """The evidence of a paragraph found in the earlier paragraph ``(doc_id, block)``."""
    return {"duplicate_of": [doc_id, block], **ev, "match": "paragraph"}


def merged_evidence(doc_id: str, block: int, ev: dict[str, Any]) -> dict[str, Any]:
    """The evidence of a paragraph found in the blocks ``block`` and ``block + 1`` of ``doc_id``."""
    return {
        "duplicate_of": [doc_id, block], **ev, "match": "merged",
        "merged_from": [[doc_id, block], [doc_id, block + 1]],
    }  # fmt: skip


def document_verdict(
    cfg: CorpusConfig, payload: bytes, earlier: Iterable[tuple[str, bytes]]
) -> dict[str, Any] | None:
    """The verdict on a document with 5-gram sample ``payload`` given the earlier documents
    ``(id, payload)`` that are candidates (in input order): the most similar one at or above
    ``corpus.document_jaccard``, the earliest of them on a tie; None if there is none."""
    scored = ((document_similarity(payload, p), d) for d, p in earlier)
    best = first_best((sim, (sim, d)) for sim, d in scored if sim >= cfg.document_jaccard)
    if best is None:
        return None
    return {"id": best[1], "similarity": best[0], "threshold": cfg.document_jaccard}


@dataclass(frozen=True)
class _Candidate:
    match: Match
    source: npt.NDArray[np.uint16]  # the earlier paragraph's sorted distinct 16-bit bigram hashes
    limit: int | None  # the largest hash its payload covers, when it is a sample


class CorpusMemory(Protocol):
    """What the cleaner asks of corpus mode's memory, document after document in input order:
    :class:`CorpusState` (the index, one process) or :class:`dedupe.dask.Replay` (decisions
    taken over the whole corpus at once, replayed in each partition)."""

    def preload(self, prepared: Prepared) -> None: ...

    def check(self, doc_id: str, texts: list[str]) -> list[dict[str, Any] | None]: ...

    def notes(self, doc_id: str) -> dict[str, Any]: ...

    def commit(self, doc_id: str, blocks: list[tuple[int, str]]) -> None: ...


class CorpusState:
    """What corpus mode remembers between documents: the index of kept paragraphs and documents,
    and what it found out about the current document."""

    def __init__(self, cfg: CorpusConfig) -> None:
        self.cfg = cfg
        self.index = CorpusIndex(cfg)
        self._sigs: dict[str, npt.NDArray[Any]] = {}
        self._bigrams: dict[str, npt.NDArray[np.uint32]] = {}
        self._anchors: dict[str, list[int]] = {}
        self._document: tuple[str, npt.NDArray[Any], bytes] | None = None
        #: The current document's id and verdict (the earlier document it copies, or None).
        self._verdict: tuple[str, dict[str, Any] | None] | None = None

    # -- what the workers computed, and what they did not ------------------------------------------

    def preload(self, prepared: Prepared) -> None:
        """Take what a worker process computed for the current document (see :func:`presign`)."""
        for t, sig, h, a in zip(prepared.signed, prepared.sigs, prepared.bigrams, prepared.anchors):
            self._sigs.setdefault(t, sig)
            self._bigrams.setdefault(t, h)
            self._anchors.setdefault(t, a)
        if prepared.document and prepared.document_sig is not None:
            self._document = (prepared.document, prepared.document_sig, prepared.document_payload)

    def _prepare(self, texts: list[str]) -> None:
        """Sign, in one batch, the paragraphs that have no signature yet."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._sigs]
        if todo:
            for t, sig, h in zip(todo, self.index.sign(todo), bigram_hashes(todo)):
                self._sigs[t] = sig
                self._bigrams[t] = h
                self._anchors[t] = sentence_anchors(t)

    def _document_entry(self, texts: list[str]) -> tuple[str, npt.NDArray[Any], bytes] | None:
        text = document_text(texts)
        if text is None:
            return None
        if self._document is None or self._document[0] != text:
            self._document = self._signed_document(text)
        return self._document

    def _signed_document(self, text: str) -> tuple[str, npt.NDArray[Any], bytes]:
        return text, self.index.sign([text])[0], document_payload(self.cfg, [text])[0]

    # -- the decisions -----------------------------------------------------------------------------

    def check(self, doc_id: str, texts: list[str]) -> list[dict[str, Any] | None]:
        """Decide the document made of ``texts``: whether it is a near copy of an earlier document
        (remembered for :meth:`notes` and :meth:`commit`), and for each paragraph the evidence that
        it is a copy of an earlier one, or None."""
        cfg = self.cfg
        long_enough = [t for t in texts if unit_count(t) >= cfg.min_words]
        self._prepare(long_enough)
        doc = self._document_entry(texts)
        queries = [self._sigs[t] for t in long_enough] + ([doc[1]] if doc is not None else [])
        anchors = [self._anchors[t] for t in long_enough] + ([[]] if doc is not None else [])
        found = self.index.query_many(np.stack(queries), anchors) if queries else []
        verdict = None
        if doc is not None:
            verdict = self._document_verdict(doc[2], found[-1])
        self._verdict = (doc_id, verdict)
        evidence = {t: self._paragraph(t, matches) for t, matches in zip(long_enough, found)}
        return [evidence.get(t) for t in texts]

    def _document_verdict(self, payload: bytes, matches: list[Match]) -> dict[str, Any] | None:
        docs = [(m.doc_id, m.payload) for m in matches if m.part == DOCUMENT_PART]
        return document_verdict(self.cfg, payload, docs)

    def _paragraph(self, text: str, matches: list[Match]) -> dict[str, Any] | None:
        cfg = self.cfg
        seq = hash16(self._bigrams[text])
        mine = np.unique(seq)
        edited = unit_count(text) >= cfg.min_words_edited
        cands = []
        for m in matches:
            if m.part == DOCUMENT_PART:
                continue
            source, limit = unpack_bigrams(m.payload)
            cands.append(_Candidate(m, source, limit))
        singles = (
            (ev["similarity"], paragraph_evidence(c.match.doc_id, c.match.block, ev))
            for c in cands
            if (ev := verify(cfg, seq, mine, c.source, c.limit, edited)) is not None
        )
        best = first_best(singles)
        if best is None and edited:
            # Two adjacent paragraphs of one earlier document fused into this one.
            by_place = {(c.match.doc_id, c.match.block): c for c in cands}
            merged = []
            for (doc, block), a in by_place.items():
                b = by_place.get((doc, block + 1))
                if b is None or a.limit is not None or b.limit is not None:
                    continue
                ev = verify(cfg, seq, mine, np.union1d(a.source, b.source), None, edited)
                if ev is not None:
                    merged.append((ev["similarity"], merged_evidence(doc, block, ev)))
            best = first_best(merged)
        return best

    # -- the document's end ------------------------------------------------------------------------

    def notes(self, doc_id: str) -> dict[str, Any]:
        """Document-level notes for the result of ``doc_id`` (``duplicate_of``, ``dropped``)."""
        if self._verdict is None or self._verdict[0] != doc_id or self._verdict[1] is None:
            return {}
        out: dict[str, Any] = {"duplicate_of": dict(self._verdict[1])}
        if self.cfg.drop_duplicate_documents:
            out["dropped"] = True
        return out

    def log_entry(self, doc_id: str, blocks: list[tuple[int, str]]) -> dict[str, Any]:
        """What :meth:`commit` of ``doc_id`` with ``blocks`` will index besides the paragraphs, for
        the log a resumable run keeps (call just before :meth:`commit`; :meth:`replay` takes it
        back): ``{"copy": true}`` for a near copy of an earlier document (it adds no document
        entry, and nothing at all when dropped); ``{"document": true}`` when the document entry
        is made of the kept paragraphs, ``{"document": text}`` when of other text (paragraphs a
        corpus pass removed were part of it); ``{}`` for none (a document under
        :data:`DOCUMENT_MIN_WORDS` units)."""
        if self._verdict is None or self._verdict[0] != doc_id:
            return {}
        return log_entry(self._verdict[1], self._document[0] if self._document else None, blocks)

    def replay(self, doc_id: str, blocks: list[tuple[int, str]], entry: Mapping[str, Any]) -> None:
        """:meth:`commit` again, for a document of an earlier run whose :meth:`log_entry` was
        ``entry``: the index gets the same rows as it did then."""
        document = entry.get("document")
        if document is True:
            document = _document_text([t for _, t in blocks])
        self._verdict = (doc_id, {"replayed": True} if entry.get("copy") else None)
        self._document = self._signed_document(document) if isinstance(document, str) else None
        self.commit(doc_id, blocks)

    def commit(self, doc_id: str, blocks: list[tuple[int, str]]) -> None:
        """Index the kept blocks ``(block_index, text)`` of a finished document, and the document
        itself unless it is a near copy (a dropped document adds nothing)."""
        verdict = self._verdict[1] if self._verdict is not None and self._verdict[0] == doc_id else None
        doc = self._document if self._verdict is not None and self._verdict[0] == doc_id else None
        self._verdict = None
        self._document = None
        try:
            if verdict is not None and self.cfg.drop_duplicate_documents:
                return
            texts = [t for _, t in blocks if unit_count(t) >= self.cfg.min_words]
            self._prepare(texts)
            rows = [(i, t) for i, t in blocks if unit_count(t) >= self.cfg.min_words]
            sigs = [self._sigs[t] for _, t in rows]
            payloads = [pack_bigrams(self._bigrams[t]) for _, t in rows]
            anchors = [indexed_anchors(t, self._anchors[t]) for _, t in rows]
            block_ids = [i for i, _ in rows]
            parts = [0] * len(rows)
            if doc is not None and verdict is None:
                sigs.append(doc[1])
                payloads.append(doc[2])
                anchors.append([])
                block_ids.append(-1)
                parts.append(DOCUMENT_PART)
            if sigs:
                self.index.add_many(doc_id, block_ids, parts, np.stack(sigs), payloads, anchors)
        finally:
            self._sigs.clear()
            self._bigrams.clear()
            self._anchors.clear()

    def close(self) -> None:
        """Commit what this run indexed (call once its output is safely written)."""
        self.index.close()

    def abort(self) -> None:
        """Forget what this run indexed (its output was discarded), where the back-end can."""
        self._sigs.clear()
        self._bigrams.clear()
        self._anchors.clear()
        self.index.abort()


@register("corpus")
class CorpusStage:
    name = "corpus"

    def __init__(self, config: Config) -> None:
        self.cfg = config.corpus

    def run(self, ctx: Context) -> None:
        state: CorpusMemory | None = ctx.corpus
        if state is None:
            return
        alive = ctx.alive()
        found = state.check(ctx.doc_id, [ctx.blocks[k].text for k in alive])
        for k, evidence in zip(alive, found):
            if evidence is not None:
                ctx.remove(k, "duplicate.corpus", self.name, **evidence)
