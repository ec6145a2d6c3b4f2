"""Prototype line model on the wcxb line set (``training/wcxb_lines.py``): trained on tune, scored on measure.

Not wired into the library: this is the measurement a later change starts from. Features are all
computable from plain text:

* the shipped model's features (:func:`dedupe.stages.quality.document_features`: the line's shape,
  its neighbours', a window of +-3 lines, the document's mean, position), computed by the library;
* structure this script adds (:func:`extra_features`): the run of short lines (<= 4 words) and the run
  of table rows (``| ... |``) the line is in, list markers (``- ``, ``1.``), how often the line's exact
  text occurs in the document, title-case share, a final colon, distance to the nearest long line
  (>= 20 words) before and after, and whether the line holds a URL, a handle or an e-mail address.

Model: scikit-learn's HistGradientBoostingClassifier (the ``train`` extra), probability of *noise*.
The threshold is chosen on the tune part only, by 5-fold cross-validation grouped by domain (no site
in two folds): the lowest threshold whose pooled removal precision reaches each target. The measured
part is then scored once at those thresholds and at a fixed grid: removal precision and recall
(positive class = noise, the line set's labels) and the genuine lines lost (%), overall and per page
type.

Usage::

    .venv/bin/python training/wcxb_lines.py              # the line set first (out/wcxb_lines.jsonl.gz)
    .venv/bin/python training/train_wcxb_lines.py --json out/wcxb_line_model.json
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "training"))

from wcxb_lines import DEFAULT_OUT, PAGE_TYPES, load  # noqa: E402

from dedupe.lang import guess_stoplist  # noqa: E402
from dedupe.stages.quality import FEATURE_NAMES, document_features  # noqa: E402
from dedupe.text import words  # noqa: E402

PARAMS = {"max_iter": 100, "max_depth": 6, "learning_rate": 0.1, "min_samples_leaf": 100, "random_state": 0}
PRECISION_TARGETS = (0.6, 0.7, 0.8, 0.9)
GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98)
EXTRA_NAMES = (
    "short_run",
    "table_run",
    "is_table",
    "list_marker",
    "copies",
    "title_case",
    "ends_colon",
    "long_before",
    "long_after",
    "link_like",
)
_LIST = re.compile(r"^\s*(?:[-*•·]\s|\d{1,3}[.)]\s)")
_LINK = re.compile(r"https?://|www\.|\S+@\S+\.\w+|(?:^|\s)@\w{2,}")


def _runs(flags: Sequence[bool]) -> list[int]:
    out: list[int] = []
    for f, grp in groupby(flags):
        n = len(list(grp))
        out += [n if f else 0] * n
    return out


def _distance(flags: Sequence[bool], reverse: bool) -> list[float]:
    out, last = [], None
    idx = range(len(flags) - 1, -1, -1) if reverse else range(len(flags))
    res = [0.0] * len(flags)
    for i in idx:
        res[i] = math.log1p(abs(i - last)) if last is not None else math.log1p(99)
        if flags[i]:
            last = i
    out = res
    return out


def extra_features(lines: Sequence[str]) -> np.ndarray:
    """The structural features (:data:`EXTRA_NAMES`) of a document's lines."""
    nw = [len(ln.split()) for ln in lines]
    table = [len(ln) > 1 and ln[0] == "|" and ln[-1] == "|" for ln in lines]
    copies = Counter(ln.casefold() for ln in lines)
    long = [n >= 20 for n in nw]
    short_run, table_run = _runs([n <= 4 for n in nw]), _runs(table)
    before, after = _distance(long, False), _distance(long, True)
    rows = []
    for i, ln in enumerate(lines):
        ws = ln.split()
        caps = sum(w[:1].isupper() for w in ws) / len(ws) if ws else 0.0
        rows.append([
            math.log1p(short_run[i]), math.log1p(table_run[i]), float(table[i]), float(bool(_LIST.match(ln))),
            math.log1p(copies[ln.casefold()] - 1), caps, float(ln.rstrip().endswith(":")), before[i], after[i],
            float(bool(_LINK.search(ln))),
        ])  # fmt: skip
    return np.array(rows, dtype=np.float64).reshape(len(lines), len(EXTRA_NAMES))


def doc_matrix(lines: list[str]) -> np.ndarray:
    toks = [words(line) for line in lines]
    _, stop = guess_stoplist(w for ws in toks for w in ws)
    return np.hstack([document_features(lines, stop, toks), extra_features(lines)])


def build(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Feature matrix, noise labels, and per-line page type, split and domain, page by page."""
    xs, y, ptype, split, domain = [], [], [], [], []
    rows = sorted(rows, key=lambda r: (r["id"], r["i"]))
    for _, grp in groupby(rows, key=lambda r: r["id"]):
        page = list(grp)
        xs.append(doc_matrix([r["text"] for r in page]))
        for r in page:
            y.append(1 - r["label"])
            ptype.append(r["page_type"])
            split.append(r["split"])
            domain.append(r["domain"] or r["id"])
    return {
        "x": np.vstack(xs),
        "y": np.array(y),
        "type": np.array(ptype),
        "split": np.array(split),
        "domain": np.array(domain),
    }


def removal(y: np.ndarray, p: np.ndarray, t: float) -> dict[str, float]:
    """Removal P/R (positive = noise) and genuine lines lost (%) at threshold ``t``."""
    rm = p >= t
    tp = int(np.sum(rm & (y == 1)))
    fp = int(np.sum(rm & (y == 0)))
    fn = int(np.sum(~rm & (y == 1)))
    genuine = int(np.sum(y == 0))
    return {
        "threshold": t,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "genuine_lost_pct": 100.0 * fp / genuine if genuine else 0.0,
        "removed": tp + fp,
    }


def _grid(y: np.ndarray, p: np.ndarray, types: np.ndarray) -> dict[str, dict[str, dict[str, float]]]:
    """Removal figures at each threshold of :data:`GRID`, overall and per page type, printed as a table."""
    print(f"{'thr':>5}  {'all':>20}" + "".join(f"{t[:13]:>22}" for t in PAGE_TYPES))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for t in GRID:
        cells = {"all": removal(y, p, t)}
        for pt in PAGE_TYPES:
            sel = types == pt
            cells[pt] = removal(y[sel], p[sel], t)
        out[str(t)] = cells
        print(
            f"{t:>5}  "
            + "".join(
                f"{c['precision']:>7.3f}/{c['recall']:.3f}/{c['genuine_lost_pct']:>4.1f}  "
                for c in cells.values()
            )
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import GroupKFold

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_OUT, help="the line set (training/wcxb_lines.py)")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = ap.parse_args(argv)
    d = build(load(args.data))
    tune, meas = d["split"] == "tune", d["split"] == "measure"
    xt, yt = d["x"][tune], d["y"][tune]
    print(f"tune lines {int(tune.sum())} (noise {int(yt.sum())}), measure lines {int(meas.sum())}")
    # Threshold: 5-fold cross-validation on tune, grouped by domain.
    oof = np.zeros(len(yt))
    for fit, hold in GroupKFold(n_splits=5).split(xt, yt, d["domain"][tune]):
        m = HistGradientBoostingClassifier(**PARAMS).fit(xt[fit], yt[fit])
        oof[hold] = m.predict_proba(xt[hold])[:, 1]
    cands = np.round(np.arange(0.5, 0.995, 0.01), 2)
    chosen: dict[float, float] = {}
    for target in PRECISION_TARGETS:
        ok = [t for t in cands if removal(yt, oof, float(t))["precision"] >= target]
        chosen[target] = float(min(ok)) if ok else 0.99
    model = HistGradientBoostingClassifier(**PARAMS).fit(xt, yt)
    pm = model.predict_proba(d["x"][meas])[:, 1]
    ym, tm = d["y"][meas], d["type"][meas]
    out: dict[str, Any] = {
        "params": PARAMS,
        "features": [*FEATURE_NAMES, *EXTRA_NAMES],
        "chosen": {},
        "grid": {},
    }
    print("\nthresholds chosen on tune (5-fold CV grouped by domain) for a removal precision target:")
    print(
        f"{'target':>7}{'thr':>6}{'cv P':>7}{'cv R':>7}{'cv lost%':>9} | measure{'P':>7}{'R':>7}{'lost%':>7}"
    )
    for target, t in chosen.items():
        cv, ms = removal(yt, oof, t), removal(ym, pm, t)
        out["chosen"][str(target)] = {"cv": cv, "measure": ms}
        print(
            f"{target:>7}{t:>6.2f}{cv['precision']:>7.3f}{cv['recall']:>7.3f}{cv['genuine_lost_pct']:>9.2f} |"
            f"        {ms['precision']:>7.3f}{ms['recall']:>7.3f}{ms['genuine_lost_pct']:>7.2f}"
        )
    print(
        "\ntune part, out-of-fold (5-fold CV grouped by domain), overall and per page type (P / R / lost %):"
    )
    out["cv_grid"] = _grid(yt, oof, d["type"][tune])
    print("\nmeasure part (model trained on all of tune), overall and per page type (P / R / lost %):")
    out["grid"] = _grid(ym, pm, tm)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
