"""Resumable runs (--output-dir DIR --shard-size N): a run killed mid-way and rerun gives the shards
and the index of an uninterrupted run; another command is refused; --restart starts over."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS

from dedupe.cli import main

SRC = str(Path(__file__).resolve().parents[1] / "src")
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _corpus(path: Path, n: int, bad_at: tuple[int, ...] = ()) -> Path:
    """``n`` records cycling through the seeds (so later ones repeat earlier paragraphs: corpus
    duplicates in every shard), each with a paragraph of its own; malformed lines at ``bad_at``."""
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            if i in bad_at:
                f.write('{"id": "broken", "text": \n')
                continue
            own = f"Record {i} has a closing paragraph of its own, number {i * 7919 % 1000}, about item {i}."
            text = SEED_TEXTS[i % len(SEED_TEXTS)] + "\n" + own
            f.write(json.dumps({"id": f"r{i}", "text": text, "n": i}) + "\n")
    return path


def _parts(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name.startswith("part-")}


def _index_rows(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _cmd(inp: Path, *extra: str) -> list[str]:
    """The command, with paths relative to the folder it runs in (the index path is part of the
    settings' fingerprint, so two folders run the same command)."""
    return [
        sys.executable,
        "-m",
        "dedupe",
        "clean",
        "--corpus",
        str(inp),
        "--output-dir",
        "out",
        "--shard-size",
        "10",
        "--index",
        "seen.db",
        "--workers",
        "2",
        "-q",
        *extra,
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}


def test_killed_corpus_run_resumes_to_the_uninterrupted_output_and_index(tmp_path):
    inp = _corpus(tmp_path / "in.jsonl", 150, bad_at=(25, 26, 120))
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    whole, whole_db, out, db = a / "out", a / "seen.db", b / "out", b / "seen.db"
    subprocess.run(_cmd(inp), cwd=a, env=_env(), check=True, timeout=600)
    m = _manifest(whole)
    assert m["complete"] and len(m["shards"]) == 15
    assert sum(s["read"] for s in m["shards"]) == 150
    assert sum(s["rejected"] for s in m["shards"]) == 3
    assert any(s["removed_by_reason"].get("duplicate.corpus") for s in m["shards"][1:])

    proc = subprocess.Popen(_cmd(inp), cwd=b, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if len(_manifest(out)["shards"]) >= 3:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.02)
        assert proc.poll() is None, "the run ended before it could be killed: " + proc.stderr.read().decode()
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    done = len(_manifest(out)["shards"])
    assert 3 <= done < 15 and not _manifest(out)["complete"]

    rerun = subprocess.run(_cmd(inp)[:-1], cwd=b, env=_env(), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"resuming out: {done} shards" in rerun.stderr
    assert _parts(out) == _parts(whole)  # byte-identical shards, index logs and rejects
    assert _index_rows(db) == _index_rows(whole_db)
    assert _manifest(out)["shards"] == _manifest(whole)["shards"]
    assert not [p for p in out.iterdir() if ".tmp-" in p.name]

    again = subprocess.run(_cmd(inp), cwd=b, env=_env(), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0
    assert _index_rows(db) == _index_rows(whole_db)  # a complete run is not indexed twice


def _clean(tmp_path: Path, *extra: str, inp: Path | None = None, quiet: bool = True) -> int:
    if inp is None:
        inp = tmp_path / "in.jsonl"
        if not inp.exists():
            _corpus(inp, 50, bad_at=(7,))
    argv = ["clean", str(inp), "--output-dir", str(tmp_path / "out"), "--workers", "1", *extra]
    return main(argv + (["-q"] if quiet else []))


def test_shards_hold_every_record_with_rejects_by_position(tmp_path):
    assert _clean(tmp_path, "--shard-size", "20", "--stats", str(tmp_path / "s.json")) == 0
    out = tmp_path / "out"
    assert sorted(_parts(out)) == [
        "part-00000.jsonl",
        "part-00000.rejects.jsonl",
        "part-00001.jsonl",
        "part-00002.jsonl",
    ]
    m = _manifest(out)
    assert [(s["first"], s["last"], s["read"], s["written"]) for s in m["shards"]] == [
        (0, 19, 20, 19),
        (20, 39, 20, 20),
        (40, 49, 10, 10),
    ]
    (reject,) = [json.loads(x) for x in (out / "part-00000.rejects.jsonl").read_text().splitlines()]
    assert reject["line"] == 8 and reject["reason"].startswith("malformed_json")
    ids = [json.loads(x)["id"] for x in (out / "part-00000.jsonl").read_text().splitlines()]
    assert ids == [f"r{i}" for i in range(20) if i != 7]
    stats = json.loads((tmp_path / "s.json").read_text())
    assert (stats["read"], stats["written"], stats["rejected"]) == (50, 49, 1)
    assert "index" not in json.dumps(sorted(_parts(out)))  # no index logs outside corpus mode


def test_rerun_of_a_complete_run_does_nothing_and_another_command_is_refused(tmp_path, capsys):
    assert _clean(tmp_path, "--shard-size", "20") == 0
    before = _parts(tmp_path / "out")
    capsys.readouterr()
    assert _clean(tmp_path, "--shard-size", "20") == 0
    assert "already holds the complete output" in capsys.readouterr().err
    assert _clean(tmp_path, "--shard-size", "10") == 1
    err = capsys.readouterr().err
    assert "shard_size was 20, now 10" in err and "--restart" in err
    assert _clean(tmp_path, "--shard-size", "20", "--corpus-threshold", "0.9") == 1
    assert "fingerprint" in capsys.readouterr().err
    assert _parts(tmp_path / "out") == before
    assert _clean(tmp_path, "--shard-size", "10", "--restart") == 0
    assert len(_manifest(tmp_path / "out")["shards"]) == 5
    assert "part-00002.jsonl" in _parts(tmp_path / "out")


def test_changed_input_is_refused(tmp_path, capsys):
    inp = _corpus(tmp_path / "in.jsonl", 30)
    assert _clean(tmp_path, "--shard-size", "20", inp=inp) == 0
    with inp.open("a") as f:
        f.write(json.dumps({"id": "late", "text": "An added record."}) + "\n")
    assert _clean(tmp_path, "--shard-size", "20", inp=inp) == 1
    assert f"input {inp} changed" in capsys.readouterr().err


def test_damaged_shard_is_redone_from_there(tmp_path, capsys):
    assert _clean(tmp_path, "--corpus", "--shard-size", "20") == 0
    good = _parts(tmp_path / "out")
    m = _manifest(tmp_path / "out")
    m["complete"] = m["finished"] = False  # as if killed before the end
    (tmp_path / "out" / "manifest.json").write_text(json.dumps(m))
    (tmp_path / "out" / "part-00001.jsonl").write_text("tampered\n")
    capsys.readouterr()
    assert _clean(tmp_path, "--corpus", "--shard-size", "20", quiet=False) == 0
    assert "part-00001.jsonl does not match the manifest" in capsys.readouterr().err
    assert _parts(tmp_path / "out") == good


@pytest.mark.parametrize("drop", [False, True])
def test_near_copies_of_documents_resume_as_uninterrupted(tmp_path, drop):
    """The input cycles the seeds: from r5 on every document is a near copy of an earlier one. Those
    of the later shards are found only if the replay indexes the first shard's documents as the
    run did; dropped ones go to their shard's duplicates file, and read = written + rejected +
    dropped per shard and in the stats."""
    flags = ["--corpus", "--shard-size", "20", "--stats", str(tmp_path / "s.json")]
    flags += ["--drop-duplicate-documents"] if drop else []
    assert _clean(tmp_path, *flags) == 0
    out = tmp_path / "out"
    good, m = _parts(out), _manifest(out)
    for e in m["shards"]:
        assert e["read"] == e["written"] + e["rejected"] + e["dropped"]
        assert ("duplicates" in e["files"]) == drop
    s = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert (s["read"], s["rejected"], s["unfinished"]) == (50, 1, 0)
    if drop:
        assert s["dropped"] == 44 and s["written"] == 5
        dropped = [json.loads(x) for x in (out / "part-00002.duplicates.jsonl").read_text().splitlines()]
        assert [d["id"] for d in dropped] == [f"r{i}" for i in range(40, 50)]
        assert all(d["duplicate_of"]["similarity"] >= 0.8 for d in dropped)
    else:
        assert s["dropped"] == 0
        later = [json.loads(x) for x in (out / "part-00002.jsonl").read_text().splitlines()]
        assert all(r["duplicate_of"]["id"] in {f"r{i}" for i in range(5)} for r in later)
    m["shards"] = m["shards"][:1]  # as if killed after the first shard
    m["complete"] = m["finished"] = False
    (out / "manifest.json").write_text(json.dumps(m))
    for name in good:
        if not name.startswith("part-00000."):
            (out / name).unlink()
    assert _clean(tmp_path, *flags) == 0
    assert _parts(out) == good
    s = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert s["read"] == s["written"] + s["rejected"] + s["dropped"] == 50
    assert s["resumed"] == {"shards": 1, "records": 20}


def test_stray_shards_without_manifest_are_refused(tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "part-00000.jsonl").write_text("{}\n")
    assert _clean(tmp_path, "--shard-size", "20") == 1
    assert "no manifest.json" in capsys.readouterr().err


def test_parquet_shards(tmp_path):
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    assert _clean(tmp_path, "--shard-size", "20", "--output-format", "parquet") == 0
    names = sorted(n for n in _parts(tmp_path / "out") if n.endswith(".parquet"))
    assert names == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    rows = [r for n in names for r in pq.read_table(tmp_path / "out" / n).to_pylist()]
    assert [r["id"] for r in rows] == [f"r{i}" for i in range(50) if i != 7]
    assert all(isinstance(r["n"], int) for r in rows)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--output-dir", "D"], "--output-dir needs --shard-size"),
        (["--shard-size", "5"], "--shard-size needs --output-dir"),
        (["--output-dir", "D", "--shard-size", "5", "--format", "txt"], "one .txt per document"),
        (["--output-dir", "D", "--shard-size", "5", "--rejects", "r.jsonl"], "rejects are written per shard"),
        (["--output-dir", "D", "--shard-size", "5", "--report-html", "r.html"], "dedupe report DIR/part-"),
        (["--output-dir", "D", "--shard-size", "5", "--index", "redis://h:1/0"], "roll back"),
        (
            [
                "--output-dir",
                "D",
                "--shard-size",
                "5",
                "--drop-duplicate-documents",
                "--duplicates",
                "d.jsonl",
            ],
            "written per shard",
        ),
        (["--output-dir", "D", "--format", "txt", "--drop-duplicate-documents"], "--duplicates FILE"),
        (["--restart", "-o", "x.jsonl"], "--restart is for a resumable run"),
        (["--output-dir", "D", "-o", "x.jsonl", "--format", "txt"], "not both"),
    ],
)
def test_output_option_usage_errors(tmp_path, capsys, argv, message):
    inp = _corpus(tmp_path / "in.jsonl", 2)
    assert main(["clean", str(inp), *argv]) == 2
    assert message in capsys.readouterr().err


def test_shards_need_input_files(tmp_path, capsys):
    assert main(["clean", "-", "--output-dir", str(tmp_path / "o"), "--shard-size", "5"]) == 2
    assert "standard input cannot be read again" in capsys.readouterr().err


def test_format_txt_output_dir_still_writes_one_file_per_document(tmp_path):
    assert _clean(tmp_path, "--format", "txt") == 0
    assert len(list((tmp_path / "out").glob("*.txt"))) == 49
