"""Pure scoring functions for the quality benchmark (``benchmarks/quality.py``).

Two kinds of figures are computed:

Token n-gram precision/recall (text against gold text)
    This follows the ScrapingHub *article-extraction-benchmark* (``evaluate.py``:
    ``string_shingle_matching`` and ``metrics_from_tp_fp_fns``), which itself follows the Moz/Dragnet
    token benchmark with shingles instead of single tokens:

    * Tokens are ``\\w+`` runs (Unicode), **lower-cased** (the ScrapingHub code keeps case; we fold it
      so a heading re-cased by an extractor is not counted as lost text).
    * Each text becomes a *multiset* of token 4-grams (shingles). Repeated 4-grams count as often as
      they occur, and the overlap of prediction and gold is the multiset intersection:
      ``tp = sum(min(pred[g], gold[g]))``, ``fp = |pred| - tp``, ``fn = |gold| - tp``.
    * Short texts: if the prediction or the gold has fewer than ``n`` tokens (but at least one), *both*
      sides are scored as bags of single tokens (1-grams), so a three-word gold can still be matched.
      (ScrapingHub turns a short text into one shorter shingle, which can never match a full-length
      one; scoring both sides on the same n avoids that.)
    * Per document: ``P = tp / (tp + fp)``, ``R = tp / (tp + fn)``.
    * **Empty texts** (no tokens) follow the ScrapingHub convention: precision is *undefined* for a
      document whose prediction is empty, and recall is undefined for a document whose gold is empty.
      Undefined values are returned as ``None`` and are left out of the corresponding average, exactly
      as ``metrics_from_tp_fp_fns`` averages precision only over documents with ``tp + fp > 0`` and
      recall only over documents with ``tp + fn > 0``. So an empty prediction for a non-empty gold costs
      recall (R = 0) but not precision; a non-empty prediction for an empty gold costs precision (P = 0);
      an empty prediction for an empty gold is left out of both averages.
    * Corpus figures: the per-document P and R are averaged (macro), and F1 is computed from the two
      averages, ``F1 = 2PR / (P + R)`` (not the mean of per-document F1s).

Line removal precision/recall (line-labelled data)
    The positive class is *noise* (gold label 0) and the prediction is "the cleaner removed the line".
    ``tp`` = noise removed, ``fp`` = genuine line removed (a genuine line *lost*), ``fn`` = noise kept.
    Counts are pooled over all lines given (micro average). When nothing was removed, precision is 0
    (and so is F1), unless there was nothing to remove either, in which case P = R = F1 = 1.

Everything here is pure and standard-library only, so tests can import it without the library.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

__all__ = [
    "PRF",
    "NgramScore",
    "RemovalScore",
    "average_prf",
    "f1",
    "ngram_prf",
    "ngrams",
    "removal_prf",
    "tokenise",
]

_TOKEN_RE = re.compile(r"\w+")


def tokenise(text: str | None) -> list[str]:
    """Lower-cased ``\\w+`` tokens of ``text`` (``None`` is the empty text).

    >>> tokenise("Egypt's President, al-Sisi!")
    ['egypt', 's', 'president', 'al', 'sisi']
    """
    return _TOKEN_RE.findall((text or "").lower())


def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    """The multiset of the ``n``-grams of ``tokens`` (empty if there are fewer than ``n`` tokens)."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def f1(p: float | None, r: float | None) -> float | None:
    """Harmonic mean of ``p`` and ``r``; 0 if both are 0, ``None`` if either is undefined."""
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


class NgramScore(NamedTuple):
    """Per-document n-gram overlap. ``precision``/``recall`` are ``None`` when undefined (see module doc)."""

    precision: float | None
    recall: float | None
    f1: float | None
    tp: int
    fp: int
    fn: int


def ngram_prf(pred: str | None, gold: str | None, n: int = 4) -> NgramScore:
    """Token ``n``-gram precision, recall and F1 of ``pred`` against ``gold`` (one document).

    Multiset overlap of lower-cased ``\\w+`` token n-grams. If either side has fewer than ``n`` tokens,
    both sides are compared as bags of single tokens. Precision is ``None`` when ``pred`` has no
    tokens, recall is ``None`` when ``gold`` has none. F1 is ``None`` only when both are empty, and 0
    when exactly one of them is.

    >>> ngram_prf("a b c d e", "a b c d").precision
    0.5
    """
    pt, gt = tokenise(pred), tokenise(gold)
    if not pt or not gt:
        tp, fp, fn = 0, len(pt), len(gt)
    else:
        k = n if min(len(pt), len(gt)) >= n else 1
        pg, gg = ngrams(pt, k), ngrams(gt, k)
        tp = sum((pg & gg).values())
        fp = sum(pg.values()) - tp
        fn = sum(gg.values()) - tp
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    if p is None and r is None:
        f = None
    elif p is None or r is None:
        f = 0.0
    else:
        f = f1(p, r)
    return NgramScore(p, r, f, tp, fp, fn)


class PRF(NamedTuple):
    """Corpus-level averaged figures. ``n_precision``/``n_recall``: documents in each average."""

    precision: float | None
    recall: float | None
    f1: float | None
    n_precision: int
    n_recall: int


def average_prf(pairs: Iterable[tuple[float | None, float | None]]) -> PRF:
    """Macro-average per-document ``(precision, recall)`` pairs; F1 from the two averages.

    ``None`` entries (undefined for that document) are left out of their average. An average over no
    documents is ``None``.

    >>> average_prf([(1.0, 0.5), (None, 0.0), (0.5, None)])
    PRF(precision=0.75, recall=0.25, f1=0.375, n_precision=2, n_recall=2)
    """
    ps: list[float] = []
    rs: list[float] = []
    for p, r in pairs:
        if p is not None:
            ps.append(p)
        if r is not None:
            rs.append(r)
    p_avg = sum(ps) / len(ps) if ps else None
    r_avg = sum(rs) / len(rs) if rs else None
    return PRF(p_avg, r_avg, f1(p_avg, r_avg), len(ps), len(rs))


@dataclass(frozen=True)
class RemovalScore:
    """Line-removal figures; the positive class is noise (gold label 0) and "removed" is the prediction.

    Attributes:
        tp: noise lines removed.  fp: genuine lines removed (= ``genuine_lost``).
        fn: noise lines kept.     tn: genuine lines kept.
    """

    precision: float
    recall: float
    f1: float
    accuracy: float
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def lines(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def genuine(self) -> int:
        """Number of genuine (label 1) lines."""
        return self.fp + self.tn

    @property
    def noise(self) -> int:
        """Number of noise (label 0) lines."""
        return self.tp + self.fn

    @property
    def genuine_lost(self) -> int:
        """Genuine lines removed."""
        return self.fp

    @property
    def genuine_lost_pct(self) -> float:
        """Genuine lines removed, as a percentage of the genuine lines (0 if there are none)."""
        return 100.0 * self.fp / self.genuine if self.genuine else 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(
            lines=self.lines,
            genuine=self.genuine,
            noise=self.noise,
            genuine_lost=self.genuine_lost,
            genuine_lost_pct=self.genuine_lost_pct,
        )
        return d


def removal_prf(labels: Sequence[int], removed: Sequence[bool]) -> RemovalScore:
    """Removal precision/recall/F1 and line accuracy, pooled over the given lines.

    Args:
        labels: gold label per line, 1 = genuine (keep), 0 = noise (should be removed).
        removed: per line, True if the cleaner removed it.

    >>> s = removal_prf([1, 0, 0, 1], [False, True, False, True])
    >>> (s.precision, s.recall, s.genuine_lost)
    (0.5, 0.5, 1)
    """
    if len(labels) != len(removed):
        raise ValueError(f"{len(labels)} labels but {len(removed)} removal flags")
    tp = fp = fn = tn = 0
    for y, rm in zip(labels, removed, strict=True):
        if y not in (0, 1):
            raise ValueError(f"labels must be 0 or 1, got {y!r}")
        noise = y == 0
        if rm and noise:
            tp += 1
        elif rm:
            fp += 1
        elif noise:
            fn += 1
        else:
            tn += 1
    if fp == fn == 0:
        p = r = 1.0
    else:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
    total = tp + fp + fn + tn
    acc = (tp + tn) / total if total else 1.0
    return RemovalScore(p, r, f1(p, r) or 0.0, acc, tp, fp, fn, tn)
