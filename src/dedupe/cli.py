"""``dedupe clean``: the command-line layer. Thin on purpose: parse, map to a Config, stream.

Exit codes:
    0  success (rejected records, if any, are in the rejects file and the summary);
    1  an input file is missing or unreadable, an output cannot be written, or ``--strict`` met a
       bad record;
    2  usage error (bad option or value);
    130  interrupted (SIGINT); the summary is still printed and no partial output is left.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from . import __version__
from .config import STAGE_ORDER, Config, CorpusConfig, HtmlConfig
from .errors import DedupeError, InputFileError
from .io import AtomicWriter, Record, Reject, RejectSink, check_inputs, iter_inputs, safe_filename
from .model import CleanResult, Document
from .pipeline import Cleaner

__all__ = ["args_to_config", "build_parser", "main"]

log = logging.getLogger("dedupe.cli")

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141

_EPILOG = """\
exit codes: 0 success; 1 missing/unreadable input, unwritable output, or --strict met a bad record;
2 usage error; 130 interrupted.

examples:
  dedupe clean seeds/*.txt                       clean each file on its own, JSON lines to stdout
  dedupe clean --corpus seeds/*.txt -o out.jsonl  cross-document duplicates too, first copy wins
  zcat crawl.jsonl.gz | dedupe clean - --text-field body > clean.jsonl
  dedupe clean pages.jsonl --format txt --output-dir clean/
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dedupe",
        description="Clean scraped news and web text: near-duplicates, boilerplate and off-topic "
        "insertions removed, every removal explained.",
    )
    parser.add_argument("--version", action="version", version=f"dedupe {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    c = sub.add_parser(
        "clean",
        help="clean documents (JSONL, JSONL.gz, .txt files, folders, or stdin)",
        description="Clean documents. Output: one JSON line per input document, in input order: "
        '{"id", "text", "removed": [{"start", "end", "reason", ...evidence}]}.',
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument(
        "inputs",
        nargs="*",
        default=["-"],
        metavar="INPUT",
        help="a .jsonl/.jsonl.gz file of records, a .txt file (one document, id = file "
        "name), a folder of them, or - for stdin (default)",
    )
    c.add_argument(
        "-o",
        "--output",
        default="-",
        metavar="FILE",
        help="JSON-lines output (.gz compresses); - for stdout (default). Written atomically.",
    )
    c.add_argument(
        "--format",
        choices=("jsonl", "txt"),
        default="jsonl",
        help="jsonl (default) or txt: one cleaned .txt per document in --output-dir",
    )
    c.add_argument("--output-dir", metavar="DIR", help="folder for --format txt (created if missing)")
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
        "--report",
        metavar="FILE",
        help="write a human-readable account of every decision (one section per document)",
    )
    c.add_argument(
        "--rejects",
        metavar="FILE",
        help="JSON lines of records that could not be read, with source, line, reason and raw "
        "record (default: OUTPUT.rejects.jsonl beside -o FILE; with stdout output, stderr)",
    )
    c.add_argument("--strict", action="store_true", help="stop with exit code 1 at the first bad record")
    c.add_argument("--id-field", default="id", help="record field holding the id (default: id)")
    c.add_argument("--text-field", default="text", help="record field holding plain text (default: text)")
    c.add_argument(
        "--html-field",
        default="html",
        help="record field holding HTML, used when the text field is absent (default: html)",
    )
    c.add_argument(
        "--invalid-utf8",
        choices=("replace", "reject"),
        default="replace",
        help="bytes that are not UTF-8: decode with U+FFFD and flag the record (default), or reject it",
    )
    c.add_argument(
        "--stages",
        default=",".join(STAGE_ORDER),
        help=f"comma-separated stages to run (default: {','.join(STAGE_ORDER)})",
    )
    c.add_argument("-v", "--verbose", action="count", default=0, help="more logging on stderr (-vv: debug)")
    c.add_argument("-q", "--quiet", action="store_true", help="only errors on stderr (no summary)")
    return parser


def args_to_config(args: argparse.Namespace) -> Config:
    """Map parsed arguments to a :class:`Config` (raises ConfigError with a usable message)."""
    stages = tuple(s.strip() for s in args.stages.split(",") if s.strip())
    return Config(
        stages=stages,
        corpus=CorpusConfig(index=args.index),
        html=HtmlConfig(),
    )


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
    try:
        config = args_to_config(args)
        _check_usage(args)
    except (DedupeError, _Usage) as e:
        print(f"dedupe: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    try:
        check_inputs(args.inputs)
    except InputFileError as e:
        print(f"dedupe: error: cannot read input {e}", file=sys.stderr)
        return EXIT_FAIL
    return _run_clean(args, config)


def _check_usage(args: argparse.Namespace) -> None:
    if args.format == "txt" and not args.output_dir:
        raise _Usage("--format txt needs --output-dir DIR")
    if args.output_dir and args.format != "txt":
        raise _Usage("--output-dir is for --format txt; use -o FILE for JSON lines")
    if args.index:
        args.corpus = True


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    root = logging.getLogger("dedupe")
    for h in list(root.handlers):
        if getattr(h, "_dedupe_cli", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("dedupe: %(levelname)s: %(message)s"))
    handler._dedupe_cli = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


class _Run:
    """Counters for the summary, and the sinks."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.read = self.written = 0
        self.removed: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()
        rejects_path = args.rejects
        if rejects_path is None and args.output != "-" and args.format == "jsonl":
            rejects_path = _beside(args.output, ".rejects.jsonl")
        self.rejects = RejectSink(rejects_path) if rejects_path else None
        self.strict_failure: Reject | None = None

    def reject(self, r: Reject) -> None:
        self.read += 1
        self.rejected[r.code] += 1
        where = f"{r.source}:{r.line}" if r.line else r.source
        log.warning("rejected record at %s: %s", where, r.reason)
        if self.rejects is not None:
            self.rejects.write(r)
        else:
            print(json.dumps({"rejected": r.to_dict()}, ensure_ascii=False), file=sys.stderr)

    def summary(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "written": self.written,
            "rejected": sum(self.rejected.values()),
            "rejected_by_reason": dict(sorted(self.rejected.items())),
            "removed_by_reason": dict(sorted(self.removed.items())),
        }


def _beside(path: str, suffix: str) -> str:
    base = path[:-3] if path.endswith(".gz") else path
    base = base[:-6] if base.endswith(".jsonl") else base
    return base + suffix


def _run_clean(args: argparse.Namespace, config: Config) -> int:
    run = _Run(args)
    cleaner = Cleaner(config)
    pending: deque[Record] = deque()

    def documents() -> Iterator[Document]:
        for item in iter_inputs(
            args.inputs,
            id_field=args.id_field,
            text_field=args.text_field,
            html_field=args.html_field,
            invalid_utf8=args.invalid_utf8,
        ):
            if isinstance(item, Reject):
                run.reject(item)
                if args.strict:
                    run.strict_failure = item
                    return
                continue
            run.read += 1
            pending.append(item)
            yield item.doc

    results = cleaner.clean_many(documents()) if args.corpus else (cleaner.clean(d) for d in documents())
    out: AtomicWriter | None = None
    report: AtomicWriter | None = None
    status = EXIT_OK
    try:
        if args.format == "jsonl":
            out = AtomicWriter(args.output)
        else:
            os.makedirs(args.output_dir, exist_ok=True)
        report = AtomicWriter(args.report) if args.report else None
        used: set[str] = set()
        for doc_result, doc in _paired(results, pending):
            _account(run, doc_result)
            if out is not None:
                out.write(json.dumps(_record(doc_result, doc, config), ensure_ascii=False) + "\n")
            else:
                stem = doc_result.id[:-4] if doc_result.id.lower().endswith(".txt") else doc_result.id
                name = safe_filename(stem, ".txt", used)
                with AtomicWriter(os.path.join(args.output_dir, name)) as f:
                    f.write(doc_result.text + ("\n" if doc_result.text else ""))
            if report is not None:
                report.write(doc_result.explain() + "\n\n")
            run.written += 1
        if run.strict_failure is not None:
            r = run.strict_failure
            print(f"dedupe: error: --strict: bad record at {r.source}:{r.line}: {r.reason}", file=sys.stderr)
            status = EXIT_FAIL
    except KeyboardInterrupt:
        status = EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`dedupe clean ... | head`): stop quietly, like other filters.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as e:
        print(f"dedupe: error: {e}", file=sys.stderr)
        status = EXIT_FAIL
    finally:
        ok = status == EXIT_OK
        for w in (out, report):
            if w is not None:
                (w.commit if ok else w.abort)()
        if run.rejects is not None:
            (run.rejects.close if ok or status == EXIT_INTERRUPTED else run.rejects.abort)()
    if not args.quiet:
        _print_summary(run, status)
    return status


def _paired(results: Iterator[CleanResult], pending: deque[Record]) -> Iterator[tuple[CleanResult, Record]]:
    # Results come back in input order, one per document; pair each with its input record.
    for res in results:
        yield res, pending.popleft()


def _account(run: _Run, res: CleanResult) -> None:
    for d in res.decisions:
        if not d.kept:
            run.removed[d.reason] += 1


def _record(res: CleanResult, rec: Record, config: Config) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in rec.doc.meta.items() if k not in ("id", "text", "removed")}
    out.update(res.to_record())
    if rec.warnings:
        out["warnings"] = list(rec.warnings)
    if res.notes.get("error"):
        out["error"] = res.notes["error"]
    out["config"] = res.notes.get("config", config.fingerprint())
    return out


def _print_summary(run: _Run, status: int, stream: TextIO | None = None) -> None:
    s = run.summary()
    removed = ", ".join(f"{k} {v}" for k, v in s["removed_by_reason"].items()) or "none"
    state = {EXIT_OK: "done", EXIT_INTERRUPTED: "interrupted", EXIT_FAIL: "failed"}.get(status, "failed")
    print(
        f"dedupe: {state}: read {s['read']}, written {s['written']}, rejected {s['rejected']}; "
        f"blocks removed: {removed}",
        file=stream or sys.stderr,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
