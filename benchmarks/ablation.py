"""Which part of the cleaner does the harm: wcxb plain-text rows and gold in, gold out, stage by stage.

Each configuration below (public :class:`dedupe.Config` settings only; nothing in the library is
changed) cleans trafilatura's default extraction of every wcxb page and every gold text (wcxb,
portal, dragnet). Printed per split and page type: the token 4-gram F1 of the cleaned text (and
trafilatura's own, for reference), the snippet shares, and the gold lines lost (%, repeats apart),
with the conventions of :mod:`wcxb`.

Usage::

    .venv/bin/python benchmarks/ablation.py --json out/ablation.json > out/ablation.txt
    .venv/bin/python benchmarks/ablation.py --configs default,no-model
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import wcxb  # noqa: E402
from datasplit import split_of  # noqa: E402
from quality import load_records  # noqa: E402
from snapshot import ExtractCache  # noqa: E402


def configs() -> dict[str, Callable[[], Any]]:
    """Name -> a function making the :class:`dedupe.Config` (imported late: the library may be absent)."""
    from dedupe.config import BoilerplateConfig, Config

    every = ("boilerplate", "duplicates", "corpus", "offtopic")
    return {
        "default": Config,
        "no-model": lambda: Config(boilerplate=BoilerplateConfig(quality=False)),
        "model@0.97": lambda: Config(boilerplate=BoilerplateConfig(quality_threshold=0.97)),
        "no-comments": lambda: Config(boilerplate=BoilerplateConfig(comments=False)),
        "no-duplicates": lambda: Config(stages=tuple(s for s in every if s != "duplicates")),
        "no-offtopic": lambda: Config(stages=tuple(s for s in every if s != "offtopic")),
        "rules-only": lambda: Config(
            stages=("boilerplate", "corpus"), boilerplate=BoilerplateConfig(quality=False, comments=False)
        ),
    }


def run(names: Sequence[str], data: Path, cache: ExtractCache | None) -> dict[str, Any]:
    import dedupe

    records = wcxb.load_wcxb(data)
    golds = {"wcxb": records, **{n: load_records(data, n, None) for n in ("portal", "dragnet")}}
    texts = {r["id"]: wcxb.trafilatura_text(cache, r["html"])[0] for r in records}
    makers = configs()
    out: dict[str, Any] = {}
    for name in names:
        t0 = time.perf_counter()
        cleaner = dedupe.Cleaner(makers[name]())
        groups = wcxb._Groups()
        for rec in records:
            split, ptype, text = split_of("wcxb", rec), rec["page_type"], texts[rec["id"]]
            groups.add_doc(split, ptype)
            if name == "default":
                groups.add(split, ptype, "trafilatura", rec["id"], text, rec)
            clean = cleaner.clean(dedupe.Document(id=rec["id"], text=text)).text if text else ""
            groups.add(split, ptype, name, rec["id"], clean, rec)
        gold = wcxb.eval_gold(golds, config=makers[name]())
        out[name] = {"wcxb": groups.finish(), "gold": gold["splits"], "seconds": time.perf_counter() - t0}
        print(f"{name}: {out[name]['seconds']:.0f} s", file=sys.stderr, flush=True)
    return out


def report(res: dict[str, Any]) -> str:
    out = []
    names = list(res)
    for split in wcxb.SPLITS:
        groups = [wcxb.ALL, *wcxb.PAGE_TYPES]
        out.append(f"\n== {split}: trafilatura+dedupe F1 by configuration (trafilatura alone first)")
        head = f"{'page type':<14}" + f"{'trafilatura':>12}" + "".join(f"{n[:13]:>14}" for n in names)
        out.append(head)
        for g in groups:
            base = res[names[0]]["wcxb"][split].get(g)
            if base is None:
                continue
            row = f"{g:<14}"
            traf = res.get("default", {}).get("wcxb", {}).get(split, {}).get(g, {}).get("systems", {})
            row += f"{traf['trafilatura']['f1']:>12.3f}" if "trafilatura" in traf else f"{'-':>12}"
            for n in names:
                row += f"{res[n]['wcxb'][split][g]['systems'][n]['f1']:>14.3f}"
            out.append(row)
        out.append(f"\n-- {split}: snippets, with found % / without left % (all pages)")
        for n in names:
            r = res[n]["wcxb"][split][wcxb.ALL]["systems"][n]
            out.append(f"{n:<16}{100 * r['with_found']:>7.1f}{100 * r['without_left']:>7.1f}")
        out.append(f"\n-- {split}: gold in, gold out, lines lost % (repeats apart)")
        gkeys = [k for k in res[names[0]]["gold"][split]]
        out.append(f"{'group':<26}" + "".join(f"{n[:13]:>14}" for n in names))
        for k in gkeys:
            out.append(f"{k:<26}" + "".join(f"{res[n]['gold'][split][k]['lost_pct']:>14.2f}" for n in names))
        out.append(f"{'(repeats removed %, all)':<26}" + "".join(
            f"{res[n]['gold'][split][wcxb.ALL]['repeats_removed_pct']:>14.2f}" for n in names
        ))  # fmt: skip
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    wcxb.add_data_arguments(ap)
    ap.add_argument("--configs", default="", help="comma-separated, from: " + ", ".join(configs()))
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    names = [c for c in args.configs.split(",") if c] or list(configs())
    unknown = set(names) - set(configs())
    if unknown:
        ap.error(f"unknown configuration(s) {sorted(unknown)}")
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    res = run(names, args.data, wcxb.open_cache(args))
    print(report(res))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        slim = {n: {k: v for k, v in r.items()} for n, r in res.items()}
        args.json.write_text(json.dumps(slim, indent=1, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
