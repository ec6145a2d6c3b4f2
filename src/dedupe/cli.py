"""``dedupe clean``: the command-line layer. Thin on purpose: parse, map to a Config, stream.

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
    1  an input file is missing or unreadable, an output cannot be written, or ``--strict`` met a
       bad record;
    2  usage error (bad option or value);
    130  interrupted (SIGINT); 143 terminated (SIGTERM): the summary is still printed and no
       partial output is left;
    141  the reader of standard output went away (``| head``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import Any, TextIO

from . import __version__
from .config import STAGE_ORDER, Config, CorpusConfig, HtmlConfig
from .errors import DedupeError, InputFileError
from .io import (
    AtomicWriter,
    Record,
    Reject,
    RejectSink,
    check_inputs,
    iter_inputs,
    remove_stale_temps,
    safe_filename,
)
from .model import CleanResult, Document
from .parallel import LocalPhase, default_workers
from .pipeline import Cleaner

__all__ = ["args_to_config", "build_parser", "main"]

log = logging.getLogger("dedupe.cli")

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE, EXIT_TERMINATED = 0, 1, 2, 130, 141, 143

#: Default --doc-timeout (seconds per document and phase). Cleaning a news article takes well under
#: a second; a document still running after this long is pathological (or huge) and is passed
#: through unchanged with the reason rather than holding up the run.
DOC_TIMEOUT = 10.0
#: Default --max-record-bytes: 64 MiB. Large enough for any real page or article (a 50 MB
#: document is read and passed on), small enough that one runaway line cannot exhaust memory.
MAX_RECORD_BYTES = 64 * 1024 * 1024

_EPILOG = """\
exit codes:
  0    success (rejected records, if any, are in the rejects file and counted in the summary)
  1    missing/unreadable input, unwritable output, or --strict met a bad record
  2    usage error
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
        "--drop-duplicate-documents",
        action="store_true",
        help="a document that is a near copy of an earlier one (word 5-gram Jaccard >= 0.8) goes to the "
        'duplicates file instead of the output (without it, it is written with "duplicate_of"); '
        "implies --corpus",
    )
    c.add_argument(
        "--duplicates",
        metavar="FILE",
        help="JSON lines of the dropped documents (default: OUTPUT.duplicates.jsonl beside -o FILE)",
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
        "--doc-timeout",
        type=_non_negative_float,
        default=DOC_TIMEOUT,
        metavar="SECONDS",
        help=f"time budget per document (default {DOC_TIMEOUT:g}; 0: none); a document over it is "
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


def args_to_config(args: argparse.Namespace) -> Config:
    """Map parsed arguments to a :class:`Config` (raises ConfigError with a usable message)."""
    stages = tuple(s.strip() for s in args.stages.split(",") if s.strip())
    return Config(
        stages=stages,
        corpus=CorpusConfig(index=args.index, drop_duplicate_documents=args.drop_duplicate_documents),
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
    try:
        return _run_clean(args, config)
    except DedupeError as e:
        # E.g. --index names a file dedupe did not write: nothing was written, say why in one line.
        print(f"dedupe: error: {e}", file=sys.stderr)
        return EXIT_FAIL


def _check_usage(args: argparse.Namespace) -> None:
    if args.format == "txt" and not args.output_dir:
        raise _Usage("--format txt needs --output-dir DIR")
    if args.output_dir and args.format != "txt":
        raise _Usage("--output-dir is for --format txt; use -o FILE for JSON lines")
    if args.index or args.drop_duplicate_documents:
        args.corpus = True
    if args.duplicates and not args.drop_duplicate_documents:
        raise _Usage("--duplicates FILE is for --drop-duplicate-documents")
    if args.drop_duplicate_documents and not args.duplicates:
        if args.output == "-" or args.format != "jsonl":
            raise _Usage("--drop-duplicate-documents needs --duplicates FILE (or -o FILE to write it beside)")
        args.duplicates = _beside(args.output, ".duplicates.jsonl")


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
        self.rejects_path: str | None = args.rejects
        if self.rejects_path is None and args.output != "-" and args.format == "jsonl":
            self.rejects_path = _beside(args.output, ".rejects.jsonl")
        self.rejects = RejectSink(self.rejects_path) if self.rejects_path else None
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

    def account(self, res: CleanResult, rec: Record, warnings: list[str]) -> None:
        for d in res.decisions:
            if not d.kept:
                self.removed[d.reason] += 1
        error = res.notes.get("error")
        if error:
            self.errors[str(error).split(":", 1)[0]] += 1
            where = f"{rec.source}:{rec.line}" if rec.line else rec.source
            log.warning("document %r at %s: %s", res.id, where, error)
        for w in warnings:
            self.warnings[w] += 1

    def summary(self, status: int) -> dict[str, Any]:
        rejected = sum(self.rejected.values())
        return {
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


_STATE = {
    EXIT_OK: "done",
    EXIT_INTERRUPTED: "interrupted",
    EXIT_TERMINATED: "terminated",
    EXIT_FAIL: "failed",
}


def _beside(path: str, suffix: str) -> str:
    base = path[:-3] if path.endswith(".gz") else path
    base = base[:-6] if base.endswith(".jsonl") else base
    return base + suffix


def _run_clean(args: argparse.Namespace, config: Config) -> int:
    workers = args.workers or default_workers()
    run = _Run(args, config, workers)
    timeout = args.doc_timeout or None
    for path in (args.output, args.report, run.rejects_path, args.stats, args.duplicates):
        if path:
            remove_stale_temps(path)
    if args.output_dir and os.path.isdir(args.output_dir):
        remove_stale_temps(args.output_dir, any_name=True)

    def records() -> Iterator[tuple[Record, Document]]:
        for item in iter_inputs(
            args.inputs,
            id_field=args.id_field,
            text_field=args.text_field,
            html_field=args.html_field,
            invalid_utf8=args.invalid_utf8,
            max_record_bytes=args.max_record_bytes or None,
        ):
            if isinstance(item, Reject):
                run.reject(item)
                if args.strict:
                    run.strict_failure = item
                    return
                continue
            run.read += 1
            yield item, item.doc

    cleaner = Cleaner(config, time_budget=timeout)
    state = cleaner.new_corpus_state() if args.corpus else None
    phase: LocalPhase[Record] = LocalPhase(
        config, workers=workers, time_budget=timeout, cleaner=cleaner, corpus=state is not None
    )
    out: AtomicWriter | None = None
    report: AtomicWriter | None = None
    dropped: AtomicWriter | None = None
    status = EXIT_OK
    previous_term = _install_sigterm()
    try:
        if args.format == "jsonl":
            out = AtomicWriter(args.output)
        else:
            os.makedirs(args.output_dir, exist_ok=True)
        report = AtomicWriter(args.report) if args.report else None
        dropped = AtomicWriter(args.duplicates) if args.duplicates else None
        used: set[str] = set()
        for rec, partial in phase.map(records()):
            res = cleaner.complete(partial, state)
            if dropped is not None and res.notes.get("dropped"):
                # A near copy of an earlier document: to the duplicates file, not the output.
                dropped.write(
                    json.dumps(_record(res, rec, config, list(rec.warnings)), ensure_ascii=False) + "\n"
                )
                run.dropped += 1
                continue
            warnings = list(rec.warnings) + _empty_reason(res, rec)
            run.account(res, rec, warnings)
            if out is not None:
                out.write(json.dumps(_record(res, rec, config, warnings), ensure_ascii=False) + "\n")
            else:
                stem = res.id[:-4] if res.id.lower().endswith(".txt") else res.id
                name = safe_filename(stem, ".txt", used)
                with AtomicWriter(os.path.join(args.output_dir, name)) as f:
                    f.write(res.text + ("\n" if res.text else ""))
            if report is not None:
                report.write(res.explain() + "\n\n")
            run.written += 1
        if run.strict_failure is not None:
            r = run.strict_failure
            print(f"dedupe: error: --strict: bad record at {r.source}:{r.line}: {r.reason}", file=sys.stderr)
            status = EXIT_FAIL
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
            status = _finalise(run, status, out, report, dropped)
            # The index is committed after the output and only with it: if the run failed, what
            # it indexed is rolled back, or a re-run would drop those paragraphs as "already seen"
            # although their documents were never written. (Killed between the two renames, a
            # run leaves duplicates kept, never text lost.)
            if state is not None:
                with contextlib.suppress(Exception):
                    (state.close if status == EXIT_OK else state.abort)()
            _restore_sigterm(previous_term)
    if status == EXIT_BROKEN_PIPE:
        return status
    if not args.quiet:
        _print_summary(run, status)
    return status


def _finalise(
    run: _Run,
    status: int,
    out: AtomicWriter | None,
    report: AtomicWriter | None,
    dropped: AtomicWriter | None,
) -> int:
    """Commit every output of a successful run, or abort them all; write --stats either way."""
    ok = status == EXIT_OK
    writers: list[Any] = [w for w in (out, report, dropped, run.rejects) if w is not None]
    for w in writers:
        try:
            (w.close if isinstance(w, RejectSink) and ok else w.commit if ok else w.abort)()
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


def _empty_reason(res: CleanResult, rec: Record) -> list[str]:
    """Why a written record has empty text (when no error says it already)."""
    if res.text or res.notes.get("error"):
        return []
    if res.blocks:
        return ["all_blocks_removed"]
    if rec.doc.text is None:
        return ["no_text_extracted"]
    return ["empty_input"]


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
    if status not in (EXIT_OK, EXIT_BROKEN_PIPE):
        line += "; outputs not committed (previous files kept)"
    print(line, file=stream or sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
