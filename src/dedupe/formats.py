"""File formats: what an input holds (told by its first bytes), and how an output is written
(told by its name, or by ``--output-format``).

Inputs are recognised by content, whatever their names: gzip (``1f 8b``) and zstd
(``28 b5 2f fd``) streams are decompressed, a Parquet file (``PAR1``) is read row group by row
group; anything else is JSON lines (or one text document, for a ``.txt`` name or
``--input-format txt``). A crawl dump called ``part-0001`` or a ``.jsonl`` that is really gzip
is read right, rather than turned into a rejected record per line.

Outputs are chosen by name (``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst``, ``.parquet``): a name
that says no format is a usage error, never a silent JSON-lines file under a misleading name.

Parquet needs pyarrow (extra ``parquet``); it is imported only when a Parquet file is met.
zstd needs ``zstandard`` (a core dependency: see ``pyproject.toml``).

The Parquet output has the columns ``id``, ``text``, ``removed`` (a JSON array: the removed
spans, as in the JSON-lines output; their evidence differs by reason, e.g. ``duplicate_of`` is
``[doc_id, block]``, which no fixed Arrow struct can hold), ``warnings`` (list of strings),
``error``, ``config``, every pass-through column, and ``other_fields`` (a JSON object of the
pass-through fields that have no column of their own, or null). Pass-through columns of a
Parquet input keep their Arrow types; those of JSON records are typed by the first row group
(a field whose values there are all strings, all booleans, all integers or all floats gets a
column of that type); a later value that does not fit goes to ``other_fields``, so nothing is
lost and every shard's schema depends on its own records alone.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import decimal
import io
import json
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any, Literal, Protocol, cast

from .errors import ConfigError

__all__ = [
    "GZIP_MAGIC",
    "INPUT_FORMATS",
    "OUTPUT_FORMATS",
    "PARQUET_MAGIC",
    "ZSTD_MAGIC",
    "JsonlWriter",
    "MissingDependency",
    "ParquetWriter",
    "RecordWriter",
    "TruncatedInput",
    "ZstdReader",
    "json_default",
    "jsonable",
    "open_writer",
    "output_format_for",
    "output_suffix",
    "require_pyarrow",
    "sniff",
    "strip_format_suffix",
    "zstd_writer",
]

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
PARQUET_MAGIC = b"PAR1"

#: ``--input-format`` values: ``auto`` tells by content (and ``.txt`` names); compression is
#: always recognised by its magic bytes, whatever the format forced.
INPUT_FORMATS = ("auto", "jsonl", "txt", "parquet")
#: Formats of one output file (``--output-format``); ``txt`` (one file per document in a
#: folder) is the command line's business.
OUTPUT_FORMATS = ("jsonl", "jsonl.gz", "jsonl.zst", "parquet")

_SUFFIX_FORMATS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl.gz",
    ".ndjson.gz": "jsonl.gz",
    ".jsonl.zst": "jsonl.zst",
    ".ndjson.zst": "jsonl.zst",
    ".parquet": "parquet",
}

#: Rows per Parquet row group written: readers (DuckDB, pyarrow, Spark) read a row group at a
#: time, so groups of a few tens of MB keep their memory small too; 10,000 news articles are
#: about 30 MB of text.
ROW_GROUP_ROWS = 10_000
#: Characters per row group at most (about): a few huge documents close a group early, so the
#: rows buffered for one group never hold much more than this.
ROW_GROUP_CHARS = 32_000_000
#: Rows per batch read from a Parquet file (pyarrow decodes a row group's pages, then hands out
#: batches of this many rows: the Python objects of one batch are all that is held).
READ_BATCH_ROWS = 1024
#: zstd level of the ``.jsonl.zst`` output: level 3 (zstd's default) compresses news text about
#: 3.5x at a few hundred MB/s, faster than the cleaning it follows.
ZSTD_LEVEL = 3


class MissingDependency(ConfigError):
    """An optional dependency needed for a format is not installed (the message says which extra)."""


class TruncatedInput(EOFError):
    """A compressed stream ended early or is damaged (read as an EOFError, like gzip's)."""


def sniff(head: bytes) -> Literal["gzip", "zstd", "parquet"] | None:
    """The container a file's first bytes announce, or None (plain bytes: JSON lines or text)."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    return None


def output_format_for(path: str, forced: str | None = None) -> str:
    """The format of output ``path``: ``forced`` if given, else told by the name.

    Raises:
        ConfigError: If the name tells no format (``out.json``, ``out.gz``, ``out``) and none is
            forced: the message lists the names and the flag that would do.
    """
    if forced is not None:
        if forced not in OUTPUT_FORMATS:
            raise ConfigError(f"unknown output format {forced!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
        return forced
    if path == "-" or _is_stream(path):
        return "jsonl"  # a stream has no name to go by: JSON lines, as standard output
    low = path.lower()
    for suffix in sorted(_SUFFIX_FORMATS, key=len, reverse=True):
        if low.endswith(suffix):
            return _SUFFIX_FORMATS[suffix]
    raise ConfigError(
        f"cannot tell the output format from the name {path!r}: end it in .jsonl, .jsonl.gz, "
        ".jsonl.zst or .parquet, or give --output-format"
    )


def _is_stream(path: str) -> bool:
    from .io import is_stream_path

    return is_stream_path(path)


def output_suffix(fmt: str) -> str:
    """The file name suffix of an output format (``part-00000`` + this)."""
    return "." + fmt


def strip_format_suffix(path: str) -> str:
    """``path`` without its format suffix (``out.jsonl.gz`` -> ``out``), for names beside it."""
    low = path.lower()
    for suffix in sorted(_SUFFIX_FORMATS, key=len, reverse=True):
        if low.endswith(suffix):
            return path[: -len(suffix)]
    return path[:-3] if low.endswith(".gz") else path


def require_pyarrow(what: str) -> Any:
    """Import pyarrow (and pyarrow.parquet), or raise :class:`MissingDependency` saying ``what``
    needs it and how to install it."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise MissingDependency(
            f"{what} needs pyarrow, which is not installed: pip install 'dedupe-text[parquet]'"
        ) from None
    return pyarrow


def _zstandard() -> Any:
    import zstandard

    return zstandard


# --------------------------------------------------------------------------------------------
# zstd
# --------------------------------------------------------------------------------------------


class ZstdReader(io.RawIOBase):
    """A zstd stream decompressed as it is read, frame after frame, that notices truncation.

    ``zstandard``'s own stream reader ends quietly at a cut: a truncated download would lose its
    tail without a word. Here a stream that ends inside a frame, or a damaged frame, raises
    :class:`TruncatedInput` (an ``EOFError``, as a truncated gzip does), after everything that
    was intact has been returned. Wrap it in :class:`io.BufferedReader` to read lines.
    """

    _CHUNK = 1 << 17

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self._zstd = _zstandard()
        self._dctx = self._zstd.ZstdDecompressor()
        self._obj: Any = None  # the decompressor of the frame being read
        self._in_frame = False
        self._pending = b""
        self._eof = False
        self._error: TruncatedInput | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        view = memoryview(buf).cast("B")
        while not self._pending:
            if self._error is not None:
                # Everything intact has been handed out; now say why the stream ends here.
                error, self._error = self._error, None
                raise error
            if self._eof:
                return 0
            self._fill()
        n = min(len(view), len(self._pending))
        view[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _fill(self) -> None:
        data = self._raw.read(self._CHUNK)
        if not data:
            self._eof = True
            if self._in_frame:
                self._error = TruncatedInput("zstd stream ends in the middle of a frame (truncated file?)")
            return
        out: list[bytes] = []
        try:
            while data:
                if self._obj is None:
                    self._obj = self._dctx.decompressobj()
                    self._in_frame = True
                out.append(self._obj.decompress(data))
                if not self._obj.eof:
                    break
                data = self._obj.unused_data
                self._obj = None
                self._in_frame = False
        except self._zstd.ZstdError as exc:
            self._eof = True
            self._error = TruncatedInput(f"damaged zstd data: {exc}")
        self._pending = b"".join(out)


def zstd_writer(raw: IO[bytes]) -> IO[bytes]:
    """A zstd stream writer over ``raw`` (with frame checksums, so damage is detected on reading);
    closing it ends the frame and leaves ``raw`` open."""
    z = _zstandard()
    cctx = z.ZstdCompressor(level=ZSTD_LEVEL, write_checksum=True)
    return cast(IO[bytes], cctx.stream_writer(raw, closefd=False))


# --------------------------------------------------------------------------------------------
# Parquet reading
# --------------------------------------------------------------------------------------------

_TEXT_TYPES = ("string", "large_string", "string_view", "binary", "large_binary", "binary_view")


def parquet_problem(path: str, text_field: str, html_field: str) -> str | None:
    """Why the Parquet file ``path`` cannot give documents (no readable footer, no text or HTML
    column, a text column that is not a string), or None. Reads the footer only."""
    pa = require_pyarrow(f"{path} is a Parquet file; reading it")
    try:
        schema = pa.parquet.read_schema(path)
    except (OSError, pa.ArrowException) as exc:
        return f"not a readable Parquet file: {exc}"
    names = schema.names
    field = text_field if text_field in names else html_field if html_field in names else None
    if field is None:
        shown = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
        return (
            f"Parquet file has no column {text_field!r} or {html_field!r} (columns: {shown}); "
            "name the text column with --text-field (or the HTML column with --html-field)"
        )
    kind = str(schema.field(field).type)
    if kind not in _TEXT_TYPES:
        return (
            f"Parquet column {field!r} is {kind}, expected a string column; choose another with --text-field"
        )
    return None


def spool(stream: IO[bytes]) -> IO[bytes]:
    """Copy a non-seekable stream (a pipe, stdin) to a temporary file: Parquet's footer is at
    the end, so it cannot be read as a stream. The file is deleted when closed."""
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - returned open
    shutil.copyfileobj(stream, tmp, 1 << 20)
    tmp.seek(0)
    return cast(IO[bytes], tmp)


def iter_parquet_rows(f: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The rows of a Parquet file as dicts, streamed batch by batch (row groups are decoded one
    at a time, so memory does not grow with the file). Errors (a damaged page) propagate as
    ``OSError``/``pyarrow.ArrowException``; rows before them have been yielded."""
    pa = require_pyarrow("reading Parquet")
    pf = pa.parquet.ParquetFile(f)
    for group in range(pf.num_row_groups):
        # One row group at a time (never batches spanning two): memory holds one group's pages,
        # and a damaged group costs only the rows from it on.
        for batch in pf.iter_batches(batch_size=READ_BATCH_ROWS, row_groups=[group], use_threads=False):
            yield from batch.to_pylist()


def parquet_schemas(paths: Sequence[str]) -> Any:
    """The pass-through fields of Parquet inputs with their Arrow types (a ``pyarrow.Schema``), the
    first file's type winning where files disagree; None when no input is Parquet."""
    fields: dict[str, Any] = {}
    for path in paths:
        with contextlib.suppress(OSError):
            with open(path, "rb") as fh:
                if sniff(fh.read(4)) != "parquet":
                    continue
            pa = require_pyarrow(f"{path} is a Parquet file; reading it")
            for fld in pa.parquet.read_schema(path):
                fields.setdefault(fld.name, fld)
    if not fields:
        return None
    pa = require_pyarrow("reading Parquet")
    return pa.schema(list(fields.values()))


# --------------------------------------------------------------------------------------------
# Values of other formats in JSON
# --------------------------------------------------------------------------------------------


def json_default(value: Any) -> Any:
    """``json.dumps(default=...)`` for values a Parquet file can hold and JSON cannot: dates and
    times as ISO 8601, decimals as strings (exact), bytes as base64, durations in seconds."""
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        return item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_JSON_SCALARS = (str, int, float, bool, type(None))


def jsonable(value: Any) -> Any:
    """``value`` with anything JSON cannot hold converted by :func:`json_default` (recursively)."""
    if isinstance(value, _JSON_SCALARS):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return jsonable(json_default(value))


def dumps(record: Mapping[str, Any]) -> str:
    """One JSON line (without the newline) of an output record."""
    return json.dumps(record, ensure_ascii=False, default=json_default)


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


class RecordWriter(Protocol):
    """Where output records go; all or nothing (:meth:`commit` or :meth:`abort`)."""

    path: str

    def write(self, record: Mapping[str, Any]) -> None: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


class JsonlWriter:
    """JSON lines (gzip or zstd compressed as asked) through an atomic writer."""

    def __init__(self, path: str, compression: str | None = None) -> None:
        from .io import AtomicWriter

        self.path = path
        self._out = AtomicWriter(path, compression=compression)

    def write(self, record: Mapping[str, Any]) -> None:
        self._out.write(dumps(record) + "\n")

    def commit(self) -> None:
        self._out.commit()

    def abort(self) -> None:
        self._out.abort()


#: Output columns of fixed type (see the module docstring), in this order, pass-through columns
#: first.
FIXED_COLUMNS = ("id", "text", "removed", "warnings", "error", "config")
OTHER_FIELDS = "other_fields"


def _scalar_kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if -(2**63) <= value < 2**63 else None
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return None


class ParquetWriter:
    """Parquet, written a row group at a time through an atomic writer (see the module docstring
    for the columns).

    Args:
        path: The final file name.
        passthrough: Arrow fields (a ``pyarrow.Schema``) for pass-through columns whose types are
            known (those of Parquet inputs); other pass-through fields are typed by the first
            row group.
    """

    def __init__(self, path: str, passthrough: Any = None) -> None:
        from .io import AtomicWriter

        self._pa = require_pyarrow(f"writing Parquet ({path})")
        self.path = path
        self._out = AtomicWriter(path, "wb")
        self._hint = passthrough
        self._rows: list[Mapping[str, Any]] = []
        self._chars = 0
        self._schema: Any = None
        self._writer: Any = None

    def write(self, record: Mapping[str, Any]) -> None:
        self._rows.append(record)
        text = record.get("text")
        self._chars += len(text) if isinstance(text, str) else 0
        if len(self._rows) >= ROW_GROUP_ROWS or self._chars >= ROW_GROUP_CHARS:
            self._flush()

    def _decide_schema(self) -> Any:
        pa = self._pa
        hinted = {f.name: f for f in self._hint} if self._hint is not None else {}
        order: list[str] = []
        kinds: dict[str, set[str | None]] = {}
        for row in self._rows:
            for k, v in row.items():
                if k in FIXED_COLUMNS or k == OTHER_FIELDS:
                    continue
                if k not in kinds:
                    order.append(k)
                    kinds[k] = set()
                if v is not None:
                    kinds[k].add(_scalar_kind(v))
        types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
        fields = []
        for k in order:
            if k in hinted:
                fields.append(pa.field(k, hinted[k].type))
            elif len(kinds[k]) == 1 and None not in kinds[k]:
                fields.append(pa.field(k, types[str(next(iter(kinds[k])))]))
        fields += [
            pa.field("id", pa.string()),
            pa.field("text", pa.string()),
            pa.field("removed", pa.string()),
            pa.field("warnings", pa.list_(pa.string())),
            pa.field("error", pa.string()),
            pa.field("config", pa.string()),
            pa.field(OTHER_FIELDS, pa.string()),
        ]
        return pa.schema(fields)

    def _column(
        self, name: str, typ: Any, rows: list[Mapping[str, Any]], others: list[dict[str, Any]]
    ) -> Any:
        pa = self._pa
        values = [r.get(name) for r in rows]
        try:
            return pa.array(values, type=typ)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            pass
        fitted: list[Any] = []
        for v, other in zip(values, others):
            try:
                pa.array([v], type=typ)
            except (pa.ArrowException, TypeError, ValueError, OverflowError):
                other[name] = v
                v = None
            fitted.append(v)
        return pa.array(fitted, type=typ)

    def _flush(self) -> None:
        if not self._rows and self._writer is not None:
            return
        pa = self._pa
        if self._schema is None:
            self._schema = self._decide_schema()
            self._writer = pa.parquet.ParquetWriter(
                cast(Any, self._out.file), self._schema, compression="zstd", write_statistics=False
            )
        rows, self._rows, self._chars = self._rows, [], 0
        schema = self._schema
        others: list[dict[str, Any]] = [{} for _ in rows]
        known = set(schema.names)
        for row, other in zip(rows, others):
            for k, v in row.items():
                if k not in known:
                    other[k] = v
        arrays = []
        for fld in schema:
            if fld.name == "removed":
                arrays.append(pa.array([dumps_list(r.get("removed", [])) for r in rows], type=pa.string()))
            elif fld.name == OTHER_FIELDS:
                continue
            else:
                arrays.append(self._column(fld.name, fld.type, rows, others))
        arrays.append(pa.array([dumps(o) if o else None for o in others], type=pa.string()))
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=schema))

    def commit(self) -> None:
        try:
            self._flush()
            if self._writer is not None:
                self._writer.close()
        except BaseException:
            self._out.abort()
            raise
        self._out.commit()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            if self._writer is not None:
                self._writer.close()
        self._out.abort()


def dumps_list(items: Any) -> str:
    return json.dumps(items, ensure_ascii=False, default=json_default)


def open_writer(path: str, fmt: str, passthrough: Any = None) -> RecordWriter:
    """A writer of output records in format ``fmt`` (see :data:`OUTPUT_FORMATS`) to ``path``."""
    if fmt == "parquet":
        return ParquetWriter(path, passthrough)
    compression = {"jsonl": None, "jsonl.gz": "gzip", "jsonl.zst": "zstd"}.get(fmt, "invalid")
    if compression == "invalid":
        raise ConfigError(f"unknown output format {fmt!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
    return JsonlWriter(path, compression)


def file_sha256(path: str) -> str:
    """The SHA-256 of a file, read in 1 MiB chunks."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
