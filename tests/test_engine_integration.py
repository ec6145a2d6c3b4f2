"""Corpus mode goes through the near-duplicate engine: persistent index, streaming, batching."""

from __future__ import annotations

import json
import sqlite3
import sys

import pytest
from conftest import SEEDS

import dedupe
from dedupe import Config, CorpusConfig
from dedupe.cli import main

SEED_FILES = sorted(str(p) for p in SEEDS.glob("*.txt"))
FIRST = [f for f in SEED_FILES if "/000_" in f or "/001_" in f]
LATER = [f for f in SEED_FILES if "/003_" in f]


def _records(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_index_remembers_across_runs(tmp_path, capsys):
    db = tmp_path / "seen.db"
    # Run 1 sees 000 and 001; run 2 sees only 003, which shares four paragraphs with them.
    assert main(["clean", "--index", str(db), *FIRST, "-o", str(tmp_path / "a.jsonl")]) == 0
    assert main(["clean", "--index", str(db), *LATER, "-o", str(tmp_path / "b.jsonl")]) == 0
    [rec] = _records(tmp_path / "b.jsonl")
    corpus = [s for s in rec["removed"] if s["reason"] == "duplicate.corpus"]
    assert len(corpus) == 4
    assert {s["duplicate_of"][0] for s in corpus} == {"000_77bd88fc0e4ab6ab.txt", "001_9f54586c58cf0f66.txt"}
    # Without the index the same run keeps them.
    assert main(["clean", "--corpus", *LATER, "-o", str(tmp_path / "c.jsonl")]) == 0
    [rec] = _records(tmp_path / "c.jsonl")
    assert not [s for s in rec["removed"] if s["reason"] == "duplicate.corpus"]


def test_index_appends_what_is_new(tmp_path, capsys):
    db = tmp_path / "seen.db"
    assert main(["clean", "--index", str(db), FIRST[0], "-o", str(tmp_path / "a.jsonl")]) == 0
    n1 = sqlite3.connect(db).execute("select count(*) from entries").fetchone()[0]
    assert main(["clean", "--index", str(db), FIRST[1], "-o", str(tmp_path / "b.jsonl")]) == 0
    n2 = sqlite3.connect(db).execute("select count(*) from entries").fetchone()[0]
    assert 0 < n1 < n2


def test_index_refuses_a_foreign_file(tmp_path, capsys):
    foreign = tmp_path / "other.db"
    con = sqlite3.connect(foreign)
    con.execute("create table t (x)")
    con.commit()
    con.close()
    code = main(["clean", "--index", str(foreign), FIRST[0], "-o", str(tmp_path / "a.jsonl")])
    assert code != 0
    err = capsys.readouterr().err
    assert "other.db" in err and "Traceback" not in err
    assert not (tmp_path / "a.jsonl").exists()


def test_index_refuses_a_file_that_is_not_sqlite(tmp_path, capsys):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 10)
    assert main(["clean", "--index", str(junk), FIRST[0], "-o", str(tmp_path / "a.jsonl")]) != 0
    assert junk.read_bytes() == b"not a database at all" * 10


def test_clean_many_streams(gold, seed_texts):
    # Results come out before the input is exhausted: the cleaner pulls one document at a time.
    pulled = []

    def docs():
        for d in gold:
            pulled.append(d["file"])
            yield dedupe.Document(id=d["file"], text=seed_texts[d["file"]])

    it = dedupe.Cleaner().clean_many(docs())
    first = next(it)
    assert first.id == gold[0]["file"] and pulled == [gold[0]["file"]]


@pytest.mark.parametrize("batch", [1, 2, 3, 5])
def test_result_does_not_depend_on_batch_size(gold, seed_texts, batch):
    # Feeding the corpus in batches of any size through one state gives the same decisions.
    cleaner = dedupe.Cleaner()
    docs = [dedupe.Document(id=d["file"], text=seed_texts[d["file"]]) for d in gold]
    whole = [r.removed for r in cleaner.clean_many(docs)]
    state = cleaner.new_corpus_state()
    batched = []
    for i in range(0, len(docs), batch):
        for doc in docs[i : i + batch]:
            batched.append(cleaner.finish(cleaner.local(doc), state).removed)
    assert batched == whole


def test_signatures_are_those_of_the_engine():
    # The corpus index signs with dedupe.minhash.Signer, bit-identical to datasketch, built from the
    # configuration by one function (the workers use the same one).
    from dedupe.corpus_index import CorpusIndex, corpus_signer

    cfg = CorpusConfig()
    idx = CorpusIndex(cfg)
    assert idx.signer is corpus_signer(cfg) and idx.signer.num_perm == cfg.bands * cfg.rows
    text = "The regional council approved the new harbour budget on Tuesday after a long debate."
    sig = idx.sign([text])[0]
    assert (sig == idx.signer.minhash(text).hashvalues).all()
    # Text in a script without spaces is signed by its characters.
    ja = "市は火曜日、旧市街の水道管を更新すると発表した。"
    from dedupe.shapes import spaced

    assert (idx.sign([ja])[0] == idx.signer.minhash(spaced(ja)).hashvalues).all()
    idx.close()


def test_config_index_reaches_the_engine(tmp_path):
    db = tmp_path / "lib.db"
    cfg = Config(corpus=CorpusConfig(index=str(db)))
    list(dedupe.Cleaner(cfg).clean_many(["A long enough paragraph about the harbour budget vote today."]))
    assert db.exists()


def _count(db) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute("select count(*) from entries").fetchone()[0])
    finally:
        con.close()


def test_killed_run_leaves_the_index_as_it_was(tmp_path):
    # SIGKILL in the middle of a corpus run with --index: the index is still a consistent SQLite
    # database, holds exactly what the earlier successful run committed (the killed run's output
    # was discarded, so its paragraphs must not count as seen), and the next run uses it.
    import os
    import signal
    import subprocess
    import time

    db = tmp_path / "seen.db"
    assert main(["clean", "--index", str(db), *FIRST, "-o", str(tmp_path / "first.jsonl")]) == 0
    before = _count(db)
    assert before > 0
    src = tmp_path / "in.jsonl"
    para = "Paragraph {i} of document {d}: the council met on Monday to discuss the harbour budget again."
    with src.open("w") as f:
        for d in range(3000):
            text = "\n".join(para.format(i=i, d=d) for i in range(8))
            f.write(json.dumps({"id": f"d{d}", "text": text}) + "\n")
    cmd = [
        sys.executable,
        "-m",
        "dedupe.cli",
        "clean",
        "--index",
        str(db),
        str(src),
        "-o",
        str(tmp_path / "o.jsonl"),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wal = tmp_path / "seen.db-wal"  # WAL mode: pages reach this file before any commit
    deadline = time.time() + 60
    while (
        time.time() < deadline
        and proc.poll() is None
        and not (wal.exists() and wal.stat().st_size > 64 * 1024)
    ):
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be killed; make the input larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    con.close()
    assert _count(db) == before
    assert not (tmp_path / "o.jsonl").exists()
    # The next run still finds what the first run saw.
    assert main(["clean", "--index", str(db), *LATER, "-o", str(tmp_path / "later.jsonl")]) == 0
    [rec] = _records(tmp_path / "later.jsonl")
    assert len([s for s in rec["removed"] if s["reason"] == "duplicate.corpus"]) == 4


def test_failed_run_rolls_the_index_back(tmp_path, capsys):
    # --strict stops at a bad record: the output is discarded, so the index must not remember the
    # documents cleaned before it.
    db = tmp_path / "seen.db"
    assert main(["clean", "--index", str(db), FIRST[0], "-o", str(tmp_path / "a.jsonl")]) == 0
    before = _count(db)
    src = tmp_path / "in.jsonl"
    good = {"id": "g", "text": (SEEDS / "001_9f54586c58cf0f66.txt").read_text()}
    src.write_text(json.dumps(good) + "\nnot json\n")
    assert main(["clean", "--strict", "--index", str(db), str(src), "-o", str(tmp_path / "b.jsonl")]) == 1
    assert _count(db) == before
    assert not (tmp_path / "b.jsonl").exists()
