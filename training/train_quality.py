"""Train the line model shipped as ``src/dedupe/data/quality_model.json`` on the wcxb line set.

Data (regenerable, nothing downloaded): the wcxb line set (``training/wcxb_lines.py``: trafilatura's
default extraction of each wcxb page, each line labelled keep/noise by an order-preserving token
alignment with the human gold), **tune part only** (``benchmarks/datasplit.py``), plus the lines of
the tune pages' gold texts themselves, all genuine: the cleaner is also handed clean text, and must
give it back whole (issue 16, "gold in, gold out"). The measured part is only scored.

Features: :data:`dedupe.stages.quality.FEATURE_NAMES`, computed by the library itself (training and
inference cannot drift): the line's shape, the shapes of the two lines on each side, runs of short,
headline-shaped, list and table lines, the distance to the prose and the share of prose before and
after, repetition and templates within the document, and the document's means. No words of any
site: the only vocabulary is the stoplist of the text's language (function words).

Model: scikit-learn's HistGradientBoostingClassifier (the ``train`` extra; never needed at run time),
P(line is noise), exported to JSON trees (no pickle) read by :class:`dedupe.stages.quality.QualityModel`.

Calibration: 5-fold cross-validation on tune grouped by domain (no site in two folds); for each
threshold of a grid, out-of-fold and on measure (model trained on all of tune), the removal precision
and recall (positive = noise label) and the share of genuine lines removed, on trafilatura's text,
and the share of gold lines removed from the gold texts (the model alone; the whole cleaner's gold
loss is ``benchmarks/ablation.py``'s). The threshold is chosen on the out-of-fold figures only
(:func:`choose`) and written into the JSON beside the figures.

Usage::

    .venv/bin/pip install -e '.[train]'
    .venv/bin/python training/wcxb_lines.py                     # the line set (out/wcxb_lines.jsonl.gz)
    .venv/bin/python training/train_quality.py                  # train, calibrate, write the JSON
    .venv/bin/python training/train_quality.py --check          # retrain, compare with the shipped JSON

Deterministic: fixed random_state, fixed data order.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "training"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from datasplit import TUNE, split_of  # noqa: E402
from snapshot import iter_data  # noqa: E402
from wcxb_lines import DEFAULT_OUT, PAGE_TYPES, load  # noqa: E402

from dedupe.lang import guess_stoplist  # noqa: E402
from dedupe.stages.quality import FEATURE_NAMES, QualityModel, document_features  # noqa: E402
from dedupe.text import words  # noqa: E402

OUT = ROOT / "src" / "dedupe" / "data" / "quality_model.json"
DATA = ROOT.parent / "shared" / "data"
PARAMS = {
    "max_iter": 150,
    "max_depth": 6,
    "learning_rate": 0.1,
    "min_samples_leaf": 200,
    "l2_regularization": 1.0,
    "random_state": 0,
}
#: Weight of a gold line (genuine by construction) against a line of trafilatura's text.
GOLD_WEIGHT = 0.5
FOLDS = 5
GRID = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.94, 0.96, 0.98)
#: The operating point: the lowest threshold whose out-of-fold removal precision reaches this ...
TARGET_PRECISION = 0.9
#: ... and that removes at most this share of the gold lines (out of fold, model alone).
MAX_GOLD_LOST = 0.002


def _page_matrix(lines: list[str]) -> np.ndarray:
    toks = [words(line) for line in lines]
    _, stop = guess_stoplist(w for ws in toks for w in ws)
    return document_features(lines, stop, toks)


def build(line_set: Path, data: Path) -> dict[str, np.ndarray]:
    """Features, noise labels and per-line page type, split, domain and kind (``traf``/``gold``)."""
    cols: dict[str, list[Any]] = {k: [] for k in ("y", "type", "split", "domain", "kind")}
    xs = []
    rows = sorted(load(line_set), key=lambda r: (r["id"], r["i"]))
    for _, grp in groupby(rows, key=lambda r: r["id"]):
        page = list(grp)
        xs.append(_page_matrix([r["text"] for r in page]))
        for r in page:
            for k, v in (("y", 1 - r["label"]), ("type", r["page_type"]), ("split", r["split"])):
                cols[k].append(v)
            cols["domain"].append(r["domain"] or r["id"])
            cols["kind"].append("traf")
    for rec in iter_data(data, "wcxb"):
        lines = [ln.strip() for ln in (rec.get("gold_text") or "").split("\n") if ln.strip()]
        if not lines:
            continue
        xs.append(_page_matrix(lines))
        n = len(lines)
        cols["y"] += [0] * n
        cols["type"] += [rec["page_type"]] * n
        cols["split"] += [split_of("wcxb", rec)] * n
        cols["domain"] += [rec.get("domain") or rec["id"]] * n
        cols["kind"] += ["gold"] * n
    out = {k: np.array(v) for k, v in cols.items()}
    out["x"] = np.vstack(xs)
    return out


def export(model: Any, threshold: float, figures: dict[str, Any]) -> dict[str, Any]:
    """The fitted model as JSON trees (internal nodes keep their shrunk value, for explanations)."""
    rate = float(model.learning_rate)
    trees = []
    for (pred,) in model._predictors:
        nodes = pred.nodes
        leaf = nodes["is_leaf"].astype(bool)
        # scikit-learn shrinks the leaves' values only; internal nodes are shrunk here so that a
        # path's value changes add up to the leaf's (the per-feature contributions of the evidence).
        value = np.where(leaf, nodes["value"], nodes["value"] * rate)
        trees.append(
            {
                "feature": nodes["feature_idx"].tolist(),
                "threshold": nodes["num_threshold"].tolist(),
                "left": nodes["left"].tolist(),
                "right": nodes["right"].tolist(),
                "value": [round(float(v), 12) for v in value],
                "leaf": leaf.tolist(),
                "missing_left": nodes["missing_go_to_left"].astype(bool).tolist(),
            }
        )
    return {
        "format": "dedupe-gbt-1",
        "about": (
            "P(line is page furniture); trained by training/train_quality.py on the wcxb line set, "
            "tune part (trafilatura's text labelled by the gold, and the gold lines as genuine)"
        ),
        "features": list(FEATURE_NAMES),
        "params": PARAMS,
        "gold_weight": GOLD_WEIGHT,
        "threshold": threshold,
        "calibration": figures,
        "baseline": float(np.ravel(model._baseline_prediction)[0]),
        "trees": trees,
    }


def removal(y: np.ndarray, p: np.ndarray, kind: np.ndarray, t: float) -> dict[str, float]:
    """At threshold ``t``: removal precision and recall and genuine lines lost (%) on trafilatura's
    text, and gold lines lost (%) on the gold texts."""
    traf, gold = kind == "traf", kind == "gold"
    rm = p >= t
    tp = int(np.sum(rm & traf & (y == 1)))
    fp = int(np.sum(rm & traf & (y == 0)))
    fn = int(np.sum(~rm & traf & (y == 1)))
    genuine = int(np.sum(traf & (y == 0)))
    n_gold = int(gold.sum())
    return {
        "threshold": t,
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "removed": tp + fp,
        "genuine_lost_pct": round(100.0 * fp / genuine, 3) if genuine else 0.0,
        "gold_lost_pct": round(100.0 * int(np.sum(rm & gold)) / n_gold, 3) if n_gold else 0.0,
    }


def table(title: str, d: dict[str, np.ndarray], sel: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    """Print and return the calibration table: overall and per page type, at each threshold."""
    y, kind, types = d["y"][sel], d["kind"][sel], d["type"][sel]
    print(f"\n{title}: P / R / genuine lost % (trafilatura's text) / gold lost % (gold texts)")
    groups = ("all", *PAGE_TYPES)
    print(f"{'thr':>5} " + "".join(f"{g[:13]:>27}" for g in groups))
    out: dict[str, Any] = {}
    for t in GRID:
        cells = {}
        for g in groups:
            s = np.ones(len(y), bool) if g == "all" else types == g
            cells[g] = removal(y[s], p[s], kind[s], t)
        out[str(t)] = cells
        print(
            f"{t:>5} "
            + "".join(
                f"{c['precision']:>6.3f}/{c['recall']:.3f}/{c['genuine_lost_pct']:5.2f}/{c['gold_lost_pct']:5.2f}"
                for c in cells.values()
            )
        )
    return out


def choose(d: dict[str, np.ndarray], sel: np.ndarray, p: np.ndarray) -> float:
    """The lowest threshold (steps of 0.01) whose out-of-fold removal precision reaches
    :data:`TARGET_PRECISION` and gold loss stays within :data:`MAX_GOLD_LOST`; 1.0 (never) if none."""
    y, kind = d["y"][sel], d["kind"][sel]
    for t in np.round(np.arange(0.5, 1.0, 0.01), 2):
        r = removal(y, p, kind, float(t))
        if r["removed"] and r["precision"] >= TARGET_PRECISION and r["gold_lost_pct"] <= 100 * MAX_GOLD_LOST:
            return float(t)
    return 1.0


def importance(model: Any, top: int = 20) -> list[tuple[str, int]]:
    """Features by how many splits use them (a rough reading of what the trees look at)."""
    counts = np.zeros(len(FEATURE_NAMES), int)
    for (pred,) in model._predictors:
        nodes = pred.nodes
        for f in nodes["feature_idx"][~nodes["is_leaf"].astype(bool)]:
            counts[f] += 1
    order = np.argsort(-counts, kind="stable")[:top]
    return [(FEATURE_NAMES[i], int(counts[i])) for i in order]


def main(argv: Sequence[str] | None = None) -> int:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import GroupKFold

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=Path, default=DEFAULT_OUT, help="the line set (training/wcxb_lines.py)")
    ap.add_argument("--data", type=Path, default=DATA, help="the development data (wcxb gold texts)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--json", type=Path, default=None, help="also write the calibration tables here")
    ap.add_argument("--check", action="store_true", help="do not write; compare with the shipped model")
    ap.add_argument(
        "--cache", type=Path, default=None, help="keep the feature matrix here (.npz) between runs"
    )
    args = ap.parse_args(argv)
    if args.cache and args.cache.exists():
        with np.load(args.cache) as z:
            d = {k: z[k] for k in z.files}
        # A cache made with more features: keep the library's columns (new ones need a rebuild).
        names = list(d.pop("names"))
        cols = [names.index(n) for n in FEATURE_NAMES]
        d["x"] = d["x"][:, cols]
    else:
        d = build(args.lines, args.data)
        if args.cache:
            np.savez_compressed(args.cache, names=np.array(FEATURE_NAMES), **d)
    tune = d["split"] == TUNE
    meas = ~tune
    w = np.where(d["kind"] == "gold", GOLD_WEIGHT, 1.0)
    print(
        f"tune: {int((tune & (d['kind'] == 'traf')).sum())} lines of trafilatura's text "
        f"({int((tune & (d['y'] == 1)).sum())} noise), {int((tune & (d['kind'] == 'gold')).sum())} gold lines; "
        f"measure: {int((meas & (d['kind'] == 'traf')).sum())} + {int((meas & (d['kind'] == 'gold')).sum())}"
    )
    idx = np.flatnonzero(tune)
    oof = np.zeros(len(d["y"]))
    for fit, hold in GroupKFold(n_splits=FOLDS).split(idx, groups=d["domain"][idx]):
        fi = idx[fit]
        m = HistGradientBoostingClassifier(**PARAMS).fit(d["x"][fi], d["y"][fi], sample_weight=w[fi])
        oof[idx[hold]] = m.predict_proba(d["x"][idx[hold]])[:, 1]
    model = HistGradientBoostingClassifier(**PARAMS).fit(d["x"][tune], d["y"][tune], sample_weight=w[tune])
    thr = choose(d, tune, oof[tune])
    figures = {
        "tune_oof": table(f"tune, out of fold ({FOLDS}-fold, grouped by domain)", d, tune, oof[tune]),
    }
    spec = export(model, thr, {})
    ours = QualityModel(spec).predict(d["x"][meas])
    ref = model.predict_proba(d["x"][meas])[:, 1]
    assert np.allclose(ours, ref, atol=1e-9), "JSON export does not reproduce scikit-learn's predictions"
    figures["measure"] = table("measure (trained on all of tune)", d, meas, ours)
    print(
        f"\nchosen threshold (tune out of fold: precision >= {TARGET_PRECISION}, gold lost <= "
        f"{100 * MAX_GOLD_LOST}%): {thr}"
    )
    for name, sel, p in (("tune oof", tune, oof[tune]), ("measure", meas, ours)):
        print(f"  {name}: {removal(d['y'][sel], p, d['kind'][sel], thr)}")
    print("\nsplits per feature (top 20):", ", ".join(f"{n} {c}" for n, c in importance(model)))
    chosen = {
        "tune_oof": removal(d["y"][tune], oof[tune], d["kind"][tune], thr),
        "measure": removal(d["y"][meas], ours, d["kind"][meas], thr),
    }
    spec = export(model, thr, {"chosen": chosen})
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    if args.check:
        shipped = QualityModel.default().predict(d["x"][meas])
        print("shipped model matches retrained:", bool(np.allclose(shipped, ours, atol=1e-9)))
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(spec, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
