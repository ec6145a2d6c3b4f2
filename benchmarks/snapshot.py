"""Decision snapshots: every block decision on every development document, saved and compared.

A refactor or a speed change must not change what the cleaner decides. This script runs the
cleaner over everything we have and writes, per document, the clean text's hash and each block's
decision (kept, reason, stage, evidence); ``--compare`` then says which documents changed and how.

Usage (from the repository root)::

    .venv/bin/python benchmarks/snapshot.py --save out/before.jsonl.gz          # on the old code
    .venv/bin/python benchmarks/snapshot.py --compare out/before.jsonl.gz       # on the new code
    .venv/bin/python benchmarks/snapshot.py --compare out/before.jsonl.gz --ignore-evidence kept_by
    .venv/bin/python benchmarks/snapshot.py --compare out/before.jsonl.gz --rule-prefix-ok
    .venv/bin/python benchmarks/snapshot.py --sets seeds,lines --save out/quick.jsonl.gz

Sets (``--sets``, all by default):

``seeds``          the five seed articles, one at a time and in corpus mode (name order);
``lines``          every ``lines`` document, its lines joined, as plain text;
``gold``           the human gold texts of ``portal``, ``dragnet`` and ``wcxb``, as plain text;
``traf``           ``trafilatura.extract`` (default options) of every portal/dragnet/wcxb page, as
                   plain text: the pipeline that is handed someone else's extraction;
``html``           ``dedupe.clean_html`` of every portal/dragnet/wcxb page;
``corpus``         the gold texts of all three sets as one corpus (``Cleaner.clean_many``), then a
                   generated 3 MB corpus with cross-document copies (``throughput.generate_corpus``).

Extractions are cached under ``--cache`` (default ``~/.cache/dedupe-bench``), keyed by the page, the
options and trafilatura's version, so repeated snapshots take a minute or two, not ten. Nothing from
the development sets is written into the repository (``out/`` is ignored by git).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
DEFAULT_CACHE = Path.home() / ".cache" / "dedupe-bench"
SETS = ("seeds", "lines", "gold", "traf", "html", "corpus")
HTML_SETS = ("portal", "dragnet", "wcxb")
DATA_FILES = {
    "portal": "portal/portal.jsonl.gz",
    "dragnet": "dragnet/dragnet.jsonl.gz",
    "lines": "lines/lines.jsonl.gz",
    "wcxb": "wcxb/wcxb-dev.jsonl.gz",
}


def iter_data(data: Path, name: str) -> Iterator[dict[str, Any]]:
    with gzip.open(data / DATA_FILES[name], "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


class ExtractCache:
    """Text extracted from HTML, on disk: ``<cache>/<kind>/<sha1 of options and page>.txt``.

    The seconds an extraction took are kept beside it (``.sec``) so a benchmark that reads the cache
    can still report a system's time: after each :meth:`get`, :attr:`last_seconds` is the time of that
    extraction (measured now, or read from its ``.sec``; ``None`` if an older entry has none) and
    :attr:`last_ran` says whether the extraction ran in that call.
    """

    def __init__(self, root: Path) -> None:
        import trafilatura

        self.root = root
        self.version = getattr(trafilatura, "__version__", "?")
        self.last_ran = False
        self.last_seconds: float | None = None
        #: Extract again (once) an entry that has no recorded time, to record it.
        self.fill_times = False

    def get(self, kind: str, options: Any, html: str, make: Callable[[], str]) -> str:
        self.last_ran = hit = False
        key = hashlib.sha1(f"{self.version}|{options!r}|".encode() + html.encode("utf-8", "surrogatepass"))
        path = self.root / kind / f"{key.hexdigest()}.txt"
        sec = path.with_suffix(".sec")
        if path.is_file():
            hit = True
            try:
                self.last_seconds = float(sec.read_text(encoding="ascii"))
            except (OSError, ValueError):
                self.last_seconds = None
            if self.last_seconds is not None or not self.fill_times:
                return path.read_text(encoding="utf-8", errors="surrogatepass")
        t0 = time.perf_counter()
        text = make()
        self.last_ran, self.last_seconds = True, time.perf_counter() - t0
        if hit:  # a time filled in: the text is the one already cached
            with contextlib.suppress(OSError):
                sec.write_text(f"{self.last_seconds:.6f}", encoding="ascii")
            return path.read_text(encoding="utf-8", errors="surrogatepass")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8", errors="surrogatepass")
        tmp.replace(path)
        with contextlib.suppress(OSError):
            sec.write_text(f"{self.last_seconds:.6f}", encoding="ascii")
        return text


def trafilatura_default(cache: ExtractCache, html: str) -> str:
    import trafilatura

    return cache.get("trafilatura-default", {}, html, lambda: trafilatura.extract(html) or "")


@contextlib.contextmanager
def cached_html_extraction(cache: ExtractCache) -> Iterator[None]:
    """Make dedupe's HTML path read its trafilatura extraction from the cache."""
    from dedupe import html as dhtml
    from dedupe import pipeline

    original = pipeline.extract_text

    def extract(html: str, cfg: Any) -> str:
        return cache.get("dedupe-html", cfg, html, lambda: original(html, cfg))

    pipeline.extract_text = extract  # type: ignore[assignment]
    try:
        yield
    finally:
        pipeline.extract_text = original  # type: ignore[assignment]
        assert dhtml.extract_text is original


def record(set_name: str, doc_id: str, result: Any) -> dict[str, Any]:
    decisions = []
    for d in result.decisions:
        ev = json.dumps(dict(d.evidence), sort_keys=True, ensure_ascii=False, default=str)
        decisions.append([bool(d.kept), d.reason, d.stage, ev])
    return {
        "set": set_name,
        "id": doc_id,
        "text": hashlib.sha1(result.text.encode("utf-8", "surrogatepass")).hexdigest(),
        "blocks": [b.text[:80] for b in result.blocks],
        "decisions": decisions,
    }


def run_sets(sets: list[str], data: Path, cache: ExtractCache, limit: int | None) -> Iterator[dict[str, Any]]:
    import dedupe

    cleaner = dedupe.Cleaner(dedupe.Config())

    def take(it: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for n, rec in enumerate(it):
            if limit is not None and n >= limit:
                return
            yield rec

    if "seeds" in sets:
        seeds = sorted((REPO_ROOT / "seeds").glob("*.txt"))
        for p in seeds:
            yield record(
                "seeds", p.name, cleaner.clean(dedupe.Document(id=p.name, text=p.read_text("utf-8")))
            )
        docs = [dedupe.Document(id=p.name, text=p.read_text("utf-8")) for p in seeds]
        for res in cleaner.clean_many(docs):
            yield record("seeds:corpus", res.id, res)
    if "lines" in sets:
        for rec in take(iter_data(data, "lines")):
            yield record("lines", rec["id"], cleaner.clean("\n".join(rec["lines"]), doc_id=rec["id"]))
    if "gold" in sets:
        for name in HTML_SETS:
            for rec in take(iter_data(data, name)):
                yield record(f"gold:{name}", rec["id"], cleaner.clean(rec["gold_text"], doc_id=rec["id"]))
    if "traf" in sets:
        for name in HTML_SETS:
            for rec in take(iter_data(data, name)):
                text = trafilatura_default(cache, rec["html"])
                yield record(f"traf:{name}", rec["id"], cleaner.clean(text, doc_id=rec["id"]))
    if "html" in sets:
        with cached_html_extraction(cache):
            for name in HTML_SETS:
                for rec in take(iter_data(data, name)):
                    res = cleaner.clean(dedupe.Document(id=rec["id"], html=rec["html"]))
                    yield record(f"html:{name}", rec["id"], res)
    if "corpus" in sets:
        golds = [
            dedupe.Document(id=rec["id"], text=rec["gold_text"])
            for name in HTML_SETS
            for rec in take(iter_data(data, name))
        ]
        for res in cleaner.clean_many(golds):
            yield record("corpus:gold", res.id, res)
        sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
        from throughput import generate_corpus

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "gen.jsonl"
            generate_corpus(path, 3.0 if limit is None else 0.3, seed=7)
            gen = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        for res in cleaner.clean_many(dedupe.Document(id=str(r["id"]), text=r["text"]) for r in gen):
            yield record("corpus:generated", res.id, res)


def _strip(decisions: list[list[Any]], ignore: set[str], rule_prefix: bool = False) -> list[tuple[Any, ...]]:
    out = []
    for kept, reason, stage, ev in decisions:
        if ignore or rule_prefix:
            e = {k: v for k, v in json.loads(ev).items() if k not in ignore}
            if rule_prefix and isinstance(e.get("rule"), str):
                e["rule"] = e["rule"].split(".")[0]
            ev = json.dumps(e, sort_keys=True, ensure_ascii=False)
        out.append((kept, reason, stage, ev))
    return out


def compare(
    old_path: Path, new: list[dict[str, Any]], ignore: set[str], show: int, rule_prefix: bool = False
) -> int:
    with gzip.open(old_path, "rt", encoding="utf-8") as f:
        old = {(r["set"], r["id"]): r for r in map(json.loads, f)}
    per_set: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    text_changed: Counter[str] = Counter()
    shown = 0
    for r in new:
        key = (r["set"], r["id"])
        per_set[r["set"]] += 1
        o = old.get(key)
        if o is None:
            changed[r["set"]] += 1
            continue
        if o["text"] != r["text"]:
            text_changed[r["set"]] += 1
        a, b = _strip(o["decisions"], ignore, rule_prefix), _strip(r["decisions"], ignore, rule_prefix)
        if a != b or o["text"] != r["text"]:
            changed[r["set"]] += 1
            if shown < show:
                shown += 1
                print(f"--- {r['set']} {r['id']}")
                for i, (x, y) in enumerate(zip(a, b)):
                    if x != y:
                        print(f"  [{i}] {r['blocks'][i]!r}\n      was {x}\n      now {y}")
                if len(a) != len(b):
                    print(f"  blocks: was {len(a)}, now {len(b)}")
    missing = len(old) - sum(per_set.values())
    print(f"{'set':<22}{'docs':>7}{'changed':>9}{'text changed':>14}")
    for s in per_set:
        print(f"{s:<22}{per_set[s]:>7}{changed[s]:>9}{text_changed[s]:>14}")
    total = sum(changed.values())
    print(
        f"total: {sum(per_set.values())} documents, {total} changed; {max(missing, 0)} in the old snapshot not run"
    )
    return 1 if total else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated, from: " + ", ".join(SETS))
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--limit", type=int, default=None, help="first N records of each data set")
    ap.add_argument("--save", type=Path, help="write the snapshot here (.jsonl.gz)")
    ap.add_argument(
        "--compare", type=Path, help="compare with this saved snapshot; exit 1 if anything changed"
    )
    ap.add_argument(
        "--ignore-evidence", default="", help="comma-separated evidence keys left out of --compare"
    )
    ap.add_argument(
        "--rule-prefix-ok",
        action="store_true",
        help="compare rule names up to their first dot: a refined rule name (fixed_phrase.paywall, a "
        "family member) equals the name it refines (fixed_phrase)",
    )
    ap.add_argument("--show", type=int, default=10, help="changed documents printed in detail")
    args = ap.parse_args(argv)
    sets = [s for s in args.sets.split(",") if s]
    unknown = set(sets) - set(SETS)
    if unknown:
        ap.error(f"unknown set(s) {sorted(unknown)}")
    if not args.save and not args.compare:
        ap.error("give --save FILE or --compare FILE (or both)")
    t0 = time.perf_counter()
    rows = list(run_sets(sets, args.data, ExtractCache(args.cache), args.limit))
    print(f"{len(rows)} documents in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(args.save, "wt", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    if args.compare:
        ignore = {k for k in args.ignore_evidence.split(",") if k}
        return compare(args.compare, rows, ignore, args.show, args.rule_prefix_ok)
    return 0


if __name__ == "__main__":
    sys.exit(main())
