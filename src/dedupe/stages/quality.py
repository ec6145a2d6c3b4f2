"""The learned line model: "is this line page furniture?", on plain text, precision first.

jusText (Pomikálek 2011) classifies a paragraph from its length and stopword density, then lets
short and doubtful paragraphs take the class of their neighbours. Here the same observations, and
the layout around a line, are features of a small gradient-boosted tree model (:data:`FEATURE_NAMES`),
all of them shapes that carry across sites (no site's vocabulary; the only words are the stoplist
of the text's language):

- the line itself: length in words and characters (a run of a script written without spaces
  counted as one word per two characters), function-word density, shares of digits, capitals and
  punctuation, a sentence end in any script, a final colon, table row, list marker, title case,
  link-like text, currency, a lower-case start, menu separators, no letters, the no-space script share;
- the two lines on each side (their length, sentence end, function words, table row, list marker,
  title case) and the mean over a window of seven lines;
- structure: the run of short lines the line is in (length, position from either end), runs of
  headline-shaped, list and table lines, distance to the nearest prose line before and after, the
  share of the prose before and after it, whether it stands before the first or after the last
  prose line, how many of its content words the prose also uses, exact copies and two-word
  templates within the document;
- a few document-wide shares (short lines, prose lines) and the line's length against the mean.

The model is trained by ``training/train_quality.py`` on the wcxb line set (trafilatura's text of
the tune pages labelled by the human gold, and the gold lines themselves as genuine), its threshold
chosen out of fold for a removal precision of 0.9, and shipped as JSON trees in
``dedupe/data/quality_model.json`` (no pickle). A block is removed as ``boilerplate.low_quality``
when the model's probability reaches ``boilerplate.quality_threshold``; the evidence gives the
probability, the threshold and the features that pushed the score up most (``top_features``).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import numpy as np
import regex

from ..config import Config
from ..shapes import FEATURE_END, SentenceEnd
from ..text import char_classes, content_of, words
from . import Context, Pass

__all__ = ["FEATURE_NAMES", "QualityModel", "QualityPass", "document_features"]

#: The shape of one line.
_LINE = (
    "log_chars",
    "log_words",
    "stopword_density",
    "digit_share",
    "upper_share",
    "punct_share",
    "ends_like_sentence",
    "ends_colon",
    "table_row",
    "list_marker",
    "title_case",
    "link_like",
    "currency",
    "starts_lower",
    "separator",
    "no_letters",
    "no_space_script",
)
#: The line features also read for the two lines before and the two after a line.
_NEIGHBOUR = ("log_words", "ends_like_sentence", "stopword_density", "table_row", "list_marker", "title_case")
#: The line features averaged over a window of seven lines.
_WINDOW_OF = ("log_words", "ends_like_sentence", "stopword_density", "list_marker")
#: Where the line stands: runs of lines of one shape, distance to the prose, repetition.
_STRUCTURE = (
    "short_run",
    "short_run_pos",
    "short_run_left",
    "headline_run",
    "list_run",
    "table_run",
    "prose",
    "prose_before",
    "prose_after",
    "prose_tokens_before",
    "prose_tokens_after",
    "token_position",
    "position",
    "before_first_prose",
    "after_last_prose",
    "prose_overlap",
    "prose_overlap_count",
    "copies",
    "template",
)
#: The document as a whole.
_DOCUMENT = (
    "doc_log_lines",
    "doc_short",
    "doc_prose",
    "doc_list",
    "doc_table",
    "doc_log_words",
    "doc_stopword_density",
    "doc_ends_like_sentence",
    "doc_no_space_script",
    "has_stoplist",
    "relative_log_words",
)
FEATURE_NAMES: tuple[str, ...] = (
    *_LINE,
    *(f"{side}{d}_{n}" for side in ("prev", "next") for d in (1, 2) for n in _NEIGHBOUR),
    *(f"window_{n}" for n in _WINDOW_OF),
    *_STRUCTURE,
    *_DOCUMENT,
)
_COL = {n: i for i, n in enumerate(_LINE)}

#: A sentence end in any script: the marks of Latin and of Chinese and Japanese, then closers.
_END = SentenceEnd("line_model", ".!?…。！？", "\"'”’»)\\]」』")
_CURRENCY = regex.compile(r"[$€£¥₹]|\b(?:EUR|USD|GBP|CHF)\b")
_LIST = regex.compile(r"^(?:[-*•·▪►–]\s|\(?\d{1,3}[.)]\s|\(?[a-zA-Z][.)]\s)")
_LINK = regex.compile(r"https?://|www\.|\S+@\S+\.\w+|(?:^|\s)@\w{2,}")
#: Breadcrumb and menu separators between items ("Home » News", "Share | Print").
_SEPARATOR = regex.compile(r"\s[|»›/•·>]\s|\s[|»›/•·>]$")
#: Scripts written without spaces between words: a run of them is one "word" to :func:`words`.
_NO_SPACE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")
#: Characters of a no-space script that make up about one word (for the word count of a line).
NO_SPACE_CHARS_PER_WORD = 2
#: A short line: at most this many words (navigation items, labels, cells).
SHORT_WORDS = 4
#: Prose: at least this many words ending like a sentence (or twice as many, however it ends), not
#: a table row; or at least PROSE_ANY_WORDS words.
PROSE_WORDS = 10
PROSE_ANY_WORDS = 40
#: A headline-shaped line: this many words, not a sentence, not a list item or table row.
HEADLINE_WORDS = (3, 16)
#: Lines on each side averaged into the ``window_`` features.
_WINDOW = 3
#: Distances and runs are capped here (log1p of it): "far" is far enough.
_FAR = 99


@lru_cache(maxsize=1 << 15)
def _line_cached(text: str, stop: frozenset[str]) -> tuple[tuple[float, ...], int, tuple[str, ...]]:
    ws = words(text)
    return tuple(_line(text, ws, stop)), _word_count(text, ws), tuple(ws)


def _word_count(text: str, ws: list[str]) -> int:
    """Words of a line, a run of a no-space script counted as one word per two characters."""
    cjk = len(_NO_SPACE.findall(text))
    if not cjk:
        return len(ws)
    return len(ws) + cjk // NO_SPACE_CHARS_PER_WORD


def _line(text: str, ws: list[str], stop: frozenset[str]) -> list[float]:
    t = text.strip()
    n_chars = len(t)
    letters, alnum, spaces, digits, upper = char_classes(t)
    toks = [w for w in t.split() if w[:1].isalpha()]
    first = next((c for c in t if c.isalpha()), "")
    cjk = len(_NO_SPACE.findall(t)) if not t.isascii() else 0
    return [
        math.log1p(n_chars),
        math.log1p(_word_count(t, ws)),
        sum(map(stop.__contains__, ws)) / len(ws) if ws else 0.0,
        digits / max(1, n_chars),
        upper / max(1, letters),
        (n_chars - alnum - spaces) / max(1, n_chars),
        1.0 if _END(t) else 0.0,
        1.0 if t.endswith(":") else 0.0,
        1.0 if len(t) > 1 and t[0] == "|" and t[-1] == "|" else 0.0,
        1.0 if _LIST.match(t) else 0.0,
        sum(w[0].isupper() for w in toks) / len(toks) if toks else 0.0,
        1.0 if _LINK.search(t) else 0.0,
        1.0 if _CURRENCY.search(t) else 0.0,
        1.0 if first.islower() else 0.0,
        1.0 if _SEPARATOR.search(t) else 0.0,
        1.0 if letters == 0 else 0.0,
        cjk / max(1, letters),
    ]


def _runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each position: the length of the run of true flags it is in (0 outside) and its index in it."""
    n = len(flags)
    length = np.zeros(n)
    pos = np.zeros(n)
    i = 0
    while i < n:
        if not flags[i]:
            i += 1
            continue
        j = i
        while j < n and flags[j]:
            j += 1
        length[i:j] = j - i
        pos[i:j] = np.arange(j - i)
        i = j
    return length, pos


def _distance(flags: np.ndarray, reverse: bool) -> np.ndarray:
    """Lines to the nearest flagged line before (after, if ``reverse``) each line, capped at _FAR."""
    n = len(flags)
    out = np.full(n, float(_FAR))
    last = None
    for i in range(n - 1, -1, -1) if reverse else range(n):
        if last is not None:
            out[i] = min(_FAR, abs(i - last))
        if flags[i]:
            last = i
    return out


def document_features(
    texts: list[str], stop: frozenset[str], tokens: list[list[str]] | None = None
) -> np.ndarray:
    """The feature matrix (one row per line, columns :data:`FEATURE_NAMES`) of a document's lines.

    ``tokens``, if given, are the lines' words (:func:`dedupe.text.words`); else they are computed.
    """
    n = len(texts)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    if tokens is None:
        # The features of a line alone are remembered per (text, stoplist): every fixed-point pass
        # asks for the same lines again.
        rows = [_line_cached(t, stop) for t in texts]
    else:
        rows = [(tuple(_line(t, w, stop)), _word_count(t, w), tuple(w)) for t, w in zip(texts, tokens)]
    base = np.array([r[0] for r in rows], dtype=np.float64).reshape(n, len(_LINE))
    nw = np.array([r[1] for r in rows], dtype=np.float64)
    wsl = [r[2] for r in rows]
    end, lst, tab = (
        base[:, _COL["ends_like_sentence"]],
        base[:, _COL["list_marker"]],
        base[:, _COL["table_row"]],
    )
    prose = ((nw >= PROSE_WORDS) & ((end == 1) | (nw >= 2 * PROSE_WORDS)) & (tab == 0)) | (
        nw >= PROSE_ANY_WORDS
    )
    short = nw <= SHORT_WORDS
    head = (nw >= HEADLINE_WORDS[0]) & (nw <= HEADLINE_WORDS[1]) & (end == 0) & (lst == 0) & (tab == 0)
    short_run, short_pos = _runs(short)
    head_run, _ = _runs(head)
    list_run, _ = _runs(lst == 1)
    table_run, _ = _runs(tab == 1)
    idx = np.arange(n)
    prose_tokens = np.where(prose, nw, 0.0)
    total_prose = prose_tokens.sum()
    cum = np.cumsum(prose_tokens)
    if total_prose:
        before, after = (cum - prose_tokens) / total_prose, (total_prose - cum) / total_prose
    else:
        before, after = np.zeros(n), np.zeros(n)
    ctok = np.cumsum(nw)
    token_pos = (ctok - nw) / max(1.0, float(nw.sum()))
    pidx = np.flatnonzero(prose)
    first, last = (int(pidx[0]), int(pidx[-1])) if len(pidx) else (n, -1)
    # Content words shared with the prose of the document (other lines than this one): a label or
    # a list item that names what the article is about is part of it; a menu is not.
    vocab: Counter[str] = Counter()
    content = []
    for k in range(n):
        c = {w for w in wsl[k] if w not in stop and len(w) > 2 and not w.isdigit()}
        content.append(c)
        if prose[k]:
            vocab.update(c)
    overlap = np.full(n, -1.0)
    overlap_n = np.zeros(n)
    for k in range(n):
        if content[k]:
            own = 1 if prose[k] else 0
            hit = sum(1 for w in content[k] if vocab[w] - own > 0)
            overlap[k] = hit / len(content[k])
            overlap_n[k] = math.log1p(hit)
    folded = [t.strip().casefold() for t in texts]
    seen = Counter(folded)
    copies = np.array([math.log1p(seen[f] - 1) for f in folded])
    # A template: lines that start with the same two words ("Price: ...", "Posted by ...").
    keys = [" ".join(w[:2]) if len(w) >= 2 else "" for w in wsl]
    key_count = Counter(k for k in keys if k)
    template = np.array([math.log1p(key_count[k] - 1) if k else 0.0 for k in keys])
    zero = np.zeros(base.shape[1])
    padded = np.vstack([zero, zero, base, zero, zero])
    sel = [_COL[c] for c in _NEIGHBOUR]
    neighbours = [padded[2 + d : 2 + d + n][:, sel] for d in (-1, -2, 1, 2)]
    wsel = [_COL[c] for c in _WINDOW_OF]
    csum = np.vstack([np.zeros((1, len(wsel))), np.cumsum(base[:, wsel], axis=0)])
    lo = np.maximum(0, idx - _WINDOW)
    hi = np.minimum(n, idx + _WINDOW + 1)
    window = (csum[hi] - csum[lo]) / (hi - lo)[:, None]
    log = np.log1p
    structure = np.column_stack(
        [
            log(short_run),
            log(short_pos),
            log(np.where(short, short_run - short_pos - 1, 0)),
            log(head_run),
            log(list_run),
            log(table_run),
            prose.astype(float),
            log(_distance(prose, False)),
            log(_distance(prose, True)),
            before,
            after,
            token_pos,
            idx / max(1, n - 1),
            (idx < first).astype(float),
            (idx > last).astype(float),
            overlap,
            overlap_n,
            copies,
            template,
        ]
    )
    lw = base[:, _COL["log_words"]]
    doc = [
        math.log1p(n),
        float(short.mean()),
        float(prose.mean()),
        float(lst.mean()),
        float(tab.mean()),
        float(lw.mean()),
        float(base[:, _COL["stopword_density"]].mean()),
        float(end.mean()),
        float(base[:, _COL["no_space_script"]].mean()),
        1.0 if stop else 0.0,
    ]
    document = np.column_stack([np.full(n, v) for v in doc] + [lw - lw.mean()])
    return np.hstack([base, *neighbours, window, structure, document])


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
    if len(ws) < PROSE_MIN_WORDS or row[_COL["stopword_density"]] < PROSE_MIN_STOPWORDS:
        return False
    if row[_COL["ends_like_sentence"]] == 1.0 or len(ws) >= PROSE_LONG_WORDS:
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

    def contributions(self, row: np.ndarray) -> dict[str, float]:
        """How much each feature moved one row's log-odds, summed over the trees' paths (each split
        is credited with the change of value from a node to the child taken; Saabas 2014). Needs the
        internal nodes' values, which ``training/train_quality.py`` exports; they add up to
        ``raw(row) - raw`` of the root values."""
        names = self.spec["features"]
        out: dict[str, float] = {}
        width = self.width
        for root in self.roots:
            node = int(root)
            while self.threshold[node] != math.inf:
                col = int(self.column[node])
                v = float(row[col % width])
                copy = col // width
                if v != v:
                    v = -math.inf if copy == 0 else math.inf
                elif copy == 2 and v == math.inf:
                    v = _MAX
                nxt = int(self.left[node]) + (1 if v > self.threshold[node] else 0)
                name = names[col % width]
                out[name] = out.get(name, 0.0) + float(self.value[nxt] - self.value[node])
                node = nxt
        return out

    def top_features(self, row: np.ndarray, n: int = 3) -> list[list[Any]]:
        """The ``n`` features that pushed the row's score up most: ``[[name, value, log-odds], ...]``."""
        names = list(self.spec["features"])
        contrib = self.contributions(row)
        best = sorted(contrib.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        return [[k, round(float(row[names.index(k)]), 3), round(v, 3)] for k, v in best if v > 0]


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
                    stopword_density=round(float(x[k, _COL["stopword_density"]]), 3),
                    top_features=self.model.top_features(x[k]),
                )
