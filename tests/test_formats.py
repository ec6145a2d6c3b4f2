"""Formats: inputs told by content (gzip, zstd, Parquet, JSON lines, text), outputs by name; every
guarantee (accounting, rejects with positions, atomic writes, truncation) for every format."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe import formats
from dedupe.cli import main
from dedupe.errors import ConfigError, InputFileError
from dedupe.io import Record, Reject, check_inputs, iter_inputs

RECORDS = [
    {"id": "a", "text": "First paragraph of a.\nSecond paragraph of a.", "url": "http://a", "n": 1},
    {"id": "b", "text": "Only paragraph of b.", "url": "http://b", "n": 2},
    {"id": 3, "text": "Third record, integer id.", "url": "http://c", "n": 3},
]


def _jsonl(records: list[dict]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def _zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


def _read(path: Path, **kw: object) -> list[Record | Reject]:
    return list(iter_inputs([str(path)], **kw))  # type: ignore[arg-type]


def _summary(items: list[Record | Reject]) -> list[tuple]:
    return [
        (x.doc.id, x.doc.text, x.doc.meta) if isinstance(x, Record) else ("reject", x.code, x.line)
        for x in items
    ]


# -------------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"\x28\xb5\x2f\xfd", "zstd"),
        (b"PAR1", "parquet"),
        (b'{"id', None),
        (b"", None),
    ],
)
def test_sniff(head, kind):
    assert formats.sniff(head) == kind


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plain.jsonl", _jsonl(RECORDS)),
        ("gzip-named-jsonl.jsonl", gzip.compress(_jsonl(RECORDS), mtime=0)),
        ("zstd-without-suffix", _zstd(_jsonl(RECORDS))),
        ("x.jsonl.zst", _zstd(_jsonl(RECORDS))),
        ("x.ndjson.gz", gzip.compress(_jsonl(RECORDS))),
        ("zstd-named.gz", _zstd(_jsonl(RECORDS))),
    ],
)
def test_compression_is_told_by_content_whatever_the_name(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    assert _summary(_read(p)) == _summary(_read(_plain(tmp_path)))


def _plain(tmp_path: Path) -> Path:
    p = tmp_path / "reference.jsonl"
    p.write_bytes(_jsonl(RECORDS))
    return p


def test_zstd_multiple_frames(tmp_path):
    p = tmp_path / "two.jsonl.zst"
    p.write_bytes(_zstd(_jsonl(RECORDS[:1])) + _zstd(_jsonl(RECORDS[1:])))
    assert _summary(_read(p)) == _summary(_read(_plain(tmp_path)))


def test_truncated_zstd_yields_records_before_the_damage_then_a_reject(tmp_path):
    data = _jsonl([{"id": str(i), "text": f"record number {i} " * 20} for i in range(2000)])
    blob = _zstd(data)
    p = tmp_path / "cut.jsonl.zst"
    p.write_bytes(blob[: len(blob) // 2])
    after = tmp_path / "next.txt"
    after.write_text("still read")
    out = list(iter_inputs([str(p), str(after)]))
    records = [x for x in out if isinstance(x, Record)]
    rejects = [x for x in out if isinstance(x, Reject)]
    assert len(rejects) == 1 and rejects[0].code == "truncated_zstd"
    assert rejects[0].line == len(records)  # the line after the last one read whole ("next.txt" is 1)
    assert records[-1].doc.id == "next.txt"
    assert [r.doc.id for r in records[:-1]] == [str(i) for i in range(len(records) - 1)]


def test_damaged_zstd_is_truncated_zstd(tmp_path):
    buf = io.BytesIO()
    with formats.zstd_writer(buf) as w:  # with a checksum, as dedupe writes them
        w.write(_jsonl(RECORDS))
    blob = bytearray(buf.getvalue())
    blob[len(blob) // 2] ^= 0x55
    p = tmp_path / "bad.jsonl.zst"
    p.write_bytes(bytes(blob))
    (r,) = [x for x in _read(p) if isinstance(x, Reject)]
    assert r.code == "truncated_zstd"


def test_compressed_stdin_and_txt_on_stdin():
    stdin = io.BytesIO(_zstd(_jsonl(RECORDS)))
    assert [x.doc.id for x in iter_inputs(["-"], stdin=stdin)] == ["a", "b", "3"]  # type: ignore[union-attr]
    (r,) = iter_inputs(["-"], stdin=io.BytesIO(b"A title\n\nSome text.\n"), input_format="txt")
    assert isinstance(r, Record) and r.doc.id == "stdin" and r.doc.text == "A title\n\nSome text.\n"
    (g,) = iter_inputs(["-"], stdin=io.BytesIO(gzip.compress(b"Zipped text.")), input_format="txt")
    assert isinstance(g, Record) and g.doc.text == "Zipped text."


def test_input_format_forces_jsonl_for_a_txt_name(tmp_path):
    p = tmp_path / "records.txt"
    p.write_bytes(_jsonl(RECORDS))
    assert len(_read(p)) == 1  # by name: one document
    assert [x.doc.id for x in _read(p, input_format="jsonl")] == ["a", "b", "3"]  # type: ignore[union-attr]


def test_folder_reads_zst_and_parquet_files(tmp_path):
    pytest.importorskip("pyarrow")
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.jsonl.zst").write_bytes(_zstd(_jsonl(RECORDS[:1])))
    _parquet(d / "b.parquet", [{**r, "id": str(r["id"])} for r in RECORDS[1:]])
    (d / "README.md").write_text("not read")
    assert [x.doc.id for x in _read(d)] == ["a", "b", "3"]  # type: ignore[union-attr]


# -------------------------------------------------------------------------------- Parquet in


def _parquet(path: Path, rows: list[dict], **kw: object) -> Path:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), path, **kw)
    return path


def test_parquet_rows_are_records_with_columns_passed_through(tmp_path):
    rows = [{**r, "id": str(r["id"])} for r in RECORDS]
    items = _read(_parquet(tmp_path / "x.parquet", rows, row_group_size=2))
    assert _summary(items) == [(r["id"], r["text"], {"url": r["url"], "n": r["n"]}) for r in rows]
    assert [x.line for x in items] == [1, 2, 3]


def test_parquet_custom_columns_nulls_and_html_fallback(tmp_path):
    rows = [
        {"key": "k1", "body": "Body one.", "page": None},
        {
            "key": None,
            "body": None,
            "page": "<html><body><p>From the HTML column, a sentence.</p></body></html>",
        },
        {"key": "k3", "body": None, "page": None},
    ]
    items = _read(
        _parquet(tmp_path / "x.parquet", rows), id_field="key", text_field="body", html_field="page"
    )
    assert isinstance(items[0], Record) and items[0].doc.text == "Body one."
    assert isinstance(items[1], Record) and items[1].doc.html and items[1].doc.id == "x.parquet:2"
    assert isinstance(items[2], Reject) and items[2].code == "missing_text_field" and items[2].line == 3
    assert json.loads(items[2].raw) == {"key": "k3"}


def test_parquet_without_the_text_column_is_a_clear_error(tmp_path, capsys):
    p = _parquet(tmp_path / "x.parquet", [{"id": "1", "body": "text"}])
    with pytest.raises(InputFileError, match=r"no column 'text' or 'html'.*--text-field"):
        check_inputs([str(p)])
    check_inputs([str(p)], text_field="body")
    assert main(["clean", str(p), "-o", str(tmp_path / "o.jsonl")]) == 1
    assert "columns: id, body" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()


def test_parquet_text_column_of_the_wrong_type_is_a_clear_error(tmp_path):
    p = _parquet(tmp_path / "x.parquet", [{"id": "1", "text": 5}])
    with pytest.raises(InputFileError, match="'text' is int64, expected a string column"):
        check_inputs([str(p)])


def test_truncated_parquet_is_refused_before_any_work(tmp_path):
    p = _parquet(tmp_path / "x.parquet", RECORDS[:2])
    data = p.read_bytes()
    p.write_bytes(data[: len(data) - 20])
    with pytest.raises(InputFileError, match="not a readable Parquet file"):
        check_inputs([str(p)])


def test_damaged_parquet_page_yields_rows_before_then_corrupt_parquet(tmp_path):
    rows = [{"id": str(i), "text": f"row {i} " + "word " * 200} for i in range(400)]
    p = _parquet(tmp_path / "x.parquet", rows, row_group_size=200, compression="zstd")
    import pyarrow.parquet as pq

    # Garble the header of the second row group's text page: its rows cannot be decoded.
    offset = pq.ParquetFile(p).metadata.row_group(1).column(1).data_page_offset
    data = bytearray(p.read_bytes())
    data[offset : offset + 8] = b"\xff" * 8
    p.write_bytes(bytes(data))
    items = _read(p)
    assert isinstance(items[-1], Reject) and items[-1].code == "corrupt_parquet"
    good = [x for x in items if isinstance(x, Record)]
    assert [x.doc.id for x in good] == [str(i) for i in range(len(good))]
    assert len(good) == 200 and items[-1].line == 201


def test_parquet_on_stdin(tmp_path):
    p = _parquet(tmp_path / "x.parquet", [{**r, "id": str(r["id"])} for r in RECORDS])
    items = list(iter_inputs(["-"], stdin=io.BytesIO(p.read_bytes())))
    assert [x.doc.id for x in items] == ["a", "b", "3"]  # type: ignore[union-attr]


def test_parquet_without_pyarrow_says_which_extra(tmp_path, monkeypatch):
    p = _parquet(tmp_path / "x.parquet", RECORDS[:1])

    def missing(what: str) -> None:
        raise formats.MissingDependency(
            f"{what} needs pyarrow, which is not installed: pip install 'dedupe-text[parquet]'"
        )

    monkeypatch.setattr(formats, "require_pyarrow", missing)
    with pytest.raises(InputFileError, match=r"dedupe-text\[parquet\]"):
        check_inputs([str(p)])
    assert main(["clean", str(_plain(tmp_path)), "-o", str(tmp_path / "o.parquet")]) == 2


# -------------------------------------------------------------------------------- outputs


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("o.jsonl", "jsonl"),
        ("o.ndjson", "jsonl"),
        ("O.JSONL.GZ", "jsonl.gz"),
        ("o.jsonl.zst", "jsonl.zst"),
        ("o.parquet", "parquet"),
        ("-", "jsonl"),
    ],
)
def test_output_format_by_name(name, fmt):
    assert formats.output_format_for(name) == fmt


@pytest.mark.parametrize("name", ["o.json", "o.gz", "o", "o.txt", "o.csv", "o.jsonl.bz2"])
def test_unknown_output_name_is_a_usage_error(tmp_path, capsys, name):
    with pytest.raises(ConfigError):
        formats.output_format_for(name)
    assert main(["clean", str(_plain(tmp_path)), "-o", str(tmp_path / name)]) == 2
    assert "--output-format" in capsys.readouterr().err
    assert not (tmp_path / name).exists()
    assert (
        main(
            ["clean", str(_plain(tmp_path)), "-o", str(tmp_path / name), "--output-format", "jsonl.zst", "-q"]
        )
        == 0
    )
    assert (tmp_path / name).read_bytes().startswith(formats.ZSTD_MAGIC)


def _output_rows(path: Path) -> list[dict]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
        for r in rows:
            r["removed"] = json.loads(r["removed"])
            for k in ("warnings", "error", "other_fields"):
                if r.get(k) is None:
                    r.pop(k, None)
        return rows
    data = path.read_bytes()
    if data.startswith(formats.GZIP_MAGIC):
        data = gzip.decompress(data)
    elif data.startswith(formats.ZSTD_MAGIC):
        data = io.BufferedReader(formats.ZstdReader(io.BytesIO(data))).read()
    return [json.loads(x) for x in data.decode().split("\n") if x]


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst", ".parquet"])
def test_every_output_format_holds_the_same_records(tmp_path, suffix):
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    inp = _plain(tmp_path)
    ref, out = tmp_path / "ref.jsonl", tmp_path / f"out{suffix}"
    assert main(["clean", str(inp), "-o", str(ref), "-q", "--workers", "1"]) == 0
    assert main(["clean", str(inp), "-o", str(out), "-q", "--workers", "1"]) == 0
    assert _output_rows(out) == _output_rows(ref)
    first = out.read_bytes()
    assert main(["clean", str(inp), "-o", str(out), "-q", "--workers", "1"]) == 0
    assert out.read_bytes() == first  # deterministic bytes


def test_parquet_to_parquet_keeps_column_types(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import datetime as dt

    import pyarrow.parquet as pq

    rows = [
        {"id": "a", "text": "Some text here.", "when": dt.datetime(2024, 5, 1, 12, 0), "tags": ["x", "y"]},
        {"id": "b", "text": "Other text here.", "when": None, "tags": []},
    ]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet")
    assert main(["clean", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "o.parquet"), "-q"]) == 0
    t = pq.read_table(tmp_path / "o.parquet")
    assert t.schema.field("when").type == pa.timestamp("us")
    assert t.schema.field("tags").type == pa.list_(pa.string())
    assert t.column("when").to_pylist() == [rows[0]["when"], None]
    assert main(["clean", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "o.jsonl"), "-q"]) == 0
    first = json.loads((tmp_path / "o.jsonl").read_text().splitlines()[0])
    assert first["when"] == "2024-05-01T12:00:00" and first["tags"] == ["x", "y"]


def test_json_fields_that_do_not_fit_their_column_go_to_other_fields(tmp_path, monkeypatch):
    pytest.importorskip("pyarrow")
    monkeypatch.setattr(formats, "ROW_GROUP_ROWS", 2)
    recs = [
        {"id": "1", "text": "One.", "n": 1, "mixed": "a"},
        {"id": "2", "text": "Two.", "n": 2, "mixed": 5},  # mixed in the first group: no column
        {"id": "3", "text": "Three.", "n": "three", "late": True},  # n does not fit int64
    ]
    (tmp_path / "in.jsonl").write_bytes(_jsonl(recs))
    assert main(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o.parquet"), "-q"]) == 0
    rows = _output_rows(tmp_path / "o.parquet")
    assert [r["n"] for r in rows] == [1, 2, None]
    assert [json.loads(r.get("other_fields") or "{}") for r in rows] == [
        {"mixed": "a"},
        {"mixed": 5},
        {"n": "three", "late": True},
    ]


@pytest.mark.parametrize("suffix", [".jsonl.zst", ".parquet"])
def test_failed_run_leaves_no_output_in_any_format(tmp_path, suffix):
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    (tmp_path / "bad.jsonl").write_bytes(b"not json\n{}\n")
    out = tmp_path / f"o{suffix}"
    assert main(["clean", str(tmp_path / "bad.jsonl"), "-o", str(out), "-q"]) == 1  # every record rejected
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []
    rejects = tmp_path / "o.rejects.jsonl"
    assert len(rejects.read_text().splitlines()) == 2


@pytest.mark.parametrize("fmt", ["jsonl.gz", "jsonl.zst", "parquet"])
def test_accounting_holds_for_every_input_format(tmp_path, fmt):
    recs = [*RECORDS, {"id": "x"}, {"id": "y", "text": None}]
    raw = _jsonl(recs)
    if fmt == "parquet":
        p = _parquet(tmp_path / "in.data", [{"id": str(r["id"]), "text": r.get("text")} for r in recs])
    else:
        p = tmp_path / "in.data"
        p.write_bytes(gzip.compress(raw) if fmt == "jsonl.gz" else _zstd(raw))
    stats = tmp_path / "s.json"
    assert main(["clean", str(p), "-o", str(tmp_path / "o.jsonl"), "--stats", str(stats), "-q"]) == 0
    s = json.loads(stats.read_text())
    assert (s["read"], s["written"], s["rejected"]) == (5, 3, 2)
    rejects = [json.loads(x) for x in (tmp_path / "o.rejects.jsonl").read_text().splitlines()]
    assert [(r["source"], r["line"]) for r in rejects] == [(str(p), 4), (str(p), 5)]


def test_engine_options(tmp_path, capsys, monkeypatch):
    inp = str(_plain(tmp_path))
    assert main(["clean", inp, "--engine", "dask", "--corpus", "--index", str(tmp_path / "i.db")]) == 2
    assert "--index does not go with --engine dask" in capsys.readouterr().err
    # Without the extra: a usage error that says what to install (tests/test_dask.py runs it).
    monkeypatch.setattr("dedupe.cli._importable", lambda name: name != "distributed")
    assert main(["clean", inp, "--engine", "dask"]) == 2
    assert "pip install 'dedupe-text[dask]'" in capsys.readouterr().err
    assert main(["clean", inp, "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "--scheduler is for --engine dask" in capsys.readouterr().err
    assert main(["clean", inp, "--engine", "local", "-q", "--workers", "1"]) == 0


# -------------------------------------------------------------------------------- round trips

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
_records = st.lists(
    st.fixed_dictionaries(
        {"id": st.text(min_size=1, max_size=10), "text": _text},
        optional={"url": st.text(max_size=10), "n": st.integers(-(2**40), 2**40)},
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(recs=_records, container=st.sampled_from(["plain", "gzip", "zstd", "parquet"]))
def test_property_every_container_reads_as_the_same_records(tmp_path_factory, recs, container):
    tmp = tmp_path_factory.mktemp("rt")
    raw = _jsonl(recs)
    ref = tmp / "ref.jsonl"
    ref.write_bytes(raw)
    p = tmp / "in"
    if container == "parquet":
        pytest.importorskip("pyarrow")
        # A Parquet file has every column in every row: absent fields are nulls.
        cols = sorted({k for r in recs for k in r})
        full = [{k: r.get(k) for k in cols} for r in recs]
        ref.write_bytes(_jsonl(full))
        _parquet(p, full)
    else:
        p.write_bytes({"plain": raw, "gzip": gzip.compress(raw), "zstd": _zstd(raw)}[container])
    got, want = _summary(_read(p)), _summary(_read(ref))
    assert got == want


@settings(max_examples=30, deadline=None)
@given(recs=_records, fmt=st.sampled_from(formats.OUTPUT_FORMATS))
def test_property_writers_round_trip(tmp_path_factory, recs, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    tmp = tmp_path_factory.mktemp("w")
    out = tmp / f"o.{fmt}"
    rows = [
        {**r, "removed": [{"start": 0, "end": 1, "reason": "x", "duplicate_of": ["d", 1]}], "config": "c"}
        for r in recs
    ]
    w = formats.open_writer(str(out), fmt)
    for r in rows:
        w.write(r)
    w.commit()
    got = _output_rows(out)
    if fmt == "parquet":
        for g in got:
            g.update(json.loads(g.pop("other_fields", None) or "{}"))
            for k in [k for k, v in g.items() if v is None]:
                del g[k]
        rows = [{k: v for k, v in r.items() if v is not None} for r in rows]
    assert [dict(sorted(g.items())) for g in got] == [dict(sorted(r.items())) for r in rows]


def test_devices_are_written_to_not_replaced(tmp_path):
    import stat

    # /dev/null has no name to tell a format by (JSON lines, as stdout), and a rename over it
    # would replace the device itself when run as root.
    assert main(["clean", str(_plain(tmp_path)), "-o", os.devnull, "-q", "--workers", "1"]) == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert main(["clean", str(_plain(tmp_path)), "-o", os.devnull, "--output-format", "jsonl.zst", "-q"]) == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_text_that_begins_with_the_parquet_magic_is_read_as_text(tmp_path):
    # A Parquet file is framed by "PAR1" at both ends; a JSON-lines file that merely begins with the
    # letters is read as JSON lines (its record rejected and counted), not refused as broken Parquet.
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'PAR1\n{"id": "a", "text": "A paragraph of text to keep."}\n')
    out, stats = tmp_path / "o.jsonl", tmp_path / "s.json"
    rc = main(["clean", str(src), "-o", str(out), "--stats", str(stats), "-q"])
    s = json.loads(stats.read_text())
    assert rc == 0 and s["read"] == 2 and s["written"] == 1 and s["rejected"] == 1
