"""LSH indexes: recall, memory layout, SQLite persistence and refusal, crash safety, Redis."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from dedupe.errors import ConfigError, IndexFormatError
from dedupe.index import (
    LSHIndex,
    Match,
    MemoryIndex,
    RedisIndex,
    SQLiteIndex,
    band_keys,
    open_index,
    sketch,
    sketch_similarity,
)
from dedupe.minhash import Signer

SRC = str(Path(__file__).resolve().parents[1] / "src")


def pair_texts(n_pairs: int, jaccard: float, size: int = 200, seed: int = 0) -> list[tuple[str, str]]:
    """Pairs of word sets (ngram=1) with exactly the given Jaccard similarity."""
    rng = np.random.default_rng(seed)
    shared = round(2 * size * jaccard / (1 + jaccard))  # |A∩B| / (2*size - |A∩B|) = jaccard
    out = []
    for p in range(n_pairs):
        base = [f"p{p}w{i}" for i in rng.permutation(10 * size)[: 2 * size - shared]]
        a = base[:size]
        b = base[:shared] + base[size:]
        out.append((" ".join(a), " ".join(b)))
    return out


SIGNER = Signer(ngram=1)


def signatures(texts: list[str]) -> np.ndarray:
    return SIGNER.sign(texts)


def recall(index: LSHIndex, pairs: list[tuple[str, str]]) -> float:
    sig_a = signatures([a for a, _ in pairs])
    sig_b = signatures([b for _, b in pairs])
    for i, s in enumerate(sig_a):
        index.add(f"doc{i}", 0, s)
    found = sum(any(m.doc_id == f"doc{i}" for m in index.query(s)) for i, s in enumerate(sig_b))
    return found / len(pairs)


# --------------------------------------------------------------------------------------------
# Memory index
# --------------------------------------------------------------------------------------------


def test_memory_index_recall_at_known_similarity() -> None:
    idx = MemoryIndex(threshold=0.8, num_perm=128)
    assert (idx.bands, idx.rows) == (14, 9)
    # P(candidate | s=0.9) = 1 - (1 - 0.9**9)**14 ≈ 0.9993; at s=0.4 it is ≈ 0.004.
    assert recall(idx, pair_texts(150, 0.9)) >= 0.97
    idx2 = MemoryIndex(threshold=0.8, num_perm=128)
    assert recall(idx2, pair_texts(150, 0.4, seed=1)) <= 0.02


def test_memory_index_matches_are_ordered_with_similarity() -> None:
    idx = MemoryIndex(threshold=0.8, buffer_entries=3)  # force merges between adds
    (a, b), (c, _) = pair_texts(2, 0.9)
    sa, sb, sc = signatures([a, b, c])
    idx.add("d1", 0, sa)
    idx.add("d2", 3, sc)
    idx.add("d1", 1, sa, part=2)
    idx.add("d3", 7, sa)
    idx.add("d4", 0, sb)
    assert len(idx) == 5
    got = idx.query(sa)
    assert [(m.doc_id, m.block, m.part) for m in got[:3]] == [("d1", 0, 0), ("d1", 1, 2), ("d3", 7, 0)]
    assert got[0].similarity == 1.0
    assert all(isinstance(m, Match) for m in got)
    near = [m for m in got if m.doc_id == "d4"]
    assert near and near[0].similarity is not None and abs(near[0].similarity - 0.9) < 0.12
    assert idx.query_many(np.stack([sa, sc]))[1][0].doc_id == "d2"
    assert isinstance(idx, LSHIndex)


def test_memory_index_add_many_equals_add() -> None:
    pairs = pair_texts(40, 0.85, seed=3)
    sigs = signatures([t for p in pairs for t in p])
    one, many = MemoryIndex(buffer_entries=7), MemoryIndex()
    for i, s in enumerate(sigs):
        one.add(f"d{i // 3}", i, s, part=i % 2)
    many.add_many(
        [f"d{i // 3}" for i in range(len(sigs))], range(len(sigs)), sigs, [i % 2 for i in range(len(sigs))]
    )
    for s in sigs[::5]:
        assert one.query(s) == many.query(s)


def test_memory_index_is_compact() -> None:
    rng = np.random.default_rng(0)
    n = 20_000
    sigs = rng.integers(0, 2**32, size=(n, 128), dtype=np.uint64).astype(np.uint32)
    idx = MemoryIndex(threshold=0.8, num_perm=128)
    for start in range(0, n, 1000):
        idx.add_many(
            [f"doc{i // 8}" for i in range(start, start + 1000)],
            np.arange(start, start + 1000) % 8,
            sigs[start : start + 1000],
        )
    idx.flush()
    assert len(idx) == n
    assert idx.nbytes / n <= 200
    assert idx.query(sigs[123])[0] == Match("doc15", 3, 0, 1.0)


def test_band_keys_and_sketch() -> None:
    sig = np.arange(128, dtype=np.uint32)
    keys = band_keys(sig, 9, 13)
    assert keys.shape == (9,) and keys.dtype == np.uint64 and len(set(keys.tolist())) == 9
    other = sig.copy()
    other[20] += 1  # changes band 1 only
    changed = band_keys(other, 9, 13) != keys
    assert MemoryIndex(0.8, weights=(0.5, 0.5)).bands == 9
    assert changed.tolist() == [False, True] + [False] * 7
    sk = sketch(sig)
    assert sk.shape == (64,) and sk.dtype == np.uint8
    assert sketch_similarity(sk, sk.reshape(1, -1), 128)[0] == 1.0


def test_signature_shape_is_checked() -> None:
    with pytest.raises(ValueError, match=r"shape \(128,\)"):
        MemoryIndex().add("d", 0, np.zeros(64, dtype=np.uint32))
    with pytest.raises(ConfigError, match="threshold"):
        MemoryIndex(threshold=0.0)


# --------------------------------------------------------------------------------------------
# SQLite
# --------------------------------------------------------------------------------------------


def test_sqlite_reopen_and_append(tmp_path: Path) -> None:
    path = tmp_path / "seen.db"
    (a, b), (c, d) = pair_texts(2, 0.95)
    sa, sb, sc, sd = signatures([a, b, c, d])
    with SQLiteIndex(path, threshold=0.8, ngram=1) as idx:
        idx.add("run1-doc", 4, sa, part=1)
        assert [m.doc_id for m in idx.query(sb)] == ["run1-doc"]  # visible before commit
    with SQLiteIndex(path, threshold=0.8, ngram=1) as idx:
        assert len(idx) == 1
        got = idx.query(sb)
        assert [(m.doc_id, m.block, m.part) for m in got] == [("run1-doc", 4, 1)]
        assert got[0].similarity is not None and got[0].similarity > 0.8
        idx.add("run2-doc", 0, sc)
        idx.flush()
    idx = open_index(str(path), threshold=0.8, signer=SIGNER)
    try:
        assert len(idx) == 2
        assert [m.doc_id for m in idx.query(sd)] == ["run2-doc"]
        assert [m.doc_id for m in idx.query(sa)] == ["run1-doc"]
    finally:
        idx.close()


def test_sqlite_recall(tmp_path: Path) -> None:
    with SQLiteIndex(tmp_path / "r.db", threshold=0.8) as idx:
        assert recall(idx, pair_texts(60, 0.9, seed=5)) >= 0.9


def test_sqlite_refuses_other_parameters(tmp_path: Path) -> None:
    path = tmp_path / "seen.db"
    SQLiteIndex(path, threshold=0.8).close()
    with pytest.raises(IndexFormatError, match=r"threshold=0\.8 \(this run: 0\.7\).*new index path"):
        SQLiteIndex(path, threshold=0.7)
    with pytest.raises(IndexFormatError, match=r"hash=poly64 \(this run: sha1\)"):
        SQLiteIndex(path, threshold=0.8, hash="sha1")


def test_sqlite_refuses_foreign_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE users (name TEXT)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(IndexFormatError, match="not written by dedupe"):
        SQLiteIndex(path)
    assert path.read_bytes() == before


def test_sqlite_refuses_non_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"\x80\x04\x95 a pickle or anything else, never unpickled" * 10)
    with pytest.raises(IndexFormatError, match="not an SQLite database"):
        SQLiteIndex(path)
    with pytest.raises(IndexFormatError):
        open_index(f"sqlite:{path}", threshold=0.8, signer=SIGNER)


_KILL_SCRIPT = textwrap.dedent(
    """
    import sys, numpy as np
    sys.path.insert(0, {src!r})
    from dedupe.index import SQLiteIndex
    rng = np.random.default_rng(0)
    idx = SQLiteIndex({path!r}, threshold=0.8, autocommit=None)
    i = 0
    while True:
        idx.add(f"doc{{i}}", i, rng.integers(0, 2**32, 128, dtype=np.uint64).astype(np.uint32))
        i += 1
        if i % 25 == 0:
            idx.flush()
            print(i, flush=True)
    """
)


def test_sigkill_while_adding_leaves_a_readable_index(tmp_path: Path) -> None:
    path = tmp_path / "killed.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILL_SCRIPT.format(src=SRC, path=str(path))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        committed = 0
        deadline = time.monotonic() + 60
        while committed < 200 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            committed = int(line)
        time.sleep(0.05)  # let it be mid-transaction
    finally:
        proc.kill()  # SIGKILL
        proc.wait()
    assert committed >= 200
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    with SQLiteIndex(path, threshold=0.8) as idx:
        assert len(idx) >= committed
        assert len(idx) % 25 == 0  # only whole committed transactions
        rng = np.random.default_rng(0)
        first = rng.integers(0, 2**32, 128, dtype=np.uint64).astype(np.uint32)
        assert idx.query(first)[0] == Match("doc0", 0, 0, 1.0)
        idx.add("after-crash", 0, first)
    with SQLiteIndex(path, threshold=0.8) as idx:
        assert [m.doc_id for m in idx.query(first)] == ["doc0", "after-crash"]


def test_open_index_specs(tmp_path: Path) -> None:
    assert isinstance(open_index(None, threshold=0.8, signer=SIGNER), MemoryIndex)
    idx = open_index(f"sqlite:{tmp_path / 'x.index'}", threshold=0.8, signer=SIGNER)
    assert isinstance(idx, SQLiteIndex)
    idx.close()
    with pytest.raises(ConfigError, match=r"\.db"):
        open_index("seen.txt", threshold=0.8, signer=SIGNER)
    with pytest.raises(ConfigError, match="does not exist"):
        open_index(str(tmp_path / "missing" / "seen.db"), threshold=0.8, signer=SIGNER)


# --------------------------------------------------------------------------------------------
# Redis
# --------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(
            "redis-server not installed (Debian: apt-get install redis-server); Redis back-end untested"
        )
    pytest.importorskip("redis", reason="the redis Python package is not installed")
    import redis

    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start")
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.redis
def test_redis_round_trip_shared_by_two_workers(redis_url: str) -> None:
    (a, b), (c, _) = pair_texts(2, 0.9, seed=9)
    sa, sb, sc = signatures([a, b, c])
    w1 = open_index(redis_url + "?basename=shared", threshold=0.8, signer=SIGNER)
    w2 = open_index(redis_url + "?basename=shared", threshold=0.8, signer=SIGNER)
    try:
        assert isinstance(w1, RedisIndex) and isinstance(w1, LSHIndex)
        w1.add("doc-a", 2, sa, part=1)
        w2.add("doc-c", 0, sc)
        assert len(w1) == len(w2) == 2
        got = w2.query(sb)
        assert [(m.doc_id, m.block, m.part) for m in got] == [("doc-a", 2, 1)]
        assert got[0].similarity is not None and abs(got[0].similarity - 0.9) < 0.12
        assert [m.doc_id for m in w1.query(sc)] == ["doc-c"]
        w1.flush()
    finally:
        w1.close()
        w2.close()
    again = open_index(redis_url + "?basename=shared", threshold=0.8, signer=SIGNER)
    try:
        assert len(again) == 2 and [m.doc_id for m in again.query(sa)] == ["doc-a"]
        with pytest.raises(IndexFormatError, match="different settings"):
            open_index(redis_url + "?basename=shared", threshold=0.6, signer=SIGNER)
    finally:
        assert isinstance(again, RedisIndex)
        again.clear()
        again.close()


@pytest.mark.redis
def test_redis_recall(redis_url: str) -> None:
    idx = open_index(redis_url + "?basename=recall", threshold=0.8, signer=SIGNER)
    assert isinstance(idx, RedisIndex)
    try:
        assert recall(idx, pair_texts(40, 0.9, seed=11)) >= 0.9
    finally:
        idx.clear()
        idx.close()


def test_redis_unreachable_is_a_clear_error() -> None:
    pytest.importorskip("redis")
    with pytest.raises(ConfigError, match="cannot reach Redis"):
        open_index(f"redis://127.0.0.1:{_free_port()}/0", threshold=0.8, signer=SIGNER)


if os.environ.get("DEDUPE_REQUIRE_REDIS") and shutil.which("redis-server") is None:  # pragma: no cover
    raise RuntimeError("DEDUPE_REQUIRE_REDIS is set but redis-server is missing")


def test_python_and_numpy_similarity_paths_agree() -> None:
    from dedupe.index import _nibble_similarity

    rng = np.random.default_rng(4)
    for num_perm in (128, 33):
        a = rng.integers(0, 2**32, num_perm, dtype=np.uint64)
        for flips in (0, 5, num_perm // 3, num_perm):
            b = a.copy()
            b[:flips] ^= rng.integers(1, 16, flips, dtype=np.uint64)  # change the low nibble
            sa, sb = sketch(a), sketch(b)
            expected = float(sketch_similarity(sa, sb.reshape(1, -1), num_perm)[0])
            got = _nibble_similarity(
                int.from_bytes(sa.tobytes(), "little"), int.from_bytes(sb.tobytes(), "little"), num_perm
            )
            assert got == pytest.approx(expected)


def test_memory_index_lookup_equals_brute_force_across_runs() -> None:
    # Many batches: sorted runs of every size, large ones with a directory, merged as they go.
    # Every query must return exactly the entries sharing a band key, in insertion order.
    from dedupe.index import _short_keys

    rng = np.random.default_rng(7)
    idx = MemoryIndex(threshold=0.5, num_perm=128)
    sigs = rng.integers(0, 2**32, size=(3000, 128), dtype=np.uint64).astype(np.uint32)
    sigs[1500:1600] = sigs[:100]  # exact repeats
    sigs[2000:2100, :64] = sigs[100:200, :64]  # half the bands shared
    start = 0
    entries: list[tuple[str, int]] = []
    while start < len(sigs):
        n = min(int(rng.integers(1, 90)), len(sigs) - start)
        idx.add_many([f"d{start}"] * n, np.arange(n), sigs[start : start + n])
        entries += [(f"d{start}", i) for i in range(n)]
        start += n
    keys = _short_keys(sigs, idx.bands, idx.rows)
    probes = np.concatenate(
        [
            sigs[:120],
            sigs[2000:2050],
            rng.integers(0, 2**32, size=(20, 128), dtype=np.uint64).astype(np.uint32),
        ]
    )
    many = idx.query_many(probes)
    for p, got in zip(probes, many):
        pk = _short_keys(p.reshape(1, -1), idx.bands, idx.rows)[0]
        want = [int(i) for i in np.flatnonzero((keys == pk).any(axis=1))]
        assert [(m.doc_id, m.block) for m in got] == [(m.doc_id, m.block) for m in idx.query(p)]
        assert [(m.doc_id, m.block) for m in got] == [entries[i] for i in want]
    assert any(len(r.keys) >= 4096 and r.directory is not None for r in idx._runs)
    assert sum(len(g) >= 2 for g in many) >= 150


# --------------------------------------------------------------------------------------------
# Payloads, anchors, explicit bands, rollback, the format version (what corpus mode uses)
# --------------------------------------------------------------------------------------------


def _payload_round_trip(idx: LSHIndex) -> None:
    (a, b), (c, d) = pair_texts(2, 0.95, seed=21)
    sa, sb, sc, sd = signatures([a, b, c, d])
    idx.add_many(["d1", "d2"], [3, 7], np.stack([sa, sc]), [0, 5], [b"\x01\x02", b""], [[11, 12], []])
    got = idx.query_many(np.stack([sb, sd]))
    assert [(m.doc_id, m.block, m.part, m.payload) for m in got[0]] == [("d1", 3, 0, b"\x01\x02")]
    assert [(m.doc_id, m.payload) for m in got[1]] == [("d2", b"")]
    # An anchor finds its entry whatever the signature; an unknown anchor finds nothing.
    far = signatures(["nothing in common with either"])
    assert [m.doc_id for m in idx.query_many(far, [[12]])[0]] == ["d1"]
    assert idx.query_many(far, [[13]])[0] == []


def test_memory_index_payloads_and_anchors() -> None:
    idx = MemoryIndex(threshold=0.8, num_perm=SIGNER.num_perm)
    _payload_round_trip(idx)
    assert idx.nbytes > 0


def test_sqlite_payloads_and_anchors_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with SQLiteIndex(path, threshold=0.8, ngram=1) as idx:
        _payload_round_trip(idx)
    with SQLiteIndex(path, threshold=0.8, ngram=1) as idx:
        far = signatures(["nothing in common with either"])
        assert [(m.doc_id, m.payload) for m in idx.query_many(far, [[11]])[0]] == [("d1", b"\x01\x02")]


@pytest.mark.redis
def test_redis_payloads_and_anchors(redis_url: str) -> None:
    idx = open_index(redis_url + "?basename=payloads", threshold=0.8, signer=SIGNER)
    assert isinstance(idx, RedisIndex)
    try:
        _payload_round_trip(idx)
    finally:
        idx.clear()
        idx.close()


def test_explicit_bands_and_rows() -> None:
    idx = open_index(None, threshold=0.22, signer=Signer(num_perm=40), params=(20, 2))
    assert (idx.bands, idx.rows, idx.num_perm) == (20, 2, 40)
    with pytest.raises(ConfigError, match="bands \\* rows"):
        MemoryIndex(num_perm=40, params=(21, 2))


def test_memory_index_rollback_forgets_what_came_after_the_last_flush() -> None:
    (a, b), (c, d) = pair_texts(2, 0.95, seed=23)
    sa, sb, sc, sd = signatures([a, b, c, d])
    idx = MemoryIndex(threshold=0.8, num_perm=SIGNER.num_perm)
    idx.add_many(["kept"], [0], sa.reshape(1, -1), payloads=[b"k"], anchors=[[5]])
    idx.flush()
    idx.add_many(["gone", "gone"], [0, 1], np.stack([sc, sc]), payloads=[b"g", b"h"], anchors=[[6], [5]])
    assert len(idx) == 3
    idx.rollback()
    assert len(idx) == 1 and idx.query(sd) == []
    assert [(m.doc_id, m.payload) for m in idx.query(sb)] == [("kept", b"k")]
    far = signatures(["nothing in common"])
    assert [m.doc_id for m in idx.query_many(far, [[5]])[0]] == ["kept"]
    idx.add("new", 2, sc)  # appending after a rollback works
    assert [m.doc_id for m in idx.query(sd)] == ["new"]


def test_an_index_of_the_previous_format_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    SQLiteIndex(path, threshold=0.8).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = '1' WHERE key = 'format_version'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(
        IndexFormatError, match=r"format version '1', this dedupe writes version 2; rebuild it"
    ):
        SQLiteIndex(path, threshold=0.8)
    assert path.read_bytes() == before
