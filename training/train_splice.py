"""Train the splice detector shipped as ``src/dedupe/data/splice_model.json`` (prototype, issue 21).

Data (regenerable, nothing downloaded, nothing committed): the tune part of the splice benchmark
(``benchmarks/splice2.py``; split by ``benchmarks/datasplit.py``). The tune articles are dealt into
``FOLDS`` folds by a hash of their site, and passages are spliced *within* a fold (donor and
receiver in the same fold), every receiver in all ten slots (eight insertion cells, two controls)
for each of ``--seeds`` seeds: thousands of insertions, and every genuine paragraph of the
receivers as negatives. As in the pipeline, the detector sees the blocks the stages before it kept
(:func:`base_config`: the default configuration with the detector itself off; the outcomes are
cached with the benchmark's, ``~/.cache/dedupe-splice``).

Two models, both readable JSON in one file:

- the **lede model** (:class:`dedupe.discourse.NgramModel`): a logistic regression over the words
  and word pairs found in at least ``MIN_ARTICLES`` tune articles (so no n-gram of one site or one
  story), first prose paragraph of each article against its later lines;
- the **splice model**: gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier)
  over :data:`dedupe.discourse.FEATURES`, the lede model's score one of them.

Honest tune figures: every fold is scored by models that never saw its sites or its donors (the
lede model of the other folds for the ``ledeness`` column, the trees of the other folds for the
probability). The threshold table gives, per threshold, the share of inserted lines found per
cell and the genuine lines lost (all documents; controls), with the removal rule of
:func:`dedupe.discourse.decide`. The shipped models are then fitted on all of tune (the trees on
the out-of-fold ``ledeness`` column, as they will meet it on new text) with ``--threshold``,
chosen on this table (never on measure).

Usage::

    .venv/bin/pip install scikit-learn
    .venv/bin/python training/train_splice.py --signals   # each signal's AUC, per kind
    .venv/bin/python training/train_splice.py             # threshold table, writes the JSON
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import inspect
import itertools
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import splice2  # noqa: E402
from datasplit import TUNE  # noqa: E402

from dedupe.discourse import FEATURES, NGRAM_MIN_WORDS, NgramModel, decide, grams, splice_features  # noqa: E402
from dedupe.lang import guess_stoplist_texts  # noqa: E402

OUT = ROOT / "src" / "dedupe" / "data" / "splice_model.json"
CACHE = Path.home() / ".cache" / "dedupe-splice"
PARAMS: dict[str, Any] = {
    "max_iter": 200,
    "max_depth": 4,
    "learning_rate": 0.1,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
    "random_state": 0,
}
#: Where dedupe/discourse.py's detector begins: the code above it makes the rows (the cache key).
DETECTOR_MARK = "# " + "-" * 87 + " detector"
#: Folds of the tune articles, by site.
FOLDS = 3
#: Share of the genuine blocks the trees are trained on (all inserted ones are), weighted back up:
#: genuine blocks outnumber inserted ones fifty to one.
NEG_SHARE = 0.25
#: An n-gram enters the lede model's vocabulary when this many tune articles use it.
MIN_ARTICLES = 20
#: Inverse regularisation strength of the lede model.
LEDE_C = 0.5
#: Lede-model weights smaller than this are dropped from the JSON (they move no decision).
MIN_WEIGHT = 0.1
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.875, 0.9, 0.925, 0.95, 0.97, 0.98, 0.99)


def base_config() -> Any:
    """What runs before the detector in the pipeline: every stage and rule, the splice pass off."""
    import dedupe

    return dedupe.Config(offtopic=dedupe.OfftopicConfig(splice_threshold=None))


def fold_of(domain: str) -> int:
    return int(hashlib.sha1(f"splice-fold:{domain}".encode()).hexdigest()[:8], 16) % FOLDS


def dataset(data: Path, seeds: int, variants: int = 10) -> dict[str, Any]:
    """Rows for every block the release kept of every spliced tune document (cached on disk)."""
    h = hashlib.sha1()
    # The features' code: discourse.py up to its detector (the model and the decisions come after).
    h.update((ROOT / "src" / "dedupe" / "discourse.py").read_text(encoding="utf-8").split(DETECTOR_MARK)[0].encode())
    for fn in (dataset, base_config, fold_of, splice2.load_articles, splice2.generate, splice2._splice, splice2._lede_of):
        h.update(inspect.getsource(fn).encode())
    h.update(f"{seeds}:{variants}:{FOLDS}".encode())
    path = CACHE / f"train-{h.hexdigest()[:16]}.npz"
    text_path = path.with_suffix(".texts.json.gz")
    if path.is_file() and text_path.is_file():
        z = np.load(path, allow_pickle=False)
        out: dict[str, Any] = {k: z[k] for k in z.files}
        with gzip.open(text_path, "rt", encoding="utf-8") as f:
            out["texts"], out["prev_texts"] = json.load(f)
        return out
    t0 = time.perf_counter()
    import dedupe

    arts = splice2.load_articles(data)
    release = splice2.ReleaseCache(CACHE, "base")
    clean = dedupe.Cleaner(base_config()).clean
    xs, ys, role, cell, doc, fold, pos, texts, prev_texts = [], [], [], [], [], [], [], [], []
    doc_cell, doc_ins, doc_gen = [], [], []
    folds = {a.id: fold_of(a.domain) for a in arts}
    n_doc = 0

    def documents() -> Any:
        for seed in range(seeds):
            yield from splice2.generate(
                data, variants, seed, parts=(TUNE,), articles=arts, pool_of=lambda a: str(folds[a.id])
            )

    for d in documents():
        # The detector judges the blocks the other stages kept: so does its training.
        rel = release.get(d, clean)
        alive = [k for k, r in enumerate(rel.removed) if not r]
        kept = [d.lines[k] for k in alive]
        inserted = [d.inserted[k] for k in alive]
        _, stop = guess_stoplist_texts(kept)
        rows, x = splice_features(kept, stop)  # the screen's candidates only
        xs.append(x)
        first = d.inserted.index(True) if any(d.inserted) else -1
        for k in rows:
            ys.append(int(inserted[k]))
            if not inserted[k]:
                role.append("genuine")
            elif d.kind == "lede":
                role.append("lede")
            else:
                role.append("headline" if alive[k] == first else "sentence")
            texts.append(kept[k])
            prev_texts.append(kept[k - 1] if k > 0 else "")
        cell.extend([d.cell] * len(rows))
        doc.extend([n_doc] * len(rows))
        fold.extend([folds[d.receiver]] * len(rows))
        pos.extend(rows)
        doc_cell.append(d.cell)
        doc_ins.append(sum(inserted))
        doc_gen.append(len(inserted) - sum(inserted))
        n_doc += 1
        if n_doc % 1000 == 0:
            release.save()
    release.save()
    out = {
        "x": np.vstack(xs),
        "y": np.asarray(ys, dtype=np.int8),
        "role": np.asarray(role),
        "cell": np.asarray(cell),
        "doc": np.asarray(doc),
        "fold": np.asarray(fold),
        "pos": np.asarray(pos),
        "doc_cell": np.asarray(doc_cell),
        "doc_ins": np.asarray(doc_ins),
        "doc_gen": np.asarray(doc_gen),
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **out)
    with gzip.open(text_path, "wt", encoding="utf-8") as f:
        json.dump([texts, prev_texts], f)
    out["texts"], out["prev_texts"] = texts, prev_texts
    print(f"dataset: {n_doc} documents, {len(ys)} blocks in {time.perf_counter() - t0:.0f} s -> {path}")
    return out


# ------------------------------------------------------------------------------------- lede model


def ngram_examples(arts: list[splice2.Article], which: str) -> tuple[list[str], list[int], list[int]]:
    """Texts, labels and article numbers for an n-gram model: ``lede``, the article's lede (1)
    against its later lines of 8+ words (0); ``close``, its last line of 8+ words against the
    others."""
    texts, labels, owner = [], [], []
    for i, a in enumerate(arts):
        long = [line for line in a.lines if len(line.split()) >= NGRAM_MIN_WORDS]
        if which == "close":
            for k, line in enumerate(long):
                texts.append(line)
                labels.append(int(k == len(long) - 1))
                owner.append(i)
            continue
        if not a.lede:
            continue
        texts.append(a.lede)
        labels.append(1)
        owner.append(i)
        start = next((k + 1 for k, line in enumerate(a.lines) if a.lede.startswith(line[:60])), 0)
        for line in a.lines[start:]:
            if len(line.split()) >= NGRAM_MIN_WORDS:
                texts.append(line)
                labels.append(0)
                owner.append(i)
    return texts, labels, owner


def fit_ngram(arts: list[splice2.Article], which: str) -> dict[str, Any]:
    """The JSON spec of the ``which`` n-gram model (``lede`` or ``close``), trained on ``arts``."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    texts, labels, owner = ngram_examples(arts, which)
    sets = [grams(t) for t in texts]
    users: dict[str, set[int]] = {}
    for g, o in zip(sets, owner):
        for x in g:
            users.setdefault(x, set()).add(o)
    vocab = {x: j for j, x in enumerate(sorted(x for x, s in users.items() if len(s) >= MIN_ARTICLES))}
    rows, cols, vals = [], [], []
    for i, g in enumerate(sets):
        scale = 1.0 / math.sqrt(max(1, len(g)))
        for x in g:
            j = vocab.get(x)
            if j is not None:
                rows.append(i)
                cols.append(j)
                vals.append(scale)
    m = csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocab)))
    lr = LogisticRegression(C=LEDE_C, max_iter=5000, class_weight="balanced").fit(m, labels)
    names = sorted(vocab, key=vocab.__getitem__)
    weights = {x: round(float(w), 3) for x, w in zip(names, lr.coef_[0]) if abs(w) >= MIN_WEIGHT}
    return {
        "about": f"log-odds that a line {'opens' if which == 'lede' else 'closes'} an article; training/train_splice.py",
        "min_articles": MIN_ARTICLES,
        "examples": [int(sum(labels)), len(labels) - int(sum(labels))],
        "bias": round(float(lr.intercept_[0]), 4),
        "weights": dict(sorted(weights.items(), key=lambda kv: -kv[1])),
    }


def ngram_scores(ds: dict[str, Any], spec: dict[str, Any], rows: np.ndarray, prev: bool = False) -> np.ndarray:
    """The model's score of each row's block (``prev``: of the block before it), as in
    :func:`dedupe.discourse.splice_features`."""
    model = NgramModel(spec)
    words_col = FEATURES.index("prev_log_words" if prev else "log_words")
    texts = ds["prev_texts" if prev else "texts"]
    out = np.full(len(rows), np.nan)
    for n, r in enumerate(rows):
        if ds["x"][r, words_col] >= math.log1p(NGRAM_MIN_WORDS) - 1e-9:
            out[n] = model.score(texts[r])
    return out


# ------------------------------------------------------------------------------------------ signals


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(a positive ranks above a negative), ties half; NaN ranks lowest."""
    from scipy.stats import rankdata

    both = np.concatenate([pos, neg])
    r = rankdata(np.where(np.isnan(both), -np.inf, both))[: len(pos)].sum()
    return float((r - len(pos) * (len(pos) + 1) / 2) / max(1, len(pos) * len(neg)))


ROLES = {"lede": "lede", "head": "headline", "sent": "sentence"}


def signals(ds: dict[str, Any]) -> None:
    """Per signal, the AUC of each kind of inserted block (role, source, position) against the
    genuine blocks of the same shape (ledes against blocks of 15+ words, headlines against
    headline-shaped blocks, teaser sentences against blocks under a headline-shaped one)."""
    x, role, cell, pos = ds["x"], ds["role"], ds["cell"], ds["pos"]
    neg = (role == "genuine") & (pos > 0)
    log_words = x[:, FEATURES.index("log_words")]
    head = x[:, FEATURES.index("headline")] == 1
    prev_head = x[:, FEATURES.index("prev_headline")] == 1
    negs = {"lede": neg & (log_words >= np.log1p(15)), "head": neg & head, "sent": neg & prev_head & ~head}
    groups = {}
    for r, full in ROLES.items():
        kind = "lede" if r == "lede" else "teaser"
        for src in ("similar", "random"):
            for where in ("end", "middle"):
                m = (role == full) & (cell == f"{kind}/{src}/{where}")
                if m.any():
                    groups[f"{r}/{src[:3]}/{where[:3]}"] = (r, m)
    rng = np.random.default_rng(0)
    sample = {r: rng.choice(np.flatnonzero(m), min(int(m.sum()), 20000), replace=False) for r, m in negs.items()}
    print(f"{'signal':20}" + "".join(f"{g:>12}" for g in groups))
    print(" " * 20 + "".join(f"{int(m.sum()):>12}" for _, m in groups.values()) + "  (inserted)")
    print(" " * 20 + "".join(f"{int(negs[r].sum()):>12}" for r, _ in groups.values()) + "  (genuine)")
    for i, name in enumerate(FEATURES):
        aucs = [auc(x[m, i], x[sample[r], i]) for r, m in groups.values()]
        print(f"{name:20}" + "".join(f"{a:12.3f}" for a in aucs))


# --------------------------------------------------------------------------------------- threshold


def simulate(ds: dict[str, Any], p: np.ndarray, thr: float) -> dict[str, tuple[float, float]]:
    """Per cell: (share of the inserted blocks found, % of genuine blocks lost) when each document's
    candidates are decided by :func:`dedupe.discourse.decide`. The denominators are all the blocks
    the release kept (a passage the screen missed is not found); inserted lines the release
    already removed are not counted."""
    y, doc, pos = ds["y"], ds["doc"], ds["pos"]
    head = ds["x"][:, FEATURES.index("headline")] == 1
    removed = np.zeros(len(y), dtype=bool)
    bounds = np.r_[0, np.flatnonzero(np.diff(doc)) + 1, len(doc)]
    for a, b in itertools.pairwise(bounds):
        if a == b:
            continue
        size = int(pos[a:b].max()) + 2
        full, heads = np.full(size, np.nan), np.zeros(size, dtype=bool)
        full[pos[a:b]] = p[a:b]
        heads[pos[a:b]] = head[a:b]
        where = {int(k): a + i for i, k in enumerate(pos[a:b])}
        for k in decide(full, heads, thr):
            removed[where[k]] = True
    found_ins = np.bincount(doc, weights=removed & (y == 1), minlength=len(ds["doc_cell"]))
    found_gen = np.bincount(doc, weights=removed & (y == 0), minlength=len(ds["doc_cell"]))
    out: dict[str, tuple[float, float]] = {}
    for c in [*sorted(set(ds["doc_cell"].tolist())), "all"]:
        m = np.ones(len(ds["doc_cell"]), dtype=bool) if c == "all" else ds["doc_cell"] == c
        ins, gen = ds["doc_ins"][m].sum(), ds["doc_gen"][m].sum()
        out[c] = (found_ins[m].sum() / ins if ins else math.nan, 100 * found_gen[m].sum() / max(1, gen))
    return out


def threshold_table(ds: dict[str, Any], p: np.ndarray) -> None:
    cells = [f"{k}/{s}/{q}" for k, s, q in splice2.CELLS]
    short = [c.replace("teaser", "tz").replace("similar", "sim").replace("random", "rnd").replace("middle", "mid") for c in cells]
    print(f"{'thr':>5} " + " ".join(f"{c:>14}" for c in short) + "    all  lost%  ctrl%")
    for thr in THRESHOLDS:
        s = simulate(ds, p, thr)
        print(
            f"{thr:5.2f} "
            + " ".join(f"{s[c][0]:14.3f}" for c in cells)
            + f"  {s['all'][0]:.3f}  {s['all'][1]:.3f}  {s['control'][1]:.3f}"
        )


# ------------------------------------------------------------------------------------------- export


def export(model: Any) -> dict[str, Any]:
    trees = []
    for (pred,) in model._predictors:
        nodes = pred.nodes
        # scikit-learn keeps the unshrunk value on split nodes; a node's value here is the
        # expected value of the leaves under it (weighted by training counts), so that the
        # evidence's per-signal contributions add up along a path.
        value = nodes["value"].astype(float).copy()
        count = nodes["count"].astype(float)
        for i in sorted(range(len(nodes)), key=lambda i: -int(nodes["depth"][i])):
            if not nodes["is_leaf"][i]:
                lft, rgt = nodes["left"][i], nodes["right"][i]
                value[i] = (value[lft] * count[lft] + value[rgt] * count[rgt]) / max(1.0, count[lft] + count[rgt])
        trees.append(
            {
                "feature": nodes["feature_idx"].tolist(),
                "threshold": [float(t) for t in nodes["num_threshold"]],
                "left": nodes["left"].tolist(),
                "right": nodes["right"].tolist(),
                "value": [round(float(v), 6) for v in value],
                "leaf": nodes["is_leaf"].astype(bool).tolist(),
                "missing_left": nodes["missing_go_to_left"].astype(bool).tolist(),
                "depth": int(nodes["depth"].max()),
            }
        )
    return {
        "format": "dedupe-gbt-1",
        "about": "P(block is a passage of another article spliced in); training/train_splice.py",
        "features": list(FEATURES),
        "params": PARAMS,
        "baseline": float(np.ravel(model._baseline_prediction)[0]),
        "trees": trees,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=splice2.DEFAULT_DATA)
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--signals", action="store_true", help="print each signal's AUC and stop")
    ap.add_argument("--threshold", type=float, default=0.9)
    ap.add_argument("--neg-share", type=float, default=NEG_SHARE)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    from sklearn.ensemble import HistGradientBoostingClassifier

    ds = dataset(args.data, args.seeds)
    x, y, fold = ds["x"].copy(), ds["y"], ds["fold"]
    print(f"{len(y)} blocks, {int(y.sum())} inserted, {len(set(ds['doc'].tolist()))} documents")
    arts = [a for a in splice2.load_articles(args.data) if a.part == TUNE]
    # The n-gram columns, each fold scored by the models of the other folds.
    lede_col, close_col = FEATURES.index("ledeness"), FEATURES.index("closingness")
    prev_col = FEATURES.index("prev_closingness")
    for f in range(FOLDS):
        rest = [a for a in arts if fold_of(a.domain) != f]
        rows = np.flatnonzero(fold == f)
        x[rows, lede_col] = ngram_scores(ds, fit_ngram(rest, "lede"), rows)
        close = fit_ngram(rest, "close")
        x[rows, close_col] = ngram_scores(ds, close, rows)
        x[rows, prev_col] = ngram_scores(ds, close, rows, prev=True)
    if args.signals:
        signals({**ds, "x": x})
        return 0
    rng = np.random.default_rng(0)
    keep = (y == 1) | (rng.random(len(y)) < args.neg_share)
    weight = np.where(y == 1, 1.0, 1.0 / args.neg_share)
    oof = np.zeros(len(y))
    for f in range(FOLDS):
        tr = np.flatnonzero((fold != f) & keep)
        te = np.flatnonzero(fold == f)
        m = HistGradientBoostingClassifier(**PARAMS).fit(x[tr], y[tr], sample_weight=weight[tr])
        oof[te] = m.predict_proba(x[te])[:, 1]
    np.save(CACHE / "oof.npy", oof)
    print("out of fold on tune: share of inserted blocks found per cell; genuine blocks lost (all; controls)")
    threshold_table(ds, oof)
    if args.no_write:
        return 0
    lede, close = fit_ngram(arts, "lede"), fit_ngram(arts, "close")
    model = HistGradientBoostingClassifier(**PARAMS).fit(x[keep], y[keep], sample_weight=weight[keep])
    spec = export(model)
    spec["threshold"] = args.threshold
    spec["lede"] = lede
    spec["close"] = close
    args.out.write_text(json.dumps(spec, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB; n-gram weights {len(lede['weights'])} + {len(close['weights'])}), "
        f"threshold {args.threshold}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
