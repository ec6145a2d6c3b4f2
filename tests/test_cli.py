"""CLI tests, in-process through main([...])."""

from __future__ import annotations

import gzip
import io
import json
import sys

import pytest
from conftest import SEEDS, load_gold

from dedupe.cli import main

SEED_FILES = sorted(str(p) for p in SEEDS.glob("*.txt"))


def _jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_seeds_per_document(capsys):
    assert main(["clean", *SEED_FILES]) == 0
    out = _jsonl(capsys.readouterr().out)
    assert [r["id"] for r in out] == [p.rsplit("/", 1)[1] for p in SEED_FILES]
    gold = {d["file"]: d for d in load_gold()}
    for r in out:
        kept = [x["line"].strip() for x in gold[r["id"]]["lines"] if x["label"] in ("title", "keep")]
        assert r["text"] == "\n\n".join(kept)
        for span in r["removed"]:
            assert {"start", "end", "reason", "stage"} <= set(span)


def test_seeds_corpus_mode_removes_cross_document_copies(capsys):
    assert main(["clean", "--corpus", *SEED_FILES]) == 0
    out = {r["id"]: r for r in _jsonl(capsys.readouterr().out)}
    corpus = [s for s in out["003_797bc3d8dcbf117b.txt"]["removed"] if s["reason"] == "duplicate.corpus"]
    assert len(corpus) == 4
    assert all(
        s["duplicate_of"][0] in ("000_77bd88fc0e4ab6ab.txt", "001_9f54586c58cf0f66.txt") for s in corpus
    )


def test_summary_goes_to_stderr(capsys):
    assert main(["clean", SEED_FILES[0]]) == 0
    err = capsys.readouterr().err
    assert "read 1, written 1, rejected 0" in err


def test_jsonl_in_and_out_with_field_names(tmp_path, capsys):
    src = tmp_path / "in.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as f:
        f.write(
            json.dumps(
                {"key": "a", "body": "A headline for the test\n2 min read\nThe body text.", "url": "u"}
            )
            + "\n"
        )
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(src), "--id-field", "key", "--text-field", "body", "-o", str(out)]) == 0
    [rec] = _jsonl(out.read_text())
    assert rec["id"] == "a" and rec["url"] == "u"
    assert rec["text"] == "A headline for the test\n\nThe body text."
    assert rec["removed"][0]["reason"] == "boilerplate.reading_time"


def test_stdin_is_the_default(monkeypatch, capsys):
    data = json.dumps({"id": "x", "text": "Hello world, this is text."}).encode() + b"\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["clean"]) == 0
    assert _jsonl(capsys.readouterr().out)[0]["id"] == "x"


def test_html_record_is_extracted_first(tmp_path, capsys):
    topics = ["ferry timetable", "new crane", "fish market", "storm damage", "dredging plan", "pilot strike"]
    body = "".join(
        f"<p>The council discussed the {t} at length on Monday evening, residents said.</p>" for t in topics
    )
    html = f"<html><body><nav>Home | About</nav><article><h1>Harbour news</h1>{body}</article></body></html>"
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "h", "html": html}) + "\n")
    assert main(["clean", str(src)]) == 0
    [rec] = _jsonl(capsys.readouterr().out)
    assert "The council discussed the fish market at length" in rec["text"]
    assert "<p>" not in rec["text"]


def test_txt_output_dir(tmp_path, capsys):
    outdir = tmp_path / "clean"
    assert main(["clean", *SEED_FILES, "--format", "txt", "--output-dir", str(outdir)]) == 0
    names = sorted(p.name for p in outdir.iterdir())
    assert names == sorted(p.rsplit("/", 1)[1] for p in SEED_FILES)
    assert "2 min read" not in (outdir / "000_77bd88fc0e4ab6ab.txt").read_text()


def test_report_explains_decisions(tmp_path, capsys):
    rep = tmp_path / "report.txt"
    assert main(["clean", SEED_FILES[3], "--report", str(rep)]) == 0
    text = rep.read_text()
    assert "offtopic.teaser" in text and "duplicate.within" in text


def test_missing_input_names_it(tmp_path, capsys):
    missing = tmp_path / "nope.jsonl"
    assert main(["clean", str(missing)]) == 1
    err = capsys.readouterr().err
    assert str(missing) in err and len(err.strip().splitlines()) == 1


def test_malformed_record_names_file_and_line(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "ok", "text": "Fine text here."}\n{"id": broken\n')
    assert main(["clean", str(src)]) == 0
    captured = capsys.readouterr()
    assert f"{src}:2" in captured.err and "malformed_json" in captured.err
    assert [r["id"] for r in _jsonl(captured.out)] == ["ok"]


def test_strict_fails_on_bad_record(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "ok", "text": "Fine."}\nnot json\n')
    assert main(["clean", str(src), "--strict", "-o", str(tmp_path / "o.jsonl")]) == 1
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize(
    "argv",
    [["clean", "--format", "txt"], ["clean", "--stages", "nonsense"], ["clean", "--bogus"], ["frobnicate"]],
)
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_stages_option_limits_what_runs(capsys):
    assert main(["clean", "--stages", "boilerplate", SEED_FILES[2]]) == 0
    [rec] = _jsonl(capsys.readouterr().out)
    assert {s["reason"].split(".")[0] for s in rec["removed"]} == {"boilerplate"}


def test_help_documents_exit_codes_and_new_options(capsys):
    assert main(["clean", "--help"]) == 0
    out = capsys.readouterr().out
    for needle in (
        "exit codes:",
        "130",
        "143",
        "141",
        "--workers",
        "--doc-timeout",
        "--stats",
        "--max-record-bytes",
    ):
        assert needle in out


@pytest.mark.parametrize(
    "argv",
    [
        ["clean", "--doc-timeout", "-1"],
        ["clean", "--doc-timeout", "nan"],
        ["clean", "--max-record-bytes", "-5"],
        ["clean", "--workers", "0"],
    ],
)
def test_new_options_are_validated(argv, capsys):
    assert main(argv) == 2


def test_stats_file_matches_the_summary(tmp_path, capsys):
    stats = tmp_path / "stats.json"
    assert main(["clean", SEED_FILES[0], "-o", str(tmp_path / "o.jsonl"), "--stats", str(stats)]) == 0
    s = json.loads(stats.read_text())
    assert (s["status"], s["read"], s["written"], s["rejected"]) == ("done", 1, 1, 0)
    assert s["config"]["stages"] and s["seconds"] >= 0
    removed = ", ".join(f"{k} {v}" for k, v in s["removed_by_reason"].items())
    assert removed in capsys.readouterr().err
