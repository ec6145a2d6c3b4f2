"""The command-line layer. Thin on purpose: parse, map to a Config, stream.

Commands: ``dedupe clean`` (clean documents), ``dedupe report`` (an HTML report of an output
file), ``dedupe explain`` (one document, each block kept or removed and why, on the terminal) and
``dedupe config`` (the settings, as a TOML file with the reason for each default).

Accounting: every input record is either written (possibly with empty text and the reason),
rejected (rejects file, with source, line, reason and raw record) or, with
``--drop-duplicate-documents``, dropped as a near copy of an earlier document (duplicates file), so
``read == written + rejected + dropped`` when a run completes; the summary line on stderr and
``--stats FILE`` say so.

A run is all or nothing: the output, report and rejects files are written to temporary files
beside their final names and renamed at the end of a successful run; an interrupted or failed
run leaves any previous files untouched (``--format txt`` files are atomic one by one). The
stats file is written (atomically) whatever the outcome. Temporary files left by a killed run
(``.NAME.tmp-PID-XXXXXXXX``) are removed by the next run.

Exit codes:
    0  success (rejected records, if any, are in the rejects file and the summary);
    1  an input file is missing or unreadable, an output cannot be written (checked before any
       work), ``--strict`` met a bad record, every record was rejected, or more than
       ``--max-reject-rate`` of them (the rejects file is written, the other outputs are not);
    2  usage error (bad option or value);
    130  interrupted (SIGINT); 143 terminated (SIGTERM): the summary is still printed and no
       partial output is left;
    141  the reader of standard output went away (``| head``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import logging
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from types import FrameType
from typing import Any, TextIO

from . import __version__, formats
from .config import STAGE_ORDER, Config
from .errors import ConfigError, DedupeError, InputFileError, OutputFileError
from .io import (
    AtomicWriter,
    InputProgress,
    Record,
    Reject,
    RejectSink,
    check_inputs,
    check_outputs,
    input_files,
    iter_inputs,
    remove_stale_temps,
    safe_filename,
)
from .model import CleanResult, Document
from .parallel import LocalPhase, default_workers
from .pipeline import Cleaner, Partial
from .progress import BarAwareHandler, Progress
from .report import (
    HtmlReport,
    explain_record,
    is_output_record,
    read_output_records,
    result_record,
    use_color,
)
from .settings import config_to_toml, load_config
from .shards import ShardedOutput, run_identity
from .stages.corpus import CorpusState

__all__ = ["args_to_config", "build_parser", "main"]

log = logging.getLogger("dedupe.cli")

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE, EXIT_TERMINATED = 0, 1, 2, 130, 141, 143

#: Default --doc-timeout (seconds per document and phase): a last resort. Cleaning a news article
#: takes well under a second, and the work limits (``Config.max_chars``, ``Config.max_blocks``)
#: bound pathological documents first, without looking at the clock, so that results do not depend
#: on the machine's load; a document still running after a minute is passed through unchanged with
#: the reason rather than holding up the run.
DOC_TIMEOUT = 60.0
#: Default --max-record-bytes: 64 MiB. Large enough for any real page or article (a 50 MB
#: document is read and passed on), small enough that one runaway line cannot exhaust memory.
MAX_RECORD_BYTES = 64 * 1024 * 1024

_EPILOG = """\
exit codes:
  0    success (rejected records, if any, are in the rejects file and counted in the summary)
  1    missing/unreadable input, unwritable output (checked before any work), --strict met a bad
       record, every record was rejected, or more than --max-reject-rate of them
  2    usage error (also an output name that tells no format, --engine dask for now)
  130  interrupted (SIGINT); 143 terminated (SIGTERM): summary printed, previous outputs kept
  141  the reader of stdout went away

every record read is written, rejected or (--drop-duplicate-documents) dropped: read = written +
rejected + dropped (summary on stderr, --stats FILE as JSON). Outputs appear complete at the end of
a successful run, or not at all.

examples:
  dedupe clean seeds/*.txt                       clean each file on its own, JSON lines to stdout
  dedupe clean --corpus seeds/*.txt -o out.jsonl  cross-document duplicates too, first copy wins
  zcat crawl.jsonl.gz | dedupe clean - --text-field body > clean.jsonl
  dedupe clean pages.jsonl --format txt --output-dir clean/
  dedupe clean --corpus seeds/*.txt -o out.jsonl --report-html report.html
  dedupe clean crawl.parquet --text-field body -o clean.parquet   other columns passed through
  dedupe clean --corpus crawl.jsonl.zst --output-dir out/ --shard-size 100000
                                                 resumable: rerun the same command after a crash
"""

_DESCRIPTION = (
    "Clean scraped news and web text: near-duplicates, boilerplate and off-topic insertions removed, "
    "every removal explained."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dedupe",
        description=_DESCRIPTION,
        epilog="Run 'dedupe COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"dedupe {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    c = sub.add_parser(
        "clean",
        help="clean documents (JSON lines, gzip/zstd, Parquet, .txt files, folders, or stdin)",
        description="Clean documents. Output: one JSON line per input document, in input order: "
        '{"id", "text", "removed": [{"start", "end", "block", "reason", "stage", ...evidence, "text"}]}.',
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument(
        "inputs",
        nargs="*",
        default=["-"],
        metavar="INPUT",
        help="a file of records: JSON lines, gzip- or zstd-compressed (told by content, whatever the "
        "name), or Parquet (one row a record); a .txt file (one document, id = file name); a folder of "
        "them (id of a .txt = its path in the folder); or - for stdin (default)",
    )
    c.add_argument(
        "-o",
        "--output",
        default="-",
        metavar="FILE",
        help="output file, format by name: .jsonl, .jsonl.gz, .jsonl.zst or .parquet (another name "
        "needs --output-format); - for stdout (default, JSON lines). Written atomically.",
    )
    c.add_argument(
        "--output-format",
        "--format",
        dest="output_format",
        choices=(*formats.OUTPUT_FORMATS, "txt"),
        default=None,
        help="output format (default: by the -o name; jsonl for stdout and shards); txt: one cleaned "
        ".txt per document in --output-dir",
    )
    c.add_argument(
        "--output-dir",
        metavar="DIR",
        help="folder (created if missing) for --shard-size shards, or for --format txt files",
    )
    c.add_argument(
        "--shard-size",
        type=_positive_int,
        default=None,
        metavar="N",
        help="resumable run: write --output-dir DIR/part-00000.jsonl ... (N input records each) and "
        "DIR/manifest.json; the same command rerun after a crash skips the finished shards",
    )
    c.add_argument(
        "--restart",
        action="store_true",
        help="with --shard-size: delete the shards and manifest in --output-dir and start over",
    )
    c.add_argument(
        "--corpus",
        action="store_true",
        help="corpus mode: remove paragraphs already seen in earlier documents (input order)",
    )
    c.add_argument(
        "--index",
        metavar="PATH",
        help="persistent corpus index (SQLite file, or redis://host:port/db); implies --corpus",
    )
    c.add_argument(
        "--drop-duplicate-documents",
        action="store_true",
        help="a document that is a near copy of an earlier one (word 5-gram Jaccard >= 0.8) goes to the "
        'duplicates file instead of the output (without it, it is written with "duplicate_of"); '
        "implies --corpus",
    )
    c.add_argument(
        "--duplicates",
        metavar="FILE",
        help="JSON lines of the dropped documents (default: OUTPUT.duplicates.jsonl beside -o FILE; "
        "with --shard-size, DIR/part-NNNNN.duplicates.jsonl per shard)",
    )
    c.add_argument(
        "--report",
        metavar="FILE",
        help="write a plain-text account of every decision (one section per document)",
    )
    c.add_argument(
        "--report-html",
        metavar="FILE",
        help="write a self-contained HTML report: summary, each document with its removed blocks "
        "highlighted by reason and their evidence (see also: dedupe report)",
    )
    c.add_argument(
        "--rejects",
        metavar="FILE",
        help="JSON lines of records that could not be read, with source, line, reason and raw "
        "record (default: OUTPUT.rejects.jsonl beside -o FILE; with stdout output, stderr)",
    )
    c.add_argument("--strict", action="store_true", help="stop with exit code 1 at the first bad record")
    c.add_argument(
        "--max-reject-rate",
        type=_rate,
        default=None,
        metavar="R",
        help="fail (exit 1, outputs not committed, rejects file written) when more than this share "
        "of the records read were rejected (0 to 1; default: fail only when every record was rejected)",
    )
    c.add_argument(
        "--stats",
        metavar="FILE",
        help="write the run's counts as JSON: read, written, rejected, dropped, rejected_by_reason, "
        "removed_by_reason, errors_by_reason, seconds, config (also on failure or interrupt)",
    )
    c.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        metavar="N",
        help="processes for the per-document phase (default: all cores); the output is the same for any N",
    )
    c.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local: processes on this machine (default); dask: a Dask cluster (extra dask): a new local "
        "cluster of --workers processes, or --scheduler ADDRESS; the output is the same",
    )
    c.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the address of a running Dask scheduler (default: a local cluster)",
    )
    c.add_argument(
        "--doc-timeout",
        type=_non_negative_float,
        default=DOC_TIMEOUT,
        metavar="SECONDS",
        help=f"time budget per document, a last resort after the work limits max_chars and "
        f"max_blocks (default {DOC_TIMEOUT:g}; 0: none); a document over it is "
        'passed through unchanged with "error": "time_budget_exceeded: ..."',
    )
    c.add_argument(
        "--max-record-bytes",
        type=_non_negative_int,
        default=MAX_RECORD_BYTES,
        metavar="BYTES",
        help=f"reject records (lines, .txt files) longer than this as record_too_large "
        f"(default {MAX_RECORD_BYTES} = 64 MiB; 0: no limit)",
    )
    _add_field_args(c)
    c.add_argument(
        "--invalid-utf8",
        choices=("replace", "reject"),
        default="replace",
        help="bytes that are not UTF-8: decode with U+FFFD and flag the record (default), or reject it",
    )
    _add_settings_args(c)
    _add_log_args(c, progress=True)

    r = sub.add_parser(
        "report",
        help="write an HTML report of an output file of dedupe clean",
        description="Write one self-contained HTML file (no network resources) from output files of "
        "'dedupe clean': a summary (documents, blocks and characters removed by reason, a bar chart) "
        "and each document with its removed blocks highlighted by reason; hover or focus a block for "
        "its evidence (the paragraph it duplicates, with a link; score and threshold; the rule). "
        "Filters by reason, search by id; one page of documents at a time, so 10,000 documents stay "
        "usable.",
    )
    r.add_argument(
        "inputs", nargs="+", metavar="OUTPUT.jsonl", help="output of dedupe clean (.gz too; - for stdin)"
    )
    r.add_argument(
        "-o", "--output", metavar="FILE", help="the HTML file (default: the first input with .html)"
    )
    r.add_argument("--title", default=None, help="page title (default: 'dedupe report: INPUT')")
    _add_log_args(r)

    e = sub.add_parser(
        "explain",
        help="show a document with each block kept or removed, and why",
        description="Print a document with each block marked kept or removed, with the reason and "
        "its evidence: coloured on a terminal, plain when piped (NO_COLOR is respected). INPUT is an "
        "output file of 'dedupe clean' (explained as it is), or any input 'dedupe clean' reads (a .txt "
        "file, records, a folder), which is cleaned first with the settings given.",
    )
    e.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="an output .jsonl of dedupe clean, or inputs to clean"
    )
    e.add_argument("--id", dest="doc_id", metavar="ID", help="only the document with this id")
    e.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colour (default: auto)"
    )
    e.add_argument("--corpus", action="store_true", help="clean the inputs in corpus mode first")
    _add_field_args(e)
    _add_settings_args(e)
    _add_log_args(e)

    g = sub.add_parser(
        "config",
        help="print the settings as TOML, with the reason for each default",
        description="Print the settings (the defaults, or those of --config FILE and the flags) as a TOML "
        "file that --config reads, with the reason for each default as a comment. Save it, edit it, "
        "and pass it to 'dedupe clean --config FILE'.",
    )
    g.add_argument("--no-comments", action="store_true", help="values only")
    _add_settings_args(g)
    _add_log_args(g)
    return parser


def _add_field_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--input-format",
        choices=formats.INPUT_FORMATS,
        default="auto",
        help="auto (default): told by content (gzip, zstd, Parquet; else JSON lines, or one document "
        "for a .txt name); jsonl, txt (each input one document: plain text on stdin) or parquet: "
        "forced for every input (compression is still told by content)",
    )
    p.add_argument("--id-field", default="id", help="record field holding the id (default: id)")
    p.add_argument(
        "--text-field",
        default="text",
        help="record field (Parquet: column) holding plain text (default: text)",
    )
    p.add_argument(
        "--html-field",
        default="html",
        help="record field holding HTML, used when the text field is absent (default: html)",
    )


def _add_settings_args(p: argparse.ArgumentParser) -> None:
    s = p.add_argument_group(
        "settings",
        "Every setting can be given in a TOML file (see 'dedupe config'); these flags override the file.",
    )
    s.add_argument(
        "--config", metavar="FILE", help="settings file (TOML); print the defaults with 'dedupe config'"
    )
    s.add_argument(
        "--stages",
        default=None,
        help=f"comma-separated stages to run (default: {','.join(STAGE_ORDER)})",
    )
    s.add_argument(
        "--keep-comments",
        action="store_true",
        default=None,
        help="keep readers' comment sections (boilerplate.comments=false, html.include_comments=true)",
    )
    s.add_argument(
        "--html-favor",
        choices=("precision", "recall", "balanced"),
        default=None,
        help="HTML extraction (trafilatura): favour precision, recall or neither (html.favor; default balanced)",
    )
    s.add_argument(
        "--html-tables",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="keep tables when extracting HTML (html.include_tables; default: keep)",
    )
    s.add_argument(
        "--duplicate-threshold",
        type=_rate,
        default=None,
        metavar="X",
        help="within a document, a block whose word bigrams are at least this share contained in "
        "earlier blocks is a copy (duplicates.containment; default 0.5)",
    )
    s.add_argument(
        "--corpus-threshold",
        type=_rate,
        default=None,
        metavar="X",
        help="corpus mode: a paragraph whose word bigrams are at least this share contained in an "
        "earlier document's paragraph is a copy (corpus.containment; default 0.5)",
    )


def _add_log_args(p: argparse.ArgumentParser, progress: bool = False) -> None:
    p.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="more logging on stderr (-v: also the time spent in each stage; -vv: debug)",
    )
    p.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="only errors on stderr (no summary" + (", no progress line)" if progress else ")"),
    )


def _number(convert: Callable[[str], Any], low: float, expected: str) -> Callable[[str], Any]:
    """An argparse type: ``convert(value)``, at least ``low`` and finite, else "expected ..."."""

    def parse(value: str) -> Any:
        try:
            x = convert(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value!r}") from None
        if not x >= low or x == float("inf"):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value!r}")
        return x

    return parse


_positive_int = _number(int, 1, "a positive integer")
_non_negative_int = _number(int, 0, "an integer >= 0")
_non_negative_float = _number(float, 0, "a number of seconds >= 0")


def _rate(value: str) -> float:
    x: float = _number(float, 0, "a number between 0 and 1")(value)
    if x > 1:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {value!r}")
    return x


def args_to_config(args: argparse.Namespace) -> Config:
    """Map parsed arguments to a :class:`Config`: the ``--config`` file (or the defaults), then the
    flags given on top of it (raises ConfigError with a usable message)."""
    config = load_config(args.config) if getattr(args, "config", None) else Config()
    if getattr(args, "stages", None) is not None:
        config = replace(config, stages=tuple(s.strip() for s in args.stages.split(",") if s.strip()))
    if getattr(args, "index", None):
        config = replace(config, corpus=replace(config.corpus, index=args.index))
    if getattr(args, "keep_comments", None):
        config = replace(
            config,
            boilerplate=replace(config.boilerplate, comments=False),
            html=replace(config.html, include_comments=True),
        )
    if getattr(args, "html_favor", None) is not None:
        config = replace(config, html=replace(config.html, favor=args.html_favor))
    if getattr(args, "html_tables", None) is not None:
        config = replace(config, html=replace(config.html, include_tables=args.html_tables))
    if getattr(args, "duplicate_threshold", None) is not None:
        config = replace(config, duplicates=replace(config.duplicates, containment=args.duplicate_threshold))
    if getattr(args, "corpus_threshold", None) is not None:
        config = replace(config, corpus=replace(config.corpus, containment=args.corpus_threshold))
    if getattr(args, "drop_duplicate_documents", False):
        config = replace(config, corpus=replace(config.corpus, drop_duplicate_documents=True))
    elif config.corpus.drop_duplicate_documents and hasattr(args, "drop_duplicate_documents"):
        args.drop_duplicate_documents = True  # set in the --config file: the flag's outputs too
    return config


class _Usage(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on usage errors, 0 on --help
        return int(e.code) if isinstance(e.code, int) else EXIT_USAGE
    _setup_logging(args.verbose, args.quiet)
    command = {"clean": _main_clean, "report": _main_report, "explain": _main_explain, "config": _main_config}
    try:
        return command[args.command](args)
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _config_and_inputs(
    args: argparse.Namespace, check: Callable[[argparse.Namespace], None] | None = None
) -> Config | int:
    """The run's Config, once the usage and the inputs are checked; else the exit code (the
    error is printed)."""
    try:
        config = args_to_config(args)
        if check is not None:
            check(args)
    except (DedupeError, _Usage) as e:
        print(f"dedupe: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    try:
        check_inputs(
            args.inputs,
            input_format=args.input_format,
            text_field=args.text_field,
            html_field=args.html_field,
        )
    except InputFileError as e:
        print(f"dedupe: error: cannot read input {e}", file=sys.stderr)
        return EXIT_FAIL
    return config


def _main_clean(args: argparse.Namespace) -> int:
    config = _config_and_inputs(args, _check_usage)
    if isinstance(config, int):
        return config
    try:
        # Every output is checked before the work starts: a typo in --stats found after an hour of
        # cleaning would lose the hour.
        check_outputs(
            [
                args.output if args.output_dir is None else None,
                args.report,
                args.report_html,
                _rejects_path(args),
                args.stats,
                args.duplicates,
            ],
            [args.output_dir],
        )
    except OutputFileError as e:
        print(f"dedupe: error: cannot write {e}", file=sys.stderr)
        return EXIT_FAIL
    try:
        return _run_clean(args, config)
    except DedupeError as e:
        # E.g. --index names a file dedupe did not write: nothing was written, say why in one line.
        print(f"dedupe: error: {e}", file=sys.stderr)
        return EXIT_FAIL


def _check_usage(args: argparse.Namespace) -> None:
    """Reconcile the output options; sets ``args.format`` to the output format."""
    if args.engine == "dask":
        missing = [m for m in ("dask.bag", "dask.dataframe", "distributed") if not _importable(m)]
        if missing:
            raise _Usage(
                f"--engine dask needs the dask extra ({', '.join(missing)} missing): "
                "pip install 'dedupe-text[dask]'"
            )
        if args.index:
            raise _Usage(
                "--index does not go with --engine dask: the Dask engine keeps no index between runs "
                "(it finds the copies of the whole input at once); use --engine local to add to an index"
            )
    if args.scheduler and args.engine != "dask":
        raise _Usage("--scheduler is for --engine dask")
    if args.output_dir and args.output != "-":
        raise _Usage("give either -o FILE or --output-dir DIR, not both")
    if args.output_format == "txt":
        if not args.output_dir:
            raise _Usage("--format txt needs --output-dir DIR")
        if args.shard_size:
            raise _Usage("--shard-size writes shards of records; --format txt writes one .txt per document")
    elif args.output_dir and not args.shard_size:
        raise _Usage(
            "--output-dir needs --shard-size N (numbered shards of N records, resumable) or --format txt "
            "(one .txt per document); for one file use -o FILE"
        )
    elif args.shard_size and not args.output_dir:
        raise _Usage("--shard-size needs --output-dir DIR (the folder of the shards and their manifest)")
    if args.restart and not args.shard_size:
        raise _Usage("--restart is for a resumable run (--output-dir DIR --shard-size N)")
    if args.index or args.drop_duplicate_documents:
        args.corpus = True
    if args.duplicates and not args.drop_duplicate_documents:
        raise _Usage("--duplicates FILE is for --drop-duplicate-documents")
    if args.shard_size:
        if "-" in args.inputs:
            raise _Usage(
                "a resumable run (--shard-size) needs input files: standard input cannot be read again"
            )
        for flag, value in (
            ("--rejects", args.rejects),
            ("--report", args.report),
            ("--report-html", args.report_html),
        ):
            if value:
                raise _Usage(
                    f"{flag} does not go with --shard-size: rejects are written per shard "
                    "(DIR/part-NNNNN.rejects.jsonl); for a report, run: dedupe report DIR/part-*.jsonl"
                )
        if args.duplicates:
            raise _Usage(
                "--duplicates does not go with --shard-size: the dropped documents are written per shard "
                "(DIR/part-NNNNN.duplicates.jsonl)"
            )
        if args.index and "://" in args.index:
            raise _Usage("a resumable run needs an index that can roll back (a SQLite file), not redis")
        args.format = args.output_format or "jsonl"
    elif args.output_format == "txt":
        args.format = "txt"
    elif os.path.isdir(args.output):
        args.format = args.output_format or "jsonl"  # refused as a folder by check_outputs
    else:
        try:
            args.format = formats.output_format_for(args.output, args.output_format)
        except ConfigError as e:
            raise _Usage(str(e)) from None
    if args.format == "parquet":
        try:
            formats.require_pyarrow("Parquet output")
        except ConfigError as e:
            raise _Usage(str(e)) from None
    if args.drop_duplicate_documents and not args.duplicates and not args.shard_size:
        if args.output == "-" or args.output_dir:
            raise _Usage(
                "--drop-duplicate-documents needs --duplicates FILE (or -o FILE to write it beside, or "
                "--output-dir DIR --shard-size N to write it per shard)"
            )
        args.duplicates = _beside(args.output, ".duplicates.jsonl")


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing
        return False


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    root = logging.getLogger("dedupe")
    for h in list(root.handlers):
        if getattr(h, "_dedupe_cli", False):
            root.removeHandler(h)
    handler = BarAwareHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("dedupe: %(levelname)s: %(message)s"))
    handler._dedupe_cli = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


def _main_config(args: argparse.Namespace) -> int:
    try:
        config = args_to_config(args)
    except DedupeError as e:
        print(f"dedupe: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(config_to_toml(config, comments=not args.no_comments))
    return EXIT_OK


def _main_report(args: argparse.Namespace) -> int:
    output = args.output
    if output is None:
        if args.inputs[0] == "-":
            print("dedupe: error: give -o FILE when the output is read from stdin", file=sys.stderr)
            return EXIT_USAGE
        output = _beside(args.inputs[0], ".html")
    try:
        check_inputs(args.inputs)
        check_outputs([output])
    except (InputFileError, OutputFileError) as e:
        print(f"dedupe: error: {e}", file=sys.stderr)
        return EXIT_FAIL
    title = args.title or "dedupe report: " + ", ".join(os.path.basename(p) for p in args.inputs)
    report = HtmlReport(output, title=title)
    try:
        for path in args.inputs:
            for n, rec in enumerate(read_output_records(path), 1):
                if not is_output_record(rec):
                    raise ValueError(
                        f"{path}: record {n} is not an output of dedupe clean (no 'text' and 'removed' "
                        "fields); run: dedupe clean INPUT --report-html FILE"
                    )
                report.add(rec)
    except (ValueError, OSError) as e:
        report.abort()
        print(f"dedupe: error: {e}", file=sys.stderr)
        return EXIT_FAIL
    except BaseException:
        report.abort()
        raise
    report.commit()
    s = report.summary()
    if not args.quiet:
        print(
            f"dedupe: wrote {output}: {s['documents']} documents, {s['blocks_removed']} of {s['blocks']} "
            f"blocks removed",
            file=sys.stderr,
        )
    return EXIT_OK


def _main_explain(args: argparse.Namespace) -> int:
    config = _config_and_inputs(args)
    if isinstance(config, int):
        return config
    try:
        records = list(_explain_records(args, config))
    except ValueError as e:
        print(f"dedupe: error: {e}", file=sys.stderr)
        return EXIT_FAIL
    targets = [r for r in records if args.doc_id is None or r.get("id") == args.doc_id]
    if not targets:
        where = ", ".join(args.inputs)
        some = ", ".join(repr(r.get("id")) for r in records[:5])
        print(
            f"dedupe: error: no document with id {args.doc_id!r} in {where}"
            + (f" (ids there include {some})" if some else " (no documents)"),
            file=sys.stderr,
        )
        return EXIT_FAIL
    lookup = {str(r.get("id")): r for r in records}
    color = use_color(sys.stdout, args.color)
    sys.stdout.write("\n\n".join(explain_record(r, color=color, lookup=lookup) for r in targets) + "\n")
    return EXIT_OK


def _explain_records(args: argparse.Namespace, config: Config) -> Iterator[dict[str, Any]]:
    """Output records as they are; anything else is cleaned first (corpus mode with --corpus)."""
    for path in args.inputs:
        if _is_output_file(path):
            yield from read_output_records(path)
            continue
        docs: list[Document] = []
        for item in iter_inputs(
            [path],
            id_field=args.id_field,
            text_field=args.text_field,
            html_field=args.html_field,
            input_format=args.input_format,
        ):
            if isinstance(item, Reject):
                log.warning("rejected record at %s:%s: %s", item.source, item.line, item.reason)
            elif args.doc_id is None or item.doc.id == args.doc_id or args.corpus:
                docs.append(item.doc)
        cleaner = Cleaner(config)
        results = cleaner.clean_many(docs) if args.corpus else (cleaner.clean(d) for d in docs)
        for res in results:
            yield result_record(res)


def _is_output_file(path: str) -> bool:
    """An output of dedupe clean: JSON lines whose first record has ``text`` and ``removed``."""
    if path == "-" or os.path.isdir(path) or not path.lower().endswith((".jsonl", ".jsonl.gz", ".ndjson")):
        return False
    try:
        first = next(read_output_records(path), None)
    except (ValueError, OSError):
        return False
    return first is not None and is_output_record(first)


class _Terminated(BaseException):
    """SIGTERM, turned into an exception so the run unwinds like on Ctrl-C."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated()


class _Run:
    """Counters for the summary and the stats file, and the rejects sink."""

    def __init__(self, args: argparse.Namespace, config: Config, workers: int) -> None:
        self.args = args
        self.config = config
        self.workers = workers
        self.started = time.monotonic()
        self.read = self.written = self.dropped = 0
        self.removed: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()
        self.chars = 0
        self.rejects_path = _rejects_path(args)
        self.rejects = RejectSink(self.rejects_path) if self.rejects_path else None
        self.strict_failure: Reject | None = None
        #: A resumable run: shards finished by earlier runs of the command, and their records.
        self.resumed: dict[str, int] | None = None
        #: Why a run that read everything still failed (too many rejects); its rejects are kept.
        self.failure: str | None = None

    def reject(self, r: Reject, routed: bool = False) -> None:
        """Count a reject and write it to the rejects file (or stderr), unless ``routed`` (a
        resumable run writes it in its shard)."""
        self.read += 1
        self.rejected[r.code] += 1
        where = f"{r.source}:{r.line}" if r.line else r.source
        log.warning("rejected record at %s: %s", where, r.reason)
        if routed:
            pass
        elif self.rejects is not None:
            self.rejects.write(r)
        else:
            print(json.dumps({"rejected": r.to_dict()}, ensure_ascii=False), file=sys.stderr)

    def account(self, res: CleanResult, rec: Record, warnings: list[str]) -> None:
        for d in res.decisions:
            if not d.kept:
                self.removed[d.reason] += 1
        self.chars += len(res.source)
        error = res.notes.get("error")
        if error:
            self.errors[str(error).split(":", 1)[0]] += 1
            where = f"{rec.source}:{rec.line}" if rec.line else rec.source
            log.warning("document %r at %s: %s", res.id, where, error)
        for w in warnings:
            self.warnings[w] += 1

    def summary(self, status: int) -> dict[str, Any]:
        rejected = sum(self.rejected.values())
        out = {
            "status": _STATE.get(status, "failed"),
            "read": self.read,
            "written": self.written,
            "rejected": rejected,
            "dropped": self.dropped,
            # Records read ahead (in flight in the workers) when the run was stopped.
            "unfinished": self.read - self.written - rejected - self.dropped,
            "rejected_by_reason": dict(sorted(self.rejected.items())),
            "removed_by_reason": dict(sorted(self.removed.items())),
            "errors_by_reason": dict(sorted(self.errors.items())),
            "warnings_by_reason": dict(sorted(self.warnings.items())),
            "seconds": round(time.monotonic() - self.started, 3),
            "workers": self.workers,
            "config": self.config.to_dict(),
            "config_fingerprint": self.config.fingerprint(),
        }
        if self.failure:
            out["failure"] = self.failure
        if self.resumed is not None:
            out["resumed"] = self.resumed
        return out

    def add_done(self, done: dict[str, Any]) -> None:
        """Count what earlier runs of a resumable command finished (their shards' counts)."""
        self.read += done["read"]
        self.written += done["written"]
        self.dropped += done["dropped"]
        self.rejected.update(done["rejected_by_reason"])
        self.removed.update(done["removed_by_reason"])
        self.errors.update(done["errors_by_reason"])
        self.warnings.update(done["warnings_by_reason"])
        self.resumed = {"shards": done["shards"], "records": done["read"]}

    def check_rejects(self, max_rate: float | None) -> None:
        """Set :attr:`failure` if every record was rejected, or more than ``max_rate`` of them."""
        rejected = sum(self.rejected.values())
        if not self.read or not rejected:
            return
        if rejected == self.read:
            self.failure = f"every record was rejected ({rejected} of {self.read})"
        elif max_rate is not None and rejected / self.read > max_rate:
            self.failure = (
                f"{rejected} of {self.read} records rejected ({rejected / self.read:.1%}), "
                f"more than --max-reject-rate {max_rate:g}"
            )


_STATE = {
    EXIT_OK: "done",
    EXIT_INTERRUPTED: "interrupted",
    EXIT_TERMINATED: "terminated",
    EXIT_FAIL: "failed",
}


def _beside(path: str, suffix: str) -> str:
    return formats.strip_format_suffix(path) + suffix


def _rejects_path(args: argparse.Namespace) -> str | None:
    if args.rejects is not None:
        return str(args.rejects)
    if args.output != "-" and not args.output_dir:
        return _beside(args.output, ".rejects.jsonl")
    return None


def _run_clean(args: argparse.Namespace, config: Config) -> int:
    workers = args.workers or default_workers()
    run = _Run(args, config, workers)
    timeout = args.doc_timeout or None
    for path in (args.output, args.report, args.report_html, run.rejects_path, args.stats, args.duplicates):
        if path:
            remove_stale_temps(path)
    if args.output_dir and os.path.isdir(args.output_dir):
        remove_stale_temps(args.output_dir, any_name=True)
    passthrough = formats.parquet_schemas(input_files(args.inputs)) if args.format == "parquet" else None
    sharded: ShardedOutput | None = None
    if args.shard_size:
        sharded = _open_shards(args, config, passthrough)
        run.add_done(sharded.done_counts())
        if sharded.complete:
            return _already_complete(run, sharded)

    show_progress = not args.quiet and _isatty(sys.stderr)
    inputs_progress = InputProgress(args.inputs) if show_progress else None
    if "-" in args.inputs and _isatty(sys.stdin) and not args.quiet:
        print(
            "dedupe: reading JSON lines from standard input (a terminal): type or paste records, "
            "end with Ctrl-D; or give files: dedupe clean FILE ...",
            file=sys.stderr,
        )

    skip = sharded.skip if sharded is not None else 0
    positions = 0  # input records read (records and rejects), those skipped included

    def records() -> Iterator[tuple[tuple[int, Record], Document]]:
        nonlocal positions
        for item in iter_inputs(
            args.inputs,
            id_field=args.id_field,
            text_field=args.text_field,
            html_field=args.html_field,
            invalid_utf8=args.invalid_utf8,
            max_record_bytes=args.max_record_bytes or None,
            progress=inputs_progress,
            input_format=args.input_format,
        ):
            pos, positions = positions, positions + 1
            if pos < skip:
                # Done by an earlier run of this command (its shards are finished). The Dask engine
                # keeps no index: in corpus mode it cleans them again (not written) for what
                # later documents copy.
                if again and not isinstance(item, Reject):
                    yield (pos, item), item.doc
                continue
            if isinstance(item, Reject):
                run.reject(item, routed=sharded is not None)
                if sharded is not None:
                    sharded.reject(pos, item)
                if args.strict:
                    run.strict_failure = item
                    return
                continue
            run.read += 1
            yield (pos, item), item.doc

    dask_engine = args.engine == "dask"
    again = dask_engine and args.corpus
    cleaner = Cleaner(config, time_budget=timeout)
    state: Any = None
    if args.corpus:
        state = _IndexLog(config) if dask_engine else cleaner.new_corpus_state()
    if sharded is not None:
        _resume_state(sharded, state)
    phase: LocalPhase[tuple[int, Record]] = LocalPhase(
        config, workers=workers, time_budget=timeout, cleaner=cleaner, corpus=state is not None
    )
    engine = contextlib.ExitStack()
    out: formats.RecordWriter | None = None
    report: AtomicWriter | None = None
    dropped: AtomicWriter | None = None
    html_report: HtmlReport | None = None
    status = EXIT_OK
    previous_term = _install_sigterm()
    progress = Progress(sys.stderr, inputs_progress, enabled=show_progress)
    try:
        if args.format == "txt":
            os.makedirs(args.output_dir, exist_ok=True)
        elif sharded is None:
            out = formats.open_writer(args.output, args.format, passthrough)
        report = AtomicWriter(args.report) if args.report else None
        dropped = AtomicWriter(args.duplicates) if args.duplicates else None
        if args.report_html:
            html_report = HtmlReport(args.report_html, title="dedupe report: " + ", ".join(args.inputs))
        used: set[str] = set()
        if dask_engine:
            results = _dask_results(args, config, records(), workers, timeout, engine, state, skip)
        else:
            results = _local_results(phase.map(records()), cleaner, state, run)
        with progress:
            for (pos, rec), res in results:
                if pos < skip:
                    continue  # cleaned again for the corpus decisions (--engine dask), written before
                warnings = _merged(rec.warnings, res.notes.get("warnings", ()))
                record = _record(res, rec, config, warnings)
                if res.notes.get("dropped"):
                    # A near copy of an earlier document: to the duplicates file, not the output.
                    if sharded is not None:
                        sharded.drop(pos, record)
                    elif dropped is not None:
                        dropped.write(json.dumps(formats.jsonable(record), ensure_ascii=False) + "\n")
                    run.dropped += 1
                    continue
                run.account(res, rec, warnings)
                if sharded is not None:
                    sharded.write(pos, record)
                elif out is not None:
                    out.write(record)
                else:
                    stem = res.id[:-4] if res.id.lower().endswith(".txt") else res.id
                    name = safe_filename(stem, ".txt", used)
                    with AtomicWriter(os.path.join(args.output_dir, name)) as f:
                        f.write(res.text + ("\n" if res.text else ""))
                if report is not None:
                    report.write(res.explain() + "\n\n")
                if html_report is not None:
                    html_report.add(formats.jsonable(record))
                run.written += 1
                progress.update(run.written, sum(run.removed.values()), run.chars)
        if run.strict_failure is not None:
            r = run.strict_failure
            print(f"dedupe: error: --strict: bad record at {r.source}:{r.line}: {r.reason}", file=sys.stderr)
            status = EXIT_FAIL
        else:
            run.check_rejects(args.max_reject_rate)
            if run.failure:
                print(f"dedupe: error: {run.failure}; see the rejects", file=sys.stderr)
                status = EXIT_FAIL
            elif sharded is not None:
                sharded.finish(positions)
    except KeyboardInterrupt:
        status = EXIT_INTERRUPTED
    except _Terminated:
        status = EXIT_TERMINATED
    except BrokenPipeError:
        # The reader went away (`dedupe clean ... | head`): stop quietly, like other filters.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = EXIT_BROKEN_PIPE
    except OSError as e:
        print(f"dedupe: error: {e}", file=sys.stderr)
        status = EXIT_FAIL
    finally:
        # A second Ctrl-C while we clean up must not leave temp files behind.
        with _signals_deferred():
            (phase.close if status == EXIT_OK else phase.terminate)()
            with contextlib.suppress(Exception):
                engine.close()
            if sharded is not None and status != EXIT_OK:
                sharded.abort()
            status = _finalise(run, status, out, report, html_report, dropped)
            # The index is committed after the output and only with it: if the run failed, what
            # it indexed is rolled back, or a re-run would drop those paragraphs as "already seen"
            # although their documents were never written. (Killed between the two renames, a
            # run leaves duplicates kept, never text lost.)
            if state is not None:
                with contextlib.suppress(Exception):
                    (state.close if status == EXIT_OK else state.abort)()
            if sharded is not None and status == EXIT_OK:
                sharded.mark_complete()
            _restore_sigterm(previous_term)
    if status == EXIT_BROKEN_PIPE:
        return status
    if run.seconds:
        log.info(
            "seconds per stage (summed over workers): %s",
            ", ".join(f"{k} {v:.2f}" for k, v in sorted(run.seconds.items(), key=lambda kv: -kv[1])),
        )
    if not args.quiet:
        _print_summary(run, status)
    return status


def _local_results(
    partials: Iterator[tuple[tuple[int, Record], Partial]],
    cleaner: Cleaner,
    state: CorpusState | None,
    run: _Run,
) -> Iterator[tuple[tuple[int, Record], CleanResult]]:
    """The engine of this machine: the corpus phase in input order, here."""
    for tag, partial in partials:
        res = cleaner.complete(partial, state)
        run.seconds.update(partial.seconds)
        yield tag, res


def _dask_results(
    args: argparse.Namespace,
    config: Config,
    items: Iterator[tuple[tuple[int, Record], Document]],
    workers: int,
    timeout: float | None,
    engine: contextlib.ExitStack,
    state: _IndexLog | None,
    skip: int,
) -> Iterator[tuple[tuple[int, Record], CleanResult]]:
    """The Dask engine (see dedupe.dask): documents sent to the cluster as they are read; the
    records kept here without their text (what the output record needs of them). What each
    document adds to the corpus index goes to ``state`` as a local run's corpus state would
    have it (for the logs of a resumable run)."""
    from .dask import clean_stream, connect

    client = engine.enter_context(connect(args.scheduler, workers))
    log.info("Dask engine: %s", client)
    slim = (((pos, replace(rec, doc=_without_text(rec.doc))), doc) for (pos, rec), doc in items)
    for (pos, rec), res, indexed in clean_stream(
        slim, config, client, corpus=args.corpus, time_budget=timeout
    ):
        if state is not None and indexed is not None and pos >= skip:
            state.entry = indexed[1]
            state.commit(res.id, indexed[0])
        yield (pos, rec), res


def _without_text(doc: Document) -> Document:
    return Document(id=doc.id, text="", meta=doc.meta)


class _IndexLog:
    """With --engine dask, what stands for the corpus state of a resumable run: its commit() is
    called for every document a sequential run would index, with what it would index, so the
    shards' index logs are the same as --engine local writes (a run started by one engine resumes
    with the other)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        #: The log entry of the document about to be committed (see CorpusState.log_entry).
        self.entry: dict[str, Any] = {}

    def log_entry(self, doc_id: str, blocks: list[tuple[int, str]]) -> dict[str, Any]:
        return self.entry

    def commit(self, doc_id: str, blocks: list[tuple[int, str]]) -> None:
        return None

    def replay(self, doc_id: str, blocks: list[tuple[int, str]], entry: Any) -> None:
        return None  # the Dask engine cleans the finished shards' records again instead


def _shard_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The options besides the configuration that change what a resumable run writes."""
    return {
        k: getattr(args, k)
        for k in (
            "format",
            "shard_size",
            "corpus",
            "index",
            "input_format",
            "id_field",
            "text_field",
            "html_field",
            "invalid_utf8",
            "max_record_bytes",
        )
    }


def _open_shards(args: argparse.Namespace, config: Config, passthrough: Any) -> ShardedOutput:
    """The output folder of a resumable run, checked against the command (ResumeRefused if it
    holds another command's run)."""
    sharded = ShardedOutput(
        args.output_dir,
        args.format,
        args.shard_size,
        run_identity(args.inputs, _shard_settings(args), config.fingerprint()),
        corpus=args.corpus,
        index_path=args.index,
        passthrough=passthrough,
    )
    sharded.open(restart=args.restart)
    if sharded.shard_count and not sharded.complete:
        log.warning(
            "resuming %s: %d shards (%d input records) finished by an earlier run",
            args.output_dir,
            sharded.shard_count,
            sharded.skip,
        )
    return sharded


def _resume_state(sharded: ShardedOutput, state: Any) -> None:
    """Bring a new corpus state to where the finished shards left it, and log what follows."""
    if state is None:
        return
    if sharded.needs_replay:
        n = sharded.replay(state)
        log.info("corpus index rebuilt from %d documents of the finished shards", n)
    else:
        sharded.record_index()
    sharded.attach(state)


def _already_complete(run: _Run, sharded: ShardedOutput) -> int:
    print(
        f"dedupe: {sharded.folder} already holds the complete output of this command "
        f"({sharded.shard_count} shards); nothing to do (--restart starts over)",
        file=sys.stderr,
    )
    status = _finalise(run, EXIT_OK, None, None)
    if not run.args.quiet:
        _print_summary(run, status)
    return status


def _isatty(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # closed or detached
        return False


def _merged(*groups: Sequence[str]) -> list[str]:
    out: list[str] = []
    for group in groups:
        out.extend(w for w in group if w not in out)
    return out


def _finalise(
    run: _Run,
    status: int,
    out: formats.RecordWriter | None,
    report: AtomicWriter | None,
    html_report: HtmlReport | None = None,
    dropped: AtomicWriter | None = None,
) -> int:
    """Commit every output of a successful run, or abort them all; write --stats either way.

    A run that failed on its rejects (:attr:`_Run.failure`) still writes the rejects file: it
    says what went wrong."""
    ok = status == EXIT_OK
    keep_rejects = ok or run.failure is not None
    writers: list[Any] = [w for w in (out, report, html_report, dropped, run.rejects) if w is not None]
    for w in writers:
        try:
            if isinstance(w, RejectSink):
                (w.close if keep_rejects else w.abort)()
            else:
                (w.commit if ok else w.abort)()
        except OSError as e:
            print(f"dedupe: error: cannot write {getattr(w, 'path', '?')}: {e}", file=sys.stderr)
            ok, status = False, EXIT_FAIL
    if run.args.stats:
        try:
            with AtomicWriter(run.args.stats) as f:
                f.write(json.dumps(run.summary(status), ensure_ascii=False, indent=1) + "\n")
        except OSError as e:
            print(f"dedupe: error: cannot write {run.args.stats}: {e}", file=sys.stderr)
            status = status if status != EXIT_OK else EXIT_FAIL
    return status


def _install_sigterm() -> Any:
    try:
        return signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (main() called from a thread): leave it alone
        return None


def _restore_sigterm(previous: Any) -> None:
    if previous is not None:
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM while outputs are committed or aborted; re-deliver nothing (the run is
    already ending)."""
    saved: list[tuple[signal.Signals, Any]] = []
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            saved.append((sig, signal.signal(sig, signal.SIG_IGN)))
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for sig, handler in saved:
            signal.signal(sig, handler)


def _record(res: CleanResult, rec: Record, config: Config, warnings: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in rec.doc.meta.items() if k not in ("id", "text", "removed")}
    out.update(res.to_record())
    if warnings:
        out["warnings"] = warnings
    if res.notes.get("error"):
        out["error"] = res.notes["error"]
    if res.notes.get("duplicate_of"):  # a near copy of an earlier document: {"id", "similarity", ...}
        out["duplicate_of"] = res.notes["duplicate_of"]
    # (not .get(..., config.fingerprint()): that would hash the configuration for every record)
    out["config"] = res.notes["config"] if "config" in res.notes else config.fingerprint()
    return out


def _print_summary(run: _Run, status: int, stream: TextIO | None = None) -> None:
    s = run.summary(status)
    by = ", ".join(f"{k} {v}" for k, v in s["rejected_by_reason"].items())
    removed = ", ".join(f"{k} {v}" for k, v in s["removed_by_reason"].items()) or "none"
    line = (
        f"dedupe: {s['status']}: read {s['read']}, written {s['written']}, rejected {s['rejected']}"
        + (f" ({by})" if by else "")
        + f", dropped {s['dropped']}"
        + (f", unfinished {s['unfinished']}" if s["unfinished"] else "")
        + f"; blocks removed: {removed}"
    )
    if s["errors_by_reason"]:
        line += "; errors: " + ", ".join(f"{k} {v}" for k, v in s["errors_by_reason"].items())
    if s["warnings_by_reason"]:
        line += "; warnings: " + ", ".join(f"{k} {v}" for k, v in s["warnings_by_reason"].items())
    line += f"; {s['seconds']:.1f} s"
    if status not in (EXIT_OK, EXIT_BROKEN_PIPE) and getattr(run.args, "shard_size", None):
        line += f"; the finished shards are kept in {run.args.output_dir}: rerun the same command to resume"
    elif status not in (EXIT_OK, EXIT_BROKEN_PIPE):
        line += "; outputs not committed (previous files kept)"
    print(line, file=stream or sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
