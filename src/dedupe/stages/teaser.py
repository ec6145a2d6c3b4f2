"""A learned teaser detector: is this block part of *another* article scraped into this one?

The rules of :mod:`dedupe.stages.offtopic` name two shapes of teaser. This model weighs the same
kinds of signals together, per block, so that the shapes the rules do not name (a related-stories
box of bare headlines, a lede of another article on the same subject) are caught too:

- lexical coherence: the share of the block's content words found elsewhere in the document, in
  the neighbouring blocks, and in the title (first block), relative to the document's median;
- discourse: names the document never used, a person re-introduced with full name after being
  called by surname, an acronym defined late, a block that opens with a pronoun or connective (a
  continuation of the text before it, so not a teaser);
- layout: headline shape (short, no final full stop, capitalised words), runs of headline-shaped
  blocks, position in the document, the shape of the neighbours.

The model is trained by ``training/train_offtopic.py`` on teasers spliced into the gold articles
of the ``portal`` development set's news pages (``benchmarks/splice.py``, regenerable, nothing
downloaded; not the AGPL ``dragnet`` set, which only evaluates it), and shipped
as JSON trees in ``dedupe/data/teaser_model.json`` (no pickle). Held-out figures: see that script.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Collection, Sequence
from functools import cache, lru_cache
from importlib import resources
from itertools import accumulate, chain
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np
import regex

from ..shapes import HEADLINE_MAX_WORDS, HEADLINE_MIN_WORDS, TIGHT_SENTENCE_END, is_headline
from ..text import char_classes, content_stems, token_counts, tokens, words
from ..text import names as text_names
from .quality import QualityModel

if TYPE_CHECKING:
    from . import Context

__all__ = [
    "ACRONYM_DEF_RE",
    "CONTINUATION",
    "INTRODUCTION_RE",
    "TEASER_FEATURES",
    "introductions",
    "learned_teasers",
    "teaser_features",
]

_BLOCK = (
    "log_words",
    "ends_sentence",
    "headline_shape",
    "cap_share",
    "digit_share",
    "sentences",
    "coherence",
    "coherence_rel",
    "coh_prev",
    "coh_next",
    "title_overlap",
    "novel_names",
    "n_names",
    "reintroduced",
    "acronym_new",
    "continuation",
    "quote",
)
TEASER_FEATURES: tuple[str, ...] = (
    *_BLOCK,
    *(f"prev_{n}" for n in _BLOCK),
    *(f"next_{n}" for n in _BLOCK),
    "position",
    "from_end",
    "log_blocks",
    "headline_run",
    "median_coherence",
    "doc_headline_share",
)

_SENT = regex.compile(r"[.!?…][\"'”’»)\]]*(?:\s|$)")
#: "descriptor Full Name": a person introduced with a descriptor (shared with the offtopic rules).
INTRODUCTION_RE = regex.compile(
    r"(?<![\p{L}])([\p{Ll}][\p{L}\-]{2,})\s+([\p{Lu}][\p{L}\-]+(?:\s+[\p{Lu}][\p{L}\-]+)+)"
)
# What every INTRODUCTION_RE match contains (the whitespace before the full name and its first
# two words): texts without it are not searched (the pattern costs ~30 us per line).
_INTRODUCTION_HINT = regex.compile(r"\s[\p{Lu}][\p{L}\-]+\s+[\p{Lu}][\p{L}\-]")


def introductions(text: str) -> list[regex.Match[str]]:
    """``list(INTRODUCTION_RE.finditer(text))``."""
    if _INTRODUCTION_HINT.search(text) is None:
        return []
    return list(INTRODUCTION_RE.finditer(text))


#: An acronym defined in brackets: "(NGOs)", "(IMF)" (shared with the offtopic rules).
ACRONYM_DEF_RE = regex.compile(r"\((\p{Lu}[\p{Lu}\p{N}&]{1,7})s?\)")
#: Words that open a sentence continuing the text before it (English and German; shared with
#: :mod:`dedupe.discourse`).
CONTINUATION = frozenset(
    [
        "he",
        "she",
        "it",
        "they",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "its",
        "their",
        "but",
        "and",
        "so",
        "yet",
        "also",
        "however",
        "meanwhile",
        "still",
        "instead",
        "then",
        "there",
        "here",
        "such",
        "both",
        "neither",
        "er",
        "sie",
        "es",
        "dies",
        "diese",
        "dieser",
        "aber",
        "und",
        "auch",
        "doch",
        "jedoch",
        "dann",
        "dort",
    ]
)


def _is_headline(text: str) -> bool:
    return is_headline(text, end=TIGHT_SENTENCE_END)


@lru_cache(maxsize=1 << 15)
def _static(
    text: str, stop: frozenset[str]
) -> tuple[tuple[float, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """What a block's features owe to its own text only (remembered across passes).

    Returns the text-only feature values, the names, the surnames of "descriptor Full Name"
    introductions, the acronyms it defines, and its content words.
    """
    ws = words(text)
    split = text.split()
    nw = len(split)
    ends = TIGHT_SENTENCE_END(text)
    values = (
        math.log1p(len(ws)),
        float(ends),
        float(HEADLINE_MIN_WORDS <= nw <= HEADLINE_MAX_WORDS and not ends),  # as _is_headline
        sum(map(str.isupper, map(itemgetter(0), split))) / max(1, nw),  # words are not empty
        char_classes(text)[3] / max(1, len(text)),  # digits
        float(len(_SENT.findall(text))),
        float(bool(ws) and ws[0] in CONTINUATION),
        float(any(q in text for q in '"“”«»')),
    )
    names = tuple(x for x in text_names(text) if x.casefold() not in stop)
    intro = tuple(m.group(2).split()[-1] for m in introductions(text) if m.group(1) not in stop)
    acronyms = tuple(m.group(1) for m in ACRONYM_DEF_RE.finditer(text))
    content = content_stems(ws, stop)
    return values, names, intro, acronyms, content


def teaser_features(texts: Sequence[str], stop: frozenset[str]) -> np.ndarray:
    """One row per block (columns :data:`TEASER_FEATURES`)."""
    n = len(texts)
    if n == 0:
        return np.zeros((0, len(TEASER_FEATURES)))
    static = [_static(t, stop) for t in texts]
    content = [st[4] for st in static]
    df: Counter[str] = Counter(chain.from_iterable(content))
    # Content words of a single block (df == 1): sum(df[w] > 1 for w in c) == len(c - once).
    once = {w for w, m in df.items() if m == 1}
    all_tokens: Counter[str] = Counter(chain.from_iterable(tokens(t) for t in texts))
    counts = [token_counts(t) for t in texts]
    prefix: dict[str, list[int]] = {}

    def before(k: int, token: str) -> int:
        """Occurrences of ``token`` in the blocks above block ``k`` (prefix sums per token asked)."""
        if k == 0:
            return 0
        cum = prefix.get(token)
        if cum is None:
            cum = prefix[token] = list(accumulate(c[token] for c in counts))
        return cum[k - 1]

    coh: list[float] = [len(c - once) / len(c) if len(c) >= 3 else math.nan for c in content]
    finite = sorted(c for c in coh if c == c)
    median = finite[len(finite) // 2] if finite else 0.0
    heads = []
    rows = []
    title = content[0]
    for k, (values, names, intro, acronyms, mine) in enumerate(static):
        heads.append(values[2] == 1.0)
        own = counts[k]
        novel = sum(all_tokens[x] - own[x] <= 0 for x in names) / len(names) if names else 0.0
        reintro = bool(intro) and any(before(k, surname) >= 2 for surname in intro)
        acronym = bool(acronyms) and any(before(k, a) == 0 for a in acronyms)
        ck = coh[k]
        rows.append(
            [
                *values[:6],
                ck,
                ck / median if median and ck == ck else math.nan,
                # the share of `mine` found in the other block (as sum(w in other for w in mine))
                len(mine & content[k - 1]) / len(mine) if k > 0 and mine else np.nan,
                len(mine & content[k + 1]) / len(mine) if k + 1 < n and mine else np.nan,
                len(mine & title) / len(mine) if k > 0 and mine else np.nan,
                novel,
                float(len(names)),
                float(reintro),
                float(acronym),
                *values[6:],
            ]
        )
    base = np.array(rows, dtype=np.float64)
    nan = np.full((1, base.shape[1]), np.nan)
    prev = np.vstack([nan, base[:-1]])
    nxt = np.vstack([base[1:], nan])
    run = np.zeros(n)
    for k in range(n):
        if heads[k]:
            run[k] = (run[k - 1] if k else 0) + 1
    for k in range(n - 2, -1, -1):
        if heads[k] and heads[k + 1]:
            run[k] = run[k + 1]
    idx = np.arange(n)
    extra = np.column_stack(
        [
            idx / max(1, n - 1),
            (n - 1 - idx).astype(float),
            np.full(n, math.log1p(n)),
            run,
            np.full(n, median),
            np.full(n, sum(heads) / n),
        ]
    )
    return np.hstack([base, prev, nxt, extra])


@cache
def _model() -> QualityModel:
    data = resources.files("dedupe").joinpath("data/teaser_model.json").read_text(encoding="utf-8")
    return QualityModel(json.loads(data), TEASER_FEATURES)


#: The paragraph right under a removed headline goes with it when its own probability reaches this
#: share of the threshold.
BLURB_SHARE = 0.5
#: The model only judges documents with at least this many blocks (a body to be foreign to).
MIN_BLOCKS = 5


def learned_teasers(
    ctx: Context, alive: list[int], candidates: Collection[int], threshold: float, min_run: int = 1
) -> None:
    """Remove the blocks of ``candidates`` the teaser model scores at or above ``threshold``.

    The first block (the title) is never a candidate; a headline goes only in a run of at least
    ``min_run`` consecutive headline-shaped blocks (2: related-stories boxes only, single teasers
    being the splice detector's). The evidence names the probability, the threshold and the
    signals a reader can check (coherence with the document, novel names, headline shape).
    """
    if len(alive) < MIN_BLOCKS:
        return
    texts = [ctx.blocks[k].text for k in alive]
    if not any(_is_headline(t) for pos, t in enumerate(texts) if pos and alive[pos] in candidates):
        return  # the model only removes headline-shaped blocks (and the blurbs under them)
    x = teaser_features(texts, ctx.stopwords)
    col = {name: i for i, name in enumerate(TEASER_FEATURES)}
    head = x[:, col["headline_shape"]] == 1.0
    # Only headlines and the blocks right under them can be removed: score just those rows.
    rows = np.flatnonzero(head | np.concatenate([[False], head[:-1]]))
    p = np.zeros(len(alive))
    p[rows] = _model().predict(x[rows])
    # A run of consecutive headline-shaped blocks (a related-stories box) is judged as a unit, by
    # the mean probability of its members: a box is not half teasers.
    judged = p.copy()
    pos = 1
    while pos < len(alive):
        end = pos
        while end < len(alive) and head[end]:
            end += 1
        if end - pos >= 2:
            judged[pos:end] = p[pos:end].mean()
        if end - pos < min_run:
            judged[pos:end] = 0.0  # too short a run to be judged here
        pos = max(end, pos + 1)
    removed_head = False
    for pos, k in enumerate(alive):
        row = x[pos]
        # The paragraph under a removed headline is its blurb when the model leans that way too.
        blurb = removed_head and not head[pos] and judged[pos] >= BLURB_SHARE * threshold
        removed_head = False
        if pos == 0 or k not in candidates or not (blurb or (head[pos] and judged[pos] >= threshold)):
            continue
        removed_head = bool(head[pos])
        coherence = row[col["coherence"]]
        ctx.remove(
            k,
            "offtopic.teaser",
            "offtopic",
            rule="teaser_model",
            part="blurb" if blurb else "headline",
            score=float(judged[pos]),
            threshold=threshold,
            block_score=float(p[pos]),
            coherence=None if coherence != coherence else round(float(coherence), 3),
            novel_names=round(float(row[col["novel_names"]]), 3),
            headline_run=int(row[col["headline_run"]]),
        )
