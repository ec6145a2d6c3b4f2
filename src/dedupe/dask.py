"""Corpus cleaning on Dask (extra ``dask``: ``pip install 'dedupe-text[dask]'``).

:func:`clean_bag` and :func:`clean_dataframe` clean a Dask bag or DataFrame of documents. The
result equals :meth:`dedupe.Cleaner.clean_many` run in one process over the same documents in the
same order (partition after partition, row after row), whatever the number of partitions and
workers. How, step by step:

1. **Per partition** (:func:`_prepare`): each document's per-document phase
   (:meth:`~dedupe.Cleaner.prepare`), then what its corpus phase would look up
   (:func:`~dedupe.stages.corpus.presign`): for each distinct paragraph of ``corpus.min_words``
   units or more still alive, its LSH band keys and sentence anchors (the 32-bit keys the
   in-memory index uses), its bigram payload; for the document, its keys and 5-gram sample.
   These partitions are persisted on the workers: every later step reads them there.
2. **Shuffle by key**: one row ``(key, kind, order, slot, role, text hash)`` per key of a
   paragraph or document (``order`` is the position in the input). Rows of equal keys meet in one
   partition, where every query is paired with every *earlier* entry of the same kind
   (:func:`_pairs`). Those are exactly the candidates the sequential index would return, if each
   earlier paragraph were in it.
3. **Verify**: the pairs go to the partition of their earlier paragraph, which adds its payload
   (one row per block holding that text), then to the partition of the query, which verifies
   them exactly as the sequential corpus stage does (:func:`dedupe.stages.corpus.verify`, merged
   copies of two adjacent paragraphs, :func:`~dedupe.stages.corpus.document_verdict`).
4. **Resolve in input order** (:func:`_resolve`): what the sequential index holds depends on
   earlier decisions (a paragraph found to be a copy is not indexed, so a third copy points to
   the first; a near-copy document is not indexed as a document; with
   ``drop_duplicate_documents`` nothing of it is). One pass over the *verified* edges only, in
   input order, keeps a table of which earlier entries were really indexed and picks, for each
   paragraph, the most similar indexed source (the earliest on a tie, as the index returns
   entries in insertion order). Its cost is linear in the edges; documents without edges are
   never looked at. The re-run of the per-document stages after a corpus removal can remove
   more paragraphs, which then are not indexed either: for documents that are sources of later
   copies and lost paragraphs, the workers replay them and report what was indexed, and the
   pass is repeated with those facts until nothing changes (in practice one replay round).
5. **Apply per partition**: every document is completed by the real corpus phase of
   :class:`~dedupe.Cleaner` with a :class:`Replay` memory that answers with the resolved
   decisions, so results (evidence, ``passes``, ``duplicate_of``, notes) are byte for byte those
   of the single-process run.

The shuffles move about 24 key rows of 26 bytes per indexed paragraph, then one row with a payload
per candidate pair (8.6 KB per news-like document in ``benchmarks/scale.py``); the resolution holds
only the verified edges (112 bytes each, pickled). See ``docs/scale.md`` for figures.

Limit: for one query, at most :data:`MAX_SAME_TEXT` earlier entries with the *same* text are
paired with it (the earliest). A syndicated paragraph copied into 10,000 documents would
otherwise make 50 million pairs; sequentially only the first copy is indexed (the others are
removed as its copies), so the earliest few always include every copy the index could hold,
unless those few were all lost for document-level reasons (their documents dropped as near
copies, or paragraphs removed by the re-run). In that case a later copy may keep a paragraph
the sequential run removes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import pickle
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt
import xxhash

from .config import Config, CorpusConfig
from .corpus_index import corpus_signer
from .errors import ConfigError
from .index import _short_keys, anchor_keys
from .model import CleanResult, Document
from .overlap import hash16, pack_bigrams, unpack_bigrams
from .pipeline import Cleaner, Partial
from .shapes import unit_count
from .stages.corpus import (
    Prepared,
    document_text,
    document_verdict,
    first_best,
    indexed_anchors,
    log_entry,
    merged_evidence,
    paragraph_evidence,
    presign,
    verify,
)

try:
    import dask
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
    from dask import delayed
except ImportError as e:  # pragma: no cover - exercised by the CLI test without the extra
    raise ImportError(
        f"dedupe.dask needs dask[bag,dataframe] and distributed ({e.name} is missing): "
        "pip install 'dedupe-text[dask]'"
    ) from None

__all__ = [
    "MAX_SAME_TEXT",
    "Replay",
    "RunStats",
    "clean_bag",
    "clean_dataframe",
    "clean_stream",
    "connect",
    "iter_results",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

#: For one query, earlier entries of one identical text paired with it at most (the earliest).
#: Sequentially only the first indexed copy of a text can be found (later ones are removed as its
#: copies), so a few suffice; 8 leaves room for copies lost with a dropped document. A
#: syndicated paragraph in ``n`` documents then makes ``8 n`` pairs instead of ``n**2 / 2``.
MAX_SAME_TEXT: Final = 8
#: Rounds of replaying documents whose re-run of the per-document stages could change what the
#: index holds (each round settles at least the earliest such document; one is the rule).
MAX_ROUNDS: Final = 50
_PARA: Final = 0
_DOC: Final = 1
_ENTRY: Final = 1
_QUERY: Final = 2

_KEY_META: Final = {
    "key": np.uint32,
    "kind": np.int8,
    "order": np.int64,
    "slot": np.int32,
    "role": np.int8,
    "thash": np.uint64,
}
_PAIR_META: Final = {
    "q_order": np.int64,
    "q_slot": np.int32,
    "kind": np.int8,
    "e_order": np.int64,
    "e_slot": np.int32,
}


# -- step 1: per partition ---------------------------------------------------------------------------


@dataclass(eq=False)
class _Para:
    """One distinct paragraph text of a document, long enough for the index."""

    blocks: list[int]
    thash: int
    #: Its keys as a query: the band keys, then those of its sentence anchors, of which the
    #: first ``entries - bands`` are also its keys as an index entry (they are a prefix, see
    #: :func:`~dedupe.stages.corpus.indexed_anchors`).
    keys: npt.NDArray[np.uint32]
    entries: int
    payload: bytes
    seq: npt.NDArray[np.uint16]
    edited: bool


@dataclass(eq=False)
class _Doc:
    """What the corpus phase of one document looks up (nothing for a pass-through document)."""

    order: int
    doc_id: str
    paras: list[_Para] = field(default_factory=list)
    keys: npt.NDArray[np.uint32] | None = None
    payload: bytes = b""
    thash: int = 0


@dataclass(eq=False)
class _Part:
    """A persisted partition: its documents after the per-document phase, and their lookups."""

    first: int
    #: None when the partials are not kept (``keep_partials=False``): recomputed when needed.
    partials: list[Partial] | None
    docs: list[_Doc]

    def partial(self, order: int, records: Sequence[Any] | None, cleaner: Cleaner) -> Partial:
        """The partial of the document at ``order``, recomputed from ``records`` if not kept."""
        if self.partials is not None:
            return self.partials[order - self.first]
        assert records is not None
        return cleaner.prepare(_document(records[order - self.first], order))


_CLEANERS: dict[tuple[str, float | None], Cleaner] = {}


def _cleaner(config: Config, time_budget: float | None) -> Cleaner:
    """One cleaner per worker process and configuration (building one loads the models)."""
    key = (config.fingerprint(), time_budget)
    c = _CLEANERS.get(key)
    if c is None:
        c = _CLEANERS[key] = Cleaner(config, time_budget=time_budget)
    return c


def _short(keys64: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    # The in-memory index compares the high 32 bits of anchor keys with its band keys.
    return (keys64 >> np.uint64(32)).astype(np.uint32)


def _text_hash(text: str) -> int:
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))


def _prepare(
    records: Iterable[Any], first: int, config: Config, time_budget: float | None, corpus: bool, keep: bool
) -> _Part:
    cleaner = _cleaner(config, time_budget)
    docs = [_document(r, first + i) for i, r in enumerate(records)]
    partials = [cleaner.prepare(d) for d in docs]
    out = [_Doc(first + i, p.doc_id) for i, p in enumerate(partials)]
    if not corpus:
        return _Part(first, partials, out)
    cfg = config.corpus
    signer = corpus_signer(cfg)
    lives = [[] if p.notes.get("passthrough") else p.live for p in partials]
    prepared = presign(cfg, signer, [[b.text for b in live] for live in lives])
    for d, live, pr in zip(out, lives, prepared):
        _lookups(cfg, d, live, pr)
    return _Part(first, partials if keep else None, out)


def _lookups(cfg: CorpusConfig, d: _Doc, live: Sequence[Any], pr: Prepared) -> None:
    if pr.signed:
        bands = _short_keys(pr.sigs, cfg.bands, cfg.rows)
        where: dict[str, list[int]] = defaultdict(list)
        for b in live:
            where[b.text].append(b.index)
        flat = [a for anchors in pr.anchors for a in anchors]
        akeys = _short(anchor_keys(flat)) if flat else np.zeros(0, np.uint32)
        at = 0
        for t, keys, bigrams, anchors in zip(pr.signed, bands, pr.bigrams, pr.anchors):
            entry = indexed_anchors(t, anchors)
            assert entry == anchors[: len(entry)], "indexed anchors must be a prefix of the anchors"
            d.paras.append(
                _Para(
                    blocks=where[t],
                    thash=_text_hash(t),
                    keys=np.concatenate([keys, akeys[at : at + len(anchors)]]),
                    entries=len(keys) + len(entry),
                    payload=pack_bigrams(bigrams),
                    seq=hash16(bigrams),
                    edited=unit_count(t) >= cfg.min_words_edited,
                )
            )
            at += len(anchors)
    if pr.document and pr.document_sig is not None:
        d.keys = _short_keys(pr.document_sig.reshape(1, -1), cfg.bands, cfg.rows)[0]
        d.payload = pr.document_payload
        d.thash = _text_hash(pr.document)


def _document(record: Any, order: int) -> Document:
    if isinstance(record, Document):
        return record
    if isinstance(record, str):
        return Document(id=str(order), text=record)
    raise TypeError(f"a bag for dedupe.dask holds Documents or str, got {type(record).__name__}")


# -- step 2: keys, shuffled; pairs ------------------------------------------------------------------


def _key_frame(part: _Part) -> pd.DataFrame:
    keys: list[npt.NDArray[np.uint32]] = []
    runs: list[tuple[int, int, int, int, int, int]] = []  # (kind, order, slot, thash, entry, query-only)
    for d in part.docs:
        for s, p in enumerate(d.paras):
            keys.append(p.keys)
            runs.append((_PARA, d.order, s, p.thash, p.entries, len(p.keys) - p.entries))
        if d.keys is not None:
            keys.append(d.keys)
            runs.append((_DOC, d.order, -1, d.thash, len(d.keys), 0))
    if not runs:
        return _empty(_KEY_META)
    kind, order, slot, thash, n_entry, n_query = (np.array(c) for c in zip(*runs))
    n = n_entry + n_query
    role_counts = np.stack([n_entry, n_query], axis=1).reshape(-1)
    roles = np.tile(np.array([_ENTRY | _QUERY, _QUERY], np.int8), len(runs))
    frame = pd.DataFrame(
        {
            "key": np.concatenate(keys).astype(np.uint32),
            "kind": np.repeat(kind, n).astype(np.int8),
            "order": np.repeat(order, n).astype(np.int64),
            "slot": np.repeat(slot, n).astype(np.int32),
            "role": np.repeat(roles, role_counts),
            "thash": np.repeat(thash.astype(np.uint64), n),
        }
    )
    # A key twice in one paragraph (two equal sentences) is one key; its entry row comes first.
    return frame.drop_duplicates(["key", "kind", "order", "slot"])


def _pairs(rows: pd.DataFrame) -> pd.DataFrame:
    """Every (query, earlier entry) pair that shares a key of the same kind, once per partition.

    For one query, entries with the text of an earlier entry already paired are skipped after
    :data:`MAX_SAME_TEXT` of them (see the module docstring)."""
    rows = rows[rows.duplicated(["kind", "key"], keep=False)]
    rows = rows.sort_values(["kind", "key", "order", "slot"], kind="stable")
    kind, key = rows["kind"].to_numpy(), rows["key"].to_numpy()
    starts = np.flatnonzero(np.r_[True, (kind[1:] != kind[:-1]) | (key[1:] != key[:-1])])
    size = np.diff(np.r_[starts, len(rows)])
    two = np.repeat(size == 2, size)
    frames = [_pairs_of_two(rows[two])]
    out: list[tuple[int, int, int, int, int]] = []
    order, slot, role, thash = (rows[c].to_numpy() for c in ("order", "slot", "role", "thash"))
    for a, n in zip(starts[size > 2].tolist(), size[size > 2].tolist()):
        b = a + n
        _pairs_of_group(int(kind[a]), order[a:b], slot[a:b], role[a:b], thash[a:b], out)
    frames.append(pd.DataFrame(out, columns=list(_PAIR_META)))
    return pd.concat(frames, ignore_index=True).astype(_PAIR_META).drop_duplicates()


def _pairs_of_two(rows: pd.DataFrame) -> pd.DataFrame:
    """The pairs of keys held by two rows (most shared keys): vectorised."""
    a, b = rows.iloc[0::2], rows.iloc[1::2]
    ok = (
        (a["order"].to_numpy() < b["order"].to_numpy())
        & (a["role"].to_numpy() & _ENTRY).astype(bool)
        & (b["role"].to_numpy() & _QUERY).astype(bool)
    )
    return pd.DataFrame(
        {
            "q_order": b["order"].to_numpy()[ok],
            "q_slot": b["slot"].to_numpy()[ok],
            "kind": b["kind"].to_numpy()[ok],
            "e_order": a["order"].to_numpy()[ok],
            "e_slot": a["slot"].to_numpy()[ok],
        }
    )


def _pairs_of_group(
    kind: int,
    orders: npt.NDArray[np.int64],
    slots: npt.NDArray[np.int32],
    roles: npt.NDArray[np.int8],
    hashes: npt.NDArray[np.uint64],
    out: list[tuple[int, int, int, int, int]],
) -> None:
    orders, slots, roles, hashes = orders.tolist(), slots.tolist(), roles.tolist(), hashes.tolist()
    seen: dict[int, int] = defaultdict(int)
    entries: list[tuple[int, int]] = []  # (order, slot) of the earlier entries kept
    i, n = 0, len(orders)
    while i < n:
        # Rows of one document are neither earlier nor later than each other: pair them with
        # the entries before it, then add its own entries.
        j = i
        while j < n and orders[j] == orders[i]:
            j += 1
        for k in range(i, j):
            if roles[k] & _QUERY:
                out.extend((orders[k], slots[k], kind, eo, es) for eo, es in entries)
        for k in range(i, j):
            if roles[k] & _ENTRY and seen[hashes[k]] < MAX_SAME_TEXT:
                seen[hashes[k]] += 1
                entries.append((orders[k], slots[k]))
        i = j


# -- step 3: verification ----------------------------------------------------------------------------


def _local(part: _Part, order: int) -> _Doc:
    return part.docs[order - part.first]


def _with_sources(part: _Part, pairs: pd.DataFrame) -> pd.DataFrame:
    """The pairs whose entry is in ``part``, one row per block holding the entry's text, with the
    entry's payload and document id."""
    pairs = pairs.reset_index().drop_duplicates()
    rows: list[tuple[int, int, int, int, int, bytes, str]] = []
    for q_order, q_slot, kind, e_order, e_slot in zip(
        pairs["q_order"], pairs["q_slot"], pairs["kind"], pairs["e_order"], pairs["e_slot"]
    ):
        d = _local(part, int(e_order))
        if kind == _DOC:
            rows.append((int(q_order), int(q_slot), int(kind), int(e_order), -1, d.payload, d.doc_id))
            continue
        p = d.paras[int(e_slot)]
        for b in p.blocks:
            rows.append((int(q_order), int(q_slot), int(kind), int(e_order), b, p.payload, d.doc_id))
    frame = pd.DataFrame(rows, columns=["q_order", "q_slot", "kind", "e_order", "e_block", "payload", "e_id"])
    return frame.astype(
        {"q_order": np.int64, "q_slot": np.int32, "kind": np.int8, "e_order": np.int64, "e_block": np.int32}
    ).astype({"payload": object, "e_id": object})


@dataclass(eq=False)
class _Query:
    """A document with verified edges to earlier ones: what the in-order resolution needs."""

    order: int
    #: Every indexed slot's blocks (what the document adds to the index if nothing is removed).
    blocks: list[list[int]]
    #: Per slot, verified single sources ``(order, block, evidence)`` in insertion order.
    singles: dict[int, list[tuple[int, int, dict[str, Any]]]] = field(default_factory=dict)
    #: Per slot, verified merged sources ``(order, first block, evidence)`` in insertion order.
    merged: dict[int, list[tuple[int, int, dict[str, Any]]]] = field(default_factory=dict)
    #: Earlier near-copy documents ``(order, verdict)`` in input order.
    documents: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    has_doc: bool = False


def _verify_part(cfg: CorpusConfig, part: _Part, pairs: pd.DataFrame) -> list[_Query]:
    """Verify the candidate pairs whose query is in ``part``; the documents with an edge."""
    pairs = pairs.reset_index()
    if not len(pairs):
        return []
    pairs = pairs.sort_values(["q_order", "kind", "q_slot", "e_order", "e_block"], kind="stable")
    found: dict[int, _Query] = {}

    def query(order: int) -> _Query:
        q = found.get(order)
        if q is None:
            d = _local(part, order)
            q = found[order] = _Query(order, [p.blocks for p in d.paras], has_doc=d.keys is not None)
        return q

    cols = {
        c: pairs[c].tolist() for c in ("q_order", "kind", "q_slot", "e_order", "e_block", "payload", "e_id")
    }
    group = list(zip(cols["q_order"], cols["kind"], cols["q_slot"]))
    bounds = [i for i in range(1, len(group)) if group[i] != group[i - 1]]
    for a, b in zip([0, *bounds], [*bounds, len(group)]):
        q_order, kind, q_slot = group[a]
        d = _local(part, int(q_order))
        e_orders = cols["e_order"][a:b]
        e_blocks = cols["e_block"][a:b]
        payloads = cols["payload"][a:b]
        e_ids = cols["e_id"][a:b]
        if kind == _DOC:
            docs = []
            for eo, pl, eid in zip(e_orders, payloads, e_ids):
                v = document_verdict(cfg, d.payload, [(eid, pl)])
                if v is not None:
                    docs.append((eo, v))
            if docs:
                query(int(q_order)).documents = docs
            continue
        p = d.paras[int(q_slot)]
        mine = np.unique(p.seq)
        sources = [unpack_bigrams(pl) for pl in payloads]
        singles = []
        for eo, eb, eid, (src, limit) in zip(e_orders, e_blocks, e_ids, sources):
            ev = verify(cfg, p.seq, mine, src, limit, p.edited)
            if ev is not None:
                singles.append((eo, eb, paragraph_evidence(eid, eb, ev)))
        merged = []
        if p.edited:
            by_place = {(eo, eb): (eid, s) for eo, eb, eid, s in zip(e_orders, e_blocks, e_ids, sources)}
            for (eo, eb), (eid, (first, limit)) in by_place.items():
                nxt = by_place.get((eo, eb + 1))
                if nxt is None or limit is not None or nxt[1][1] is not None:
                    continue
                ev = verify(cfg, p.seq, mine, np.union1d(first, nxt[1][0]), None, p.edited)
                if ev is not None:
                    merged.append((eo, eb, merged_evidence(eid, eb, ev)))
        if singles:
            query(int(q_order)).singles[int(q_slot)] = singles
        if merged:
            query(int(q_order)).merged[int(q_slot)] = merged
    return list(found.values())


# -- step 4: resolution in input order ---------------------------------------------------------------


@dataclass(frozen=True)
class _Decision:
    """The corpus decisions on one document: evidence per slot, the document verdict."""

    evidence: dict[int, dict[str, Any]]
    verdict: dict[str, Any] | None

    @property
    def removed(self) -> tuple[int, ...]:
        return tuple(sorted(self.evidence))


def _resolve(
    cfg: CorpusConfig, queries: Iterable[_Query], replayed: dict[tuple[int, tuple[int, ...]], frozenset[int]]
) -> tuple[dict[int, _Decision], set[tuple[int, tuple[int, ...]]]]:
    """Decide each document with edges, in input order, against the entries really indexed.

    ``replayed`` maps ``(order, removed slots)`` to the blocks that document really indexed (when
    the re-run of its per-document stages removed more). Returns the decisions, and the
    ``(order, removed slots)`` of the documents that are sources of later edges, lost paragraphs
    and were not replayed yet.
    """
    indexed: dict[int, frozenset[int]] = {}  # documents with decisions: the blocks they indexed
    not_a_document: set[int] = set()  # documents decided near copies: no document entry
    decisions: dict[int, _Decision] = {}
    sources: set[int] = set()

    def kept(order: int, block: int) -> bool:
        blocks = indexed.get(order)
        return blocks is None or block in blocks

    ordered = sorted(queries, key=lambda q: q.order)
    for q in ordered:
        for edges in (*q.singles.values(), *q.merged.values()):
            sources.update(eo for eo, _, _ in edges)
        sources.update(eo for eo, _ in q.documents)
    todo: set[tuple[int, tuple[int, ...]]] = set()
    for q in ordered:
        verdict = first_best((v["similarity"], v) for eo, v in q.documents if eo not in not_a_document)
        evidence: dict[int, dict[str, Any]] = {}
        for slot in sorted(set(q.singles) | set(q.merged)):
            best = first_best(
                (ev["similarity"], ev) for eo, eb, ev in q.singles.get(slot, ()) if kept(eo, eb)
            )
            if best is None:
                best = first_best(
                    (ev["similarity"], ev)
                    for eo, eb, ev in q.merged.get(slot, ())
                    if kept(eo, eb) and kept(eo, eb + 1)
                )
            if best is not None:
                evidence[slot] = best
        decision = _Decision(evidence, verdict)
        if evidence or verdict is not None:
            decisions[q.order] = decision
        if verdict is not None:
            not_a_document.add(q.order)
        if verdict is not None and cfg.drop_duplicate_documents:
            indexed[q.order] = frozenset()
            continue
        if not evidence:
            continue
        key = (q.order, decision.removed)
        if key in replayed:
            indexed[q.order] = replayed[key]
        else:
            indexed[q.order] = frozenset(b for s, bl in enumerate(q.blocks) if s not in evidence for b in bl)
            if q.order in sources:
                todo.add(key)
    return decisions, todo


# -- step 5: apply -------------------------------------------------------------------------------------


class Replay:
    """Corpus memory that answers with decisions taken over the whole corpus (see the module
    docstring): what :class:`~dedupe.stages.corpus.CorpusState` would have answered for this
    document. Records what the document would add to the index (:attr:`indexed`) and what a
    resumable run logs for it (:attr:`log`: the arguments of ``commit`` and its
    :func:`~dedupe.stages.corpus.log_entry`)."""

    def __init__(self, cfg: CorpusConfig, decision: _Decision | None) -> None:
        self.cfg = cfg
        self.decision = decision
        self.indexed: frozenset[int] = frozenset()
        self.log: tuple[list[tuple[int, str]], dict[str, Any]] | None = None
        self._checked = False
        self._document: str | None = None

    def preload(self, prepared: Prepared) -> None:
        return None

    def check(self, doc_id: str, texts: list[str]) -> list[dict[str, Any] | None]:
        self._checked = True
        self._document = document_text(texts)
        if self.decision is None:
            return [None] * len(texts)
        # The slots of _lookups: distinct texts of min_words units or more, in order.
        slots = {
            t: s for s, t in enumerate(dict.fromkeys(t for t in texts if unit_count(t) >= self.cfg.min_words))
        }
        ev = self.decision.evidence
        return [ev.get(slots[t]) if t in slots else None for t in texts]

    def notes(self, doc_id: str) -> dict[str, Any]:
        if self.verdict is None:
            return {}
        out: dict[str, Any] = {"duplicate_of": dict(self.verdict)}
        if self.cfg.drop_duplicate_documents:
            out["dropped"] = True
        return out

    @property
    def verdict(self) -> dict[str, Any] | None:
        return self.decision.verdict if self.decision is not None else None

    def commit(self, doc_id: str, blocks: list[tuple[int, str]]) -> None:
        entry = log_entry(self.verdict, self._document, blocks) if self._checked else {}
        self.log = (blocks, entry)
        if self.verdict is not None and self.cfg.drop_duplicate_documents:
            return
        self.indexed = frozenset(i for i, t in blocks if unit_count(t) >= self.cfg.min_words)


def _complete(cleaner: Cleaner, partial: Partial, memory: Replay | None) -> CleanResult:
    # The persisted partial may be read again (a retried task, another round): work on a copy.
    p = dataclasses.replace(partial, decisions=list(partial.decisions), notes=dict(partial.notes))
    return cleaner.complete(p, memory)


def _replay(
    part: _Part,
    records: Sequence[Any] | None,
    config: Config,
    time_budget: float | None,
    which: dict[int, _Decision],
) -> dict[tuple[int, tuple[int, ...]], frozenset[int]]:
    """Complete the documents ``which`` of ``part``; the blocks each really indexes."""
    cleaner = _cleaner(config, time_budget)
    out = {}
    for order, decision in which.items():
        memory = Replay(config.corpus, decision)
        _complete(cleaner, part.partial(order, records, cleaner), memory)
        out[(order, decision.removed)] = memory.indexed
    return out


def _apply(
    part: _Part,
    records: Iterable[Any] | None,
    config: Config,
    time_budget: float | None,
    corpus: bool,
    decisions: dict[int, _Decision],
    logged: bool = False,
) -> list[Any]:
    """The partition's results; with ``logged``, ``(result, Replay.log)`` pairs."""
    cleaner = _cleaner(config, time_budget)
    partials = part.partials
    if partials is None:
        assert records is not None
        partials = [cleaner.prepare(_document(r, part.first + i)) for i, r in enumerate(records)]
    out: list[Any] = []
    for i, p in enumerate(partials):
        memory = Replay(config.corpus, decisions.get(part.first + i)) if corpus else None
        res = _complete(cleaner, p, memory)
        out.append((res, memory.log if memory is not None else None) if logged else res)
    return out


# -- the driver --------------------------------------------------------------------------------------


@dataclass
class RunStats:
    """What a run did, for benchmarks and logs (filled by :func:`clean_bag`)."""

    documents: int = 0
    partitions: int = 0
    key_rows: int = 0
    pairs: int = 0
    edges: int = 0
    decided: int = 0
    rounds: int = 0
    replayed: int = 0
    #: Bytes of the keys and of the candidate rows moved between partitions (as pandas measures them).
    shuffle_bytes: int = 0
    #: Bytes (pickled) of the verified edges the in-order resolution holds in the driver.
    resolution_bytes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _count(items: Iterable[Any]) -> int:
    """The length of a partition (a bag's partitions may be iterators)."""
    return len(items) if isinstance(items, (Sequence, pd.DataFrame)) else sum(1 for _ in items)


def _divisions(firsts: list[int], total: int) -> list[int]:
    return [*firsts, total]


def _by_partition(firsts: list[int], orders: Iterable[int]) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in firsts]
    starts = np.asarray(firsts)
    for o in orders:
        out[int(np.searchsorted(starts, o, side="right")) - 1].append(o)
    return out


def clean_bag(
    bag: db.Bag,
    config: Config | None = None,
    *,
    corpus: bool = True,
    time_budget: float | None = None,
    keep_partials: bool = True,
    stats: RunStats | None = None,
    logged: bool = False,
) -> db.Bag:
    """Clean a bag of :class:`~dedupe.Document` (or plain strings, given ids ``"0"``, ``"1"``...
    by position) in corpus mode; a bag of :class:`~dedupe.CleanResult` in the same order.

    The result equals ``list(Cleaner(config).clean_many(bag.compute()))``. The per-document phase
    and the candidate search run on the workers; this function computes them (and the in-order
    resolution) before it returns, with whatever scheduler is active (a ``distributed.Client``
    if one exists). The returned bag is lazy: only the final assembly is left to compute.

    Args:
        bag: The documents, in order (partition after partition).
        config: The settings (default ``Config()``); ``corpus.index`` must be None (the index of
            a Dask run is the shuffle, nothing is kept between runs).
        corpus: Remove what earlier documents hold (default); False cleans each document alone.
        time_budget: Seconds per document for its per-document phase (see :class:`~dedupe.Cleaner`).
        keep_partials: Keep every document's per-document result on the workers until the end
            (default). False keeps only what the corpus phase looks up (about a third of the
            text) and runs the per-document phase again at the end, reading the input again:
            less memory per worker for twice the per-document work.
        stats: Filled with counts, shuffle bytes and timings if given.
        logged: Make the bag of ``(result, log)`` pairs, ``log`` being what a resumable run
            logs for the document (see :class:`Replay`; None when it indexes nothing).

    Raises:
        ConfigError: ``corpus.index`` is set.
    """
    cfg = config if config is not None else Config()
    if cfg.corpus.index is not None:
        raise ConfigError(
            "the Dask engine keeps no persistent index (corpus.index / --index); run without it, "
            "or use --engine local to add to a saved index"
        )
    st = stats if stats is not None else RunStats()
    corpus = corpus and Cleaner(cfg).has_corpus_stage
    t0 = time.perf_counter()
    # Global order: the length of every partition first (the input is read once more for it).
    lengths = dask.compute(*[delayed(_count)(p) for p in bag.to_delayed()])
    parts_in = [p for p, n in zip(bag.to_delayed(), lengths) if n]
    firsts = [int(x) for x in np.cumsum([0, *[n for n in lengths if n]])[:-1]]
    total = int(sum(lengths))
    st.documents, st.partitions = total, len(parts_in)
    if not parts_in:
        return db.from_sequence([], npartitions=1)
    prep = [
        delayed(_prepare)(p, f, cfg, time_budget, corpus, keep_partials) for p, f in zip(parts_in, firsts)
    ]
    prep = list(dask.persist(*prep))
    # Without the partials kept, the input is read again where a document must be completed.
    records: list[Any] = [None] * len(prep) if keep_partials else [delayed(list)(p) for p in parts_in]
    decisions: dict[int, _Decision] = {}
    if corpus:
        dask.compute(prep[0])  # surface errors of the per-document phase here, not in a shuffle
        st.seconds["prepare"] = time.perf_counter() - t0
        # Payloads are bytes: keep them as Python objects, not Arrow strings.
        with dask.config.set({"dataframe.convert-string": False}):
            decisions = _corpus_decisions(cfg, time_budget, prep, records, firsts, total, st)
    t1 = time.perf_counter()
    groups = _by_partition(firsts, decisions)
    results = [
        delayed(_apply)(p, r, cfg, time_budget, corpus, {o: decisions[o] for o in g}, logged)
        for p, r, g in zip(prep, records, groups)
    ]
    st.seconds["decide"] = time.perf_counter() - t1
    return db.from_delayed(results)


def _corpus_decisions(
    cfg: Config,
    time_budget: float | None,
    prep: list[Any],
    records: list[Any],
    firsts: list[int],
    total: int,
    st: RunStats,
) -> dict[int, _Decision]:
    t0 = time.perf_counter()
    divisions = _divisions(firsts, total)
    keys = dd.from_delayed([delayed(_key_frame)(p) for p in prep], meta=_empty(_KEY_META), verify_meta=False)
    keys = keys.persist()
    st.key_rows = int(keys.shape[0].compute())
    st.shuffle_bytes += int(keys.memory_usage(deep=True, index=False).sum().compute())
    pairs = keys.shuffle(on="key").map_partitions(_pairs, meta=_empty(_PAIR_META))
    # To the partition of the earlier entry (its payload), then to that of the query (verified there).
    by_entry = pairs.set_index("e_order", divisions=divisions).to_delayed()
    meta_src = _with_sources(_Part(0, [], []), _empty(_PAIR_META).set_index("e_order"))
    sourced = dd.from_delayed(
        [delayed(_with_sources)(p, g) for p, g in zip(prep, by_entry)], meta=meta_src, verify_meta=False
    )
    sourced = sourced.persist()
    st.pairs = int(sourced.shape[0].compute())
    st.shuffle_bytes += int(sourced.memory_usage(deep=True, index=False).sum().compute())
    by_query = sourced.set_index("q_order", divisions=divisions).to_delayed()
    verified = [delayed(_verify_part)(cfg.corpus, p, g) for p, g in zip(prep, by_query)]
    queries: list[_Query] = [q for part in dask.compute(*verified) for q in part]
    del sourced
    st.edges = sum(
        sum(map(len, q.singles.values())) + sum(map(len, q.merged.values())) + len(q.documents)
        for q in queries
    )
    st.resolution_bytes = len(pickle.dumps(queries, protocol=pickle.HIGHEST_PROTOCOL))
    st.seconds["candidates"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    replayed: dict[tuple[int, tuple[int, ...]], frozenset[int]] = {}
    for rounds in range(1, MAX_ROUNDS + 1):  # noqa: B007 - rounds is reported
        decisions, todo = _resolve(cfg.corpus, queries, replayed)
        if not todo:
            break
        groups = _by_partition(firsts, (o for o, _ in todo))
        tasks = [
            delayed(_replay)(p, r, cfg, time_budget, {o: decisions[o] for o in g})
            for p, r, g in zip(prep, records, groups)
            if g
        ]
        for found in dask.compute(*tasks):
            replayed.update(found)
        st.replayed += len(todo)
    else:  # pragma: no cover - each round settles the earliest unsettled document
        raise RuntimeError(f"corpus decisions did not settle in {MAX_ROUNDS} rounds")
    st.rounds = rounds
    st.decided = len(decisions)
    st.seconds["resolve"] = time.perf_counter() - t1
    return decisions


def _empty(meta: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({k: np.zeros(0, dtype=v) for k, v in meta.items()})


# -- DataFrames --------------------------------------------------------------------------------------


def clean_dataframe(
    df: dd.DataFrame,
    config: Config | None = None,
    *,
    text_column: str = "text",
    id_column: str | None = None,
    corpus: bool = True,
    removed_column: str = "removed",
    duplicate_column: str = "duplicate_of",
    time_budget: float | None = None,
    stats: RunStats | None = None,
) -> dd.DataFrame:
    """Clean the ``text_column`` of a Dask DataFrame (see :func:`clean_bag`); a new DataFrame.

    The text column holds the clean text; ``removed_column`` the removed spans as a JSON string
    (``removed`` of ``dedupe clean``'s output, as :func:`dedupe.hf.clean_dataset` writes it), and
    ``duplicate_column`` the document verdict as a JSON string (``{"id", "similarity",
    "threshold"}``) or None. Every other column and the row order are kept; a document dropped as
    a near copy (``corpus.drop_duplicate_documents``) is left out.

    Args:
        df: The documents, one per row, in order (partition after partition).
        config: The settings (default ``Config()``).
        text_column: The column of plain text.
        id_column: The column of document ids used as evidence; default: the row number.
        corpus: Remove what earlier rows hold (default).
        removed_column: The name of the new column of removed spans.
        duplicate_column: The name of the new column of document verdicts.
        time_budget: Seconds per document for its per-document phase.
        stats: Filled with counts, shuffle bytes and timings if given.

    Raises:
        ConfigError: A column named is missing, or a new column's name is taken.
    """
    columns = list(df.columns)
    for name, value in (("text_column", text_column), ("id_column", id_column)):
        if value is not None and value not in columns:
            raise ConfigError(f"{name}={value!r} is not a column (columns: {', '.join(map(str, columns))})")
    for name, value in (("removed_column", removed_column), ("duplicate_column", duplicate_column)):
        if value in columns:
            raise ConfigError(f"the DataFrame already has a column {value!r}; pass {name}=...")
    frames = df.to_delayed()
    bag = db.from_delayed([delayed(_frame_documents)(f, text_column, id_column) for f in frames])
    results = clean_bag(bag, config, corpus=corpus, time_budget=time_budget, stats=stats).to_delayed()
    # clean_bag drops empty partitions: pair the results with the non-empty frames again.
    lengths = dask.compute(*[delayed(_count)(f) for f in frames])
    full = [f for f, n in zip(frames, lengths) if n]
    meta = df._meta.assign(
        **{removed_column: pd.Series([], dtype=object), duplicate_column: pd.Series([], dtype=object)}
    )
    out = [
        delayed(_frame_results)(f, r, text_column, removed_column, duplicate_column)
        for f, r in zip(full, results)
    ]
    return dd.from_delayed(out, meta=meta, verify_meta=False) if out else dd.from_pandas(meta, npartitions=1)


def _frame_documents(frame: pd.DataFrame, text_column: str, id_column: str | None) -> list[Document | str]:
    texts = frame[text_column].tolist()
    if id_column is None:
        return [t if isinstance(t, str) else "" for t in texts]
    return [
        Document(id=str(i), text=t if isinstance(t, str) else "")
        for i, t in zip(frame[id_column].tolist(), texts)
    ]


def _frame_results(
    frame: pd.DataFrame, results: list[CleanResult], text_column: str, removed: str, duplicate: str
) -> pd.DataFrame:
    out = frame.copy()
    out[text_column] = [r.text for r in results]
    out[removed] = [json.dumps(r.removed, ensure_ascii=False) for r in results]
    out[duplicate] = [
        json.dumps(r.notes["duplicate_of"], ensure_ascii=False) if "duplicate_of" in r.notes else None
        for r in results
    ]
    keep = [not r.notes.get("dropped") for r in results]
    return out[keep]


def iter_results(bag: db.Bag) -> Iterator[Any]:
    """The results of a bag from :func:`clean_bag`, partition after partition, computing one
    partition at a time (so the driver holds one partition of results, not the corpus)."""
    for part in bag.to_delayed():
        yield from part.compute()


# -- the command line's engine -------------------------------------------------------------------------

#: Documents per partition when the command line hands records to the cluster: enough to amortise
#: a task (about 70 ms of cleaning per news article), small enough that a partition of news
#: articles (about 3 MB) is nothing next to a worker's memory.
STREAM_PARTITION: Final = 2000


@contextlib.contextmanager
def connect(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A ``distributed.Client``: to the scheduler at ``scheduler``, or to a new local cluster of
    ``workers`` processes (one thread each: the cleaner is pure Python), closed on exit."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ImportError("the Dask engine needs distributed: pip install 'dedupe-text[dask]'") from None
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def clean_stream(
    items: Iterable[tuple[T, Document]],
    config: Config,
    client: Any,
    *,
    corpus: bool = True,
    time_budget: float | None = None,
    partition: int = STREAM_PARTITION,
    stats: RunStats | None = None,
) -> Iterator[tuple[T, CleanResult, Any]]:
    """Clean ``(tag, document)`` items on the cluster of ``client``; ``(tag, result, log)`` in
    order, ``log`` as :attr:`Replay.log` (None outside corpus mode and for pass-through results).

    The documents are sent to the workers ``partition`` at a time as they are read (the tags stay
    here), so this process holds the tags, not the corpus. Nothing is yielded before every
    document is read: corpus decisions need the whole input.
    """
    tags: list[T] = []
    parts: list[Any] = []
    batch: list[Document] = []
    for tag, doc in items:
        tags.append(tag)
        batch.append(doc)
        if len(batch) >= partition:
            parts.append(client.scatter(batch))
            batch = []
    if batch:
        parts.append(client.scatter(batch))
    if not parts:
        return
    bag = db.from_delayed([delayed(_identity)(f) for f in parts])
    results = clean_bag(bag, config, corpus=corpus, time_budget=time_budget, stats=stats, logged=True)
    del parts  # the workers drop the documents once nothing refers to them
    for tag, (res, log) in zip(tags, iter_results(results), strict=True):
        yield tag, res, log


def _identity(x: T) -> T:
    return x
