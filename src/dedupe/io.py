"""Reading inputs and writing outputs safely.

Scraped corpora are messy: mixed encodings, stray NUL bytes, truncated gzip archives, ids that
look like paths. This module turns every input line into exactly one :class:`Record` (usable,
possibly with warnings) or one :class:`Reject` (unusable, with a stable reason code), so a single
bad record never aborts a run and nothing is ever silently dropped.

On the output side, :class:`AtomicWriter` makes every output file appear complete or not at all
(a crash or a kill mid-write leaves any previous file untouched), and :func:`safe_filename` turns
untrusted document ids into file names that cannot escape the output folder on any major OS.

Reject reason codes (the part of :attr:`Reject.reason` before ``": "``):

``malformed_json``, ``not_an_object``, ``missing_text_field``, ``text_not_a_string``, ``bad_id``,
``invalid_utf8``, ``record_too_large``, ``truncated_gzip``, ``truncated_zstd``, ``corrupt_parquet``,
``read_error``.

What a file holds is told by its first bytes (see :mod:`dedupe.formats`): gzip and zstd are
decompressed whatever the name, Parquet is read row group by row group (its rows are records, and
``line`` is the 1-based row number), anything else is JSON lines, or one document for ``.txt``.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import hashlib
import io
import json
import logging
import os
import re
import secrets
import stat
import sys
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any, BinaryIO, Literal, Protocol, cast

from dedupe import formats
from dedupe.errors import ConfigError, InputFileError, OutputFileError
from dedupe.model import Document

__all__ = [
    "REJECT_REASONS",
    "AtomicWriter",
    "InputProgress",
    "Record",
    "Reject",
    "RejectSink",
    "check_inputs",
    "check_outputs",
    "iter_inputs",
    "remove_stale_temps",
    "repair_surrogates",
    "safe_filename",
]

logger = logging.getLogger(__name__)

#: Every reason code a :class:`Reject` can carry; callers may rely on this set being stable.
REJECT_REASONS = frozenset(
    {
        "malformed_json",
        "not_an_object",
        "missing_text_field",
        "text_not_a_string",
        "bad_id",
        "invalid_utf8",
        "record_too_large",
        "truncated_gzip",
        "truncated_zstd",
        "corrupt_parquet",
        "read_error",
    }
)

#: How much of a rejected record is kept in :attr:`Reject.raw` (characters). Enough to diagnose
#: the problem, small enough that a 2 GB garbage line cannot blow up the rejects file.
RAW_MAX_CHARS = 2000
# 2,000 characters are at most 8,000 bytes of UTF-8.
_RAW_MAX_BYTES = 4 * RAW_MAX_CHARS
_BOM = codecs.BOM_UTF8
# JSON's own whitespace; a line holding only these is a blank line, not a record.
_JSON_WS = b" \t\r\n"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz", ".jsonl.zst", ".ndjson.zst")
_TXT_SUFFIXES = (".txt", ".txt.gz", ".txt.zst")
_PARQUET_SUFFIXES = (".parquet",)
#: The id of a document read as plain text from standard input (``--input-format txt``).
STDIN_TXT_ID = "stdin"
_STDIN = "<stdin>"


# --------------------------------------------------------------------------------------------
# Records and rejects
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Record:
    """One readable input record.

    Attributes:
        source: The file path as given (or as found inside a given folder), or ``"<stdin>"``.
        line: 1-based physical line number in a JSON-lines file; 0 for a ``.txt`` file.
        doc: The document built from the record.
        warnings: Repairs made while reading (``invalid_utf8_replaced``, ``nul_bytes_removed``,
            ``lone_surrogates_replaced``), so a repaired record is never mistaken for a clean one.
    """

    source: str
    line: int
    doc: Document
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reject:
    """One input record that could not be used.

    Attributes:
        source: Where it came from (see :attr:`Record.source`).
        line: 1-based line number (0 for a whole ``.txt`` file or a whole unreadable input).
        reason: A stable snake_case code from :data:`REJECT_REASONS`, then ``": "`` and a human
            detail, e.g. ``"malformed_json: Expecting ',' delimiter at col 17"``. Scripts split
            on the first ``":"``; people read the rest.
        raw: The raw record (without its line ending), or its first 2,000 characters if longer,
            decoded from UTF-8 with replacement so it can always be written out.
    """

    source: str
    line: int
    reason: str
    raw: str

    @property
    def code(self) -> str:
        """The reason code alone (``"malformed_json"``)."""
        return self.reason.split(":", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        """The JSON-lines form written to the rejects file."""
        return {"source": self.source, "line": self.line, "reason": self.reason, "raw": self.raw}


def _raw_text(data: bytes) -> str:
    """Decode at most :data:`RAW_MAX_CHARS` characters of ``data`` for :attr:`Reject.raw`.

    An incremental decoder is used so a multi-byte character cut by the byte limit does not show
    up as a spurious U+FFFD at the end.
    """
    head = data[:_RAW_MAX_BYTES]
    final = len(head) == len(data)
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=final)
    return text[:RAW_MAX_CHARS]


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------


def check_inputs(
    inputs: Sequence[str],
    *,
    input_format: str = "auto",
    text_field: str = "text",
    html_field: str = "html",
) -> None:
    """Fail fast on inputs that cannot be read at all, before any output is written.

    Record-level problems become rejects later; a missing file, by contrast, is almost always a
    typo on the command line, and finding out after an hour of processing (with half-written
    outputs) is worse than finding out now. So is a Parquet file without the text column (every
    row would be rejected) or with no readable footer, or one met without pyarrow installed.

    Args:
        inputs: Paths of files or folders; ``"-"`` means standard input and is always accepted.
        input_format: As for :func:`iter_inputs`.
        text_field, html_field: The columns a Parquet input must have one of.

    Raises:
        InputFileError: Naming the first path that is missing or unreadable, and why.
    """
    for path in inputs:
        if path == "-":
            continue
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise InputFileError(path, "no such file or folder") from None
        except OSError as exc:
            raise InputFileError(path, f"cannot access: {exc.strerror or exc}") from exc
        if os.path.isdir(path):
            try:
                with os.scandir(path) as it:
                    next(it, None)
            except OSError as exc:
                raise InputFileError(path, f"folder is not readable: {exc.strerror or exc}") from exc
        elif stat.S_ISREG(st.st_mode):
            try:
                with open(path, "rb"):
                    pass
            except OSError as exc:
                raise InputFileError(path, f"file is not readable: {exc.strerror or exc}") from exc
        elif not os.access(path, os.R_OK):
            # FIFOs and devices (e.g. ``<(zcat x.gz)``): opening could block, so only ask.
            raise InputFileError(path, "file is not readable")
    for path in input_files(inputs):
        _check_parquet(path, input_format, text_field, html_field)


def _check_parquet(path: str, input_format: str, text_field: str, html_field: str) -> None:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return  # found when read, as a read_error reject
    if formats.sniff(head) != "parquet" and not (input_format == "parquet" and formats.sniff(head) is None):
        return
    try:
        problem = formats.parquet_problem(path, text_field, html_field)
    except formats.MissingDependency as exc:
        raise InputFileError(path, str(exc)) from None
    if problem:
        raise InputFileError(path, problem)


def input_files(inputs: Sequence[str]) -> list[str]:
    """The files :func:`iter_inputs` reads for ``inputs``, in its order (folders expanded;
    ``"-"`` left out)."""
    files: list[str] = []
    for path in inputs:
        if path == "-":
            continue
        if os.path.isdir(path):
            files.extend(full for _, full in _folder_files(path, []))
        else:
            files.append(path)
    return files


def check_outputs(paths: Sequence[str | None], folders: Sequence[str | None] = ()) -> None:
    """Fail fast on outputs that cannot be written, before any work is done.

    A typo in ``--stats /no/such/dir/s.json`` found after an hour of cleaning loses the hour (and
    the run's counts); found now it costs nothing.

    Args:
        paths: Output files (``None`` and ``"-"`` are skipped): their folder must exist and be
            writable, and the path must not be a folder.
        folders: Output folders (``--output-dir``): created later if missing, so the nearest
            existing ancestor must be a writable folder.

    Raises:
        OutputFileError: Naming the first output that cannot be written, and why.
    """
    for path in paths:
        if path is None or path == "-":
            continue
        if os.path.isdir(path):
            raise OutputFileError(path, "is a folder, expected a file name")
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(parent):
            raise OutputFileError(path, f"folder {parent} does not exist")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise OutputFileError(path, f"folder {parent} is not writable")
    for folder in folders:
        if folder is None:
            continue
        if os.path.exists(folder) and not os.path.isdir(folder):
            raise OutputFileError(folder, "exists and is not a folder")
        probe = os.path.abspath(folder)
        while not os.path.exists(probe):
            probe = os.path.dirname(probe)
        if not os.path.isdir(probe) or not os.access(probe, os.W_OK | os.X_OK):
            raise OutputFileError(folder, f"cannot create or write in it ({probe} is not a writable folder)")


class InputProgress:
    """How far reading has got through the inputs, in bytes (for a progress bar).

    Give one to :func:`iter_inputs`; :meth:`position` is then the number of bytes of the input
    files consumed so far (compressed bytes for ``.gz``) and :attr:`total` their size, or None
    when an input's size is unknown (standard input, a pipe).
    """

    def __init__(self, inputs: Sequence[str]) -> None:
        self.total: int | None = 0
        for path in inputs:
            size = _input_size(path)
            self.total = None if size is None or self.total is None else self.total + size
        self.done = 0
        self._current: IO[bytes] | None = None

    def position(self) -> int:
        """Bytes consumed so far (the file being read counts up to its read position)."""
        pos = 0
        if self._current is not None:
            with contextlib.suppress(OSError, ValueError):
                pos = self._current.tell()
        return self.done + pos

    def _start(self, raw: IO[bytes]) -> None:
        self._current = raw

    def _finish(self, raw: IO[bytes]) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.done += os.fstat(raw.fileno()).st_size
        self._current = None


def _input_size(path: str) -> int | None:
    if path == "-":
        return None
    try:
        if os.path.isdir(path):
            total = 0
            for dirpath, _, names in os.walk(path):
                total += sum(os.path.getsize(os.path.join(dirpath, n)) for n in names if _kind(n) is not None)
            return total
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


class _LineSource(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class _Options:
    id_field: str
    text_field: str
    html_field: str
    invalid_utf8: Literal["replace", "reject"]
    max_record_bytes: int | None
    progress: InputProgress | None = None
    input_format: str = "auto"


def iter_inputs(
    inputs: Sequence[str],
    *,
    id_field: str = "id",
    text_field: str = "text",
    html_field: str = "html",
    invalid_utf8: str = "replace",
    max_record_bytes: int | None = None,
    stdin: BinaryIO | None = None,
    progress: InputProgress | None = None,
    input_format: str = "auto",
) -> Iterator[Record | Reject]:
    """Yield one :class:`Record` or :class:`Reject` per input record, in input order.

    Inputs are processed in the order given. What a file holds is told by its first bytes:
    gzip and zstd are decompressed (whatever the name: a ``.jsonl`` that is really gzip is read
    right), a Parquet file is read row group by row group (each row a record, the text in the
    ``text_field`` column, every other column passed through in :attr:`Document.meta`);
    otherwise, by (case-insensitive) name:

    * ``.txt`` (optionally ``.gz``/``.zst``): the whole file is one document whose id is the file
      name;
    * anything else: one JSON object per line (``.jsonl``, ``.ndjson``, oddly named dumps,
      ``<(zcat x.gz)``);
    * a folder: every ``.jsonl``/``.ndjson``/``.txt`` (optionally ``.gz``/``.zst``) and
      ``.parquet`` file inside it, recursively, in sorted path order (other files are skipped
      with a debug log, so a stray README does not become rejects); the id of a ``.txt`` file
      found there is its path relative to the folder given, with ``/`` separators
      (``a/index.txt``, ``b/index.txt``: bare names would collide);
    * ``"-"``: standard input, told by its first bytes the same way, in binary so bad bytes are
      seen (Parquet is copied to a temporary file first: its footer is at the end).

    ``input_format`` forces the format of every input (``jsonl``, ``txt``: one document,
    ``parquet``); compression is still told by content.

    Every physical line counts for line numbers, blank lines are skipped and are not records,
    and every non-blank line yields exactly one Record or Reject. Files are read as bytes and
    decoded line by line, so one bad line never spoils the rest of a file; an input that fails
    mid-way yields a ``truncated_gzip`` or ``read_error`` reject and reading goes on with the next
    input. Nothing here raises for bad data.

    Args:
        inputs: File paths, folder paths, or ``"-"``.
        id_field: JSON field holding the document id.
        text_field: JSON field holding plain text (preferred when present).
        html_field: JSON field holding HTML, used when ``text_field`` is absent.
        invalid_utf8: ``"replace"`` (decode with U+FFFD, warn ``invalid_utf8_replaced``) or
            ``"reject"`` (reject ``invalid_utf8``).
        max_record_bytes: If set, a line (or ``.txt`` file) longer than this is rejected as
            ``record_too_large`` without being parsed or fully held in memory.
        stdin: Stream used for ``"-"`` (default ``sys.stdin.buffer``).
        progress: Updated as files are read (see :class:`InputProgress`).
        input_format: ``"auto"`` (default), ``"jsonl"``, ``"txt"`` or ``"parquet"``.

    Raises:
        ConfigError: If ``invalid_utf8``, ``max_record_bytes`` or ``input_format`` is invalid
            (checked before anything is read).
    """
    if invalid_utf8 not in ("replace", "reject"):
        raise ConfigError(f"invalid_utf8 must be 'replace' or 'reject', not {invalid_utf8!r}")
    if max_record_bytes is not None and max_record_bytes <= 0:
        raise ConfigError(f"max_record_bytes must be a positive integer or None, not {max_record_bytes!r}")
    if input_format not in formats.INPUT_FORMATS:
        raise ConfigError(
            f"input_format must be one of {', '.join(formats.INPUT_FORMATS)}, not {input_format!r}"
        )
    opts = _Options(
        id_field=id_field,
        text_field=text_field,
        html_field=html_field,
        invalid_utf8=cast(Literal["replace", "reject"], invalid_utf8),
        max_record_bytes=max_record_bytes,
        progress=progress,
        input_format=input_format,
    )
    return _iter_inputs(list(inputs), opts, stdin)


def _iter_inputs(inputs: list[str], opts: _Options, stdin: BinaryIO | None) -> Iterator[Record | Reject]:
    for path in inputs:
        if path == "-":
            stream: Any = stdin if stdin is not None else sys.stdin.buffer
            if not hasattr(stream, "peek"):
                stream = _Peekable(stream)
            yield from _iter_stream(stream, _STDIN, opts, None, None)
        elif os.path.isdir(path):
            yield from _iter_folder(path, opts)
        else:
            yield from _iter_file(path, opts)


class _Peekable:
    """A binary stream without ``peek`` (a test's BytesIO, a socket file) with one, reading
    through the stream's own ``readline`` so its behaviour stays what it was."""

    def __init__(self, f: Any) -> None:
        self._f = f
        self._head = b""

    def peek(self, size: int = 1, /) -> bytes:
        if len(self._head) < size:
            self._head += self._f.read(size - len(self._head))
        return self._head

    def seekable(self) -> bool:
        return False

    def read(self, size: int | None = -1, /) -> bytes:
        head, self._head = self._head, b""
        if size is None or size < 0:
            return head + bytes(self._f.read())
        if len(head) >= size:
            self._head = head[size:]
            return head[:size]
        return head + bytes(self._f.read(size - len(head)))

    def readline(self, size: int = -1, /) -> bytes:
        head, self._head = self._head, b""
        cut = head.find(b"\n") + 1
        if 0 <= size <= len(head) and (not cut or cut > size):
            cut = size
        if cut:
            self._head = head[cut:]
            return head[:cut]
        return head + bytes(self._f.readline(size - len(head) if size >= 0 else -1))


def _kind(path: str) -> Literal["jsonl", "txt", "parquet"] | None:
    low = path.lower()
    if low.endswith(_TXT_SUFFIXES):
        return "txt"
    if low.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    return None


def _folder_files(folder: str, walk_errors: list[OSError]) -> list[tuple[tuple[str, ...], str]]:
    """The files of the kinds read inside ``folder``, recursively, sorted by their path parts."""
    found: list[tuple[tuple[str, ...], str]] = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=walk_errors.append):
        dirnames.sort()
        for name in filenames:
            full = os.path.join(dirpath, name)
            if _kind(full) is None:
                logger.debug(
                    "skipping %s: not a .jsonl/.ndjson/.txt (optionally .gz/.zst) or .parquet file", full
                )
                continue
            rel = os.path.relpath(full, folder)
            found.append((tuple(rel.split(os.sep)), full))
    return sorted(found)


def _iter_folder(folder: str, opts: _Options) -> Iterator[Record | Reject]:
    """Walk ``folder`` recursively; sorted order makes runs reproducible across filesystems."""
    walk_errors: list[OSError] = []
    found = _folder_files(folder, walk_errors)
    for exc in walk_errors:
        where = exc.filename if isinstance(exc.filename, str) else folder
        yield Reject(where, 0, f"read_error: cannot list folder: {exc.strerror or exc}", "")
    for parts, full in found:
        yield from _iter_file(full, opts, name="/".join(parts))


def _iter_file(path: str, opts: _Options, name: str | None = None) -> Iterator[Record | Reject]:
    """Read one file; ``name`` (the path relative to a folder given) names its documents, else the
    file name does."""
    try:
        raw = open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        yield Reject(path, 0, f"read_error: {exc.strerror or exc}", "")
        return
    if opts.progress is not None:
        opts.progress._start(raw)
    with raw:
        yield from _iter_stream(raw, path, opts, _kind(path), name)
        if opts.progress is not None:
            opts.progress._finish(raw)


def _iter_stream(
    raw: Any, source: str, opts: _Options, kind: str | None, name: str | None
) -> Iterator[Record | Reject]:
    """Read one input, told by its first bytes (see :func:`iter_inputs`)."""
    try:
        head = raw.peek(4)[:4]
    except _READ_ERRORS as exc:
        yield Reject(source, 0, _stream_error(exc, None), "")
        return
    container = formats.sniff(head)
    fmt = opts.input_format if opts.input_format != "auto" else kind
    if container == "parquet" or fmt == "parquet":
        if container in ("gzip", "zstd"):
            yield Reject(
                source,
                0,
                f"read_error: {container}-compressed Parquet is not read; Parquet compresses its own pages",
                "",
            )
            return
        yield from _iter_parquet(raw, source, opts, name)
        return
    compression = container if container in ("gzip", "zstd") else None
    f: IO[bytes] = raw
    if compression == "gzip":
        f = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    elif compression == "zstd":
        f = io.BufferedReader(formats.ZstdReader(raw))
    with contextlib.ExitStack() as stack:
        if f is not raw:
            stack.callback(f.close)
        if fmt == "txt":
            doc_id = name or (STDIN_TXT_ID if source == _STDIN else os.path.basename(source))
            yield _read_txt(f, source, opts, compression, doc_id)
        else:
            yield from _iter_jsonl_stream(f, source, opts, compression=compression, name=name)


def _iter_parquet(raw: Any, source: str, opts: _Options, name: str | None) -> Iterator[Record | Reject]:
    """Rows of a Parquet file as records; ``line`` is the 1-based row number."""
    try:
        seekable = raw.seekable()
    except (OSError, ValueError):
        seekable = False
    f: IO[bytes] = raw
    try:
        if not seekable:
            f = formats.spool(raw)
        rows = formats.iter_parquet_rows(f)
        row = 0
        while True:
            try:
                obj = next(rows, None)
            except formats.MissingDependency as exc:
                yield Reject(source, 0, f"read_error: {exc}", "")
                return
            except Exception as exc:  # a damaged page or footer (pyarrow raises ArrowException/OSError)
                where = f"after row {row}" if row else "no row read"
                logger.debug("%s: stopped reading Parquet at row %d: %s", source, row + 1, exc)
                yield Reject(source, row + 1 if row else 0, f"corrupt_parquet: {where}: {exc}", "")
                return
            if obj is None:
                return
            row += 1
            yield _parquet_record(obj, source, row, opts, name)
    finally:
        if f is not raw:
            f.close()


def _parquet_record(
    obj: dict[str, Any], source: str, row: int, opts: _Options, name: str | None
) -> Record | Reject:
    # A null cell is how Parquet says "absent": fall back to the HTML column as for a JSON record
    # without the text field.
    for field in (opts.text_field, opts.html_field):
        value = obj.get(field)
        if isinstance(value, (bytes, bytearray)):
            text, warnings, detail = _decode(bytes(value), opts.invalid_utf8)
            if text is None:
                return Reject(source, row, f"invalid_utf8: {detail} in column {field!r}", _raw_row(obj))
            obj[field] = text
            if warnings:
                obj.setdefault("\0warnings", warnings)
    warnings = tuple(obj.pop("\0warnings", ()))
    if obj.get(opts.text_field) is None:
        obj.pop(opts.text_field, None)
        if obj.get(opts.html_field) is None:
            obj.pop(opts.html_field, None)
    return _record_from_object(
        obj, source, row, opts, name, escapes=True, warnings=warnings, raw=lambda: _raw_row(obj)
    )


def _raw_row(obj: dict[str, Any]) -> str:
    try:
        return _raw_text(
            json.dumps(obj, ensure_ascii=False, default=formats.json_default).encode("utf-8", "replace")
        )
    except (TypeError, ValueError):
        return _raw_text(repr(obj).encode("utf-8", "replace"))


def _stream_error(exc: BaseException, compression: str | None) -> str:
    """The reject reason for an exception raised while reading a stream."""
    if compression == "gzip" and isinstance(exc, (EOFError, zlib.error, gzip.BadGzipFile)):
        return f"truncated_gzip: {exc}"
    if compression == "zstd" and isinstance(exc, EOFError):
        return f"truncated_zstd: {exc}"
    if isinstance(exc, OSError):
        return f"read_error: {exc.strerror or exc}"
    return f"read_error: {type(exc).__name__}: {exc}"


_READ_ERRORS = (OSError, EOFError, zlib.error)


def _read_txt(
    f: IO[bytes], path: str, opts: _Options, compression: str | None, doc_id: str
) -> Record | Reject:
    """A ``.txt`` file is one document; its id is its file name (what a person would call it), or
    its path relative to the folder given."""
    limit = opts.max_record_bytes
    try:
        data = f.read() if limit is None else f.read(limit + 1)
    except _READ_ERRORS as exc:
        return Reject(path, 0, _stream_error(exc, compression), "")
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if limit is not None and len(data) > limit:
        return Reject(path, 0, f"record_too_large: file is more than {limit} bytes", _raw_text(data))
    text, warnings, error = _decode(data, opts.invalid_utf8)
    if text is None:
        return Reject(path, 0, f"invalid_utf8: {error}", _raw_text(data))
    text, more = _clean_str(text, opts.invalid_utf8)
    if text is None:
        return Reject(path, 0, "invalid_utf8: lone surrogate in text", _raw_text(data))
    return Record(path, 0, Document(id=doc_id, text=text), _merge(warnings, more))


class _SkipBom:
    """Drops a UTF-8 BOM at the very start of a stream (Windows tools prepend one; it is not part
    of the first record), before line lengths and blankness are judged."""

    def __init__(self, f: _LineSource) -> None:
        self._f = f
        self._first = True

    def readline(self, size: int = -1, /) -> bytes:
        if not self._first:
            return self._f.readline(size)
        self._first = False
        head = self._f.readline(len(_BOM))
        if head == _BOM:
            return self._f.readline(size)
        if not head or head.endswith(b"\n") or 0 <= size <= len(head):
            return head
        return head + self._f.readline(size - len(head) if size >= 0 else -1)


def _iter_raw_lines(
    f: _LineSource, limit: int | None
) -> Iterator[tuple[bytes, int | None, BaseException | None]]:
    """Yield ``(content, oversize, error)`` per physical line.

    ``content`` has its line ending removed. For a line longer than ``limit``, ``content`` is only
    its head and ``oversize`` is its full length: the rest is read in small chunks and discarded,
    so a multi-gigabyte line never sits in memory. A read error ends the iteration with
    ``(b"", None, error)``. Exceptions are caught here, around the reads only, so they can never
    be confused with exceptions thrown into the consuming generator.
    """
    while True:
        try:
            line = f.readline() if limit is None else f.readline(limit + 2)
        except _READ_ERRORS as exc:
            yield b"", None, exc
            return
        if not line:
            return
        if limit is None or line.endswith(b"\n") or len(line) < limit + 2:
            content = _strip_eol(line)
            if limit is not None and len(content) > limit and content.strip(_JSON_WS):
                yield content[:_RAW_MAX_BYTES], len(content), None
            else:
                yield content, None, None
            continue
        head, total = line[:_RAW_MAX_BYTES], len(line)
        blank = not line.strip(_JSON_WS)  # a huge run of whitespace is still a blank line
        while True:
            try:
                chunk = f.readline(1 << 16)
            except _READ_ERRORS as exc:
                yield b"", None, exc
                return
            if not chunk:
                break
            total += len(chunk)
            blank = blank and not chunk.strip(_JSON_WS)
            if len(head) < _RAW_MAX_BYTES:  # keep enough of the line for Reject.raw
                head += _strip_eol(chunk)[: _RAW_MAX_BYTES - len(head)]
            if chunk.endswith(b"\n"):
                total -= 2 if chunk.endswith(b"\r\n") else 1
                break
        yield (b"", None, None) if blank else (head, total, None)


def _strip_eol(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return line[:-2]
    if line.endswith(b"\n"):
        return line[:-1]
    return line


def _iter_jsonl_stream(
    f: _LineSource, source: str, opts: _Options, *, compression: str | None, name: str | None = None
) -> Iterator[Record | Reject]:
    lineno = 0
    for content, oversize, error in _iter_raw_lines(_SkipBom(f), opts.max_record_bytes):
        if error is not None:
            reason = _stream_error(error, compression)
            logger.debug("%s: stopped reading at line %d: %s", source, lineno + 1, reason)
            yield Reject(source, lineno + 1, reason, "")
            return
        lineno += 1
        if oversize is not None:
            yield Reject(
                source,
                lineno,
                f"record_too_large: line is {oversize} bytes, limit is {opts.max_record_bytes}",
                _raw_text(content),
            )
            continue
        if not content.strip(_JSON_WS):
            continue
        yield _parse_line(content, source, lineno, opts, name)


def _decode(data: bytes, policy: str) -> tuple[str | None, tuple[str, ...], str]:
    """Decode UTF-8 strictly; on failure repair or refuse, per the ``invalid_utf8`` policy.

    Scraped text is often mis-encoded in a few bytes only; replacing them keeps the document,
    but a warning says it was repaired, and ``"reject"`` exists for pipelines that must not
    guess.
    """
    try:
        return data.decode("utf-8"), (), ""
    except UnicodeDecodeError as exc:
        detail = f"{exc.reason} at byte {exc.start}"
        if policy == "reject":
            return None, (), detail
        return data.decode("utf-8", errors="replace"), ("invalid_utf8_replaced",), detail


def _clean_str(value: str, policy: str, escapes: bool = True) -> tuple[str | None, tuple[str, ...]]:
    """Remove NUL characters and handle lone surrogates in a text value.

    NULs break C-based tools downstream (and many databases) and carry no meaning in text.
    Lone surrogates (from JSON escapes like ``"\\ud800"``) cannot be encoded as UTF-8, so the
    output would fail to write; they follow the ``invalid_utf8`` policy. Returns ``(None, ())``
    when the policy is to reject. ``escapes=False`` says the value came from JSON without any
    ``\\u`` escape, so it cannot hold a surrogate (strict UTF-8 decoding never yields one).
    """
    warnings: tuple[str, ...] = ()
    if "\x00" in value:
        value = value.replace("\x00", "")
        warnings += ("nul_bytes_removed",)
    if escapes and not value.isascii() and _has_surrogate(value):
        if policy == "reject":
            return None, ()
        value = _LONE_SURROGATE.sub("\ufffd", value)
        warnings += ("lone_surrogates_replaced",)
    return value, warnings


def repair_surrogates(value: str) -> tuple[str, bool]:
    """``value`` with every lone surrogate replaced by U+FFFD (one character for one, so offsets
    hold), and whether anything was replaced. Lone surrogates cannot be encoded as UTF-8."""
    if value.isascii() or not _has_surrogate(value):
        return value, False
    return _LONE_SURROGATE.sub("\ufffd", value), True


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")  # C speed; only surrogates can fail here
    except UnicodeEncodeError:
        return True
    return False


def _merge(*groups: tuple[str, ...]) -> tuple[str, ...]:
    if not any(groups):
        return ()
    out: list[str] = []
    for group in groups:
        out.extend(w for w in group if w not in out)
    return tuple(out)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


# Strict JSON: NaN/Infinity are not JSON and would make the output unreadable to other tools.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _parse_line(
    content: bytes, source: str, lineno: int, opts: _Options, name: str | None = None
) -> Record | Reject:
    """Turn one non-blank JSON line into a Record or a Reject (never raises)."""

    def reject(reason: str) -> Reject:
        logger.debug("%s:%d rejected: %s", source, lineno, reason)
        return Reject(source, lineno, reason, _raw_text(content))

    text, warnings, detail = _decode(content, opts.invalid_utf8)
    if text is None:
        return reject(f"invalid_utf8: {detail}")
    try:
        obj = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        return reject(f"malformed_json: {exc.msg} at col {exc.colno}")
    except RecursionError:
        return reject("malformed_json: nested too deeply")
    except ValueError as exc:  # NaN/Infinity, integers over the int-digits limit
        return reject(f"malformed_json: {exc}")
    if not isinstance(obj, dict):
        return reject(f"not_an_object: got a JSON {_json_type(obj)}")
    return _record_from_object(
        obj,
        source,
        lineno,
        opts,
        name,
        escapes=b"\\u" in content,
        warnings=warnings,
        raw=lambda: _raw_text(content),
    )


def _record_from_object(
    obj: dict[str, Any],
    source: str,
    lineno: int,
    opts: _Options,
    name: str | None,
    *,
    escapes: bool,
    warnings: tuple[str, ...],
    raw: Callable[[], str],
) -> Record | Reject:
    """A record (a JSON object, a Parquet row) as a Record, or a Reject saying why not.
    ``escapes`` says strings may hold lone surrogates; ``raw`` gives :attr:`Reject.raw`."""

    def reject(reason: str) -> Reject:
        logger.debug("%s:%d rejected: %s", source, lineno, reason)
        return Reject(source, lineno, reason, raw())

    # Text: prefer text_field, fall back to html_field.
    if opts.text_field in obj:
        field, value = opts.text_field, obj[opts.text_field]
    elif opts.html_field in obj:
        field, value = opts.html_field, obj[opts.html_field]
    else:
        return reject(f"missing_text_field: no {opts.text_field!r} or {opts.html_field!r} field")
    if not isinstance(value, str):
        return reject(f"text_not_a_string: field {field!r} is a JSON {_json_type(value)}")
    cleaned, more = _clean_str(value, opts.invalid_utf8, escapes)
    if cleaned is None:
        return reject(f"invalid_utf8: lone surrogate escape in field {field!r}")
    warnings = _merge(warnings, more)
    html: str | None = None
    if field == opts.text_field and isinstance(obj.get(opts.html_field), str):
        # Keep the HTML alongside the text (the Document uses it only when text is None).
        html, more = _clean_str(obj[opts.html_field], "replace", escapes)
        warnings = _merge(warnings, more)

    # Id: verbatim string or integer; missing/null/empty falls back to a position-based id.
    raw_id = obj.get(opts.id_field)
    if raw_id is None or raw_id == "":
        doc_id = f"{name or os.path.basename(source)}:{lineno}"
    elif isinstance(raw_id, str):
        doc_id = raw_id
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    else:
        return reject(
            f"bad_id: field {opts.id_field!r} is a JSON {_json_type(raw_id)}, expected a string or integer"
        )

    meta = {k: v for k, v in obj.items() if k not in (opts.id_field, opts.text_field, opts.html_field)}
    if field == opts.text_field:
        doc = Document(id=doc_id, text=cleaned, html=html, meta=meta)
    else:
        doc = Document(id=doc_id, html=cleaned, meta=meta)
    if warnings:
        logger.debug("%s:%d: %s", source, lineno, ", ".join(warnings))
    return Record(source, lineno, doc, warnings)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _fsync_dir(path: str) -> None:
    """Make a rename durable. Not possible on Windows (and some filesystems); best effort."""
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _truncate_utf8(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8", errors="surrogatepass")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", errors="ignore")


class AtomicWriter:
    """Write a file so that it appears complete or not at all.

    Output goes to a hidden temp file in the same folder (a rename is only atomic within one
    filesystem); a clean exit flushes, fsyncs and renames it over the final name, so readers and
    re-runs never see a half-written file, and a crash, an exception or a SIGKILL leaves any
    previous file under the final name untouched. A ``.gz`` suffix writes gzip (with a fixed
    mtime, so identical content gives identical bytes), ``.zst`` zstd (``compression`` overrides
    the name). ``"-"`` writes to standard output and does nothing special.

    Usable as a context manager, or call :meth:`commit` / :meth:`abort` yourself.

    Args:
        path: Final file name, or ``"-"`` for standard output.
        mode: ``"w"`` (text) or ``"wb"`` (bytes).
        encoding: Text encoding (text mode only).
        errors: Text encoding error handler (text mode only).
        compression: ``"auto"`` (by the suffix), ``"gzip"``, ``"zstd"`` or None (none).

    Attributes:
        path: The final path.
        tmp_path: The temp file's path (None for ``"-"``).
        file: The open file object to write to.
    """

    def __init__(
        self,
        path: str,
        mode: str = "w",
        encoding: str = "utf-8",
        *,
        errors: str = "strict",
        compression: str | None = "auto",
    ) -> None:
        if mode not in ("w", "wt", "wb"):
            raise ValueError(f"AtomicWriter mode must be 'w' or 'wb', not {mode!r} (appending is not atomic)")
        if compression == "auto":
            low = path.lower()
            compression = "gzip" if low.endswith(".gz") else "zstd" if low.endswith(".zst") else None
        if compression not in (None, "gzip", "zstd"):
            raise ValueError(f"compression must be 'auto', 'gzip', 'zstd' or None, not {compression!r}")
        self.path = path
        self.binary = mode == "wb"
        self.tmp_path: str | None = None
        self._done = False
        self._raw: io.BufferedWriter | None = None
        self._gzip: IO[bytes] | None = None
        self.file: IO[Any]
        if path == "-":
            self.file = sys.stdout.buffer if self.binary else sys.stdout
            return

        folder = os.path.dirname(os.path.abspath(path))
        name = os.path.basename(path)
        if is_stream_path(path):
            # A device or a pipe (/dev/null, /dev/stdout, a FIFO) cannot be replaced atomically,
            # and a rename over it would replace the device itself (as root, /dev/null): write
            # to it as it is, like standard output.
            fd = os.open(path, os.O_WRONLY)
        else:
            # Keep the temp name under the 255-byte limit even for long final names.
            tmp_name = f".{_truncate_utf8(name, 180)}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
            self.tmp_path = os.path.join(folder, tmp_name)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            fd = os.open(self.tmp_path, flags, 0o666)  # 0o666 & umask, like a plain open()
        try:
            if self.tmp_path is not None:
                with contextlib.suppress(OSError):
                    os.chmod(self.tmp_path, os.stat(path).st_mode & 0o7777)  # keep an existing file's mode
            self._raw = open(fd, "wb")  # noqa: SIM115
            target: IO[bytes] = self._raw
            if compression == "gzip":
                self._gzip = cast(
                    IO[bytes], gzip.GzipFile(filename=name, mode="wb", fileobj=self._raw, mtime=0)
                )
                target = self._gzip
            elif compression == "zstd":
                self._gzip = formats.zstd_writer(self._raw)
                target = self._gzip
            if self.binary:
                self.file = target
            else:
                # newline="" writes "\n" as is on every OS: JSONL must not get "\r\n".
                self.file = io.TextIOWrapper(target, encoding=encoding, errors=errors, newline="")
        except BaseException:
            if self._raw is None:
                os.close(fd)
            self._discard()
            raise

    def write(self, data: Any) -> int:
        """Write ``data`` (str in text mode, bytes in binary mode)."""
        written: int = self.file.write(data)
        return written

    def commit(self) -> None:
        """Flush, fsync and rename the temp file onto the final name (idempotent)."""
        if self._done:
            return
        self._done = True
        if self._raw is None:  # standard output
            self.file.flush()
            return
        try:
            if isinstance(self.file, io.TextIOWrapper):
                self.file.flush()
                self.file.detach()
            if self._gzip is not None:
                self._gzip.close()  # writes the trailer/ends the frame; the file underneath stays open
            self._raw.flush()
            if self.tmp_path is None:  # a device or a pipe
                self._raw.close()
                return
            os.fsync(self._raw.fileno())
            self._raw.close()
            os.replace(self.tmp_path, self.path)
        except BaseException:
            self._discard()
            raise
        _fsync_dir(os.path.dirname(os.path.abspath(self.path)))
        logger.debug("wrote %s", self.path)

    def abort(self) -> None:
        """Close and delete the temp file; any previous file under the final name stays (idempotent)."""
        if self._done:
            return
        self._done = True
        if self._raw is None:
            with contextlib.suppress(Exception):
                self.file.flush()
            return
        self._discard()

    def _discard(self) -> None:
        wrapper = getattr(self, "file", None)
        if isinstance(wrapper, io.TextIOWrapper):
            # Detach so the wrapper's finaliser does not later flush into a closed file.
            with contextlib.suppress(Exception):
                wrapper.detach()
        for closer in (self._gzip, self._raw):
            if closer is not None:
                with contextlib.suppress(Exception):
                    closer.close()
        if self.tmp_path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp_path)
            logger.debug("discarded %s", self.tmp_path)

    def __enter__(self) -> AtomicWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def is_stream_path(path: str) -> bool:
    """``path`` exists and is not a regular file or a folder: a device or a pipe (``/dev/null``,
    ``/dev/stdout``, a FIFO), written to as it is rather than replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


_TMP_RE = re.compile(r"^\.(?P<name>.+)\.tmp-(?P<pid>\d+)-[0-9a-f]{8}$", re.DOTALL)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's process), or we cannot tell: leave its file alone
    return True


def remove_stale_temps(path: str, *, any_name: bool = False) -> list[str]:
    """Delete temp files that an :class:`AtomicWriter` for ``path`` left behind when its process
    was killed (SIGKILL, power loss): hidden files named ``.NAME.tmp-PID-XXXXXXXX`` beside
    ``path`` whose process no longer exists. Files of running processes are left alone.

    Args:
        path: The final output path (``"-"`` does nothing), or with ``any_name`` a folder whose
            stale temps of any name are removed (``--format txt`` output folders).

    Returns:
        The paths removed.
    """
    if path == "-":
        return []
    if any_name:
        folder, want = path, None
    else:
        folder, want = os.path.dirname(os.path.abspath(path)), _truncate_utf8(os.path.basename(path), 180)
    removed: list[str] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        m = _TMP_RE.match(name)
        if m is None or (want is not None and m.group("name") != want) or _pid_alive(int(m.group("pid"))):
            continue
        full = os.path.join(folder, name)
        try:
            if not os.path.isfile(full) or os.path.islink(full):
                continue
            os.unlink(full)
        except OSError:
            continue
        logger.info("removed %s, left by an interrupted run", full)
        removed.append(full)
    return removed


class RejectSink:
    """Writes rejects as JSON lines through an :class:`AtomicWriter`.

    The file is opened on the first reject only, so a clean run leaves no empty rejects file
    behind (an empty file would make people look for problems that are not there). A file left
    by an earlier run under the same name is not touched when nothing is rejected.

    Args:
        path: Where the rejects go (``.gz`` compresses, ``"-"`` is standard output).

    Attributes:
        count: How many rejects were written.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.count = 0
        self._writer: AtomicWriter | None = None

    def write(self, reject: Reject) -> None:
        """Append one reject."""
        if self._writer is None:
            self._writer = AtomicWriter(self.path)
        record = reject.to_dict()
        try:
            line = json.dumps(record, ensure_ascii=False)
            line.encode("utf-8")
        except UnicodeEncodeError:  # e.g. a file name with undecodable bytes (surrogateescape)
            line = json.dumps(record, ensure_ascii=True)
        self._writer.write(line + "\n")
        self.count += 1

    def close(self) -> None:
        """Commit the rejects file (if anything was rejected)."""
        if self._writer is not None:
            self._writer.commit()

    def abort(self) -> None:
        """Drop the rejects written so far; any previous file stays."""
        if self._writer is not None:
            self._writer.abort()

    def __enter__(self) -> RejectSink:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


# --------------------------------------------------------------------------------------------
# File names from ids
# --------------------------------------------------------------------------------------------

_FORBIDDEN_CHARS = frozenset('/\\:*?"<>|')
_RESERVED_STEMS = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{p}{d}" for p in ("COM", "LPT") for d in "123456789¹²³"]
)
_MAX_BASE_BYTES = 150
_HASH_CHARS = 8


def _sha8(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:_HASH_CHARS]


def _name_key(name: str) -> str:
    """Collision key: Windows and macOS compare names case-insensitively (and macOS also
    normalisation-insensitively), so two names equal under this key cannot coexist."""
    return unicodedata.normalize("NFC", name).casefold()


def _safe_char(ch: str) -> str:
    if ch in _FORBIDDEN_CHARS:
        return "_"
    # Control, format (bidi overrides, zero-width), surrogate, private-use and unassigned
    # characters, and line/paragraph separators: invalid somewhere, or used to spoof names.
    if unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp"):
        return "_"
    return ch


def safe_filename(doc_id: str, suffix: str = ".txt", used: set[str] | None = None) -> str:
    """A file name derived from an untrusted ``doc_id`` that is safe in any output folder.

    Ids come from scraped data and may be hostile (``../../etc/passwd``) or merely awkward
    (``CON``, ``a:b``, 10,000 characters). The result has no directory part and is valid on
    Linux, macOS and Windows: path separators, NUL, control characters and ``:*?"<>|`` become
    ``_``; leading dots and spaces and trailing dots and spaces are stripped (so never ``.`` or
    ``..``, never hidden); Windows reserved device names (``CON``, ``NUL``, ``COM1``..., any
    case, with or without extension) get a ``_`` prefix; the stem is capped at 150 UTF-8 bytes
    so the whole name stays well under 255 bytes; an empty result becomes ``doc``.

    Whenever the name had to change, ``-`` and 8 hex digits of sha1(doc_id) are appended, so two
    different ids that sanitise alike still get different names, and the same id always gets
    the same name. ``used`` (which this function updates, holding case- and
    normalisation-folded keys) resolves what is left, e.g. ``Foo`` vs ``foo`` on a
    case-insensitive filesystem or a repeated id, by appending ``-2``, ``-3``...

    Args:
        doc_id: The document id, verbatim.
        suffix: Extension to append (``".txt"``, ``".json"``, ``""``); must itself be safe.
        used: Names already taken in the target folder, as maintained by this function.

    Returns:
        The file name, without any directory.

    Raises:
        ValueError: If ``suffix`` is not a short, safe extension.
    """
    if (
        len(suffix.encode("utf-8", errors="surrogatepass")) > 32
        or any(_safe_char(c) != c for c in suffix)
        or suffix.endswith((".", " "))
        or (suffix and not suffix.startswith("."))
    ):
        raise ValueError(f"suffix must be a short extension like '.txt', not {suffix!r}")

    base = "".join(_safe_char(c) for c in doc_id)
    base = base.lstrip(". ").rstrip(". ")
    if len(base.encode("utf-8")) > _MAX_BASE_BYTES:
        base = _truncate_utf8(base, _MAX_BASE_BYTES).rstrip(". ")
    if not base:
        base = "doc"
    stem = base.split(".", 1)[0].rstrip(" ").upper()
    if stem in _RESERVED_STEMS:
        base = "_" + base
    if base != doc_id:
        base = f"{base}-{_sha8(doc_id)}"

    name = base + suffix
    if used is not None:
        n = 1
        while _name_key(name) in used:
            n += 1
            name = f"{base}-{n}{suffix}"
        used.add(_name_key(name))
    return name
