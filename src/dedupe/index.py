"""MinHash LSH indexes behind one small interface: in memory, SQLite on disk, or Redis.

Banding (Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3.4): a signature of
``num_perm`` values is cut into ``bands`` bands of ``rows`` values (:func:`dedupe.minhash.lsh_params`
chooses them for a Jaccard threshold exactly as datasketch does). Each band is reduced to one
64-bit *band key*; two entries are candidates when they share at least one band key, which for
entries of Jaccard similarity ``s`` happens with probability ``1 - (1 - s**rows) ** bands``.

Every entry also keeps a 4-bit b-bit MinHash sketch (Li & König, "b-Bit Minwise Hashing",
WWW 2010): the low 4 bits of each signature value, 64 bytes at ``num_perm=128``. Two sketches
agree in a position with probability ``J + (1 - J) / 16``, which :class:`Match` turns back
into an estimated Jaccard similarity so callers can filter candidates without the full
signatures. An entry may carry a *payload* too: a few bytes the caller verifies a candidate
against (the corpus stage keeps the 16-bit hashes of a paragraph's word bigrams there, see
:mod:`dedupe.corpus_index`); :class:`Match` returns it with the candidate. And an entry may have
*anchors*: 64-bit keys of exact pieces of it (the corpus stage anchors a paragraph by its
sentences), found by a query that has the same anchor, like a band.

Back-ends:

* :class:`MemoryIndex`: numpy arrays only (no Python object per band or entry): about
  ``8 * bands + num_perm / 2 + 10`` bytes per entry, plus its payload and 4 bytes for the
  payload's offset (188 bytes at threshold 0.8 and ``num_perm=128`` without payload).
* :class:`SQLiteIndex`: a standard-library SQLite file in WAL mode; reopenable and appendable,
  durable at each :meth:`~SQLiteIndex.flush`, never corrupted by a killed process, and it
  refuses files it did not write (:class:`~dedupe.errors.IndexFormatError`). It stores only
  integers, text and raw bytes: nothing is ever unpickled.
* :class:`RedisIndex`: datasketch's :class:`~datasketch.MinHashLSH` with its Redis storage
  configuration (bytes keys, ``prepickle=False``), for an index shared by several workers.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sqlite3
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol, runtime_checkable
from urllib.parse import parse_qs, unquote, urlparse

import numpy as np
import numpy.typing as npt

from dedupe.errors import ConfigError, IndexFormatError
from dedupe.minhash import DEFAULT_HASH, HASHES, MODES, SCHEMES, Signer, _fmix64, lsh_params

__all__ = [
    "DEFAULT_WEIGHTS",
    "LSHIndex",
    "Match",
    "MemoryIndex",
    "RedisIndex",
    "SQLiteIndex",
    "anchor_keys",
    "band_keys",
    "open_index",
    "sketch",
    "sketch_similarity",
]

_U64 = np.uint64
#: Bits kept per signature value in the per-entry sketch.
SKETCH_BITS: Final = 4
#: Version of the on-disk/Redis layout; bump when band keys, sketches or entries change. Version 2:
#: entries carry a payload (a BLOB column in SQLite, a length and the bytes in Redis).
FORMAT_VERSION: Final = 2
#: SQLite ``PRAGMA application_id`` of dedupe index files ("ddup").
APPLICATION_ID: Final = 0x64647570
_FORMAT_NAME: Final = "dedupe-lsh"

#: LSH weights ``(false_positive_weight, false_negative_weight)`` used by the indexes.
#: Recall-oriented, unlike datasketch's (0.5, 0.5): a missed candidate is a duplicate kept, a
#: spurious one is dropped by the caller's similarity filter. At threshold 0.8, num_perm 128
#: this gives 14 bands of 9 rows: P(candidate | s) = 1 - (1 - s**9)**14 is 0.87 at s=0.8,
#: 0.975 at 0.85, 0.999 at 0.9 and 0.03 at 0.5 (datasketch's (9, 13) gives 0.40, 0.69, 0.93).
DEFAULT_WEIGHTS: Final = (0.1, 0.9)


@dataclass(frozen=True)
class Match:
    """A candidate returned by :meth:`LSHIndex.query`.

    Attributes:
        doc_id: Document the entry was added for.
        block: Block (e.g. paragraph number) within the document.
        part: Part of the block (0 = whole block; callers may index sentences as 1..k).
        similarity: Jaccard similarity with the query estimated from the stored 4-bit sketch,
            or None if the back-end has no sketch for the entry.
        payload: The bytes stored with the entry (empty if none were given).
    """

    doc_id: str
    block: int
    part: int
    similarity: float | None
    payload: bytes = b""


@runtime_checkable
class LSHIndex(Protocol):
    """What every index offers, and all that callers use. Entries are returned in insertion order."""

    threshold: float
    num_perm: int
    bands: int
    rows: int

    def add(self, doc_id: str, block: int, signature: npt.ArrayLike, part: int = 0) -> None:
        """Index one signature under ``(doc_id, block, part)``."""

    def add_many(
        self,
        doc_ids: Sequence[str],
        blocks: npt.ArrayLike,
        signatures: npt.ArrayLike,
        parts: npt.ArrayLike | None = None,
        payloads: Sequence[bytes] | None = None,
        anchors: Sequence[Sequence[int]] | None = None,
    ) -> None:
        """Index many signatures ``(n, num_perm)``, each with its payload and anchors (64-bit
        keys); the same result as ``add`` for each."""

    def query(self, signature: npt.ArrayLike) -> list[Match]:
        """Entries sharing at least one band with ``signature``, in insertion order."""

    def query_many(
        self, signatures: npt.ArrayLike, anchors: Sequence[Sequence[int]] | None = None
    ) -> list[list[Match]]:
        """:meth:`query` for each row of ``signatures`` ``(n, num_perm)``, also finding the
        entries that have one of the row's ``anchors``."""

    def __len__(self) -> int:
        """Number of entries added."""

    def flush(self) -> None:
        """Make everything added so far durable."""

    def rollback(self) -> None:
        """Forget what was added since the last flush, where the back-end can (a run whose output
        was discarded); a back-end that shares every addition at once keeps it."""

    def close(self) -> None:
        """Flush and release resources."""


# ---------------------------------------------------------------------------------------------
# Band keys and sketches (shared by all back-ends)
# ---------------------------------------------------------------------------------------------

_KEY_SALT: Final = np.uint64(0xD6E8FEB86659FD93)


@functools.lru_cache(maxsize=64)
def _multipliers(rows: int) -> npt.NDArray[np.uint64]:
    rng = np.random.RandomState(0x5EED)
    return rng.randint(0, 1 << 62, size=rows, dtype=np.uint64) * _U64(2) + _U64(1)


def _band_sums(signatures: npt.NDArray[Any], bands: int, rows: int) -> npt.NDArray[np.uint64]:
    """``sum_j v_j * m_j + (band + 1) * salt mod 2**64`` per band (vector multiply-shift)."""
    v = signatures[..., : bands * rows].astype(_U64).reshape(*signatures.shape[:-1], bands, rows)
    salts = np.arange(1, bands + 1, dtype=_U64) * _KEY_SALT
    return np.asarray(np.matmul(v, _multipliers(rows)) + salts, dtype=_U64)


def band_keys(signatures: npt.ArrayLike, bands: int, rows: int) -> npt.NDArray[np.uint64]:
    """64-bit keys of the bands of one signature ``(num_perm,)`` or many ``(n, num_perm)``.

    Band ``i`` covers values ``i*rows .. (i+1)*rows - 1``; its key is
    ``fmix64(sum_j v_j * m_j + (i + 1) * salt)`` (mod 2**64) with fixed random odd 64-bit
    multipliers ``m_j``: equal bands give equal keys, and keys of different bands differ. Values
    past ``bands * rows`` are unused, as in datasketch.

    Returns:
        uint64 array of shape ``(bands,)`` or ``(n, bands)``.
    """
    return _fmix64(_band_sums(np.asarray(signatures), bands, rows))


_ANCHOR_SALT: Final = np.uint64(0x9E3779B97F4A7C15)


def anchor_keys(anchors: Sequence[int]) -> npt.NDArray[np.uint64]:
    """The band-table keys of anchors: ``fmix64(anchor ^ salt)``, so that they never meet band keys
    by design (only by a 64-bit accident)."""
    a = np.asarray([int(x) & 0xFFFFFFFFFFFFFFFF for x in anchors], dtype=np.uint64)
    return _fmix64(a ^ _ANCHOR_SALT)


def _check_anchors(anchors: Sequence[Sequence[int]] | None, n: int) -> list[Sequence[int]]:
    if anchors is None:
        return [()] * n
    if len(anchors) != n:
        raise ValueError(f"anchors must hold one sequence of ints per signature ({n})")
    return list(anchors)


def _flat_anchors(anchors: list[Sequence[int]]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """All anchors' keys and the row of each."""
    rows = np.repeat(np.arange(len(anchors), dtype=np.int64), [len(a) for a in anchors])
    flat = [x for a in anchors for x in a]
    return (anchor_keys(flat) if flat else np.zeros(0, dtype=np.uint64)), rows


def _short_keys(signatures: npt.NDArray[Any], bands: int, rows: int) -> npt.NDArray[np.uint32]:
    """32-bit band keys of the in-memory index: the high half of the band sums.

    For 32-bit values ``v_j`` and random 64-bit multipliers, the top 32 bits of
    ``sum_j v_j * m_j mod 2**64`` are Dietzfelbinger's vector multiply-shift hash, a universal
    hash, so no finaliser is needed. Two different bands collide with probability about
    2**-32; such a spurious candidate has an unrelated sketch, so its estimated similarity is
    near 0 and the caller's similarity filter drops it.
    """
    return (_band_sums(signatures, bands, rows) >> _U64(32)).astype(np.uint32)


def sketch(signatures: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """The 4-bit b-bit MinHash sketch: low 4 bits of each value, two values per byte."""
    sig = np.asarray(signatures)
    single = sig.ndim == 1
    sig2 = sig.reshape(1, -1) if single else sig
    nib = (sig2 & 0xF).astype(np.uint8)
    if nib.shape[1] % 2:
        nib = np.concatenate([nib, np.zeros((len(nib), 1), dtype=np.uint8)], axis=1)
    packed = nib[:, 0::2] | (nib[:, 1::2] << np.uint8(4))
    return packed[0] if single else packed


# Number of equal nibbles for each XOR byte (0, 1 or 2).
_ZERO_NIBBLES: Final = np.array([int(x & 0xF == 0) + int(x >> 4 == 0) for x in range(256)], dtype=np.int64)


def sketch_similarity(
    query: npt.NDArray[np.uint8], stored: npt.NDArray[np.uint8], num_perm: int
) -> npt.NDArray[np.float64]:
    """Jaccard similarity estimated from 4-bit sketches (Li & König 2010).

    A position agrees with probability ``P = J + (1 - J) / 16``; hence ``J = (P - 1/16) / (15/16)``,
    clipped to [0, 1].

    Args:
        query: Sketch ``(nbytes,)`` of the query.
        stored: Sketches ``(n, nbytes)``.
        num_perm: Signature length (a padding nibble of an odd length is not counted).
    """
    x = np.bitwise_xor(stored, query.reshape(1, -1))
    equal = _ZERO_NIBBLES[x].sum(axis=1) - (num_perm % 2)
    p = equal / float(num_perm)
    c = 1.0 / (1 << SKETCH_BITS)
    return np.asarray(np.clip((p - c) / (1.0 - c), 0.0, 1.0), dtype=np.float64)


_NIBBLE_LOW_BITS: Final = int("1" * 2 * 4096, 16)  # 0x1111...: the low bit of every nibble


def _nibble_similarity(q: int, stored: int, num_perm: int) -> float:
    """:func:`sketch_similarity` of two sketches given as little-endian integers."""
    x = q ^ stored
    x |= x >> 1
    x |= x >> 2  # now the low bit of each nibble says "this nibble differs"
    nbits = 4 * (num_perm + num_perm % 2)
    differ = (x & _NIBBLE_LOW_BITS & ((1 << nbits) - 1)).bit_count()
    p = (num_perm - differ) / float(num_perm)
    c = 1.0 / (1 << SKETCH_BITS)
    return min(1.0, max(0.0, (p - c) / (1.0 - c)))


def _check_signature(signature: npt.ArrayLike, num_perm: int) -> npt.NDArray[Any]:
    sig = np.asarray(signature)
    if sig.shape != (num_perm,) or sig.dtype.kind not in "ui":
        raise ValueError(
            f"expected an integer signature of shape ({num_perm},) as returned by Signer.sign, "
            f"got dtype {sig.dtype} shape {sig.shape}"
        )
    return sig


def _check_signatures(signatures: npt.ArrayLike, num_perm: int) -> npt.NDArray[Any]:
    sigs = np.asarray(signatures)
    if sigs.ndim != 2 or sigs.shape[1] != num_perm or sigs.dtype.kind not in "ui":
        raise ValueError(f"expected integer signatures of shape (n, {num_perm}), got {sigs.shape}")
    return sigs


def _check_payloads(payloads: Sequence[bytes] | None, n: int) -> None:
    if payloads is None:
        return
    if len(payloads) != n or not all(isinstance(p, (bytes, bytearray)) for p in payloads):
        raise ValueError(f"payloads must be {n} bytes objects, one per signature")


def _check_ints(block: int, part: int) -> None:
    for name, v in (("block", block), ("part", part)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not -(2**31) <= int(v) < 2**31:
            raise ValueError(f"{name} must be an int in [-2**31, 2**31), got {v!r}")


def _lsh_setup(
    obj: Any,
    threshold: float,
    num_perm: int,
    weights: tuple[float, float],
    params: tuple[int, int] | None = None,
) -> None:
    if isinstance(num_perm, bool) or not isinstance(num_perm, int) or num_perm < 2:
        raise ConfigError(f"num_perm must be an int >= 2, got {num_perm!r}; pass signer.num_perm")
    obj.threshold = float(threshold)
    obj.num_perm = num_perm
    if params is not None:
        bands, rows = params
        if not (isinstance(bands, int) and isinstance(rows, int) and bands >= 1 and rows >= 1):
            raise ConfigError(f"params must be (bands, rows) of positive ints, got {params!r}")
        if bands * rows > num_perm:
            raise ConfigError(f"params {params!r} need bands * rows <= num_perm ({num_perm})")
        obj.bands, obj.rows = bands, rows
    else:
        obj.bands, obj.rows = lsh_params(threshold, num_perm, *weights)
    if obj.bands < 2:
        raise ConfigError(
            f"threshold={threshold} with num_perm={num_perm} gives a single LSH band; "
            "lower the threshold or raise num_perm"
        )


# ---------------------------------------------------------------------------------------------
# In memory
# ---------------------------------------------------------------------------------------------


class _Column:
    """A growable numpy column (amortised O(1) append; grows by 1/16 to keep slack small)."""

    __slots__ = ("data", "n")

    def __init__(self, dtype: Any, width: int = 0) -> None:
        shape = (16, width) if width else (16,)
        self.data: npt.NDArray[Any] = np.zeros(shape, dtype=dtype)
        self.n = 0

    def _reserve(self, extra: int) -> None:
        need = self.n + extra
        if need > len(self.data):
            cap = max(need, len(self.data) + len(self.data) // 16 + 64)
            new = np.zeros((cap, *self.data.shape[1:]), dtype=self.data.dtype)
            new[: self.n] = self.data[: self.n]
            self.data = new

    def extend(self, values: npt.ArrayLike) -> None:
        arr = np.asarray(values, dtype=self.data.dtype)
        self._reserve(len(arr))
        self.data[self.n : self.n + len(arr)] = arr
        self.n += len(arr)

    def append(self, value: Any) -> None:
        if self.n == len(self.data):
            self._reserve(1)
        self.data[self.n] = value
        self.n += 1

    def view(self) -> npt.NDArray[Any]:
        return self.data[: self.n]

    @property
    def nbytes(self) -> int:
        return int(self.data.nbytes)


#: A sorted run of at least this many band keys gets a directory (see :class:`_Run`).
DIRECTORY_MIN_KEYS: Final = 1 << 12
#: Runs are merged while the older one is at most this many times the size of the newer one.
MERGE_RATIO: Final = 4

_EMPTY_I64: Final = np.zeros(0, dtype=np.int64)


class _Run:
    """Band keys sorted (uint32), the entry id of each, and for a large run a directory.

    The directory maps the top ``k`` bits of a key to the range of the run holding keys with
    those bits (keys are hashes, so uniform: about 8 to 16 keys per range, for 0.25 to 0.5 byte
    per key). A lookup then reads two directory cells and one short range per key instead of
    binary-searching the whole run: constant time per key however large the run, where
    ``np.searchsorted`` over millions of keys costs one cache miss per halving.
    """

    __slots__ = ("directory", "ids", "keys", "shift")

    def __init__(self, keys: npt.NDArray[np.uint32], ids: npt.NDArray[np.uint32]) -> None:
        self.keys, self.ids = keys, ids
        self.directory: npt.NDArray[np.uint32] | None = None
        self.shift = np.uint32(32)
        n = len(keys)
        if n >= DIRECTORY_MIN_KEYS:
            k = min(28, max(1, n.bit_length() - 4))
            self.shift = np.uint32(32 - k)
            counts = np.bincount(keys >> self.shift, minlength=1 << k)
            directory = np.zeros((1 << k) + 1, dtype=np.uint32)
            np.cumsum(counts, out=directory[1:])
            self.directory = directory

    @property
    def nbytes(self) -> int:
        extra = 0 if self.directory is None else int(self.directory.nbytes)
        return int(self.keys.nbytes + self.ids.nbytes) + extra

    def find(self, q: npt.NDArray[np.uint32]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]:
        """``(i, id)`` for every stored key equal to ``q[i]``."""
        keys = self.keys
        if self.directory is None:
            lo = np.searchsorted(keys, q, side="left")
            hit = np.flatnonzero(keys.take(lo, mode="clip") == q)
            if not len(hit):
                return _EMPTY_I64, self.ids[:0]
            lo = lo[hit]
            cnt = np.searchsorted(keys, q[hit], side="right") - lo
            if bool(np.all(cnt == 1)):  # one entry per key: a single gather
                return hit, self.ids[lo]
            ends = np.cumsum(cnt)
            pos = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(lo - (ends - cnt), cnt)
            return np.repeat(hit, cnt), self.ids[pos]
        b = q >> self.shift
        lo = self.directory[b].astype(np.int64)
        cnt = self.directory[b + 1].astype(np.int64) - lo
        ends = np.cumsum(cnt)
        total = int(ends[-1]) if len(ends) else 0
        if not total:
            return _EMPTY_I64, self.ids[:0]
        pos = np.arange(total, dtype=np.int64) + np.repeat(lo - (ends - cnt), cnt)
        owner = np.repeat(np.arange(len(q), dtype=np.int64), cnt)
        eq = np.flatnonzero(keys[pos] == q[owner])
        return owner[eq], self.ids[pos[eq]]


def _merge_runs(old: _Run, new: _Run) -> _Run:
    """One sorted run of both (lookups sort the ids they find, so ties may go either way)."""
    if len(new.keys) * 16 < len(old.keys):
        # Small into large: the new keys' places by binary search, the rest moved in one pass.
        pos = np.searchsorted(old.keys, new.keys, side="right")
        return _Run(np.insert(old.keys, pos, new.keys), np.insert(old.ids, pos, new.ids))
    keys = np.concatenate([old.keys, new.keys])
    order = np.argsort(keys, kind="stable")  # timsort: a linear merge of the two sorted runs
    return _Run(keys[order], np.concatenate([old.ids, new.ids])[order])


class MemoryIndex:
    """In-memory LSH index on compact numpy band tables.

    Layout: the ``(band key, entry id)`` pairs of every band live in a few sorted *runs* (uint32
    keys, uint32 ids; the band number is mixed into the key), large runs with a directory on
    the keys' top bits (:class:`_Run`). Each :meth:`add_many` (or :meth:`add`) makes a new sorted
    run; a run is merged into the one before it while that one is at most :data:`MERGE_RATIO`
    times its size, so there are about ``log4(entries)`` runs and every pair is moved
    ``O(log entries)`` times in all (a log-structured merge). Per entry it
    also keeps the 4-bit sketch, the block, the part, its payload (bytes in one buffer, a 4-byte
    offset) and a reference to its doc id (doc ids are stored once per consecutive run of entries,
    UTF-8, in one byte buffer); each anchor is one more ``(key, id)`` pair in the runs. At
    ``num_perm=128``, threshold 0.8 (14 bands with :data:`DEFAULT_WEIGHTS`) this is
    ``14 * 8 + 64 + 16 = 192`` bytes per entry plus payloads, anchors and doc ids; see
    :attr:`nbytes`.

    Args:
        threshold: Jaccard threshold the banding is tuned for.
        num_perm: Signature length.
        weights: ``(false_positive_weight, false_negative_weight)`` for :func:`lsh_params`.
        params: ``(bands, rows)`` to use instead of those :func:`lsh_params` picks.
        buffer_entries: Accepted for compatibility; runs are merged by size (see above).
    """

    def __init__(
        self,
        threshold: float = 0.8,
        num_perm: int = 128,
        *,
        weights: tuple[float, float] = DEFAULT_WEIGHTS,
        params: tuple[int, int] | None = None,
        buffer_entries: int = 8192,
    ) -> None:
        self.threshold: float
        self.num_perm: int
        self.bands: int
        self.rows: int
        _lsh_setup(self, threshold, num_perm, weights, params)
        self._buffer_entries = max(1, int(buffer_entries))
        # Sorted runs, oldest (and largest) first.
        self._runs: list[_Run] = []
        self._sketch = _Column(np.uint8, (num_perm + 1) // 2)
        self._block = _Column(np.int32)
        self._part = _Column(np.uint16)
        # Doc ids by runs of consecutive entries: run i starts at entry _run_first[i] and its doc
        # id is _doc_blob[_run_off[i]:_run_off[i + 1]] (UTF-8).
        self._run_first = _Column(np.uint32)
        self._run_off = _Column(np.uint32)
        self._run_off.extend([0])
        self._doc_blob = bytearray()
        self._last_doc: str | None = None
        # Payloads: entry i holds _payload_blob[_payload_off[i]:_payload_off[i + 1]].
        self._payload_off = _Column(np.uint32)
        self._payload_off.extend([0])
        self._payload_blob = bytearray()
        # What a rollback returns to (see flush and rollback).
        self._mark: tuple[int, int] = (0, 0)

    def __len__(self) -> int:
        return self._block.n

    def __repr__(self) -> str:
        return (
            f"MemoryIndex(threshold={self.threshold}, num_perm={self.num_perm}, bands={self.bands}, "
            f"rows={self.rows}, entries={len(self)})"
        )

    def _key_bytes(self) -> int:
        return sum(r.nbytes for r in self._runs)

    @property
    def nbytes(self) -> int:
        """Bytes of index data (excluding growth capacity).

        Growth capacity is allocated zeroed (``calloc``) and only becomes resident when
        written, so this is what the index adds to the resident set size.
        """
        cols = (self._sketch, self._block, self._part, self._run_first, self._run_off, self._payload_off)
        used = sum(c.view().nbytes for c in cols)
        return self._key_bytes() + used + len(self._doc_blob) + len(self._payload_blob)

    @property
    def allocated_nbytes(self) -> int:
        """Bytes allocated by the index arrays, including growth capacity."""
        cols = (self._sketch, self._block, self._part, self._run_first, self._run_off, self._payload_off)
        return self._key_bytes() + sum(c.nbytes for c in cols) + len(self._doc_blob) + len(self._payload_blob)

    def add(self, doc_id: str, block: int, signature: npt.ArrayLike, part: int = 0) -> None:
        """Index one signature; see :meth:`add_many` for many at once."""
        sig = _check_signature(signature, self.num_perm)
        _check_ints(block, part)
        if not 0 <= part <= 0xFFFF:
            raise ValueError("MemoryIndex stores part numbers in [0, 65535]")
        if not isinstance(doc_id, str):
            raise ValueError(f"doc_id must be a str, got {doc_id!r}")
        if len(self) >= 2**32 - 2:
            raise OverflowError("MemoryIndex holds at most 2**32 - 2 entries")
        self._add_rows(
            [doc_id],
            np.array([int(block)], dtype=np.int64),
            np.array([int(part)], dtype=np.int64),
            sig.reshape(1, -1),
            None,
            [()],
        )

    def _new_run(self, doc_id: str, entry: int) -> None:
        self._doc_blob += doc_id.encode("utf-8")
        if len(self._doc_blob) >= 2**32:
            raise OverflowError("MemoryIndex holds at most 4 GiB of doc ids")
        self._run_first.append(entry)
        self._run_off.append(len(self._doc_blob))
        self._last_doc = doc_id

    def add_many(
        self,
        doc_ids: Sequence[str],
        blocks: npt.ArrayLike,
        signatures: npt.ArrayLike,
        parts: npt.ArrayLike | None = None,
        payloads: Sequence[bytes] | None = None,
        anchors: Sequence[Sequence[int]] | None = None,
    ) -> None:
        """Index many signatures ``(n, num_perm)`` at once (same result as n :meth:`add` calls),
        each with its payload (``payloads[i]``; none by default) and anchors (``anchors[i]``)."""
        sigs = np.asarray(signatures)
        if sigs.ndim != 2 or sigs.shape[1] != self.num_perm or sigs.dtype.kind not in "ui":
            raise ValueError(f"expected integer signatures of shape (n, {self.num_perm}), got {sigs.shape}")
        blk = np.asarray(blocks, dtype=np.int64).reshape(-1)
        if len(blk) and (int(blk.min()) < -(2**31) or int(blk.max()) >= 2**31):
            raise ValueError("block numbers must be in [-2**31, 2**31)")
        prt = (
            np.zeros(len(sigs), dtype=np.int64)
            if parts is None
            else np.asarray(parts, dtype=np.int64).reshape(-1)
        )
        if not len(doc_ids) == len(blk) == len(prt) == len(sigs):
            raise ValueError("doc_ids, blocks, parts and signatures must have the same length")
        _check_payloads(payloads, len(sigs))
        self._add_rows(doc_ids, blk, prt, sigs, payloads, _check_anchors(anchors, len(sigs)))

    def _add_rows(
        self,
        doc_ids: Sequence[str],
        blocks: npt.NDArray[Any],
        parts: npt.NDArray[Any],
        sigs: npt.NDArray[Any],
        payloads: Sequence[bytes] | None,
        anchors: list[Sequence[int]],
    ) -> None:
        if len(self) + len(sigs) >= 2**32 - 1:
            raise OverflowError("MemoryIndex holds at most 2**32 - 2 entries")
        if len(parts) and (int(parts.min()) < 0 or int(parts.max()) > 0xFFFF):
            raise ValueError("MemoryIndex stores part numbers in [0, 65535]")
        if not len(sigs):
            return
        first = len(self)
        keys = _short_keys(sigs, self.bands, self.rows).reshape(-1)
        for i, d in enumerate(doc_ids):
            if d != self._last_doc:
                if not isinstance(d, str):
                    raise ValueError(f"doc_id must be a str, got {d!r}")
                self._new_run(d, first + i)
        self._block.extend(blocks)
        self._part.extend(parts)
        self._sketch.extend(sketch(sigs))
        if payloads:
            sizes = np.fromiter(map(len, payloads), dtype=np.int64, count=len(payloads))
            self._payload_blob += b"".join(payloads)
            if len(self._payload_blob) >= 2**32:
                raise OverflowError("MemoryIndex holds at most 4 GiB of payloads")
            self._payload_off.extend(len(self._payload_blob) - sizes.sum() + np.cumsum(sizes))
        else:
            self._payload_off.extend(np.full(len(sigs), len(self._payload_blob)))
        ids = np.repeat(np.arange(first, first + len(sigs), dtype=np.uint32), self.bands)
        akeys, arows = _flat_anchors(anchors)
        if len(akeys):
            keys = np.concatenate([keys, (akeys >> _U64(32)).astype(np.uint32)])
            ids = np.concatenate([ids, (first + arows).astype(np.uint32)])
        order = np.argsort(keys, kind="stable")  # ids ascending within equal keys
        runs = self._runs
        runs.append(_Run(keys[order], ids[order]))
        while len(runs) > 1 and len(runs[-2].keys) <= MERGE_RATIO * len(runs[-1].keys):
            self._merge_last()

    def _merge_last(self) -> None:
        """Merge the newest run into the one before it."""
        self._runs[-2:] = [_merge_runs(self._runs[-2], self._runs[-1])]

    def _merge(self) -> None:
        """Merge every run into one."""
        while len(self._runs) > 1:
            self._merge_last()

    def _lookup(
        self, keys: npt.NDArray[np.uint32], extra: npt.NDArray[np.uint32], extra_rows: npt.NDArray[np.int64]
    ) -> list[list[int]]:
        """Candidate entry ids (sorted, distinct) for each row of band keys ``(n, bands)``, and for
        the row ``extra_rows[i]`` of each anchor key ``extra[i]``."""
        n = len(keys)
        out: list[list[int]] = [[] for _ in range(n)]
        if not n or not self._runs:
            return out
        flat_keys = np.concatenate([keys.reshape(-1), extra]) if len(extra) else keys.reshape(-1)
        owner = np.concatenate([np.repeat(np.arange(n, dtype=np.int64), self.bands), extra_rows])
        rows_found: list[npt.NDArray[np.int64]] = []
        ids_found: list[npt.NDArray[np.uint32]] = []
        for run in self._runs:
            at, ids = run.find(flat_keys)
            if len(at):
                rows_found.append(owner[at])
                ids_found.append(ids)
        if not rows_found:
            return out
        pairs = np.unique(
            (np.concatenate(rows_found).astype(np.int64) << 32) | np.concatenate(ids_found).astype(np.int64)
        )
        rows = (pairs >> 32).tolist()
        found = (pairs & 0xFFFFFFFF).tolist()
        for r, i in zip(rows, found, strict=True):
            out[r].append(i)
        return out

    def query(self, signature: npt.ArrayLike) -> list[Match]:
        """Entries sharing at least one band with ``signature``, in insertion order."""
        sig = _check_signature(signature, self.num_perm)
        return self._query_rows(sig.reshape(1, -1))[0]

    def query_many(
        self, signatures: npt.ArrayLike, anchors: Sequence[Sequence[int]] | None = None
    ) -> list[list[Match]]:
        """:meth:`query` for each row of ``signatures`` ``(n, num_perm)``, vectorised, also finding
        the entries that have one of the row's ``anchors``."""
        sigs = _check_signatures(signatures, self.num_perm)
        return self._query_rows(sigs, _check_anchors(anchors, len(sigs)))

    def _query_rows(
        self, sigs: npt.NDArray[Any], anchors: list[Sequence[int]] | None = None
    ) -> list[list[Match]]:
        akeys, arows = _flat_anchors(anchors or [()] * len(sigs))
        found = self._lookup(
            _short_keys(sigs, self.bands, self.rows), (akeys >> _U64(32)).astype(np.uint32), arows
        )
        out: list[list[Match]] = [[] for _ in found]
        hit_rows = [r for r, ids in enumerate(found) if ids]
        if not hit_rows:
            return out
        counts = [len(found[r]) for r in hit_rows]
        ids = np.fromiter((i for r in hit_rows for i in found[r]), dtype=np.int64, count=sum(counts))
        qs = sketch(sigs[hit_rows])
        # sketch_similarity for every (query, entry) pair at once: same arithmetic, same floats.
        x = np.bitwise_xor(self._sketch.view()[ids], np.repeat(qs, counts, axis=0))
        equal = _ZERO_NIBBLES[x].sum(axis=1) - (self.num_perm % 2)
        c = 1.0 / (1 << SKETCH_BITS)
        sims = np.clip((equal / float(self.num_perm) - c) / (1.0 - c), 0.0, 1.0).tolist()
        blk = self._block.view()[ids].tolist()
        prt = self._part.view()[ids].tolist()
        poff = self._payload_off.data
        pstart = poff[ids].tolist()
        pend = poff[ids + 1].tolist()
        pblob = self._payload_blob
        runs = (np.searchsorted(self._run_first.view(), ids, side="right") - 1).tolist()
        off = self._run_off.data
        blob = self._doc_blob
        names: dict[int, str] = {}
        j = 0
        for r, n in zip(hit_rows, counts, strict=True):
            lst = out[r]
            for _ in range(n):
                d = runs[j]
                doc = names.get(d)
                if doc is None:
                    doc = names[d] = blob[int(off[d]) : int(off[d + 1])].decode("utf-8")
                lst.append(Match(doc, blk[j], prt[j], sims[j], bytes(pblob[pstart[j] : pend[j]])))
                j += 1
        return out

    def flush(self) -> None:
        """Merge the sorted runs into one (memory is not durable; nothing else to do); a later
        :meth:`rollback` returns to this point."""
        self._merge()
        self._mark = (len(self), len(self._doc_blob))

    def rollback(self) -> None:
        """Forget the entries added since the last :meth:`flush`."""
        keep, blob = self._mark
        if len(self) == keep:
            return
        self._merge()
        run = self._runs[0] if self._runs else None
        if run is not None:
            mask = run.ids < keep
            self._runs = [_Run(run.keys[mask], run.ids[mask])] if mask.any() else []
        for col in (self._sketch, self._block, self._part):
            col.n = keep
        self._payload_off.n = keep + 1
        del self._payload_blob[int(self._payload_off.data[keep]) :]
        runs = int(np.searchsorted(self._run_first.view(), keep, side="left"))
        self._run_first.n = runs
        self._run_off.n = runs + 1
        del self._doc_blob[blob:]
        self._last_doc = None

    def close(self) -> None:
        """Merge the sorted runs into one."""
        self._merge()

    def __enter__(self) -> MemoryIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------
# SQLite
# ---------------------------------------------------------------------------------------------

_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
_SCHEMA: Final = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE entries (id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, block INTEGER NOT NULL,"
    " part INTEGER NOT NULL, sketch BLOB NOT NULL, payload BLOB NOT NULL)",
    "CREATE TABLE bands (key INTEGER NOT NULL, entry INTEGER NOT NULL, PRIMARY KEY (key, entry))"
    " WITHOUT ROWID",
)


def _signed(keys: npt.NDArray[np.uint64]) -> list[int]:
    """uint64 band keys as SQLite's signed 64-bit integers."""
    return [int(k) for k in keys.view(np.int64)]


def _index_meta(
    threshold: float, num_perm: int, bands: int, rows: int, signer_params: dict[str, object]
) -> dict[str, str]:
    meta = {
        "format": _FORMAT_NAME,
        "format_version": str(FORMAT_VERSION),
        "threshold": repr(float(threshold)),
        "num_perm": str(num_perm),
        "bands": str(bands),
        "rows": str(rows),
        "sketch_bits": str(SKETCH_BITS),
    }
    meta.update({k: str(v) for k, v in signer_params.items()})
    return meta


def _signer_params(
    num_perm: int, seed: int, scheme: str, hash: str, ngram: int, mode: str
) -> dict[str, object]:
    if scheme not in SCHEMES or hash not in HASHES or mode not in MODES:
        raise ConfigError(
            f"unknown scheme/hash/mode {scheme!r}/{hash!r}/{mode!r}; use the values of your Signer "
            "(open_index(spec, threshold=..., signer=signer) passes them for you)"
        )
    return {"num_perm": num_perm, "seed": seed, "ngram": ngram, "hash": hash, "scheme": scheme, "mode": mode}


def _compare_meta(where: str, stored: dict[str, str], wanted: dict[str, str]) -> None:
    if stored.get("format") != _FORMAT_NAME:
        raise IndexFormatError(
            f"{where} is not a dedupe LSH index (no dedupe metadata); pass a new index path"
        )
    if stored.get("format_version") != str(FORMAT_VERSION):
        raise IndexFormatError(
            f"{where} has index format version {stored.get('format_version')!r}, this dedupe writes "
            f"version {FORMAT_VERSION}; rebuild it or pass a new index path"
        )
    diffs = [
        f"{k}={stored.get(k)!s} (this run: {v})"
        for k, v in wanted.items()
        if stored.get(k) != v and k != "format"
    ]
    if diffs:
        raise IndexFormatError(
            f"{where} was built with different settings: {', '.join(diffs)}. Reopen it with the "
            "settings it was built with, or pass a new index path"
        )


class SQLiteIndex:
    """Persistent LSH index in an SQLite file (standard library), reopenable and appendable.

    Tables: ``meta`` (the parameters below, checked on every open), ``entries`` (id, doc id,
    block, part, 4-bit sketch, payload) and ``bands`` (band key, entry id), a clustered ``WITHOUT
    ROWID`` table so a query is one index range scan per band. The file is marked with
    ``PRAGMA application_id`` and ``user_version``; only integers, text and raw bytes are
    stored, nothing is pickled.

    Durability: WAL journal, one write transaction open between :meth:`flush` calls (and
    committed automatically every ``autocommit`` additions). A process killed at any point
    leaves the file consistent with its last commit: SQLite's atomic commit guarantees it.

    Args:
        path: File to create or reopen.
        threshold: Jaccard threshold the banding is tuned for.
        num_perm, seed, scheme, hash, ngram, mode: The :class:`~dedupe.minhash.Signer`
            parameters, stored so that signatures of another configuration are refused.
        weights: LSH weights, as in :func:`lsh_params`.
        params: ``(bands, rows)`` to use instead of those :func:`lsh_params` picks.
        autocommit: Commit after this many additions (None: only on flush/close).

    Raises:
        IndexFormatError: If ``path`` exists and is not a dedupe index, or was built with other
            parameters.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        threshold: float = 0.8,
        num_perm: int = 128,
        seed: int = 1,
        scheme: str = "affine32",
        hash: str = DEFAULT_HASH,
        ngram: int = 5,
        mode: str = "word",
        *,
        weights: tuple[float, float] = DEFAULT_WEIGHTS,
        params: tuple[int, int] | None = None,
        autocommit: int | None = 10_000,
    ) -> None:
        self.threshold: float
        self.num_perm: int
        self.bands: int
        self.rows: int
        _lsh_setup(self, threshold, num_perm, weights, params)
        self.path = os.fspath(path)
        self._autocommit = autocommit
        self._since_commit = 0
        wanted = _index_meta(
            threshold,
            num_perm,
            self.bands,
            self.rows,
            _signer_params(num_perm, seed, scheme, hash, ngram, mode),
        )
        self._check_header()
        parent = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(parent):
            raise ConfigError(f"cannot create the index {self.path}: directory {parent} does not exist")
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        except sqlite3.Error as err:
            raise IndexFormatError(f"{self.path}: cannot open as an SQLite index: {err}") from err
        try:
            self._open(wanted)
        except sqlite3.DatabaseError as err:
            self._db.close()
            raise IndexFormatError(f"{self.path} is not a readable dedupe index: {err}") from err
        except BaseException:
            self._db.close()
            raise
        # Entry ids are 1, 2, 3... in insertion order, so the largest is the count.
        self._count = int(self._db.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()[0])

    def _check_header(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
        except FileNotFoundError:
            return
        except IsADirectoryError as err:
            raise IndexFormatError(f"{self.path} is a directory; pass a file path for the index") from err
        if head and head != _SQLITE_MAGIC:
            raise IndexFormatError(
                f"{self.path} is not a dedupe index (not an SQLite database); refusing to touch it. "
                "Pass a new path (e.g. seen.db) for the index"
            )

    def _open(self, wanted: dict[str, str]) -> None:
        db = self._db
        app_id = int(db.execute("PRAGMA application_id").fetchone()[0])
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app_id != APPLICATION_ID:
            if app_id != 0 or tables:
                raise IndexFormatError(
                    f"{self.path} is an SQLite database that was not written by dedupe "
                    f"(application_id={app_id}, tables: {', '.join(sorted(tables)) or 'none'}); "
                    "refusing to modify it. Pass a new path for the index"
                )
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # pragma: no cover - e.g. unsupported file system
                raise IndexFormatError(f"{self.path}: cannot enable the WAL journal (got {mode!r})")
            db.execute("BEGIN IMMEDIATE")
            try:
                if int(db.execute("PRAGMA application_id").fetchone()[0]) == 0:  # not raced
                    for stmt in _SCHEMA:
                        db.execute(stmt)
                    db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", sorted(wanted.items()))
                    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    db.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        else:
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        stored = dict(db.execute("SELECT key, value FROM meta").fetchall())
        _compare_meta(self.path, stored, wanted)

    def __len__(self) -> int:
        return self._count

    def __repr__(self) -> str:
        return (
            f"SQLiteIndex({self.path!r}, threshold={self.threshold}, bands={self.bands}, "
            f"rows={self.rows}, entries={len(self)})"
        )

    def add(self, doc_id: str, block: int, signature: npt.ArrayLike, part: int = 0) -> None:
        """Index one signature (durable after the next :meth:`flush`)."""
        sig = _check_signature(signature, self.num_perm)
        _check_ints(block, part)
        self.add_many([doc_id], [block], sig.reshape(1, -1), [part])

    def add_many(
        self,
        doc_ids: Sequence[str],
        blocks: Sequence[int] | npt.ArrayLike,
        signatures: npt.ArrayLike,
        parts: Sequence[int] | npt.ArrayLike | None = None,
        payloads: Sequence[bytes] | None = None,
        anchors: Sequence[Sequence[int]] | None = None,
    ) -> None:
        """Index many signatures ``(n, num_perm)`` with their payloads and anchors in the current
        transaction."""
        sigs = np.asarray(signatures)
        if sigs.ndim != 2 or sigs.shape[1] != self.num_perm or sigs.dtype.kind not in "ui":
            raise ValueError(f"expected integer signatures of shape (n, {self.num_perm}), got {sigs.shape}")
        blk = [int(b) for b in np.asarray(blocks).reshape(-1)]
        prt = [0] * len(sigs) if parts is None else [int(p) for p in np.asarray(parts).reshape(-1)]
        if not len(doc_ids) == len(blk) == len(prt) == len(sigs):
            raise ValueError("doc_ids, blocks, parts and signatures must have the same length")
        _check_payloads(payloads, len(sigs))
        pay = [bytes(p) for p in payloads] if payloads is not None else [b""] * len(sigs)
        akeys, arows = _flat_anchors(_check_anchors(anchors, len(sigs)))
        keys = band_keys(sigs, self.bands, self.rows)
        sks = sketch(sigs)
        db = self._db
        if not db.in_transaction:
            db.execute("BEGIN IMMEDIATE")  # the write lock: ids below cannot race another writer
            self._count = int(db.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()[0])
        first = self._count + 1
        ids = range(first, first + len(sigs))
        db.executemany(
            "INSERT INTO entries (id, doc_id, block, part, sketch, payload) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (i, str(d), b, p, sks[j].tobytes(), pay[j])
                for j, (i, d, b, p) in enumerate(zip(ids, doc_ids, blk, prt, strict=True))
            ],
        )
        db.executemany(
            "INSERT OR IGNORE INTO bands (key, entry) VALUES (?, ?)",
            [(k, i) for i, row in zip(ids, keys, strict=True) for k in _signed(row)]
            + [(k, first + int(r)) for k, r in zip(_signed(akeys), arows.tolist(), strict=True)],
        )
        self._count += len(sigs)
        self._since_commit += len(sigs)
        if self._autocommit is not None and self._since_commit >= self._autocommit:
            self.flush()

    def query(self, signature: npt.ArrayLike, anchors: Sequence[int] = ()) -> list[Match]:
        """Entries sharing at least one band with ``signature`` or one of its ``anchors``
        (including uncommitted ones)."""
        sig = _check_signature(signature, self.num_perm)
        keys = _signed(band_keys(sig, self.bands, self.rows))
        if anchors:
            keys += _signed(anchor_keys(anchors))
        rows = self._db.execute(
            "SELECT id, doc_id, block, part, sketch, payload FROM entries WHERE id IN "
            f"(SELECT entry FROM bands WHERE key IN ({','.join('?' * len(keys))})) ORDER BY id",
            keys,
        ).fetchall()
        if not rows:
            return []
        stored = np.frombuffer(b"".join(r[4] for r in rows), dtype=np.uint8).reshape(len(rows), -1)
        sims = sketch_similarity(sketch(sig), stored, self.num_perm).tolist()
        return [Match(r[1], r[2], r[3], s, bytes(r[5])) for r, s in zip(rows, sims, strict=True)]

    def query_many(
        self, signatures: npt.ArrayLike, anchors: Sequence[Sequence[int]] | None = None
    ) -> list[list[Match]]:
        """:meth:`query` for each row of ``signatures`` ``(n, num_perm)`` and its anchors."""
        sigs = _check_signatures(signatures, self.num_perm)
        return [self.query(s, a) for s, a in zip(sigs, _check_anchors(anchors, len(sigs)), strict=True)]

    def flush(self) -> None:
        """Commit: everything added so far survives a crash from now on."""
        if self._db.in_transaction:
            self._db.execute("COMMIT")
        self._since_commit = 0

    def rollback(self) -> None:
        """Forget everything added since the last commit (a run whose output was discarded)."""
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")
        self._since_commit = 0

    def close(self) -> None:
        """Commit and close the file (idempotent)."""
        db = getattr(self, "_db", None)
        if db is None:
            return
        with contextlib.suppress(sqlite3.ProgrammingError):
            self.flush()
            db.close()
        self._db = None  # type: ignore[assignment]

    def __enter__(self) -> SQLiteIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------

#: An entry in Redis: block, part, sketch length, payload length; then the sketch, the payload and
#: the doc id (UTF-8).
_ENTRY_HEAD: Final = struct.Struct("<qiHH")


def _text(v: bytes | str) -> str:
    return v.decode("utf-8") if isinstance(v, bytes) else v  # block, part, sketch length; then sketch, doc id


class RedisIndex:
    """LSH index in Redis through datasketch's ``MinHashLSH`` storage configuration.

    Band tables are datasketch's (``storage_config={"type": "redis", ...}``, ``prepickle=False``,
    our :func:`lsh_params` as ``params``), so several workers share one index. Each entry gets an
    id from ``INCR <basename>_seq`` (the insertion order across workers); its LSH key is that id
    as 8 big-endian bytes, and ``<basename>_entries`` maps it to doc id, block, part and
    sketch packed with :mod:`struct`. ``<basename>_meta`` holds the parameters, checked on open.

    Args:
        host, port, db: Redis server.
        threshold, num_perm, seed, scheme, hash, ngram, mode, weights, params: as :class:`SQLiteIndex`.
        basename: Key prefix of this index in Redis.
        redis_params: Extra keyword arguments for ``redis.Redis`` (e.g. ``password``).

    Raises:
        ConfigError: If the ``redis`` package is missing.
        IndexFormatError: If ``basename`` holds an index built with other parameters.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 6379,
        db: int = 0,
        threshold: float = 0.8,
        num_perm: int = 128,
        seed: int = 1,
        scheme: str = "affine32",
        hash: str = DEFAULT_HASH,
        ngram: int = 5,
        mode: str = "word",
        *,
        basename: str = "dedupe",
        weights: tuple[float, float] = DEFAULT_WEIGHTS,
        params: tuple[int, int] | None = None,
        redis_params: dict[str, Any] | None = None,
    ) -> None:
        self.threshold: float
        self.num_perm: int
        self.bands: int
        self.rows: int
        _lsh_setup(self, threshold, num_perm, weights, params)
        try:
            import redis
        except ImportError as err:  # pragma: no cover - depends on the environment
            raise ConfigError(
                "the Redis index needs the redis package: pip install 'dedupe-text[redis]'"
            ) from err
        from datasketch import MinHashLSH

        self.seed, self.scheme = seed, scheme
        conn = {"host": host, "port": port, "db": db, **(redis_params or {})}
        self.basename = basename
        self._client = redis.Redis(**conn)
        self._meta_key = f"{basename}_meta"
        self._entries_key = f"{basename}_entries"
        self._seq_key = f"{basename}_seq"
        wanted = _index_meta(
            threshold,
            num_perm,
            self.bands,
            self.rows,
            _signer_params(num_perm, seed, scheme, hash, ngram, mode),
        )
        try:
            self._client.hsetnx(self._meta_key, "format", _FORMAT_NAME)
            raw: dict[Any, Any] = dict(self._client.hgetall(self._meta_key))
            stored = {_text(k): _text(v) for k, v in raw.items()}
            if len(stored) == 1:  # we created it: record the parameters
                self._client.hset(self._meta_key, mapping=dict(wanted.items()))
                stored = dict(wanted)
        except redis.RedisError as err:
            raise ConfigError(f"cannot reach Redis at {host}:{port}/{db}: {err}") from err
        _compare_meta(f"Redis index {basename!r} at {host}:{port}/{db}", stored, wanted)
        self._lsh = MinHashLSH(
            threshold=threshold,
            num_perm=num_perm,
            params=(self.bands, self.rows),
            storage_config={"type": "redis", "basename": basename.encode("utf-8"), "redis": conn},
            prepickle=False,
        )

    def _lean(self, sig: npt.NDArray[Any]) -> Any:
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.seed, hashvalues=sig, scheme=self.scheme)

    def __len__(self) -> int:
        return int(self._client.hlen(self._entries_key))

    def add(
        self,
        doc_id: str,
        block: int,
        signature: npt.ArrayLike,
        part: int = 0,
        payload: bytes = b"",
        anchors: Sequence[int] = (),
    ) -> None:
        """Index one signature (immediately visible to other workers), with its payload and
        anchors (each a set ``<basename>_a<key>`` of entry keys)."""
        sig = _check_signature(signature, self.num_perm)
        _check_ints(block, part)
        if len(payload) > 0xFFFF:
            raise ValueError("a Redis index entry holds at most 65535 bytes of payload")
        entry = int(self._client.incr(self._seq_key))
        key = entry.to_bytes(8, "big")
        sk = sketch(sig).tobytes()
        value = _ENTRY_HEAD.pack(int(block), int(part), len(sk), len(payload)) + sk + payload
        self._client.hset(self._entries_key, key, value + str(doc_id).encode("utf-8"))
        for k in anchor_keys(anchors).tolist() if anchors else []:
            self._client.sadd(self._anchor_key(k), key)
        self._lsh.insert(key, self._lean(sig), check_duplication=False)

    def _anchor_key(self, k: int) -> str:
        return f"{self.basename}_a{k:016x}"

    def add_many(
        self,
        doc_ids: Sequence[str],
        blocks: npt.ArrayLike,
        signatures: npt.ArrayLike,
        parts: npt.ArrayLike | None = None,
        payloads: Sequence[bytes] | None = None,
        anchors: Sequence[Sequence[int]] | None = None,
    ) -> None:
        """:meth:`add` for each row of ``signatures`` ``(n, num_perm)``."""
        sigs = _check_signatures(signatures, self.num_perm)
        anc = _check_anchors(anchors, len(sigs))
        blk = np.asarray(blocks).reshape(-1).tolist()
        prt = [0] * len(sigs) if parts is None else np.asarray(parts).reshape(-1).tolist()
        if not len(doc_ids) == len(blk) == len(prt) == len(sigs):
            raise ValueError("doc_ids, blocks, parts and signatures must have the same length")
        _check_payloads(payloads, len(sigs))
        pay = payloads if payloads is not None else [b""] * len(sigs)
        for d, b, p, sig, pl, a in zip(doc_ids, blk, prt, sigs, pay, anc, strict=True):
            self.add(d, int(b), sig, int(p), bytes(pl), a)

    def query(self, signature: npt.ArrayLike, anchors: Sequence[int] = ()) -> list[Match]:
        """Entries sharing at least one band with ``signature`` or one of its ``anchors``, in
        insertion order."""
        sig = _check_signature(signature, self.num_perm)
        found = set(self._lsh.query(self._lean(sig)))
        for k in anchor_keys(anchors).tolist() if anchors else []:
            found.update(self._client.smembers(self._anchor_key(k)))
        keys = sorted(found)
        if not keys:
            return []
        values: list[Any] = list(self._client.hmget(self._entries_key, keys))
        qs = sketch(sig)
        out: list[Match] = []
        for v in values:
            if v is None:  # pragma: no cover - entry written by a worker that died mid-add
                continue
            block, part, n, m = _ENTRY_HEAD.unpack_from(v)
            off = _ENTRY_HEAD.size
            stored = np.frombuffer(v[off : off + n], dtype=np.uint8).reshape(1, -1)
            sim = float(sketch_similarity(qs, stored, self.num_perm)[0])
            payload = bytes(v[off + n : off + n + m])
            out.append(Match(v[off + n + m :].decode("utf-8"), block, part, sim, payload))
        return out

    def query_many(
        self, signatures: npt.ArrayLike, anchors: Sequence[Sequence[int]] | None = None
    ) -> list[list[Match]]:
        """:meth:`query` for each row of ``signatures`` ``(n, num_perm)`` and its anchors."""
        sigs = _check_signatures(signatures, self.num_perm)
        return [self.query(s, a) for s, a in zip(sigs, _check_anchors(anchors, len(sigs)), strict=True)]

    def flush(self) -> None:
        """Nothing to do: every add is written to Redis immediately."""

    def rollback(self) -> None:
        """Nothing can be taken back: every add was shared with the other workers at once."""

    def close(self) -> None:
        """Close the connections (the data stays in Redis)."""
        for table in [*self._lsh.hashtables, self._lsh.keys]:
            client = getattr(table, "_redis", None)
            if client is not None:
                client.close()
        self._client.close()

    def clear(self) -> None:
        """Delete this index's keys from Redis."""
        names: Iterable[bytes] = self._client.scan_iter(match=f"{self.basename}_*")
        for name in names:
            self._client.delete(name)

    def __enter__(self) -> RedisIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------
# Factory
# ---------------------------------------------------------------------------------------------

_SQLITE_SUFFIX = re.compile(r"\.(db|sqlite3?)$", re.IGNORECASE)


def open_index(
    spec: str | None,
    *,
    threshold: float,
    signer: Signer,
    weights: tuple[float, float] = DEFAULT_WEIGHTS,
    params: tuple[int, int] | None = None,
    autocommit: int | None = 10_000,
) -> LSHIndex:
    """Open the index named by ``spec`` for signatures of ``signer``.

    Args:
        spec: ``None`` or ``"memory"`` for a :class:`MemoryIndex`; ``"sqlite:PATH"`` or a path
            ending in ``.db``/``.sqlite``/``.sqlite3`` for a :class:`SQLiteIndex`;
            ``"redis://HOST:PORT/DB"`` (optionally ``?basename=NAME``) for a :class:`RedisIndex`.
        threshold: Jaccard threshold the banding is tuned for.
        signer: The signer whose signatures will be indexed (its parameters are recorded).
        weights: LSH weights ``(false_positive_weight, false_negative_weight)``.
        params: ``(bands, rows)`` to use instead of those :func:`lsh_params` picks for
            ``threshold``.
        autocommit: SQLite only: commit every this many additions; None commits only on
            ``flush()``/``close()``, so a run's additions can be rolled back as a whole.

    Raises:
        ConfigError: If ``spec`` has none of these forms.
        IndexFormatError: If a persistent index exists but is foreign or differently built.
    """
    sp = signer.params()
    if spec is None or spec in ("memory", ":memory:"):
        return MemoryIndex(threshold, signer.num_perm, weights=weights, params=params)
    if spec.startswith("redis://"):
        url = urlparse(spec)
        query = parse_qs(url.query)
        db = int(url.path.strip("/") or 0) if url.path.strip("/").isdigit() or not url.path.strip("/") else -1
        if db < 0:
            raise ConfigError(
                f"bad Redis index URL {spec!r}: the path must be a database number, "
                "e.g. redis://127.0.0.1:6379/0"
            )
        extra: dict[str, Any] = {}
        if url.password:
            extra["password"] = unquote(url.password)
        if url.username:
            extra["username"] = unquote(url.username)
        return RedisIndex(
            url.hostname or "127.0.0.1",
            url.port or 6379,
            db,
            threshold,
            signer.num_perm,
            signer.seed,
            signer.scheme,
            signer.hash,
            signer.ngram,
            signer.mode,
            basename=query.get("basename", ["dedupe"])[0],
            weights=weights,
            params=params,
            redis_params=extra,
        )
    path = spec[len("sqlite:") :] if spec.startswith("sqlite:") else spec
    if spec.startswith("sqlite:") or _SQLITE_SUFFIX.search(spec):
        if not path:
            raise ConfigError("empty SQLite index path; pass e.g. --index seen.db")
        return SQLiteIndex(
            path,
            threshold,
            signer.num_perm,
            int(str(sp["seed"])),
            signer.scheme,
            signer.hash,
            signer.ngram,
            signer.mode,
            weights=weights,
            params=params,
            autocommit=autocommit,
        )
    raise ConfigError(
        f"unknown index {spec!r}: use a path ending in .db (SQLite), 'sqlite:PATH', "
        "'redis://HOST:PORT/DB', or omit it for an in-memory index"
    )
