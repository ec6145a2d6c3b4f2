"""Nothing lost, nothing crashes: bad input, interrupted runs, hostile data, pathological documents.

Each test names the requirement it pins (accounting, bad input, atomic output, hostile data, time
budget). The subprocess tests run the real console entry point (``python -m dedupe.cli``).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dedupe
from dedupe import pipeline
from dedupe.cli import main
from dedupe.model import Document
from dedupe.pipeline import Cleaner, TimeBudgetExceeded

GOOD = "A headline for the story\n2 min read\nThe council agreed the budget on Monday evening after a long debate."
WORDS = ["council", "budget", "river", "school", "minister", "report", "market", "election", "court", "water"]
DEEP_HTML = "<html><body>" + "<div>" * 50_000 + "Deep text" + "</div>" * 50_000 + "</body></html>"

#: (name, raw JSON line, expected: ("reject", code) | ("written", warning-or-error substring)).
BAD_LINES: list[tuple[str, bytes, tuple[str, str]]] = [
    ("malformed json", b'{"id": "broken", "text": ', ("reject", "malformed_json")),
    ("not an object", b"[1, 2, 3]", ("reject", "not_an_object")),
    ("missing text field", b'{"id": "n", "body": "x"}', ("reject", "missing_text_field")),
    ("text is a number", b'{"id": "n", "text": 42}', ("reject", "text_not_a_string")),
    ("text is null", b'{"id": "n", "text": null}', ("reject", "text_not_a_string")),
    ("id is a list", b'{"id": ["x"], "text": "t"}', ("reject", "bad_id")),
    ("NaN constant", b'{"id": "n", "text": NaN}', ("reject", "malformed_json")),
    ("nested 100k deep", b"[" * 100_000, ("reject", "malformed_json")),
    ("raw NUL inside a string", b'{"id": "n", "text": "a\x00b"}', ("reject", "malformed_json")),
    (
        "NUL escape",
        b'{"id": "n", "text": "before \\u0000 after, long enough."}',
        ("written", "nul_bytes_removed"),
    ),
    (
        "invalid UTF-8",
        b'{"id": "u", "text": "caf\xe9 au lait is served daily."}',
        ("written", "invalid_utf8_replaced"),
    ),
    (
        "lone surrogate escape",
        b'{"id": "s", "text": "lone \\ud800 surrogate"}',
        ("written", "lone_surrogates_replaced"),
    ),
    (
        "only whitespace",
        json.dumps({"id": "w", "text": " \n\t\n  \r\n"}).encode(),
        ("written", "empty_input"),
    ),
    (
        "HTML nested 50,000 deep",
        json.dumps({"id": "d", "html": DEEP_HTML}).encode(),
        ("written", "no_text_extracted"),
    ),
    ("empty HTML", json.dumps({"id": "e", "html": ""}).encode(), ("written", "no_text_extracted")),
    ("BOM-only text", json.dumps({"id": "b", "text": "\ufeff"}).encode(), ("written", "")),
]


def _run(argv: list[str]) -> int:
    return main(argv)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _articles(n: int, seed: int = 0, paragraphs: int = 8) -> list[dict]:
    r = random.Random(seed)
    words = WORDS
    shared = [" ".join(r.choice(words) for _ in range(25)).capitalize() + "." for _ in range(20)]
    docs = []
    for i in range(n):
        ps = [
            " ".join(r.choice(words) for _ in range(r.randint(12, 40))).capitalize() + "."
            for _ in range(paragraphs)
        ]
        ps.insert(r.randint(0, len(ps)), "2 min read")
        ps.insert(r.randint(0, len(ps)), r.choice(shared))
        docs.append({"id": f"doc-{i}", "text": "\n\n".join(ps)})
    return docs


def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


# -- 1. accounting ------------------------------------------------------------------------------


def test_every_record_is_written_or_rejected_and_stats_say_so(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": "ok", "text": GOOD}).encode()] + [line for _, line, _ in BAD_LINES]
    src.write_bytes(b"\n".join(lines) + b"\n\n   \n")  # trailing blank lines are not records
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    assert _run(["clean", str(src), "-o", str(out), "--stats", str(stats), "--workers", "1"]) == 0
    s = json.loads(stats.read_text())
    written = _jsonl(out)
    rejects = _jsonl(tmp_path / "out.rejects.jsonl")
    assert s["read"] == len(lines) == s["written"] + s["rejected"]
    assert s["written"] == len(written) and s["rejected"] == len(rejects)
    assert sum(s["rejected_by_reason"].values()) == s["rejected"]
    assert {"removed_by_reason", "errors_by_reason", "seconds", "config"} <= set(s)
    # Every physical line is accounted for exactly once: written records carry no line number, so
    # count rejects by line and written ones by position.
    assert sorted(r["line"] for r in rejects) == [
        i + 1 for i, (_, _, exp) in enumerate([("", b"", ("written", "")), *BAD_LINES]) if exp[0] == "reject"
    ]
    for r in rejects:
        assert r["source"] == str(src) and r["reason"] and isinstance(r["raw"], str)
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"read {s['read']}, written {s['written']}, rejected {s['rejected']}" in summary


@pytest.mark.parametrize(("name", "line", "expected"), BAD_LINES, ids=[b[0] for b in BAD_LINES])
def test_bad_input_gets_a_clear_outcome_and_the_run_goes_on(tmp_path, capsys, name, line, expected):
    src = tmp_path / "in.jsonl"
    src.write_bytes(line + b"\n" + json.dumps({"id": "after", "text": GOOD}).encode() + b"\n")
    out = tmp_path / "out.jsonl"
    assert _run(["clean", str(src), "-o", str(out), "--workers", "1"]) == 0
    written = _jsonl(out)
    assert written[-1]["id"] == "after"  # the run went on
    kind, what = expected
    if kind == "reject":
        [rej] = _jsonl(tmp_path / "out.rejects.jsonl")
        assert rej["line"] == 1 and rej["reason"].startswith(what + ":")
        assert what in capsys.readouterr().err
    else:
        assert len(written) == 2
        first = written[0]
        assert what in [*first.get("warnings", []), first.get("error", "")] or not what


def test_truncated_gzip_keeps_what_was_read_and_rejects_the_rest(tmp_path):
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in _articles(200)).encode())
    src = tmp_path / "cut.jsonl.gz"
    src.write_bytes(data[: len(data) * 2 // 3])
    out, stats = tmp_path / "out.jsonl", tmp_path / "s.json"
    assert _run(["clean", str(src), "-o", str(out), "--stats", str(stats), "--workers", "1"]) == 0
    s = json.loads(stats.read_text())
    assert s["rejected_by_reason"] == {"truncated_gzip": 1} and s["written"] > 0
    assert s["read"] == s["written"] + s["rejected"]


def test_invalid_utf8_can_be_rejected_instead(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": "u", "text": "caf\xe9"}\n{"id": "ok", "text": "cafe"}\n')
    out = tmp_path / "o.jsonl"
    assert _run(["clean", str(src), "-o", str(out), "--invalid-utf8", "reject"]) == 0
    assert [r["id"] for r in _jsonl(out)] == ["ok"]
    [rej] = _jsonl(tmp_path / "o.rejects.jsonl")
    assert rej["reason"].startswith("invalid_utf8")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_strict_stops_at_first_bad_record_with_exit_1_and_no_output(tmp_path, capsys, workers):
    src = tmp_path / "in.jsonl"
    _write_jsonl(src, _articles(5))
    with src.open("a") as f:
        f.write("not json\n")
        f.write(json.dumps({"id": "late", "text": GOOD}) + "\n")
    out = tmp_path / "o.jsonl"
    out.write_text("previous\n")
    assert _run(["clean", str(src), "--strict", "-o", str(out), "--workers", workers]) == 1
    assert out.read_text() == "previous\n"
    err = capsys.readouterr().err
    assert f"{src}:6" in err and "--strict" in err
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_record_over_max_record_bytes_is_rejected_not_loaded(tmp_path):
    src = tmp_path / "in.jsonl"
    _write_jsonl(src, [{"id": "big", "text": "word " * 5000}, {"id": "small", "text": GOOD}])
    out = tmp_path / "o.jsonl"
    assert _run(["clean", str(src), "-o", str(out), "--max-record-bytes", "10000"]) == 0
    assert [r["id"] for r in _jsonl(out)] == ["small"]
    [rej] = _jsonl(tmp_path / "o.rejects.jsonl")
    assert rej["reason"].startswith("record_too_large") and len(rej["raw"]) <= 2000


# -- 4. time budget: a pathological document cannot hold up the run ----------------------------


class _Stuck:
    """A stage that never returns (busy loop in Python, as a catastrophic regex would)."""

    name = "stuck"

    def run(self, ctx: object) -> None:
        while True:
            pass


class _SwallowsOnce:
    """A stage whose first timer exception is lost (as one raised inside a garbage-collector
    callback is), then stuck."""

    name = "swallows_once"

    def run(self, ctx: object) -> None:
        try:
            while True:
                pass
        except TimeBudgetExceeded:
            pass
        while True:
            pass


class _Boom:
    name = "boom"

    def run(self, ctx: object) -> None:
        raise RuntimeError("stage bug")


def test_time_budget_passes_a_stuck_document_through_unchanged():
    cleaner = Cleaner(time_budget=0.3)
    cleaner._local = [_Stuck()]  # type: ignore[list-item]
    text = "First paragraph of the document.\n\nSecond paragraph of the document."
    t0 = time.monotonic()
    res = cleaner.clean(text)
    assert time.monotonic() - t0 < 3
    assert res.text == "First paragraph of the document.\n\nSecond paragraph of the document."
    assert res.notes["error"].startswith("time_budget_exceeded")
    assert all(d.kept for d in res.decisions)


def test_time_budget_alarm_repeats_when_the_first_is_lost():
    cleaner = Cleaner(time_budget=0.3)
    cleaner._local = [_SwallowsOnce()]  # type: ignore[list-item]
    t0 = time.monotonic()
    res = cleaner.clean("First paragraph of the document.\n\nSecond paragraph of the document.")
    assert time.monotonic() - t0 < 3
    assert res.notes["error"].startswith("time_budget_exceeded")
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # disarmed afterwards


def test_time_budget_in_corpus_phase_keeps_local_result_and_skips_indexing():
    cleaner = Cleaner(time_budget=0.5)
    state = cleaner.new_corpus_state()
    text = "Alpha paragraph with enough words to be indexed by corpus mode, surely."
    real, cleaner._corpus = cleaner._corpus, [_Stuck()]  # type: ignore[list-item]
    res = cleaner.complete(cleaner.local(Document(id="a", text=text)), state)
    assert res.notes["error"].startswith("time_budget_exceeded: corpus phase")
    assert res.text == text
    # The overrun document was not indexed, so a later copy is not reported as its duplicate.
    cleaner._corpus = real
    again = cleaner.finish(cleaner.local(Document(id="b", text=text)), state)
    assert again.text == text
    third = cleaner.finish(cleaner.local(Document(id="c", text=text)), state)
    assert third.text == "" and third.removed[0]["duplicate_of"][0] == "b"


def test_a_failing_stage_passes_the_document_through_with_the_reason():
    cleaner = Cleaner()
    cleaner._local = [_Boom()]  # type: ignore[list-item]
    res = cleaner.clean("Some text here.\nMore text.")
    assert res.text == "Some text here.\n\nMore text."
    assert res.notes["error"] == "stage_error: RuntimeError: stage bug"


def test_html_extraction_recursion_error_is_a_result_with_a_reason(monkeypatch):
    def explode(html: str, cfg: object) -> str:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(pipeline, "extract_text", explode)
    res = dedupe.Cleaner().clean(Document(id="x", html="<div>" * 10))
    assert res.text == "" and res.notes["error"].startswith("html_extraction_failed: RecursionError")


def test_deeply_nested_html_yields_a_result():
    res = Cleaner(time_budget=30).clean(Document(id="deep", html=DEEP_HTML))
    assert res.text == "" or "Deep text" in res.text


def test_cli_doc_timeout_passes_a_large_document_through(tmp_path, capsys):
    # ~2 MB in one document with a 0.2 s budget: it cannot be cleaned in time, so it comes out
    # unchanged, with the reason, and is counted.
    paras = [f"Paragraph {i}" + " about the harbour council budget and the river" * 5 for i in range(6000)]
    text = "\n\n".join(paras)
    dedupe.clean(GOOD)  # warm up (lazy imports and data files) so the small document fits the budget
    src = tmp_path / "in.jsonl"
    _write_jsonl(src, [{"id": "huge", "text": text}, {"id": "small", "text": GOOD}])
    out, stats = tmp_path / "o.jsonl", tmp_path / "s.json"
    rc = _run(
        ["clean", str(src), "-o", str(out), "--doc-timeout", "0.2", "--stats", str(stats), "--workers", "1"]
    )
    assert rc == 0
    huge, small = _jsonl(out)
    assert huge["text"] == text and huge["removed"] == []
    assert huge["error"].startswith("time_budget_exceeded")
    assert "error" not in small
    assert json.loads(stats.read_text())["errors_by_reason"] == {"time_budget_exceeded": 1}
    assert "time_budget_exceeded 1" in capsys.readouterr().err


@pytest.mark.slow
def test_fifty_megabyte_document_comes_out(tmp_path, request):
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("slow: run with -m slow")
    r = random.Random(5)
    words = WORDS
    paras, n = [], 0
    while n < 50_000_000:
        p = " ".join(r.choice(words) for _ in range(r.randint(10, 60))).capitalize() + "."
        paras.append(p)
        n += len(p) + 2
    text = "\n\n".join(paras)
    src = tmp_path / "big.jsonl"
    _write_jsonl(src, [{"id": "big", "text": text}])
    out = tmp_path / "o.jsonl"
    t0 = time.monotonic()
    assert _run(["clean", str(src), "-o", str(out), "--doc-timeout", "5", "--workers", "2"]) == 0
    assert time.monotonic() - t0 < 300
    [rec] = _jsonl(out)
    # Over Config.max_chars (10 million): passed through by the work limit, whatever the clock says.
    assert rec["text"] == text and rec["error"].startswith("too_large: ")


# -- 4. hostile ids ----------------------------------------------------------------------------

HOSTILE_IDS = [
    "../../etc/passwd",
    "/etc/passwd",
    "C:\\Windows\\system32",
    "CON",
    "nul.txt",
    "COM1",
    "..",
    ".",
    "",
    "a/../../b",
    "x" * 1000,
    "name\x00with nul",
    "\u202etxt.exe",
    "Same",
    "same",
]


def test_hostile_ids_never_escape_the_output_dir(tmp_path):
    src = tmp_path / "in.jsonl"
    _write_jsonl(
        src, [{"id": i, "text": f"Document number {n} with some text."} for n, i in enumerate(HOSTILE_IDS)]
    )
    outdir = tmp_path / "deep" / "clean"
    assert _run(["clean", str(src), "--format", "txt", "--output-dir", str(outdir)]) == 0
    files = list(outdir.iterdir())
    assert len(files) == len(HOSTILE_IDS)
    for p in files:
        assert p.resolve().parent == outdir.resolve() and p.is_file()
        assert not p.name.startswith(".")
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["clean"]
    assert not (tmp_path / "etc").exists()
    # The JSON-lines output keeps the original ids verbatim.
    out = tmp_path / "o.jsonl"
    assert _run(["clean", str(src), "-o", str(out)]) == 0
    ids = [r["id"] for r in _jsonl(out)]
    assert ids[:2] == ["../../etc/passwd", "/etc/passwd"] and "CON" in ids


# -- 3. atomic output: SIGKILL, SIGINT, SIGTERM ---------------------------------------------------


def _default_sigint() -> None:
    # A test runner started in the background (nohup, `cmd &` in a script) has SIGINT ignored,
    # and a child inherits that: Python then keeps it ignored, as a background job should. The
    # CLI under test gets the default disposition, as from an interactive shell.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cli(*args: str, **kw: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "dedupe.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=_default_sigint,
        **kw,  # type: ignore[call-overload]
    )


def _wait_for_temp(
    folder: Path, proc: subprocess.Popen[bytes], min_size: int = 1, timeout: float = 120
) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        temps = [p for p in folder.iterdir() if p.name.startswith(".out.jsonl.tmp-")]
        if temps and temps[0].stat().st_size >= min_size:
            return temps[0]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the run never started writing")


@pytest.fixture
def big_input(tmp_path: Path) -> Path:
    src = tmp_path / "in.jsonl"
    _write_jsonl(src, _articles(3000, paragraphs=6))
    return src


def test_sigkill_leaves_previous_output_intact_and_next_run_cleans_up(tmp_path, big_input):
    out = tmp_path / "out.jsonl"
    out.write_text('{"previous": true}\n')
    proc = _cli("clean", str(big_input), "-o", str(out), "--workers", "1")
    temp = _wait_for_temp(tmp_path, proc)
    proc.kill()
    proc.wait()
    assert out.read_text() == '{"previous": true}\n'  # never a partial file under the final name
    assert temp.exists()  # the hidden temp of the killed run...
    small = tmp_path / "small.jsonl"
    _write_jsonl(small, _articles(2))
    assert _run(["clean", str(small), "-o", str(out), "--workers", "1"]) == 0
    assert not temp.exists()  # ...is removed by the next run
    assert [r["id"] for r in _jsonl(out)] == ["doc-0", "doc-1"]
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


@pytest.mark.parametrize(
    ("sig", "code", "word"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")]
)
@pytest.mark.parametrize("workers", ["1", "2"])
def test_signal_stops_cleanly_with_summary_and_no_partial_output(
    tmp_path, big_input, sig, code, word, workers
):
    out = tmp_path / "out.jsonl"
    out.write_text('{"previous": true}\n')
    stats = tmp_path / "stats.json"
    proc = _cli(
        "clean",
        str(big_input),
        "-o",
        str(out),
        "--workers",
        workers,
        "--stats",
        str(stats),
        "--report",
        str(tmp_path / "r.txt"),
    )
    _wait_for_temp(tmp_path, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    last = err.decode().strip().splitlines()[-1]
    assert last.startswith(f"dedupe: {word}: read ") and "outputs not committed" in last
    assert "Traceback" not in err.decode()
    assert out.read_text() == '{"previous": true}\n'
    assert not (tmp_path / "r.txt").exists()
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
    s = json.loads(stats.read_text())
    assert s["status"] == word and s["read"] == s["written"] + s["rejected"] + s["unfinished"]
