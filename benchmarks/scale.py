"""Corpus mode at scale: one process, ``--workers 2``, and a 2-worker Dask cluster, same input.

Generates ``--mb`` MB of news-like documents (JSON lines; default 200 MB): paragraphs of the
wcxb gold texts (tune split only, :mod:`datasplit`) with a third of their words replaced by
words drawn from the same texts, so every generated paragraph is new; 10% of the documents are
near copies of an earlier one (one paragraph edited, one dropped, a sentence added) and another
10% carry one or two paragraphs of an earlier document (verbatim or with one edit). Then cleans
it in corpus mode three ways, each in a fresh process:

- ``one``: ``Cleaner.clean_many`` in one process (the reference);
- ``workers``: the per-document phase in 2 worker processes (:class:`dedupe.parallel.LocalPhase`,
  what ``dedupe clean --workers 2`` runs), the corpus phase in input order in the main process;
- ``dask``: :func:`dedupe.dask.clean_bag` on a ``distributed.LocalCluster`` of 2 worker
  processes (one thread each), the input read by ``dask.bag.read_text`` in 32 MB blocks.

Prints documents/s, peak memory (VmHWM) of the main process and of each worker, the bytes of
keys and candidate rows the Dask run shuffles, and checks that the three runs removed the same
corpus duplicates (the set of ``(document, block, source)``) and flagged the same near-copy
documents, and that their outputs are identical (a SHA-256 over every result). Each run's decisions
are kept in ``--work`` (``decisions-<run>.json.gz``); where two runs differ, the first differences
are printed.

    python benchmarks/scale.py --mb 200 --work /tmp/scale-bench
    python benchmarks/scale.py --mb 5          # a quick run
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
DATA = ROOT.parent / "shared" / "data"
RUNS = ("one", "workers", "dask")


def _pool() -> list[str]:
    from datasplit import split_of

    paras = []
    with gzip.open(DATA / "wcxb" / "wcxb-dev.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if split_of("wcxb", rec) != "tune":
                continue
            paras += [p for p in rec["gold_text"].split("\n") if len(p.split()) >= 8]
    return paras


def _records(mb: float, seed: int = 1) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    pool = _pool()
    vocab = [w for p in pool[:5000] for w in p.split()]

    def paragraph() -> str:
        words = rng.choice(pool).split()
        return " ".join(rng.choice(vocab) if rng.random() < 0.34 else w for w in words)

    def edit(p: str) -> str:
        w = p.split()
        i = rng.randrange(len(w))
        w[i] = rng.choice(vocab)
        return " ".join(w)

    docs: list[list[str]] = []
    size = n = 0
    while size < mb * 1_000_000:
        r = rng.random()
        if docs and r < 0.1:  # a near copy of a recent document
            body = list(docs[-rng.randint(1, min(len(docs), 2000))])
            body[rng.randrange(len(body))] = edit(body[rng.randrange(len(body))])
            if len(body) > 3:
                del body[rng.randrange(len(body))]
            body.append(paragraph())
        else:
            body = [paragraph() for _ in range(rng.randint(4, 24))]
            if docs and r < 0.2:
                src = docs[-rng.randint(1, min(len(docs), 2000))]
                for _ in range(rng.randint(1, 2)):
                    p = rng.choice(src)
                    body.insert(rng.randrange(len(body)), edit(p) if rng.random() < 0.5 else p)
        docs.append(body)
        text = "\n".join(body)
        size += len(text.encode("utf-8"))
        yield {"id": f"doc-{n}", "text": text}
        n += 1


def generate(work: Path, mb: float) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"corpus-{mb:g}.jsonl"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            for rec in _records(mb):
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        tmp.rename(path)
    return path


def _peak_kb(pid: str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


class _Digest:
    """What a run decided: the corpus duplicates, the near-copy documents, a hash of everything."""

    def __init__(self) -> None:
        self.sha = hashlib.sha256()
        self.duplicates: set[tuple[str, int, str]] = set()
        self.documents: set[tuple[str, str]] = set()
        self.per_document: dict[str, str] = {}
        self.n = 0

    def add(self, r: Any) -> None:
        self.n += 1
        rec = {**r.to_record(), "notes": {k: v for k, v in r.notes.items() if k != "config"}}
        blob = json.dumps(rec, sort_keys=True, ensure_ascii=False).encode()
        self.sha.update(blob)
        self.per_document[r.id] = hashlib.sha256(blob).hexdigest()[:16]
        for d in r.removed:
            if d["reason"] == "duplicate.corpus":
                self.duplicates.add((r.id, d["block"], json.dumps(d["duplicate_of"])))
        if "duplicate_of" in r.notes:
            self.documents.add((r.id, r.notes["duplicate_of"]["id"]))

    def save(self, path: Path) -> None:
        """Every decision of the run (to find where two runs differ: :func:`differences`)."""
        data = {"duplicates": sorted(self.duplicates), "documents": sorted(self.documents),
                "per_document": self.per_document}  # fmt: skip
        with gzip.open(path, "wt", encoding="utf-8") as f:
            json.dump(data, f)

    def summary(self) -> dict[str, Any]:
        dup = hashlib.sha256(json.dumps(sorted(self.duplicates)).encode()).hexdigest()[:16]
        docs = hashlib.sha256(json.dumps(sorted(self.documents)).encode()).hexdigest()[:16]
        return {
            "documents": self.n,
            "paragraph_duplicates": len(self.duplicates),
            "near_copy_documents": len(self.documents),
            "duplicates_sha": dup,
            "documents_sha": docs,
            "output_sha": self.sha.hexdigest()[:16],
        }


def _docs(path: Path) -> Iterator[Any]:
    from dedupe.model import Document

    with path.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            yield Document(id=rec["id"], text=rec["text"])


def _to_document(line: str) -> Any:
    from dedupe.model import Document

    rec = json.loads(line)
    return Document(id=rec["id"], text=rec["text"])


def run(kind: str, path: Path, workers: int) -> dict[str, Any]:
    from dedupe import Cleaner, Config

    digest = _Digest()
    cfg = Config()
    t0 = time.perf_counter()
    out: dict[str, Any] = {"run": kind}
    if kind == "one":
        for r in Cleaner(cfg).clean_many(_docs(path)):
            digest.add(r)
        out["worker_peak_mb"] = []
    elif kind == "workers":
        from dedupe.parallel import LocalPhase

        cleaner = Cleaner(cfg)
        state = cleaner.new_corpus_state()
        with LocalPhase[int](cfg, workers=workers, corpus=True) as phase:
            for _, p in phase.map((0, d) for d in _docs(path)):
                digest.add(cleaner.complete(p, state))
            # The worker processes' high-water marks, read before the pool shuts them down.
            procs = getattr(phase._executor, "_processes", None) or {}
            out["worker_peak_mb"] = sorted(_peak_kb(str(pid)) / 1024 for pid in procs)
    else:
        import dask.bag as db
        from distributed import Client, LocalCluster

        from dedupe.dask import RunStats, clean_bag, iter_results

        stats = RunStats()
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                memory_limit=0,
            ) as cluster,
            Client(cluster) as client,
        ):  # fmt: skip
            t0 = time.perf_counter()  # the cluster's start-up is not the cleaner's
            # At least 8 partitions per worker (so both work and a partition is a small part of
            # memory), at most 32 MB each.
            blocksize = max(1 << 20, min(32 << 20, path.stat().st_size // (8 * workers)))
            bag = db.read_text(str(path), blocksize=blocksize).map(_to_document)
            for r in iter_results(clean_bag(bag, cfg, stats=stats)):
                digest.add(r)
            out["worker_peak_mb"] = sorted(v / 1024 for v in client.run(_peak_kb).values())
        out["shuffle_mb"] = stats.shuffle_bytes / 1e6
        out["pairs"] = stats.pairs
        out["edges"] = stats.edges
        out["replayed"] = stats.replayed
        out["resolution_mb"] = stats.resolution_bytes / 1e6
        out["phases_s"] = {k: round(v, 1) for k, v in stats.seconds.items()}
    out["seconds"] = time.perf_counter() - t0
    out["main_peak_mb"] = _peak_kb() / 1024
    out.update(digest.summary())
    digest.save(path.parent / f"decisions-{kind}.json.gz")
    return out


def differences(work: Path, a: str, b: str, show: int = 5) -> list[str]:
    """Where runs ``a`` and ``b`` (their saved decisions under ``work``) differ, a line each."""

    def load(kind: str) -> dict[str, Any]:
        with gzip.open(work / f"decisions-{kind}.json.gz", "rt", encoding="utf-8") as f:
            data: dict[str, Any] = json.load(f)
        return data

    x, y = load(a), load(b)
    out = []
    for key in ("duplicates", "documents"):
        sx, sy = {json.dumps(v) for v in x[key]}, {json.dumps(v) for v in y[key]}
        out += [f"{key} only in {a}: {v}" for v in sorted(sx - sy)[:show]]
        out += [f"{key} only in {b}: {v}" for v in sorted(sy - sx)[:show]]
    docs = [k for k, v in x["per_document"].items() if y["per_document"].get(k) != v]
    out.append(f"documents whose output differs between {a} and {b}: {len(docs)} {docs[:show]}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=200.0, help="MB of text to generate (default 200)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/dedupe-scale"), help="where the corpus is kept")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", default=",".join(RUNS), help=f"which runs, of {','.join(RUNS)}")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    path = generate(args.work, args.mb)
    if args.child:
        print(json.dumps(run(args.child, path, args.workers)))
        return 0
    size = path.stat().st_size / 1e6
    load = os.getloadavg()
    print(f"corpus {path} ({size:.0f} MB of JSON lines); load average before: {load[0]:.1f}", flush=True)
    rows = []
    for kind in args.runs.split(","):
        cmd = [sys.executable, __file__, "--mb", str(args.mb), "--work", str(args.work)]
        cmd += ["--workers", str(args.workers), "--child", kind]
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if res.returncode:
            print(res.stderr, file=sys.stderr)
            return 1
        row = json.loads(res.stdout.strip().splitlines()[-1])
        row["load"] = os.getloadavg()[0]
        rows.append(row)
        print(json.dumps(row), flush=True)
    print()
    print("| run | documents/s | seconds | main peak MB | worker peak MB | shuffle MB | load |")
    print("| --- | ---: | ---: | ---: | --- | ---: | ---: |")
    for r in rows:
        workers = ", ".join(f"{w:.0f}" for w in r["worker_peak_mb"]) or "-"
        shuffle = f"{r['shuffle_mb']:.1f}" if "shuffle_mb" in r else "-"
        print(
            f"| {r['run']} | {r['documents'] / r['seconds']:.1f} | {r['seconds']:.0f} | "
            f"{r['main_peak_mb']:.0f} | {workers} | {shuffle} | {r['load']:.1f} |"
        )
    keys = ("documents", "paragraph_duplicates", "near_copy_documents", "duplicates_sha", "documents_sha")
    first = rows[0]
    for k in (*keys, "output_sha"):
        same = all(r[k] == first[k] for r in rows)
        print(f"{k}: {first[k]} {'same in every run' if same else 'DIFFERS: ' + str([r[k] for r in rows])}")
    for r in rows[1:]:
        if r["output_sha"] != first["output_sha"]:
            print("\n".join(differences(path.parent, first["run"], r["run"])))
    return 0 if all(r["output_sha"] == first["output_sha"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
