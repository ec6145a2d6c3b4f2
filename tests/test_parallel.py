"""``--workers N``: the output is byte-identical to ``--workers 1``, corpus mode included."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
from pathlib import Path

import pytest
from conftest import SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe import Config
from dedupe.cli import main
from dedupe.model import Document
from dedupe.parallel import LocalPhase
from dedupe.pipeline import Cleaner
from dedupe.strategies import noisy_articles

WORDS = ["council", "budget", "river", "school", "minister", "report", "market", "election", "court", "water"]


def _corpus(n: int, seed: int) -> list[dict]:
    """News-like documents that share paragraphs across documents (for corpus mode), with
    boilerplate, within-document repeats, and a few HTML and empty records."""
    r = random.Random(seed)
    shared = [" ".join(r.choice(WORDS) for _ in range(20)).capitalize() + "." for _ in range(15)]
    docs: list[dict] = []
    for i in range(n):
        ps = [
            " ".join(r.choice(WORDS) for _ in range(r.randint(10, 30))).capitalize() + "." for _ in range(6)
        ]
        ps.insert(r.randint(0, 6), r.choice(shared))
        ps.insert(r.randint(0, 6), r.choice(["2 min read", "Follow us on Twitter: @news", "© 2020 Example"]))
        if r.random() < 0.3:
            ps.append(r.choice(ps))
        if i % 17 == 5:
            docs.append(
                {
                    "id": f"h{i}",
                    "html": "<html><body><article>"
                    + "".join(f"<p>{p}</p>" for p in ps)
                    + "</article></body></html>",
                }
            )
        elif i % 23 == 7:
            docs.append({"id": f"e{i}", "text": "   \n"})
        else:
            docs.append({"id": f"d{i}", "text": "\n".join(ps)})
    return docs


def _write(path: Path, docs: list[dict]) -> None:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")


@pytest.mark.parametrize("corpus", [False, True], ids=["per-document", "corpus"])
@pytest.mark.parametrize("seed", [0, 1])
def test_workers_output_is_byte_identical(tmp_path, capsys, corpus, seed):
    src = tmp_path / "in.jsonl"
    docs = _corpus(40, seed)
    _write(src, docs)
    with src.open("a") as f:
        f.write("not json\n")  # a reject in the middle of the stream
    _write(tmp_path / "more.jsonl", _corpus(12, seed + 100))
    outputs = {}
    for workers in ("1", "2", "3") if seed == 0 else ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        report = tmp_path / f"report{workers}.txt"
        argv = ["clean", str(src), str(tmp_path / "more.jsonl"), "-o", str(out), "--report", str(report)]
        argv += ["--workers", workers, "--doc-timeout", "0"] + (["--corpus"] if corpus else [])
        assert main(argv) == 0
        outputs[workers] = (out.read_bytes(), report.read_bytes())
    assert all(o == outputs["1"] for o in outputs.values())
    lines = outputs["1"][0].decode().split("\n")[:-1]
    assert len(lines) == 52
    if corpus:
        assert b"duplicate.corpus" in outputs["1"][0]


def test_seeds_corpus_mode_identical_with_two_workers(tmp_path, capsys):
    seeds = sorted(str(p) for p in SEEDS.glob("*.txt"))
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert main(["clean", "--corpus", *seeds, "-o", str(a), "--workers", "1"]) == 0
    assert main(["clean", "--corpus", *seeds, "-o", str(b), "--workers", "2"]) == 0
    assert a.read_bytes() == b.read_bytes()


@pytest.fixture(scope="module")
def two_workers():
    # One pool for all hypothesis examples (starting processes per example would dominate).
    # Tiny batches and window: many tasks in flight, out-of-order completion is likely.
    with LocalPhase[int](Config(), workers=2, batch_docs=2, batch_chars=500, window=5) as phase:
        yield phase


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.one_of(noisy_articles(max_paragraphs=6), st.text(max_size=200)), min_size=1, max_size=12))
def test_local_phase_in_order_and_equal_to_sequential(two_workers, texts):
    docs = [Document(id=str(i), text=t) for i, t in enumerate(texts)]
    parallel = list(two_workers.map(enumerate(docs)))
    assert [i for i, _ in parallel] == list(range(len(docs)))
    cleaner = Cleaner()
    state_a, state_b = cleaner.new_corpus_state(), cleaner.new_corpus_state()
    for (_, p), d in zip(parallel, docs):
        got = cleaner.finish(p, state_a)
        want = cleaner.finish(cleaner.local(d), state_b)
        assert got == want


def test_workers_presign_what_the_corpus_phase_looks_up():
    # In corpus mode the workers also sign the surviving paragraphs and the document; the corpus
    # phase then only looks them up, with the same result as signing them itself.
    docs = [Document(id=d["id"], text=d.get("text"), html=d.get("html")) for d in _corpus(30, 5)]
    with LocalPhase[int](Config(), workers=2, batch_docs=4, corpus=True) as phase:
        parallel = list(phase.map(enumerate(docs)))
    assert sum(p.corpus_sigs is not None for _, p in parallel) >= 20
    cleaner = Cleaner()
    state_a, state_b = cleaner.new_corpus_state(), cleaner.new_corpus_state()
    assert state_a is not None and state_b is not None
    for (_, p), d in zip(parallel, docs):
        if p.corpus_sigs is not None:
            signed, sigs = p.corpus_sigs.signed, p.corpus_sigs.sigs
            assert len(signed) == len(sigs) and len(set(signed)) == len(signed)
            own = state_b.index.sign(signed)
            assert (own == sigs).all()
        got = cleaner.finish(p, state_a)
        assert p.corpus_sigs is None  # used, then dropped
        want = cleaner.finish(cleaner.local(d), state_b)
        assert got == want


def _boom() -> str:
    # Unpickled in a worker: the worker dies as if killed by the OOM killer or a segfault.
    if multiprocessing.parent_process() is not None:
        os._exit(3)
    return "Boom text survives in the main process."


class Boom(str):
    def __reduce__(self):  # type: ignore[override]
        return (_boom, ())


def test_a_worker_crash_is_survived_and_reported(capsys):
    docs = [Document(id=f"d{i}", text=f"Ordinary paragraph number {i} about the river.") for i in range(10)]
    docs[4] = Document(id="boom", text=Boom("Boom text survives in the main process."))
    with LocalPhase[int](Config(), workers=2, batch_docs=3) as phase:
        out = list(phase.map(enumerate(docs)))
        assert phase.restarts >= 1
    assert [i for i, _ in out] == list(range(10))
    boom = out[4][1]
    assert boom.notes["error"].startswith("worker_crashed")
    assert [b.text for b in boom.blocks] == ["Boom text survives in the main process."]
    for i, p in out:
        if i != 4:
            assert "error" not in p.notes and p.doc_id == f"d{i}"


def test_workers_option_is_validated(capsys):
    assert main(["clean", "--workers", "0"]) == 2
    assert main(["clean", "--workers", "two"]) == 2


def test_terminate_frees_the_pool_thread_stuck_on_half_a_result():
    """A worker killed while it writes its result leaves half a message in the results pipe; the
    pool's manager thread then waits for the rest, and the interpreter would hang at exit joining
    it (seen as a `dedupe clean --workers 2` that printed its summary after SIGTERM and never
    exited). terminate() must leave no such thread behind."""
    import struct
    import time

    phase: LocalPhase[int] = LocalPhase(Config(), workers=2)
    list(phase.map([(0, Document(id="a", text="One short paragraph of text."))]))
    ex = phase._executor
    assert ex is not None
    manager = ex._executor_manager_thread
    writer = ex._result_queue._writer
    os.write(writer.fileno(), struct.pack("!i", 1000))  # a header announcing 1000 bytes, and no more
    time.sleep(0.5)  # the thread reads the header, then waits for the body
    try:
        phase.terminate()
        assert not manager.is_alive()
    finally:
        if manager.is_alive():  # do not leave the test run hanging at exit
            writer.close()
