"""Paragraph quality: a small learned model of "is this line page furniture?", on plain text.

jusText (Pomikálek 2011) classifies a paragraph from its length and stopword density, then lets
short and doubtful paragraphs take the class of their neighbours. Its fixed thresholds remove
ordinary news paragraphs (a 186-character news sentence has a stopword density of 0.29, below
jusText's 0.30), so here the same observations are features of a gradient-boosted tree model:

- the line itself: length, words, stopword density, share of digits, capitals and punctuation,
  whether it ends like a sentence, table pipes, currency, mojibake;
- its context (the jusText idea): the same features of the previous and next lines and the mean
  over a window of seven lines;
- the document: mean features, share of long lines, number of lines, position of the line.

The model is trained by ``training/train_quality.py`` on data anyone can regenerate (the `lines`
development set, train split only; see that script) and shipped as JSON trees in
``dedupe/data/quality_model.json`` (no pickle). A block is removed as ``boilerplate.low_quality``
when the model's probability reaches ``boilerplate.quality_threshold``; the evidence gives the
probability, the threshold and the features that matter most to a reader (length, stopword
density).
"""

from __future__ import annotations

import json
import math
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import numpy as np
import regex

from ..config import Config
from ..shapes import FEATURE_END
from ..text import char_classes, content_of, words
from . import Context, Pass

__all__ = ["FEATURE_NAMES", "QualityModel", "QualityPass", "document_features"]

_BASE = (
    "log_chars",
    "log_words",
    "stopword_density",
    "digit_share",
    "upper_share",
    "punct_share",
    "ends_like_sentence",
    "pipes",
    "currency",
    "has_stoplist",
    "mojibake",
)
FEATURE_NAMES: tuple[str, ...] = (
    *_BASE,
    *(f"prev_{n}" for n in _BASE),
    *(f"next_{n}" for n in _BASE),
    *(f"window_{n}" for n in _BASE),
    *(f"doc_{n}" for n in _BASE),
    "doc_long_share",
    "position",
    "is_first",
    "is_last",
    "log_lines",
)

_CURRENCY = regex.compile(r"[$€£¥]|\b(?:EUR|USD|GBP|CHF)\b")
_MOJIBAKE = regex.compile(r"Ã[\x80-\xbf¼¶¤Ÿ–—]|â€")
_LONG = math.log1p(100)
_WINDOW = 3


@lru_cache(maxsize=1 << 15)
def _line_cached(text: str, stop: frozenset[str]) -> tuple[float, ...]:
    return tuple(_line(text, words(text), stop))


def _line(text: str, ws: list[str], stop: frozenset[str]) -> list[float]:
    n_chars = len(text)
    letters, alnum, spaces, digits, upper = char_classes(text)
    return [
        math.log1p(n_chars),
        math.log1p(len(ws)),
        sum(map(stop.__contains__, ws)) / len(ws) if ws else 0.0,
        digits / max(1, n_chars),
        upper / max(1, letters),
        (n_chars - alnum - spaces) / max(1, n_chars),
        1.0 if FEATURE_END(text) else 0.0,
        float(min(text.count("|"), 5)),
        1.0 if _CURRENCY.search(text) else 0.0,
        1.0 if stop else 0.0,
        1.0 if _MOJIBAKE.search(text) else 0.0,
    ]


def document_features(
    texts: list[str], stop: frozenset[str], tokens: list[list[str]] | None = None
) -> np.ndarray:
    """The feature matrix (one row per line, columns :data:`FEATURE_NAMES`) of a document's lines."""
    n = len(texts)
    width = len(_BASE)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    if tokens is None:
        # The features of a line do not depend on its neighbours: remembered per (text, stoplist),
        # since every fixed-point pass asks for the same lines again.
        base = np.array([_line_cached(t, stop) for t in texts], dtype=np.float64)
    else:
        base = np.array([_line(t, w, stop) for t, w in zip(texts, tokens)], dtype=np.float64)
    zero = np.zeros((1, width))
    prev = np.vstack([zero, base[:-1]])
    nxt = np.vstack([base[1:], zero])
    csum = np.vstack([zero, np.cumsum(base, axis=0)])
    idx = np.arange(n)
    lo = np.maximum(0, idx - _WINDOW)
    hi = np.minimum(n, idx + _WINDOW + 1)
    window = (csum[hi] - csum[lo]) / (hi - lo)[:, None]
    doc = np.broadcast_to(base.mean(axis=0), (n, width))
    extra = np.column_stack(
        [
            np.full(n, float(np.mean(base[:, 0] > _LONG))),
            idx / max(1, n - 1),
            (idx == 0).astype(float),
            (idx == n - 1).astype(float),
            np.full(n, math.log1p(n)),
        ]
    )
    return np.hstack([base, prev, nxt, window, doc, extra])


#: The prose guard: a line that ends like a sentence, has at least this many words and this share
#: of function words is article text whatever the rest of the page looks like. The model judges
#: pages as a whole (it learned that most lines of a junk page are junk), and on news pages from
#: the portal development set that emptied 16 articles; the guard keeps their paragraphs.
#: A block of at least PROSE_LONG_WORDS words with that share of function words is prose however it
#: ends, and a table row (trafilatura writes ``| cell | cell |``) is judged by its last cell: the
#: model had removed whole articles held in one cell of a layout table (a 5,000-word essay, a
#: 1,100-word feature) from extracted text. In the lines development set, 87 of the 91 lines of 50
#: words or more with that share of function words that do not end like a sentence are genuine.
PROSE_MIN_WORDS = 8
PROSE_MIN_STOPWORDS = 0.2
PROSE_LONG_WORDS = 50
_ROW_END = regex.compile(r"(?:\s*\|)+\s*$")


def _is_prose(row: np.ndarray, ws: list[str], text: str) -> bool:
    if len(ws) < PROSE_MIN_WORDS or row[2] < PROSE_MIN_STOPWORDS:
        return False
    if row[6] == 1.0 or len(ws) >= PROSE_LONG_WORDS:
        return True
    return text.endswith("|") and FEATURE_END(_ROW_END.sub("", text))


#: The fragment guard: a block of sentence punctuation only ("(", ",", "?") is a piece of the text
#: around it, split off where an inline link or ticker symbol broke the line ("Shares of Acme" /
#: "(" / "ACME" / ") fell"). It has no class of its own, so it takes its neighbours' (jusText's
#: rule for short blocks): kept when the blocks on both sides stay. Separators ("----", "||",
#: "* * *") are not sentence punctuation and stay the model's.
_FRAGMENT = regex.compile(r"[\s()\[\],;:.?!'\"“”‘’„«»…]+")


def _fragments_kept(ctx: Context, removing: set[int]) -> set[int]:
    """Punctuation fragments in ``removing`` whose neighbours on both sides survive."""
    out = set()
    last = len(ctx.blocks) - 1
    for k in removing:
        if not (0 < k < last and _FRAGMENT.fullmatch(ctx.blocks[k].text)):
            continue
        if all(ctx.decisions[j] is None and j not in removing for j in (k - 1, k + 1)):
            out.add(k)
    return out


#: The title guard: the headline of the article is the page's title, not its furniture. The model
#: learned from whole pages, where a short line at the top is usually a site name or a menu, and
#: removed the headline of short news texts. A headline-shaped line above the first prose line
#: whose content words come back in the prose (at least this many, and this share of its own) is
#: kept: a menu or a site name does not announce what the body says.
TITLE_MIN_SHARED = 2
TITLE_MIN_SHARE = 0.5
TITLE_MAX_WORDS = 25


def _titles(ctx: Context, x: np.ndarray) -> dict[int, tuple[int, float]]:
    """Headline-shaped blocks above the first prose block that announce it: ``{k: (shared, share)}``."""
    alive = ctx.alive()
    body = next((k for k in alive if _is_prose(x[k], ctx.words(k), ctx.blocks[k].text)), None)
    if body is None:
        return {}
    stop = ctx.stopwords
    prose: set[str] = set()
    for k in alive:
        if k >= body and _is_prose(x[k], ctx.words(k), ctx.blocks[k].text):
            prose |= content_of(ctx.blocks[k].text, stop)
    out = {}
    for k in alive:
        if k >= body:
            break
        ws = ctx.words(k)
        text = ctx.blocks[k].text.rstrip()
        # A headline: a few words, no table cells, not a sentence or a label introducing a list.
        if not 3 <= len(ws) <= TITLE_MAX_WORDS or "|" in text or text[-1:] in ".:":
            continue
        mine = content_of(ctx.blocks[k].text, stop)
        shared = len(mine & prose)
        if mine and shared >= TITLE_MIN_SHARED and shared / len(mine) >= TITLE_MIN_SHARE:
            out[k] = (shared, shared / len(mine))
    return out


_MAX = float(np.finfo(np.float64).max)


def _depth(tree: dict[str, Any]) -> int:
    """Number of edges on the longest root-to-leaf path of an exported tree."""
    best, stack = 0, [(0, 0)]
    while stack:
        i, d = stack.pop()
        if tree["leaf"][i]:
            best = max(best, d)
        else:
            stack += [(tree["left"][i], d + 1), (tree["right"][i], d + 1)]
    return best


class QualityModel:
    """Gradient-boosted trees read from JSON; ``predict`` gives P(line is page furniture)."""

    def __init__(self, spec: dict[str, Any], features: tuple[str, ...] = FEATURE_NAMES) -> None:
        if spec.get("features") != list(features):
            raise ValueError("model was trained on other features; retrain it (see training/)")
        self.spec = spec
        self.baseline = float(spec["baseline"])
        trees = spec["trees"]
        width = len(features)
        self.width = width
        # All trees' nodes in flat arrays, renumbered so that the right child of a node comes right
        # after its left child (one step is ``node = left[node] + went_right``), a leaf pointing at
        # itself with an infinite threshold (it never goes right). A missing value (NaN) goes the
        # node's default way: the row is read as -inf (left) or +inf (right) from a doubled row,
        # hence ``column`` in 0..2*width.
        column: list[int] = []
        threshold: list[float] = []
        left: list[int] = []
        value: list[float] = []
        roots: list[int] = []
        for t in trees:
            base = len(value)
            roots.append(base)
            order = [0]
            first_child: dict[int, int] = {}
            for i in order:  # breadth first, children allocated in pairs
                if not t["leaf"][i]:
                    first_child[i] = len(order)
                    order += [t["left"][i], t["right"][i]]
            for pos, i in enumerate(order):
                value.append(float(t["value"][i]))
                if t["leaf"][i]:
                    column.append(0)
                    threshold.append(math.inf)
                    left.append(base + pos)
                else:
                    thr = float(t["threshold"][i])
                    if thr != thr:
                        raise ValueError("model has a NaN split threshold")
                    copy = 0 if t["missing_left"][i] else 1
                    if thr == math.inf and copy == 1:
                        # x <= inf goes left, NaN right: read from a third copy with inf as the
                        # largest float and NaN as inf, against the largest float.
                        copy, thr = 2, _MAX
                    column.append(int(t["feature"][i]) + copy * width)
                    threshold.append(thr)
                    left.append(base + first_child[i])
        self.copies = max(2, 1 + max(column, default=0) // width)
        self.column = np.asarray(column, dtype=np.intp)
        self.threshold = np.asarray(threshold, dtype=np.float64)
        self.left = np.asarray(left, dtype=np.intp)
        self.value = np.asarray(value, dtype=np.float64)
        self.roots = np.asarray(roots, dtype=np.intp)
        self.depth = max(_depth(t) for t in trees)

    @classmethod
    @cache
    def default(cls) -> QualityModel:
        data = resources.files("dedupe").joinpath("data/quality_model.json").read_text(encoding="utf-8")
        return cls(json.loads(data))

    def raw(self, x: np.ndarray) -> np.ndarray:
        n = len(x)
        if n == 0:
            return np.zeros(0)
        width, copies = self.width, self.copies
        # Each row twice: NaN read as -inf (goes left) in the first copy, +inf (right) in the second
        # (and, for the splits at +inf, a third copy: see __init__).
        many = np.empty((n, copies * width))
        many[:, :width] = x
        many[:, width : 2 * width] = x
        missing = np.isnan(x)
        if missing.any():
            many[:, :width][missing] = -np.inf
            many[:, width : 2 * width][missing] = np.inf
        if copies == 3:
            third = many[:, 2 * width :]
            third[:] = x
            third[x == np.inf] = _MAX
            third[missing] = np.inf
        flat = many.ravel()
        offset = (np.arange(n, dtype=np.intp) * (copies * width))[:, None]
        node = np.broadcast_to(self.roots, (n, len(self.roots)))  # (rows, trees)
        for _ in range(self.depth):
            went_right = flat[offset + self.column[node]] > self.threshold[node]
            node = self.left[node] + went_right
        out: np.ndarray = self.baseline + self.value[node].sum(axis=1)
        return out

    def predict(self, x: np.ndarray) -> np.ndarray:
        out: np.ndarray = 1.0 / (1.0 + np.exp(-self.raw(x)))
        return out


class QualityPass(Pass):
    """The learned line model (:class:`QualityModel`) removes the blocks it scores as page
    furniture at or above ``boilerplate.quality_threshold``, judged with their neighbours and the
    whole document (rule ``quality_model``), except prose, the article's headline and punctuation
    fragments between kept blocks (the guards of this module). Off with ``boilerplate.quality=False``, and on
    text extracted from HTML unless ``html.line_quality``."""

    name = "line_model"
    stage = "boilerplate"

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.cfg = config.boilerplate
        self.html_quality = config.html.line_quality
        self.model = QualityModel.default() if self.cfg.quality else None

    def applies(self, ctx: Context) -> bool:
        return self.cfg.quality and not (ctx.from_html and not self.html_quality)

    def run(self, ctx: Context) -> None:
        assert self.model is not None
        n = len(ctx.blocks)
        if n == 0:
            return
        texts = [b.text for b in ctx.blocks]
        x = document_features(texts, ctx.stopwords)
        p = self.model.predict(x)
        thr = self.cfg.quality_threshold
        doubtful = [k for k in ctx.alive() if p[k] >= thr and not _is_prose(x[k], ctx.words(k), texts[k])]
        titles = _titles(ctx, x) if doubtful else {}
        fragments = _fragments_kept(ctx, set(doubtful) - set(titles))
        for k in doubtful:
            if k not in titles and k not in fragments:
                self.remove(
                    ctx,
                    k,
                    "boilerplate.low_quality",
                    rule="quality_model",
                    score=float(p[k]),
                    threshold=thr,
                    length=len(texts[k]),
                    stopword_density=round(float(x[k, 2]), 3),
                )
