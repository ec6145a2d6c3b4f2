"""Fuzzing the CLI with arbitrary bytes and arbitrary JSON lines, and the library with arbitrary text
and HTML fragments.

Properties: no unhandled exception; every record is written or rejected (``read == written +
rejected``); the output is valid JSON lines; kept text is made of input blocks, verbatim, in
input order. The default run uses a modest number of examples; ``-m slow`` runs many more.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe import Config
from dedupe.cli import main
from dedupe.model import Document
from dedupe.pipeline import Cleaner
from dedupe.segment import segment
from dedupe.strategies import BOILERPLATE_LINES, line_texts, noisy_articles

_QUIET = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.function_scoped_fixture,
]
FAST = settings(max_examples=25, deadline=None, suppress_health_check=_QUIET)
SLOW = settings(max_examples=600, deadline=None, suppress_health_check=_QUIET)

_SURROGATE = re.compile("[\ud800-\udfff]")


@pytest.fixture(autouse=True)
def _slow_only_when_selected(request: pytest.FixtureRequest) -> None:
    # The long runs are marked slow; run them with ``-m slow``.
    if request.node.get_closest_marker("slow") and "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("slow: run with -m slow")


# -- strategies ---------------------------------------------------------------------------------

_json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
_json = st.recursive(
    _json_scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_texts = st.one_of(noisy_articles(max_paragraphs=6), line_texts(), st.text(max_size=300))
_record = st.one_of(
    st.fixed_dictionaries({"id": st.one_of(st.text(max_size=20), st.integers()), "text": _texts}),
    st.fixed_dictionaries({"text": _texts}, optional={"id": _json, "url": _json}),
    st.fixed_dictionaries({"id": st.text(max_size=10), "html": st.text(max_size=200)}),
    st.dictionaries(st.sampled_from(["id", "text", "html", "x"]), _json, max_size=4),
    _json,
)
# A JSON-lines "file": records serialised, plus raw junk lines (bytes that may not even be UTF-8).
_line = st.one_of(
    _record.map(lambda r: json.dumps(r).encode()),
    _record.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    st.binary(max_size=80).filter(lambda b: b"\n" not in b),
)
_html_tags = st.sampled_from(
    ["p", "div", "span", "b", "article", "script", "style", "table", "td", "tr", "li", "h1"]
)
_html_piece = st.one_of(
    _html_tags.map(lambda t: f"<{t}>"),
    _html_tags.map(lambda t: f"</{t}>"),
    st.sampled_from(
        ["<br>", "<!--", "-->", "<![CDATA[", "&amp;", "&#0;", "&#xD800;", "<?xml?>", "<p class='a"]
    ),
    st.sampled_from(BOILERPLATE_LINES),
    st.text(max_size=40),
)
_html = st.lists(_html_piece, max_size=40).map("".join)


# -- helpers -------------------------------------------------------------------------------------


def _blank(line: bytes) -> bool:
    return not line.strip(b" \t\r\n")


def _run_cli(data: bytes, *extra: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    with tempfile.TemporaryDirectory() as d:
        src, out, stats = Path(d) / "in.jsonl", Path(d) / "out.jsonl", Path(d) / "stats.json"
        src.write_bytes(data)
        rc = main(["clean", str(src), "-o", str(out), "--stats", str(stats), "--workers", "1", "-q", *extra])
        s = json.loads(stats.read_text())
        # A run in which every record was rejected fails (exit 1) and writes only the rejects.
        every_rejected = s["read"] > 0 and s["rejected"] == s["read"]
        assert rc == (1 if every_rejected else 0)
        assert out.exists() != every_rejected
        # Valid JSON lines, nothing else.
        raw = out.read_bytes() if out.exists() else b""
        assert raw == b"" or raw.endswith(b"\n")
        written = [json.loads(line) for line in raw.decode("utf-8").split("\n")[:-1]]
        rej_path = Path(d) / "out.rejects.jsonl"
        rejects = [json.loads(x) for x in rej_path.read_text().split("\n")[:-1]] if rej_path.exists() else []
    assert s["read"] == s["written"] + s["rejected"]
    assert s["written"] == len(written) and s["rejected"] == len(rejects)
    return s, written, rejects


def _is_kept_subsequence(kept_text: str, source: str) -> bool:
    blocks = [b.text for b in segment(source)]
    kept = [b.text for b in segment(kept_text)]
    it = iter(blocks)
    return all(any(k == b for b in it) for k in kept)


# -- the CLI on arbitrary bytes ----------------------------------------------------------------------


def _check_bytes(data: bytes) -> None:
    s, written, rejects = _run_cli(data)
    physical = data.split(b"\n")
    if physical and physical[-1] == b"":
        physical.pop()
    records = [i + 1 for i, line in enumerate(physical) if not _blank(line)]
    # Every non-blank line is one record, written or rejected; blank lines are not records.
    assert s["read"] == len(records)
    assert {r["line"] for r in rejects} <= set(records)
    for r in written:
        assert isinstance(r["id"], str) and isinstance(r["text"], str) and isinstance(r["removed"], list)


@FAST
@given(st.binary(max_size=2000))
def test_cli_arbitrary_bytes(data):
    _check_bytes(data)


@FAST
@given(st.lists(_line, max_size=12).map(lambda ls: b"\n".join(ls) + b"\n"))
def test_cli_arbitrary_lines(data):
    _check_bytes(data)


@pytest.mark.slow
@SLOW
@given(st.one_of(st.binary(max_size=5000), st.lists(_line, max_size=30).map(lambda ls: b"\n".join(ls))))
def test_cli_arbitrary_bytes_many(data):
    _check_bytes(data)


# -- the CLI on arbitrary JSON lines: kept text comes from the input --------------------------------


def _repaired(text: str) -> str:
    """What reading does to a string field: NULs removed, lone surrogates replaced."""
    return _SURROGATE.sub("\ufffd", text.replace("\x00", ""))


def _check_records(records: list[Any]) -> None:
    data = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    s, written, _ = _run_cli(data, "--corpus")
    assert s["read"] == len(records)
    # Written records come out in input order, each from one input record: its kept text is made
    # of that record's blocks, in order (for HTML records, of the extracted text: not checked).
    inputs = iter(r for r in records if isinstance(r, dict))
    for w in written:
        for r in inputs:
            text = r.get("text")
            if isinstance(text, str):
                if _is_kept_subsequence(w["text"], _repaired(text)):
                    break
            elif "text" not in r and isinstance(r.get("html"), str):
                break
        else:
            raise AssertionError(f"written record not matched to an input in order: {w!r}")


@FAST
@given(st.lists(_record, max_size=10))
def test_cli_arbitrary_json_records(records):
    _check_records(records)


@pytest.mark.slow
@SLOW
@given(st.lists(_record, max_size=25))
def test_cli_arbitrary_json_records_many(records):
    _check_records(records)


# -- the library on arbitrary text and HTML -----------------------------------------------------------

_CLEANER = Cleaner(Config(), time_budget=30)


def _check_text(text: str) -> None:
    res = _CLEANER.clean(text)
    assert _is_kept_subsequence(res.text, text)
    assert len(res.decisions) == len(res.blocks)
    json.dumps(res.to_record())


def _check_html(html: str) -> None:
    res = _CLEANER.clean(Document(id="h", html=html))
    # The clean text is made of blocks of what extraction gave, which never invents text either.
    assert _is_kept_subsequence(res.text, res.source)
    json.dumps(res.to_record())


@FAST
@given(_texts)
def test_library_arbitrary_text(text):
    _check_text(text)


@FAST
@given(_html)
def test_library_arbitrary_html(html):
    _check_html(html)


@pytest.mark.slow
@SLOW
@given(_texts)
def test_library_arbitrary_text_many(text):
    _check_text(text)


@pytest.mark.slow
@SLOW
@given(_html)
def test_library_arbitrary_html_many(html):
    _check_html(html)
