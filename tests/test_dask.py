"""dedupe.dask: the Dask engine decides exactly as ``Cleaner.clean_many`` in one process.

The corpora are generated with planted copies of the kinds the corpus stage must find (verbatim,
typo, word added or dropped, clause replaced, two paragraphs merged, whole documents) and
*chains* of copies (a copy of a copy, edited again; a document copied, then its copy copied),
which is where the sequential order matters: a paragraph removed as a copy is not indexed, so
the third copy must point to the first; a near-copy document is not indexed as a document.
"""

from __future__ import annotations

import json
import random

import pytest

dask = pytest.importorskip("dask")
pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")

import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dedupe import Cleaner, Config  # noqa: E402
from dedupe.config import CorpusConfig  # noqa: E402
from dedupe.dask import RunStats, clean_bag, clean_dataframe  # noqa: E402
from dedupe.errors import ConfigError  # noqa: E402
from dedupe.model import Document  # noqa: E402
from dedupe.strategies import BOILERPLATE_LINES  # noqa: E402

_RNG_WORDS = random.Random(7)
# A vocabulary large enough that unrelated paragraphs share few 3-grams, small enough that some do.
WORDS = sorted(
    {
        "".join(_RNG_WORDS.choice("bcdfghklmnprstvz") + _RNG_WORDS.choice("aeiou") for _ in range(k))
        for k in (2, 3)
        for _ in range(300)
    }
)


def _paragraph(rng: random.Random) -> str:
    n = rng.choice([3, 6, 9, 12, 14, 18, 25, 40, 60])
    words = [rng.choice(WORDS) for _ in range(n)]
    # Two sentences in longer paragraphs, so that sentence anchors are exercised.
    if n >= 12:
        words[n // 2 - 1] += "."
        words[n // 2] = words[n // 2].capitalize()
    return " ".join(words).capitalize() + "."


def _edit(rng: random.Random, text: str) -> str:
    w = text.split()
    kind = rng.choice(["typo", "add", "drop", "clause", "none"])
    i = rng.randrange(len(w))
    if kind == "typo":
        w[i] = w[i][:-1] + ("x" if w[i][-1] != "x" else "y")
    elif kind == "add":
        w.insert(i, rng.choice(WORDS))
    elif kind == "drop" and len(w) > 3:
        del w[i]
    elif kind == "clause" and len(w) >= 12:
        w[i : i + 4] = [rng.choice(WORDS) for _ in range(4)]
    return " ".join(w)


def corpus(seed: int, n: int = 40) -> list[Document]:
    """Documents with planted copies and chains of copies, from ``seed``."""
    rng = random.Random(seed)
    docs: list[list[str]] = []
    for _ in range(n):
        r = rng.random()
        if docs and r < 0.2:  # a whole document copied (maybe a copy of a copy), one edit
            body = list(rng.choice(docs))
            k = rng.randrange(len(body))
            body[k] = _edit(rng, body[k])
        else:
            body = [_paragraph(rng) for _ in range(rng.randint(1, 7))]
            for _ in range(rng.randint(0, 3)):  # paragraphs of earlier documents, edited or not
                if docs and rng.random() < 0.7:
                    src = rng.choice(docs)
                    k = rng.randrange(len(src))
                    if rng.random() < 0.15 and k + 1 < len(src):  # two adjacent ones merged
                        text = src[k] + " " + src[k + 1]
                    else:
                        text = _edit(rng, src[k]) if rng.random() < 0.6 else src[k]
                    body.insert(rng.randrange(len(body) + 1), text)
            if rng.random() < 0.3:
                body.insert(0, rng.choice(BOILERPLATE_LINES))
            if rng.random() < 0.2 and len(body) > 2:  # a repeat within the document
                body.append(body[1])
        docs.append(body)
    return [Document(id=f"doc{i}", text="\n".join(b)) for i, b in enumerate(docs)]


def _sequential(docs: list[Document], cfg: Config) -> list:
    return list(Cleaner(cfg).clean_many(docs))


def _dask(
    docs: list[Document], cfg: Config, npartitions: int, stats: RunStats | None = None, keep: bool = True
) -> list:
    bag = db.from_sequence(docs, npartitions=npartitions)
    with dask.config.set(scheduler="sync"):
        return clean_bag(bag, cfg, stats=stats, keep_partials=keep).compute()


def _assert_same(expected: list, got: list) -> None:
    assert len(got) == len(expected)
    for a, b in zip(expected, got):
        assert a == b, f"{a.id} differs:\n{a.explain()}\n{a.notes}\n--- dask:\n{b.explain()}\n{b.notes}"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), npartitions=st.integers(1, 7), drop=st.booleans(), keep=st.booleans())
def test_equals_clean_many_on_planted_copies(seed: int, npartitions: int, drop: bool, keep: bool) -> None:
    cfg = Config().with_options(corpus=CorpusConfig(drop_duplicate_documents=drop))
    docs = corpus(seed, n=30)
    _assert_same(_sequential(docs, cfg), _dask(docs, cfg, npartitions, keep=keep))


def test_planted_corpus_exercises_every_kind_of_decision() -> None:
    """The generator is no empty test: across a few seeds it plants every kind the equality covers."""
    reasons: set[str] = set()
    dropped = documents = 0
    cfg = Config().with_options(corpus=CorpusConfig(drop_duplicate_documents=True))
    for seed in range(4):
        for r in _sequential(corpus(seed), cfg):
            documents += 1
            dropped += bool(r.notes.get("dropped"))
            reasons.update(f"{d['reason']}:{d.get('match', '')}" for d in r.removed)
    assert {"duplicate.corpus:paragraph", "duplicate.corpus:merged"} <= reasons
    assert dropped >= 5
    assert any(x.startswith("boilerplate") for x in reasons)


def test_chains_point_to_the_first_indexed_copy() -> None:
    """A copy of a copy: the second copy is removed, so the third copy's source is the first."""
    p = " ".join(WORDS[:20]) + "."
    other = [" ".join(WORDS[20 + 10 * i : 30 + 10 * i]) + "." for i in range(6)]
    docs = [
        Document(id="a", text=f"{other[0]}\n{p}"),
        Document(id="b", text=f"{other[1]}\n{p}"),
        Document(id="c", text=f"{other[2]}\n{p}"),
    ]
    cfg = Config()
    for n in (1, 2, 3):
        got = _dask(docs, cfg, n)
        _assert_same(_sequential(docs, cfg), got)
        assert [d["duplicate_of"] for d in got[2].removed] == [["a", 1]]


def test_partitions_and_stats() -> None:
    docs = corpus(11, n=30)
    stats = RunStats()
    got = _dask(docs, Config(), 4, stats)
    _assert_same(_sequential(docs, Config()), got)
    assert stats.documents == 30 and stats.partitions == 4
    assert stats.edges > 0 and stats.pairs >= stats.edges and stats.shuffle_bytes > 0


def test_strings_get_their_position_as_id_and_empty_partitions_are_skipped() -> None:
    texts = [d.text or "" for d in corpus(3, n=12)]
    bag = db.from_sequence(texts, npartitions=3).filter(lambda t: True)
    bag = db.concat([db.from_sequence([], npartitions=1), bag])
    with dask.config.set(scheduler="sync"):
        got = clean_bag(bag, Config()).compute()
    _assert_same(_sequential(texts, Config()), got)  # type: ignore[arg-type]
    assert [r.id for r in got] == [str(i) for i in range(12)]


def test_corpus_off_cleans_each_document_alone() -> None:
    docs = corpus(5, n=10)
    with dask.config.set(scheduler="sync"):
        got = clean_bag(db.from_sequence(docs, npartitions=2), Config(), corpus=False).compute()
    c = Cleaner(Config())
    assert got == [c.clean(d) for d in docs]


def test_a_persistent_index_is_refused() -> None:
    cfg = Config().with_options(corpus=CorpusConfig(index="seen.db"))
    with pytest.raises(ConfigError, match="no persistent index"):
        clean_bag(db.from_sequence(["a"]), cfg)


def test_dataframe_keeps_columns_and_order_and_drops_near_copies() -> None:
    docs = corpus(21, n=24)
    frame = pd.DataFrame(
        {"url": [f"u{i}" for i in range(len(docs))], "body": [d.text for d in docs], "n": range(len(docs))}
    )
    cfg = Config().with_options(corpus=CorpusConfig(drop_duplicate_documents=True))
    with dask.config.set(scheduler="sync"):
        out = clean_dataframe(dd.from_pandas(frame, npartitions=3), cfg, text_column="body", id_column="url")
        got = out.compute()
    expected = _sequential([Document(id=u, text=t) for u, t in zip(frame["url"], frame["body"])], cfg)
    kept = [r for r in expected if not r.notes.get("dropped")]
    assert len(kept) < len(expected)  # the corpus has near-copy documents
    assert got["url"].tolist() == [r.id for r in kept]
    assert got["body"].tolist() == [r.text for r in kept]
    assert list(got.columns) == ["url", "body", "n", "removed", "duplicate_of"]
    with pytest.raises(ConfigError, match="not a column"):
        clean_dataframe(dd.from_pandas(frame, npartitions=1), text_column="text")


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    """One 2-worker LocalCluster of processes for the tests below (starting one takes seconds)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c


def test_local_cluster_two_worker_processes(cluster) -> None:  # type: ignore[no-untyped-def]
    """The CI check of issue 20: a 2-worker ``distributed.LocalCluster`` of processes."""
    from dedupe.dask import clean_stream, connect

    docs = corpus(99, n=36)
    cfg = Config().with_options(corpus=CorpusConfig(drop_duplicate_documents=True))
    expected = _sequential(docs, cfg)
    with connect(cluster.scheduler_address, 2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        got = clean_bag(db.from_sequence(docs, npartitions=5), cfg).compute()
        _assert_same(expected, got)
        # What the command line runs: documents sent as they are read, tags kept here.
        streamed = list(clean_stream(((i, d) for i, d in enumerate(docs)), cfg, client, partition=7))
        assert [t for t, _, _ in streamed] == list(range(len(docs)))
        _assert_same(expected, [r for _, r, _ in streamed])


def _write_corpus(path, docs) -> None:  # type: ignore[no-untyped-def]
    path.write_text(
        "".join(json.dumps({"id": d.id, "text": d.text, "url": d.id + ".html"}) + "\n" for d in docs)
    )


def test_cli_engine_dask_writes_what_local_writes(cluster, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dedupe.cli import main

    docs = corpus(7, n=30)
    inp = tmp_path / "in.jsonl"
    _write_corpus(inp, docs)
    common = ["clean", str(inp), "--corpus", "--drop-duplicate-documents", "-q", "--workers", "2"]
    outs = {}
    for engine in ("local", "dask"):
        extra = ["--scheduler", cluster.scheduler_address] if engine == "dask" else []
        out = tmp_path / f"{engine}.jsonl"
        dups = tmp_path / f"{engine}.dups.jsonl"
        stats = tmp_path / f"{engine}.stats.json"
        argv = [*common, "-o", str(out), "--duplicates", str(dups), "--stats", str(stats)]
        assert main([*argv, "--engine", engine, *extra]) == 0
        s = json.loads(stats.read_text())
        outs[engine] = (out.read_bytes(), dups.read_bytes(), s["read"], s["written"], s["dropped"])
    assert outs["dask"] == outs["local"]
    assert outs["local"][4] > 0  # the corpus has near-copy documents
    # A resumable run: the same shards and index logs as --engine local; a rerun after the first
    # shards were finished cleans every record again and writes the rest the same.
    shards = {}
    for engine in ("local", "dask"):
        extra = ["--scheduler", cluster.scheduler_address] if engine == "dask" else []
        folder = tmp_path / f"shards-{engine}"
        argv = [*common, "--output-dir", str(folder), "--shard-size", "8", "--engine", engine, *extra]
        assert main(argv) == 0
        shards[engine] = {
            p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "manifest.json"
        }
    assert shards["dask"] == shards["local"]
    folder = tmp_path / "shards-dask"
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["shards"] = manifest["shards"][:2]
    manifest["finished"] = manifest["complete"] = False
    (folder / "manifest.json").write_text(json.dumps(manifest))
    for p in folder.iterdir():
        if p.name.startswith(("part-00002", "part-00003")):
            p.unlink()
    argv = [*common, "--output-dir", str(folder), "--shard-size", "8", "--engine", "dask"]
    assert main([*argv, "--scheduler", cluster.scheduler_address]) == 0
    again = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "manifest.json"}
    assert again == shards["local"]


def test_a_paragraph_in_every_document_makes_few_pairs() -> None:
    """A syndicated paragraph in n documents: n * MAX_SAME_TEXT pairs at most, not n**2 / 2."""
    from dedupe.dask import MAX_SAME_TEXT

    p = " ".join(WORDS[:24]) + "."
    rng = random.Random(5)
    n = 60

    def other() -> str:  # long enough that the documents, as wholes, are not candidates
        return " ".join(rng.choice(WORDS) for _ in range(80)) + "."

    docs = [Document(id=f"d{i}", text=f"{other()}\n{p}\n{other()}") for i in range(n)]
    stats = RunStats()
    got = _dask(docs, Config(), 3, stats)
    _assert_same(_sequential(docs, Config()), got)
    assert all(r.removed[-1]["duplicate_of"] == ["d0", 1] for r in got[1:] if r.removed)
    assert stats.pairs <= MAX_SAME_TEXT * n + n  # not n * (n - 1) / 2 = 1770


def _query(order: int, blocks: list[list[int]], singles=None, documents=None) -> object:  # type: ignore[no-untyped-def]
    from dedupe.dask import _Query

    return _Query(order, blocks, singles=singles or {}, documents=documents or [])


def test_resolution_follows_what_the_rerun_really_indexed() -> None:
    """Doc 1 copies doc 0's slot 0 and keeps block 3; doc 2 copies doc 1's block 3. If the re-run
    of doc 1's per-document stages removed block 3 as well, doc 2 must look further back."""
    from dedupe.dask import _resolve

    cfg = CorpusConfig()
    ev = {"similarity": 1.0}
    q1 = _query(1, [[0], [3]], singles={0: [(0, 2, {**ev, "src": "0:2"})]})
    q2 = _query(
        2, [[5]], singles={0: [(0, 7, {"similarity": 0.9, "src": "0:7"}), (1, 3, {**ev, "src": "1:3"})]}
    )
    decisions, todo = _resolve(cfg, [q2, q1], {})
    assert decisions[2].evidence[0]["src"] == "1:3"
    assert todo == {(1, (0,))}  # doc 1 lost a paragraph and is a source: replay it
    decisions, todo = _resolve(cfg, [q1, q2], {(1, (0,)): frozenset()})
    assert decisions[2].evidence[0]["src"] == "0:7" and not todo
    # A near-copy document is not indexed as a document; dropped, it indexes nothing.
    d1 = _query(1, [[0]], documents=[(0, {"similarity": 0.9, "id": "0"})])
    d2 = _query(2, [[0]], singles={0: [(1, 0, ev)]}, documents=[(1, {"similarity": 0.95, "id": "1"})])
    decisions, _ = _resolve(cfg, [d1, d2], {})
    assert decisions[2].verdict is None and decisions[2].evidence == {0: ev}
    decisions, _ = _resolve(CorpusConfig(drop_duplicate_documents=True), [d1, d2], {})
    assert 2 not in decisions
