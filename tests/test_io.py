"""Tests for dedupe.io: every input rule, every reject reason, safe names and atomic writes."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dedupe.errors import ConfigError, DedupeError, InputFileError
from dedupe.io import (
    REJECT_REASONS,
    AtomicWriter,
    Record,
    Reject,
    RejectSink,
    check_inputs,
    iter_inputs,
    safe_filename,
)

SRC = str(Path(__file__).resolve().parents[1] / "src")


# ----------------------------------------------------------------------------- helpers


def run_stdin(data: bytes, **kwargs: object) -> list[Record | Reject]:
    return list(iter_inputs(["-"], stdin=io.BytesIO(data), **kwargs))  # type: ignore[arg-type]


def one(data: bytes, **kwargs: object) -> Record | Reject:
    out = run_stdin(data, **kwargs)
    assert len(out) == 1, out
    return out[0]


def reject_code(item: Record | Reject) -> str:
    assert isinstance(item, Reject), item
    assert item.code in REJECT_REASONS
    assert item.reason.startswith(item.code + ": ")
    return item.code


def jl(*objs: object) -> bytes:
    return b"".join(json.dumps(o).encode() + b"\n" for o in objs)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------------------- JSONL parsing


def test_valid_record_text_id_and_meta() -> None:
    r = one(jl({"id": "a1", "text": "hello", "url": "http://x", "tags": [1, 2]}))
    assert isinstance(r, Record)
    assert (r.source, r.line, r.warnings) == ("<stdin>", 1, ())
    assert r.doc.id == "a1"
    assert r.doc.text == "hello"
    assert r.doc.html is None
    assert dict(r.doc.meta) == {"url": "http://x", "tags": [1, 2]}


def test_html_used_when_text_absent() -> None:
    r = one(jl({"id": "h", "html": "<p>x</p>"}))
    assert isinstance(r, Record)
    assert r.doc.text is None
    assert r.doc.html == "<p>x</p>"


def test_text_preferred_over_html() -> None:
    r = one(jl({"id": "b", "text": "plain", "html": "<p>x</p>"}))
    assert isinstance(r, Record)
    assert r.doc.text == "plain"
    assert "html" not in r.doc.meta


def test_custom_field_names() -> None:
    r = one(jl({"key": "k", "body": "t", "id": "kept-in-meta"}), id_field="key", text_field="body")
    assert isinstance(r, Record)
    assert r.doc.id == "k"
    assert r.doc.text == "t"
    assert r.doc.meta == {"id": "kept-in-meta"}


def test_malformed_json() -> None:
    r = one(b'{"id": "a" "text": "x"}\n')
    assert reject_code(r) == "malformed_json"
    assert isinstance(r, Reject)
    assert "col" in r.reason
    assert r.raw == '{"id": "a" "text": "x"}'
    assert r.line == 1


@pytest.mark.parametrize("line", [b"NaN", b'{"text": "x", "v": Infinity}', b"[" * 100_000])
def test_malformed_json_edge_cases(line: bytes) -> None:
    assert reject_code(one(line)) == "malformed_json"


@pytest.mark.parametrize("line", [b"[1, 2]", b'"text"', b"3", b"null", b"true"])
def test_not_an_object(line: bytes) -> None:
    assert reject_code(one(line)) == "not_an_object"


def test_missing_text_field_names_the_fields() -> None:
    r = one(jl({"id": "a", "body": "x"}), text_field="content", html_field="markup")
    assert reject_code(r) == "missing_text_field"
    assert isinstance(r, Reject)
    assert "'content'" in r.reason
    assert "'markup'" in r.reason


@pytest.mark.parametrize("value", [3, None, ["a"], {"a": 1}, True])
def test_text_not_a_string(value: object) -> None:
    assert reject_code(one(jl({"id": "a", "text": value}))) == "text_not_a_string"
    assert reject_code(one(jl({"id": "a", "html": value}))) == "text_not_a_string"


def test_empty_text_is_still_a_record() -> None:
    r = one(jl({"id": "a", "text": ""}))
    assert isinstance(r, Record)
    assert r.doc.text == ""


@pytest.mark.parametrize(("value", "expected"), [("x/../y", "x/../y"), (42, "42"), (-7, "-7"), ("  ", "  ")])
def test_id_string_or_int_kept_verbatim(value: object, expected: str) -> None:
    r = one(jl({"id": value, "text": "t"}))
    assert isinstance(r, Record)
    assert r.doc.id == expected


@pytest.mark.parametrize("obj", [{"text": "t"}, {"id": "", "text": "t"}, {"id": None, "text": "t"}])
def test_missing_or_empty_id_falls_back_to_source_and_line(obj: dict[str, object], tmp_path: Path) -> None:
    p = write(tmp_path / "sub" / "batch.jsonl", b"\n" + jl(obj))
    (r,) = list(iter_inputs([str(p)]))
    assert isinstance(r, Record)
    assert r.doc.id == "batch.jsonl:2"
    assert one(jl(obj)).doc.id == "<stdin>:1"  # type: ignore[union-attr]


@pytest.mark.parametrize("value", [1.5, True, False, ["a"], {"a": 1}])
def test_bad_id(value: object) -> None:
    assert reject_code(one(jl({"id": value, "text": "t"}))) == "bad_id"


def test_blank_lines_skipped_and_line_numbers_count_every_physical_line() -> None:
    data = b'\n   \n{"id":"a","text":"x"}\r\n\t\r\n{oops\n\n{"id":"b","text":"y"}'
    out = run_stdin(data)
    assert [(type(x).__name__, x.line) for x in out] == [("Record", 3), ("Reject", 5), ("Record", 7)]


def test_bom_dropped_at_start_of_file(tmp_path: Path) -> None:
    p = write(tmp_path / "bom.jsonl", b"\xef\xbb\xbf" + jl({"id": "a", "text": "x"}))
    (r,) = list(iter_inputs([str(p)]))
    assert isinstance(r, Record)
    assert r.warnings == ()
    assert r.doc.id == "a"
    # A BOM on the first line only, alone, is a blank line.
    assert run_stdin(b"\xef\xbb\xbf\n") == []


def test_invalid_utf8_replaced_with_warning() -> None:
    r = one(b'{"id": "a", "text": "caf\xe9 ok"}\n')
    assert isinstance(r, Record)
    assert r.doc.text == "caf\ufffd ok"
    assert r.warnings == ("invalid_utf8_replaced",)


def test_invalid_utf8_rejected_when_asked() -> None:
    r = one(b'{"id": "a", "text": "caf\xe9"}\n', invalid_utf8="reject")
    assert reject_code(r) == "invalid_utf8"
    assert isinstance(r, Reject)
    assert r.raw == '{"id": "a", "text": "caf\ufffd"}'


def test_bad_line_does_not_spoil_the_rest() -> None:
    out = run_stdin(b'{"text": "\xff\xfe"}\n{"text": "fine"}\n', invalid_utf8="reject")
    assert [type(x) for x in out] == [Reject, Record]
    assert out[1].warnings == ()  # type: ignore[union-attr]


def test_lone_surrogate_escape_follows_utf8_policy() -> None:
    r = one(b'{"text": "a\\ud800b"}')
    assert isinstance(r, Record)
    assert r.doc.text == "a\ufffdb"
    assert "lone_surrogates_replaced" in r.warnings
    assert reject_code(one(b'{"text": "a\\ud800b"}', invalid_utf8="reject")) == "invalid_utf8"
    # A proper surrogate pair is just an astral character.
    r2 = one(b'{"text": "\\ud83d\\ude00"}')
    assert isinstance(r2, Record)
    assert r2.doc.text == "😀"
    assert r2.warnings == ()


def test_nul_bytes_removed_with_warning() -> None:
    r = one(b'{"id": "a", "text": "a\\u0000b\\u0000"}')
    assert isinstance(r, Record)
    assert r.doc.text == "ab"
    assert r.warnings == ("nul_bytes_removed",)


def test_record_too_large_not_parsed_and_raw_capped() -> None:
    big = b'{"id": "big", "text": "' + b"x" * 50_000 + b'"}'
    out = run_stdin(big + b"\n" + jl({"id": "small", "text": "y"}), max_record_bytes=1000)
    assert reject_code(out[0]) == "record_too_large"
    assert isinstance(out[0], Reject)
    assert out[0].line == 1
    assert len(out[0].raw) == 2000
    assert out[0].raw.startswith('{"id": "big"')
    assert str(len(big)) in out[0].reason
    assert isinstance(out[1], Record)
    assert out[1].line == 2
    # The limit is inclusive: a line of exactly max bytes is fine (line ending not counted).
    line = jl({"text": "abc"}).rstrip(b"\n")
    assert isinstance(one(line + b"\r\n", max_record_bytes=len(line)), Record)
    assert reject_code(one(line, max_record_bytes=len(line) - 1)) == "record_too_large"


def test_long_blank_lines_and_bom_are_not_too_large() -> None:
    out = run_stdin(b" \t" * 100_000 + b"\n" + jl({"id": "a", "text": "x"}), max_record_bytes=40)
    assert [(type(x), x.line) for x in out] == [(Record, 2)]
    out = run_stdin(b"\xef\xbb\xbf" + jl({"text": "1234"}), max_record_bytes=len(jl({"text": "1234"})) - 1)
    assert [(type(x), x.line) for x in out] == [(Record, 1)]
    assert run_stdin(b"\xef\xbb\xbf", max_record_bytes=1) == []


def test_raw_of_long_malformed_line_is_first_2000_chars() -> None:
    r = one(b"{" + "é".encode() * 5000)
    assert reject_code(r) == "malformed_json"
    assert isinstance(r, Reject)
    assert r.raw == "{" + "é" * 1999


def test_config_errors() -> None:
    with pytest.raises(ConfigError):
        iter_inputs(["-"], invalid_utf8="ignore")
    with pytest.raises(ConfigError):
        iter_inputs(["-"], max_record_bytes=0)


class _FailingStream(io.BytesIO):
    def __init__(self, data: bytes, fail_after: int) -> None:
        super().__init__(data)
        self.lines = 0
        self.fail_after = fail_after

    def readline(self, size: int | None = -1, /) -> bytes:
        if self.lines >= self.fail_after:
            raise OSError(5, "Input/output error")
        out = super().readline(size)
        self.lines += out.endswith(b"\n")
        return out


def test_read_error_midway_becomes_reject_and_next_input_continues(tmp_path: Path) -> None:
    stream = _FailingStream(jl({"text": "a"}, {"text": "b"}, {"text": "c"}), fail_after=2)
    p = write(tmp_path / "next.jsonl", jl({"id": "n", "text": "z"}))
    out = list(iter_inputs(["-", str(p)], stdin=stream))  # type: ignore[arg-type]
    assert [type(x) for x in out] == [Record, Record, Reject, Record]
    assert reject_code(out[2]) == "read_error"
    assert out[2].line == 3
    assert out[3].doc.id == "n"  # type: ignore[union-attr]


def test_file_vanished_after_check_is_read_error(tmp_path: Path) -> None:
    (r,) = list(iter_inputs([str(tmp_path / "gone.jsonl")]))
    assert reject_code(r) == "read_error"


# ----------------------------------------------------------------------------- files, folders, stdin


def test_txt_file_is_one_document_named_after_the_file(tmp_path: Path) -> None:
    p = write(tmp_path / "000_ab.txt", "\ufeffLine one\nLine two\n".encode())
    (r,) = list(iter_inputs([str(p)]))
    assert isinstance(r, Record)
    assert (r.source, r.line, r.doc.id) == (str(p), 0, "000_ab.txt")
    assert r.doc.text == "Line one\nLine two\n"


def test_txt_whitespace_only_is_still_a_record(tmp_path: Path) -> None:
    p = write(tmp_path / "empty.txt", b" \n\t\n")
    (r,) = list(iter_inputs([str(p)]))
    assert isinstance(r, Record)
    assert r.doc.text == " \n\t\n"
    (r0,) = list(iter_inputs([str(write(tmp_path / "zero.txt", b""))]))
    assert isinstance(r0, Record)


def test_txt_utf8_policy_nul_and_size(tmp_path: Path) -> None:
    p = write(tmp_path / "bad.txt", b"caf\xe9\x00!")
    (r,) = list(iter_inputs([str(p)]))
    assert isinstance(r, Record)
    assert r.doc.text == "caf\ufffd!"
    assert set(r.warnings) == {"invalid_utf8_replaced", "nul_bytes_removed"}
    (rj,) = list(iter_inputs([str(p)], invalid_utf8="reject"))
    assert reject_code(rj) == "invalid_utf8"
    assert rj.line == 0
    (big,) = list(iter_inputs([str(write(tmp_path / "big.txt", b"x" * 100))], max_record_bytes=10))
    assert reject_code(big) == "record_too_large"


def test_folder_recursive_sorted_and_other_files_ignored(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write(root / "b.txt", b"B")
    write(root / "a.jsonl", jl({"id": "a1", "text": "x"}, {"id": "a2", "text": "y"}))
    write(root / "sub" / "c.ndjson", jl({"id": "c", "text": "z"}))
    write(root / "a" / "z.txt", b"Z")
    write(root / "README.md", b"not input")
    write(root / "data.csv", b"a,b")
    with gzip.open(root / "d.jsonl.gz", "wb") as g:
        g.write(jl({"id": "d", "text": "gz"}))
    ids = [r.doc.id for r in iter_inputs([str(root)]) if isinstance(r, Record)]
    # Sorted by path components: "a/" before "a.jsonl" ... deterministic either way.
    # A .txt file found in a subfolder is named by its path relative to the folder given.
    assert ids == ["a/z.txt", "a1", "a2", "b.txt", "d", "c"]


def test_inputs_processed_in_given_order_and_stdin(tmp_path: Path) -> None:
    p1 = write(tmp_path / "2.jsonl", jl({"id": "file2", "text": "x"}))
    p2 = write(tmp_path / "1.txt", b"one")
    stdin = io.BytesIO(jl({"id": "from-stdin", "text": "s"}) + b"\xff\n")
    out = list(iter_inputs([str(p1), "-", str(p2)], stdin=stdin))  # type: ignore[arg-type]
    assert [x.source for x in out] == [str(p1), "<stdin>", "<stdin>", str(p2)]
    assert [x.doc.id for x in out if isinstance(x, Record)] == ["file2", "from-stdin", "1.txt"]
    assert reject_code(out[2]) == "malformed_json"  # bad bytes seen: replaced, then not JSON


def test_unknown_suffix_given_explicitly_is_read_as_jsonl(tmp_path: Path) -> None:
    p = write(tmp_path / "dump.data", jl({"id": "x", "text": "t"}))
    assert [r.doc.id for r in iter_inputs([str(p)])] == ["x"]  # type: ignore[union-attr]


def test_gzip_round_trip(tmp_path: Path) -> None:
    objs = [{"id": f"d{i}", "text": f"text {i}", "n": i} for i in range(50)]
    p = tmp_path / "in.jsonl.gz"
    with AtomicWriter(str(p)) as w:
        for o in objs:
            w.write(json.dumps(o) + "\n")
    with gzip.open(p, "rt", encoding="utf-8") as g:
        assert [json.loads(x) for x in g] == objs
    out = list(iter_inputs([str(p)]))
    assert all(isinstance(r, Record) for r in out)
    assert [(r.doc.id, r.doc.text, dict(r.doc.meta), r.line) for r in out] == [  # type: ignore[union-attr]
        (o["id"], o["text"], {"n": o["n"]}, i + 1) for i, o in enumerate(objs)
    ]


def test_truncated_gzip_yields_records_before_damage_then_reject(tmp_path: Path) -> None:
    objs = [{"id": f"d{i}", "text": os.urandom(40).hex()} for i in range(400)]
    full = gzip.compress(jl(*objs))
    p = write(tmp_path / "cut.jsonl.gz", full[: len(full) // 2])
    nxt = write(tmp_path / "next.txt", b"after")
    out = list(iter_inputs([str(p), str(nxt)]))
    *records, rej, after = out
    assert 0 < len(records) < len(objs)
    assert all(isinstance(r, Record) for r in records)
    assert [r.doc.id for r in records] == [o["id"] for o in objs[: len(records)]]  # type: ignore[union-attr]
    assert reject_code(rej) == "truncated_gzip"
    assert rej.line == len(records) + 1
    assert isinstance(after, Record)
    assert after.doc.id == "next.txt"


def test_corrupt_gzip_is_truncated_gzip(tmp_path: Path) -> None:
    # The gzip magic bytes, then garbage: a damaged archive, whatever its name.
    p = write(tmp_path / "x.jsonl", b"\x1f\x8b\x08\x00this is not deflate data at all\n")
    (r,) = list(iter_inputs([str(p)]))
    assert reject_code(r) == "truncated_gzip"
    assert r.line == 1


def test_gz_name_with_plain_content_is_read_by_content(tmp_path: Path) -> None:
    # Formats are told by content: a ".jsonl.gz" that holds plain JSON lines is read as such.
    p = write(tmp_path / "x.jsonl.gz", jl({"id": "a", "text": "plain"}))
    (r,) = list(iter_inputs([str(p)]))
    assert isinstance(r, Record) and r.doc.text == "plain"


def test_check_inputs(tmp_path: Path) -> None:
    f = write(tmp_path / "ok.jsonl", b"")
    check_inputs(["-", str(f), str(tmp_path)])
    with pytest.raises(InputFileError) as exc:
        check_inputs([str(f), str(tmp_path / "missing.jsonl")])
    assert exc.value.path == str(tmp_path / "missing.jsonl")
    assert isinstance(exc.value, DedupeError)


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root can read anything")
def test_check_inputs_unreadable(tmp_path: Path) -> None:  # pragma: no cover - not run as root
    f = write(tmp_path / "secret.jsonl", b"")
    f.chmod(0)
    with pytest.raises(InputFileError) as exc:
        check_inputs([str(f)])
    assert exc.value.path == str(f)


# ----------------------------------------------------------------------------- property: nothing dropped

_json_like = st.one_of(
    st.binary(max_size=60),
    st.builds(
        lambda d: json.dumps(d).encode(),
        st.dictionaries(
            st.sampled_from(["id", "text", "html", "x"]),
            st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
            max_size=4,
        ),
    ),
    st.sampled_from([b"", b" ", b"\r", b"\t", b"\xef\xbb\xbf", b"{}", b"[]", b"\x00", b"\x0c"]),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    lines=st.lists(_json_like.map(lambda b: b.replace(b"\n", b"")), max_size=20),
    policy=st.booleans(),
    limit=st.sampled_from([None, 3, 50]),
)
def test_property_every_nonblank_line_is_one_record_or_reject(
    tmp_path: Path, lines: list[bytes], policy: bool, limit: int | None
) -> None:
    data = b"\n".join(lines)
    # A file that starts with gzip, zstd or Parquet magic bytes is that container, whatever its
    # name (tests/test_formats.py); this property is about JSON lines.
    assume(not data.startswith((b"\x1f\x8b", b"\x28\xb5\x2f\xfd", b"PAR1")))
    p = tmp_path / "prop.jsonl"
    p.write_bytes(data)
    expected: list[int] = []
    for i, line in enumerate(lines, start=1):
        if i == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if line.strip(b" \t\r\n"):
            expected.append(i)
    out = list(iter_inputs([str(p)], invalid_utf8="reject" if policy else "replace", max_record_bytes=limit))
    assert [r.line for r in out] == expected
    for r in out:
        assert isinstance(r, (Record, Reject))
        if isinstance(r, Reject):
            assert r.code in REJECT_REASONS
            json.dumps(r.to_dict(), ensure_ascii=False).encode("utf-8")


# ----------------------------------------------------------------------------- safe_filename

HOSTILE = [
    "../../etc/passwd",
    "/etc/passwd",
    "C:\\x",
    "CON",
    "con.txt",
    "nul.txt",
    "Lpt9",
    "COM1.tar.gz",
    "..",
    ".",
    "",
    "...",
    " . ",
    ".hidden",
    "trailing. ",
    "x" * 10_000,
    "é" * 10_000,
    "😀" * 1000,
    "a\x00b",
    "a\nb\tc",
    "a\u202eb",
    'q?u*o"t<e>|:',
    "\ud800",
]


def _assert_safe(name: str, folder: Path) -> None:
    assert name not in ("", ".", "..")
    assert "/" not in name
    assert "\\" not in name
    assert os.sep not in name
    assert not any(c in name for c in ':*?"<>|')
    assert all(ord(c) >= 32 and c != "\x7f" for c in name)
    assert not name.startswith((".", " "))
    assert not name.endswith((".", " "))
    assert len(name.encode("utf-8")) <= 255
    stem = name.split(".", 1)[0].upper()
    assert stem not in {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)}
    assert stem not in {f"LPT{i}" for i in range(1, 10)}
    joined = (folder / name).resolve()
    assert joined.parent == folder.resolve()


@pytest.mark.parametrize("doc_id", HOSTILE)
def test_safe_filename_hostile_ids(doc_id: str, tmp_path: Path) -> None:
    name = safe_filename(doc_id)
    _assert_safe(name, tmp_path)
    assert name.endswith(".txt")
    (tmp_path / name).write_text("ok")  # the file system accepts it
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_safe_filename_specific_shapes() -> None:
    assert safe_filename("plain-id_1") == "plain-id_1.txt"
    assert safe_filename("Ünïcødé 文字") == "Ünïcødé 文字.txt"
    assert safe_filename("CON").startswith("_CON")
    assert safe_filename("nul.txt").startswith("_nul.txt")
    assert safe_filename("").startswith("doc-")
    assert safe_filename("..").startswith("doc-")
    assert safe_filename("x", suffix=".json") == "x.json"
    assert safe_filename("x", suffix="") == "x"
    long = safe_filename("x" * 10_000)
    assert len(long) < 200
    assert long != safe_filename("x" * 10_001)


def test_safe_filename_changed_names_never_collide() -> None:
    ids = ["a/b", "a\\b", "a:b", "a?b", "a_b", "../a_b", "a_b.", "doc", "", ".", ".."]
    names = [safe_filename(i) for i in ids]
    assert len({n.casefold() for n in names}) == len(ids)
    assert safe_filename("a_b") == "a_b.txt"  # unchanged ids keep their name


def test_safe_filename_deterministic() -> None:
    for doc_id in HOSTILE:
        assert safe_filename(doc_id) == safe_filename(doc_id)


def test_safe_filename_used_is_case_insensitive() -> None:
    used: set[str] = set()
    names = [safe_filename(i, used=used) for i in ["Report", "report", "REPORT", "other", "Report"]]
    assert names == ["Report.txt", "report-2.txt", "REPORT-3.txt", "other.txt", "Report-4.txt"]
    assert len({n.casefold() for n in names}) == len(names)
    # macOS also treats NFC and NFD spellings as the same name.
    assert safe_filename("cafe\u0301", used=used) == "cafe\u0301.txt"
    assert safe_filename("caf\u00e9", used=used) == "caf\u00e9-2.txt"


def test_atomic_writer_gzip_header_names_final_file(tmp_path: Path) -> None:
    with AtomicWriter(str(tmp_path / "o.jsonl.gz")) as w:
        w.write("x\n")
    data = (tmp_path / "o.jsonl.gz").read_bytes()
    assert b"o.jsonl\x00" in data[:40]
    assert b".tmp-" not in data


def test_safe_filename_rejects_unsafe_suffix() -> None:
    for bad in ["/x", ".t/x", "txt", ".txt.", ".a" * 40]:
        with pytest.raises(ValueError):
            safe_filename("x", suffix=bad)


@settings(max_examples=500, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(doc_id=st.one_of(st.text(), st.text(alphabet=st.sampled_from("./\\ :.CONul\x00é"), max_size=12)))
def test_property_safe_filename_stays_inside_folder(doc_id: str, tmp_path: Path) -> None:
    name = safe_filename(doc_id)
    _assert_safe(name, tmp_path)
    assert safe_filename(doc_id) == name


@given(ids=st.lists(st.text(max_size=8), max_size=30))
def test_property_used_gives_distinct_names(ids: list[str]) -> None:
    used: set[str] = set()
    names = [safe_filename(i, used=used) for i in ids]
    assert len({n.casefold() for n in names}) == len(names)


# ----------------------------------------------------------------------------- AtomicWriter


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


def test_atomic_writer_success_renames(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with AtomicWriter(str(target)) as w:
        w.write("new\n")
        assert w.tmp_path is not None
        assert os.path.dirname(w.tmp_path) == str(tmp_path)
        assert os.path.basename(w.tmp_path).startswith(".out.jsonl.tmp-")
        assert target.read_text() == "old\n"  # nothing visible until commit
    assert target.read_bytes() == b"new\n"
    assert _leftovers(tmp_path) == []


def test_atomic_writer_exception_keeps_previous_and_removes_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("previous\n")
    with pytest.raises(RuntimeError), AtomicWriter(str(target)) as w:
        w.write("partial")
        raise RuntimeError("boom")
    assert target.read_text() == "previous\n"
    assert _leftovers(tmp_path) == []


def test_atomic_writer_exception_without_previous_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(KeyError), AtomicWriter(str(tmp_path / "new.jsonl")) as w:
        w.write("x")
        raise KeyError("k")
    assert list(tmp_path.iterdir()) == []


def test_atomic_writer_commit_abort_without_with(tmp_path: Path) -> None:
    a = AtomicWriter(str(tmp_path / "a.txt"))
    a.write("A")
    a.commit()
    a.commit()  # idempotent
    b = AtomicWriter(str(tmp_path / "b.txt"))
    b.file.write("B")
    b.abort()
    b.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_atomic_writer_binary_and_newlines(tmp_path: Path) -> None:
    with AtomicWriter(str(tmp_path / "b.bin"), "wb") as w:
        w.write(b"\x00\x01\n")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01\n"
    with AtomicWriter(str(tmp_path / "t.jsonl")) as w:
        w.write("é\n")
    assert (tmp_path / "t.jsonl").read_bytes() == "é\n".encode()
    with pytest.raises(ValueError):
        AtomicWriter(str(tmp_path / "x"), "a")


def test_atomic_writer_gzip(tmp_path: Path) -> None:
    with AtomicWriter(str(tmp_path / "o.jsonl.gz")) as w:
        w.write("héllo\n")
    assert gzip.decompress((tmp_path / "o.jsonl.gz").read_bytes()) == "héllo\n".encode()


def test_atomic_writer_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    with AtomicWriter("-") as w:
        w.write("to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"


def test_atomic_writer_commit_failure_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "adir"
    target.mkdir()
    (target / "keep").write_text("k")
    w = AtomicWriter(str(target))
    w.write("x")
    with pytest.raises(OSError):
        w.commit()
    assert (target / "keep").read_text() == "k"
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_atomic_writer_sigkill_mid_write_keeps_previous(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("previous complete file\n")
    script = (
        "import sys, time\n"
        "from dedupe.io import AtomicWriter\n"
        "w = AtomicWriter(sys.argv[1])\n"
        "w.write('partial line\\n' * 100000)\n"
        "w.file.flush()\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
        "w.commit()\n"
    )
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        leftovers = _leftovers(tmp_path)
        assert len(leftovers) == 1
        assert (tmp_path / leftovers[0]).stat().st_size > 0  # it really was mid-write
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    time.sleep(0.05)
    assert target.read_text() == "previous complete file\n"


# ----------------------------------------------------------------------------- RejectSink


def _rejects(items: Iterable[Record | Reject]) -> list[Reject]:
    return [x for x in items if isinstance(x, Reject)]


def test_reject_sink_lazy_and_written(tmp_path: Path) -> None:
    path = tmp_path / "rejects.jsonl"
    with RejectSink(str(path)) as sink:
        pass
    assert not path.exists()
    assert sink.count == 0

    rejects = _rejects(run_stdin(b'{"a":\n[1]\n{"text": 1}\n'))
    with RejectSink(str(path)) as sink:
        for r in rejects:
            sink.write(r)
    assert sink.count == 3
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert rows == [r.to_dict() for r in rejects]
    assert set(rows[0]) == {"source", "line", "reason", "raw"}
    assert [row["reason"].split(":")[0] for row in rows] == [
        "malformed_json",
        "not_an_object",
        "text_not_a_string",
    ]


def test_reject_sink_abort_keeps_previous(tmp_path: Path) -> None:
    path = tmp_path / "rejects.jsonl"
    path.write_text("old\n")
    with pytest.raises(RuntimeError), RejectSink(str(path)) as sink:
        sink.write(Reject("s", 1, "malformed_json: x", "raw"))
        raise RuntimeError
    assert path.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


def test_reject_sink_survives_undecodable_source_names(tmp_path: Path) -> None:
    path = tmp_path / "rejects.jsonl"
    with RejectSink(str(path)) as sink:
        sink.write(Reject("bad\udcffname.jsonl", 1, "malformed_json: x", "é"))
    row = json.loads(path.read_text(encoding="utf-8"))
    assert row["source"] == "bad\udcffname.jsonl"
    assert row["raw"] == "é"
