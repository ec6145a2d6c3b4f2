"""Readers and writers of dedupe.formats: throughput and peak memory per format, against peers.

Generates a corpus of ``--mb`` MB of text (news-like records: the seed articles with words
shuffled per record, so compression sees realistic text, plus ``url`` and ``n`` columns), writes
it as JSONL, JSONL.gz, JSONL.zst and Parquet, then measures, each in a fresh process (peak RSS is
the process's high-water mark, so one measurement cannot inherit another's):

- read: ``dedupe.io.iter_inputs`` over the file, every record built (what ``dedupe clean``
  reads); peers: pyarrow's ``read_table`` (the whole file at once) and a plain
  ``json.loads`` loop over the lines;
- write: ``dedupe.formats.open_writer`` writing output-shaped records (id, text, removed,
  config, the pass-through columns) of the whole corpus.

Memory "flat" means the peak does not grow with the file: compare ``--mb 100`` and ``--mb 300``.

    python benchmarks/formats.py --mb 300 --work /tmp/fmt-bench
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
FORMATS = ("jsonl", "jsonl.gz", "jsonl.zst", "parquet")


def _records(mb: int, seed: int = 1):
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    size = 0
    n = 0
    while size < mb * 1_000_000:
        lines = texts[n % len(texts)].splitlines()
        rng.shuffle(lines)
        words = " ".join(lines).split()
        rng.shuffle(words)
        text = "\n".join(" ".join(words[i : i + 60]) for i in range(0, len(words), 60))
        size += len(text.encode("utf-8"))
        yield {"id": f"doc-{n}", "text": text, "url": f"https://example.org/{n}", "n": n}
        n += 1


def generate(work: Path, mb: int) -> dict[str, Path]:
    from dedupe import formats

    work.mkdir(parents=True, exist_ok=True)
    paths = {fmt: work / f"corpus-{mb}.{fmt}" for fmt in FORMATS}
    if all(p.exists() for p in paths.values()):
        return paths
    writers = {}
    for fmt, p in paths.items():
        if fmt == "parquet":
            writers[fmt] = _PlainParquet(p)
        else:
            writers[fmt] = formats.open_writer(str(p), fmt)
    for rec in _records(mb):
        for w in writers.values():
            w.write(rec)
    for w in writers.values():
        w.commit()
    return paths


class _PlainParquet:
    """An input file as a crawl would ship it (row groups of 10,000 rows), not dedupe's output."""

    def __init__(self, path: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa, self.path, self.rows = pa, path, []
        self.writer = pq.ParquetWriter(
            str(path),
            pa.schema([("id", pa.string()), ("text", pa.string()), ("url", pa.string()), ("n", pa.int64())]),
        )

    def write(self, rec: dict) -> None:
        self.rows.append(rec)
        if len(self.rows) >= 10_000:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.writer.write_table(self.pa.Table.from_pylist(self.rows, schema=self.writer.schema))
            self.rows = []

    def commit(self) -> None:
        self._flush()
        self.writer.close()


def _vm_hwm() -> int:
    """This process's peak resident set size in bytes. From /proc (VmHWM), not getrusage: Linux
    carries ru_maxrss over fork and exec, so a child would report its parent's peak."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _child(op: str, path: str, out: str) -> None:
    """Run one measurement in this process; print JSON: seconds, records, peak RSS."""
    t0 = time.perf_counter()
    n = 0
    if op == "read-dedupe":
        from dedupe.io import iter_inputs

        for _ in iter_inputs([path]):
            n += 1
    elif op == "read-pyarrow-table":
        import pyarrow.parquet as pq

        n = pq.read_table(path).num_rows
    elif op == "read-json-loop":
        with open(path, "rb") as fh:
            for line in fh:
                json.loads(line)
                n += 1
    elif op == "write-dedupe":
        from dedupe import formats
        from dedupe.io import Record, iter_inputs

        fmt = formats.output_format_for(out)
        w = formats.open_writer(out, fmt)
        for item in iter_inputs([path]):
            assert isinstance(item, Record)
            d = item.doc
            w.write({**d.meta, "id": d.id, "text": d.text, "removed": [], "config": "bench"})
            n += 1
        w.commit()
    seconds = time.perf_counter() - t0
    peak = _vm_hwm()
    print(json.dumps({"seconds": seconds, "records": n, "peak_rss": peak}))


def _measure(op: str, path: Path, out: Path | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run(
        [sys.executable, __file__, "--child", op, str(path), str(out or "")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=300, help="MB of text to generate (default 300)")
    ap.add_argument("--work", default="/tmp/dedupe-formats-bench", help="folder for the generated files")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(*args.child)
        return
    work = Path(args.work)
    paths = generate(work, args.mb)
    text_mb = args.mb
    (work / "empty.jsonl").touch()
    baseline = _measure("read-json-loop", work / "empty.jsonl")
    print(
        f"corpus: {text_mb} MB of text; interpreter + imports baseline peak RSS "
        f"{baseline['peak_rss'] / 1e6:.0f} MB"
    )
    print(
        f"{'operation':<34}{'file MB':>9}{'records':>10}{'s':>8}{'MB text/s':>11}{'docs/s':>9}{'peak RSS MB':>13}"
    )

    def row(label: str, file: Path, m: dict) -> None:
        print(
            f"{label:<34}{file.stat().st_size / 1e6:>9.0f}{m['records']:>10}{m['seconds']:>8.1f}"
            f"{text_mb / m['seconds']:>11.1f}{m['records'] / m['seconds']:>9.0f}{m['peak_rss'] / 1e6:>13.0f}"
        )

    for fmt in FORMATS:
        row(f"read {fmt} (dedupe iter_inputs)", paths[fmt], _measure("read-dedupe", paths[fmt]))
    row(
        "read parquet (pyarrow read_table)",
        paths["parquet"],
        _measure("read-pyarrow-table", paths["parquet"]),
    )
    row("read jsonl (json.loads loop)", paths["jsonl"], _measure("read-json-loop", paths["jsonl"]))
    for fmt in FORMATS:
        out = work / f"out.{fmt}"
        m = _measure("write-dedupe", paths["jsonl"], out)
        row(f"read jsonl + write {fmt} (dedupe)", out, m)


if __name__ == "__main__":
    main()
