"""Passages of other articles spliced into a document: discourse signals and a small learned detector.

A scraped article often carries a piece of another one: a teaser (the other article's headline and
first sentence, as two lines), or the other article's lede paragraph, in the middle of the body or
after its last paragraph. When the other article is on another subject, lexical coherence sees it
(its words are not the document's). When it is on the *same* subject, its words are the
document's words, and what gives it away is how it is written and where it sits:

- **it opens a story**: a lede (re)introduces people with full name and descriptor ("Harbour
  Commissioner Jane Roe") where the article, past its own opening, says "Roe"; it
  defines acronyms the article already uses; it brings names and numbers the rest of the article
  never mentions; its words are those that open articles (a learned n-gram score, ``ledeness``);
  it does not start with a pronoun or a connective that continues the paragraph before;
- **it sits where nothing continues it**: its neighbours cohere with each other more than with it
  (a paragraph dropped between two that continue one another), or it comes after a line that
  reads like the article's close (``prev_closingness``);
- **a teaser has a shape**: a headline-shaped line (short, no final full stop) followed by one
  summary sentence, the pair foreign to the text around it.

How it runs, in two steps so that it stays cheap (the budget is 0.1 µs per input byte):

1. **screen** (:func:`candidates`): the content words of every block (the same stems the off-topic
   stage already computes) give each block's *topic share* (how much of its vocabulary the rest
   of the document uses); the few blocks least on topic, alone or as a headline + sentence pair,
   and the last blocks are candidates (about one block in nine; on the tune part the screen keeps
   every inserted passage at the end and 95% of the random ones in the middle);
2. **judge** (:func:`splice_features`, :class:`SpliceDetector`): the candidates get the full row
   of signals (:data:`FEATURES`) and gradient-boosted trees read from JSON
   (``dedupe/data/splice_model.json``, trained by ``training/train_splice.py`` on passages spliced
   into the tune part of the development articles, ``benchmarks/splice2.py``) give each a
   probability; :func:`decide` turns them into removals, a teaser's two lines together.

Everything is a pure function of the blocks' texts and their order, so the detector can run on
the blocks a pipeline kept (the off-topic stage's ``ctx.alive()``). Each :class:`Finding` names
the signals that moved its score most, with their contributions in log-odds.

The off-topic stage runs it as its last pass (:class:`dedupe.stages.offtopic.SplicedPassage`,
``offtopic.splice_threshold``); ``benchmarks/splice2.py`` measures it (issue 21).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from itertools import accumulate, chain, pairwise
from typing import Any

import numpy as np
import regex

from .shapes import sentences
from .stages.teaser import ACRONYM_DEF_RE, CONTINUATION
from .text import CACHE_SIZE, char_classes, content_of, names, tokens, words

__all__ = [
    "FEATURES",
    "Finding",
    "NgramModel",
    "SpliceDetector",
    "block_facts",
    "candidates",
    "decide",
    "detector",
    "grams",
    "splice_features",
]

# ------------------------------------------------------------------------------------ block facts

#: A run of capitalised words: a full name or a name with its title ("President Abdel-Fattah
#: el-Sissi", "United Nations"). Particles ("el-", "al-", "bin", "van", "de") may sit inside.
_NAME_RUN = regex.compile(
    r"\p{Lu}[\p{L}\p{M}'’\-]*(?:\s+(?:\p{Lu}[\p{L}\p{M}'’\-]*|\p{Ll}{1,3}-\p{L}[\p{L}\p{M}'’\-]*"
    r"|\p{Ll}{2,3}(?=\s+\p{Lu})))*\s+\p{Lu}[\p{L}\p{M}'’\-]+"
)
#: What every _NAME_RUN match contains: two capitalised words in a row (texts without are skipped).
_NAME_RUN_HINT = regex.compile(r"\p{Lu}\S*\s+\S{0,4}\p{Lu}")
#: "descriptor Full Name": someone introduced by what they are ("commissioner Jane Roe").
_INTRODUCTION = regex.compile(
    r"(?<![\p{L}])([\p{Ll}][\p{L}\-]{2,})\s+([\p{Lu}][\p{L}\-]+(?:\s+[\p{Lu}][\p{L}\-]+)+)"
)
_NUMBER = regex.compile(r"\d[\d,.]*\d|\d")
_ENDS = regex.compile(r"[.!?…][\"'”’»)\]]*\s*$")
#: A headline may end with a question or exclamation mark, never with a full stop.
_FULL_STOP = regex.compile(r"[.…][\"'”’»)\]]*\s*$")
_QUOTE = regex.compile(r"[\"“”«»„]")
#: A dateline or agency opening: "CAIRO (Reuters) -", "WASHINGTON —", "Cairo, April 14 (AFP):".
_DATELINE = regex.compile(
    r"^(?:\p{Lu}[\p{Lu}\p{L}.'’\- ]{1,40}(?:,\s*[\p{L}. ]{2,20}\d{0,2})?\s*(?:\([^)]{1,30}\))?\s*[—–\-:]\s)"
)
#: A character that continues a token (text.TOKEN_RE's class): a name found inside a longer
#: token ("Lee" in "Leeds") is not the name.
_TOKEN_CHAR = regex.compile(r"[\p{L}\p{N}'’\-]").match
#: Headlines have this many words.
HEADLINE_WORDS = (3, 20)


@lru_cache(maxsize=CACHE_SIZE)
def _shape(text: str) -> tuple[int, bool, bool]:
    """Words, headline shape, ends like a sentence: what the screen needs of every block."""
    nw = len(words(text))
    # The end patterns only look at the last characters (a closing quote or bracket or two).
    tail = text.rstrip()[-8:]
    headline = (
        HEADLINE_WORDS[0] <= nw <= HEADLINE_WORDS[1]
        and not _FULL_STOP.search(tail)
        and not tail.endswith((":", ",", ";"))
    )
    return nw, headline, _ENDS.search(tail) is not None


@dataclass(frozen=True, slots=True)
class BlockFacts:
    """What a candidate's signals owe to its own text (remembered across calls and passes)."""

    n_sentences: int
    cap_share: float
    digit_share: float
    quote: bool
    continuation: bool
    dateline: bool
    question: bool
    tokens: frozenset[str]
    names: tuple[str, ...]
    numbers: frozenset[str]
    runs: tuple[str, ...]  # multi-word capitalised runs, leading function words dropped
    introduced: tuple[str, ...]  # surnames of "descriptor Full Name" introductions
    acronyms_defined: tuple[str, ...]


@lru_cache(maxsize=CACHE_SIZE)
def block_facts(text: str, stop: frozenset[str]) -> BlockFacts:
    """The text-only facts of one block."""
    split = text.split()
    nw = len(split)
    runs = []
    if _NAME_RUN_HINT.search(text):
        for m in _NAME_RUN.finditer(text):
            parts = m.group().split()
            while parts and parts[0].casefold() in stop:
                parts.pop(0)
            if len(parts) >= 2:
                runs.append(" ".join(parts).replace("’", "'"))
    ws = words(text)
    return BlockFacts(
        n_sentences=len(sentences(text)),
        cap_share=sum(1 for w in split if w[:1].isupper()) / max(1, nw),
        digit_share=char_classes(text)[3] / max(1, len(text)),
        quote=_QUOTE.search(text) is not None,
        continuation=bool(ws) and ws[0] in CONTINUATION,
        dateline=_DATELINE.match(text) is not None,
        question=text.rstrip().endswith("?"),
        tokens=frozenset(tokens(text)),
        names=tuple(x for x in names(text) if x.casefold() not in stop),
        numbers=frozenset(_NUMBER.findall(text)),
        runs=tuple(runs),
        introduced=tuple(
            m.group(2).split()[-1]
            for m in (_INTRODUCTION.finditer(text) if runs else ())
            if m.group(1) not in stop
        ),
        acronyms_defined=tuple(m.group(1) for m in ACRONYM_DEF_RE.finditer(text)) if "(" in text else (),
    )


# -------------------------------------------------------------------------------------- n-grams


def grams(text: str) -> frozenset[str]:
    """The words and word pairs of a text (normalised), what an :class:`NgramModel` weighs."""
    return _grams(text)


@lru_cache(maxsize=CACHE_SIZE)
def _grams(text: str) -> frozenset[str]:
    ws = words(text)
    return frozenset(chain(ws, (f"{a} {b}" for a, b in pairwise(ws))))


class NgramModel:
    """How much a line reads like the opening (``lede``) or the close (``close``) of an article,
    from its words alone.

    A logistic model over the words and word pairs that many articles of the tune part use (no
    n-gram of a single site or story: see ``training/train_splice.py``), trained on the first
    prose paragraph (or the last line) of each article against its other lines. The score is the
    log-odds: ``bias + sum(weight of each n-gram present) / sqrt(number of distinct n-grams)``.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.bias = float(spec["bias"])
        self.weights: dict[str, float] = {str(k): float(v) for k, v in spec["weights"].items()}
        self._vocabulary = frozenset(self.weights)

    def score(self, text: str) -> float:
        g = grams(text)
        if not g:
            return math.nan
        w = self.weights
        # The intersection is one C-level pass; only the n-grams the model knows are looked up.
        return self.bias + sum(map(w.__getitem__, g & self._vocabulary)) / math.sqrt(len(g))


# --------------------------------------------------------------------------------------- features

_OWN = (
    "log_words",
    "sentences",
    "ends_sentence",
    "headline",
    "cap_share",
    "digit_share",
    "quote",
    "continuation",
    "dateline",
    "question",
    "coherence",
    "coherence_rel",
    "topic",
    "keywords",
    "novel_names",
    "novel_names_n",
    "novel_numbers",
    "novel_numbers_n",
    "runs",
    "runs_head_before",
    "runs_full_before",
    "runs_head_after",
    "reintroduced",
    "acronym_redefined",
    "acronym_defined",
    "title_overlap",
    "lede_overlap",
    "ledeness",
    "closingness",
    "prev_closingness",
)
#: Signals of the passage the block belongs to: the block itself, or the headline-shaped line and
#: the line under it together (a teaser), judged against the blocks around the passage.
_SPAN = (
    "span_pair",
    "span_coherence",
    "span_topic",
    "span_novel_names",
    "span_sim_before",
    "span_sim_after",
    "span_around",
    "span_gap",
)
#: The signals of one block, in the order of a row of :func:`splice_features`.
FEATURES: tuple[str, ...] = (
    *_OWN,
    *_SPAN,
    *(f"prev_{n}" for n in ("headline", "sentences", "log_words", "coherence", "ends_sentence")),
    *(f"next_{n}" for n in ("headline", "sentences", "log_words", "coherence", "continuation")),
    "pair_overlap",
    "position",
    "from_end",
    "log_blocks",
    "median_coherence",
    "headline_share",
    "rank_topic",
    "rank_span_topic",
)
#: Blocks on each side that make a passage's context ("its neighbours").
WINDOW = 2
#: A block needs this many content words for its coherence to mean anything.
MIN_CONTENT = 3
#: The article's lede: its first block of at least this many words.
LEDE_WORDS = 15
#: The n-gram models judge lines of at least this many words (a headline is not a lede).
NGRAM_MIN_WORDS = 8
#: The document's keywords: its this many content words found in the most blocks.
KEYWORDS = 10
#: A content word found in this many other blocks is fully part of the document's topic.
TOPIC_DF = 3
#: The screen: the blocks (or headline + sentence pairs) with the lowest topic share, this many,
#: and the last ``SCREEN_END`` blocks are candidates. On the tune part (training/train_splice.py)
#: 4 and 1 keep 7 blocks of a document of 56 on average, all the passages inserted at the end, 95%
#: of the random ledes and 92% of the random teasers in the middle (63% and 57% of the same-subject
#: ones, of which the judge finds fewer still).
SCREEN_LOWEST = 4
SCREEN_END = 1
#: A passage is foreign only to a body that coheres: below this median coherence (the share of a
#: block's content words found in other blocks) the body is itself a mix (a digest, a listing,
#: generated text) and nothing is judged. Tune articles: 1st percentile 0.17, 2nd 0.21, median
#: 0.63; the clean texts of :mod:`dedupe.strategies` (random sentences): median 0.10, and the
#: detector took a paragraph from 2 in 300 of them, all below 0.18.
MIN_BODY_COHERENCE = 0.2
#: A body of fewer than this many blocks has a median of a handful of values, too noisy for the
#: bar above: such a body must reach SHORT_BODY_COHERENCE. The clean texts of
#: :mod:`dedupe.strategies` (at most 5 paragraphs): 99.9th percentile 0.29 over 3,000 draws, and
#: the detector took a genuine paragraph from one of them at 0.20 (CI, 2026-12-07). Tune part of
#: benchmarks/splice2.py (--variants 2): 6 of the 1,092 inserted lines found sit in bodies of
#: fewer than 6 blocks below 0.35 (0.5% of the found); with 8 blocks it would be 18 (1.6%).
SHORT_BODY_BLOCKS = 6
SHORT_BODY_COHERENCE = 0.35

_NAN = math.nan


def _sim(a: frozenset[str], b: frozenset[str]) -> float:
    """Cosine of two sets of content words (NaN if either is empty)."""
    if not a or not b:
        return _NAN
    return len(a & b) / math.sqrt(len(a) * len(b))


def _share(part: float, whole: float) -> float:
    return part / whole if whole else _NAN


class _Doc:
    """The document-wide facts every candidate's signals are measured against (built once)."""

    def __init__(self, texts: Sequence[str], stop: frozenset[str]) -> None:
        self.texts = texts
        self.stop = stop
        n = self.n = len(texts)
        shapes = [_shape(t) for t in texts]
        self.n_words = [s[0] for s in shapes]
        self.headline = [s[1] for s in shapes]
        self.ends = [s[2] for s in shapes]
        content = self.content = [content_of(t, stop) for t in texts]
        df = self.df = Counter(chain.from_iterable(content))
        # Per content word: is it found in another block, and in how many (capped at TOPIC_DF).
        shared = {w: m > 1 for w, m in df.items()}
        capped = {w: min(m - 1, TOPIC_DF) for w, m in df.items()}
        self.coh: list[float] = []
        self.topic: list[float] = []
        for c in content:
            if len(c) < MIN_CONTENT:
                self.coh.append(_NAN)
                self.topic.append(_NAN)
                continue
            self.coh.append(sum(map(shared.__getitem__, c)) / len(c))
            self.topic.append(sum(map(capped.__getitem__, c)) / (TOPIC_DF * len(c)))
        finite = sorted(c for c in self.coh if c == c)
        self.median = finite[len(finite) // 2] if finite else _NAN
        self.topics_sorted = sorted(t for t in self.topic if t == t)
        self.keywords = frozenset(w for w, m in df.most_common(KEYWORDS) if m > 1)
        self.first_prose = next((k for k, w in enumerate(self.n_words) if w >= LEDE_WORDS), None)
        self.headline_share = sum(self.headline) / n if n else 0.0
        self.joined = "\n".join(texts)
        self.starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
        self._occ: dict[str, tuple[int, int, int]] = {}
        self._spans: dict[int, tuple[int, int, frozenset[str], float, float]] = {}

    def span(self, k: int) -> tuple[int, int]:
        """The passage block ``k`` belongs to, as ``(first, last)``: a headline-shaped line and the
        line under it make one passage; any other block is a passage of its own."""
        h = self.headline
        if h[k] and k + 1 < self.n and not h[k + 1]:
            return k, k + 1
        if k > 0 and h[k - 1] and not h[k]:
            return k - 1, k
        return k, k

    def span_facts(self, k: int) -> tuple[int, int, frozenset[str], float, float]:
        """(first, last, content words, coherence, topic share) of the passage of block ``k``."""
        hit = self._spans.get(k)
        if hit is not None:
            return hit
        a, b = self.span(k)
        if a == b:
            out = (a, b, self.content[k], self.coh[k], self.topic[k])
        else:
            ca, cb = self.content[a], self.content[b]
            words_ = ca | cb
            if len(words_) < MIN_CONTENT:
                out = (a, b, words_, _NAN, _NAN)
            else:
                df = self.df
                m = [df[w] - (w in ca) - (w in cb) for w in words_]
                coh = sum(1 for x in m if x > 0) / len(words_)
                top = sum(x if x < TOPIC_DF else TOPIC_DF for x in m) / (TOPIC_DF * len(words_))
                out = (a, b, words_, coh, top)
        self._spans[k] = out
        return out

    def in_one_block(self, part: str) -> bool:
        """``part`` (a string without a line break) occurs in at most one block: nowhere past the
        end of the first block that holds it (one C-level search instead of one per block)."""
        at = self.joined.find(part)
        if at < 0:
            return True
        k = bisect_right(self.starts, at) - 1
        return self.joined.find(part, self.starts[k] + len(self.texts[k])) < 0

    def _find(self, token: str, last: bool) -> int:
        """The block of the first (or last) occurrence of ``token`` as a whole token, or -1."""
        text, size = self.joined, len(token)
        at = text.rfind(token) if last else text.find(token)
        while at >= 0:
            end = at + size
            if (at == 0 or not _TOKEN_CHAR(text[at - 1])) and (
                end == len(text) or not _TOKEN_CHAR(text[end])
            ):
                return bisect_right(self.starts, at) - 1
            at = text.rfind(token, 0, at) if last else text.find(token, at + 1)
        return -1

    def occ(self, token: str) -> tuple[int, int, int]:
        """(first block, last block, 1 if in one block only else 2) where ``token`` occurs as a
        token, (-1, -1, 0) if nowhere (a C-level search of the document's text, no index)."""
        hit = self._occ.get(token)
        if hit is None:
            first = self._find(token, last=False)
            if first < 0:
                hit = (-1, -1, 0)
            else:
                last = self._find(token, last=True)
                hit = (first, last, 1 if first == last else 2)
            self._occ[token] = hit
        return hit

    def seen_before(self, token: str, k: int) -> bool:
        first = self.occ(token)[0]
        return 0 <= first < k

    def seen_after(self, token: str, k: int) -> bool:
        return self.occ(token)[1] > k

    def only_in(self, token: str, a: int, b: int) -> bool:
        """``token`` occurs in blocks ``a``..``b`` and nowhere else."""
        first, last, _ = self.occ(token)
        return first >= a and 0 <= last <= b

    def rank_topic(self, value: float) -> float:
        """The share of the document's blocks whose topic share is below ``value``."""
        if value != value or len(self.topics_sorted) < 2:
            return _NAN
        lo, hi = 0, len(self.topics_sorted)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.topics_sorted[mid] < value:
                lo = mid + 1
            else:
                hi = mid
        return lo / (len(self.topics_sorted) - 1)


def candidates(texts: Sequence[str], stop: frozenset[str], _doc: _Doc | None = None) -> list[int]:
    """The positions the judge looks at (see the module docstring); never the first block, and none
    in a document whose body does not cohere (:data:`MIN_BODY_COHERENCE`, :data:`SHORT_BODY_COHERENCE`
    for a short one)."""
    doc = _doc if _doc is not None else _Doc(texts, stop)
    bar = SHORT_BODY_COHERENCE if doc.n < SHORT_BODY_BLOCKS else MIN_BODY_COHERENCE
    if not doc.median >= bar:  # NaN too: no block long enough to tell
        return []
    n = doc.n
    scored = []
    for k in range(1, n):
        a, b, _, _, top = doc.span_facts(k)
        if top == top and a > 0:
            scored.append((top, k))
    scored.sort()
    out: set[int] = set()
    passages = 0
    for _, k in scored:
        a, b = doc.span(k)
        if a in out or b in out:
            continue
        out.update(range(a, b + 1))
        passages += 1
        if passages >= SCREEN_LOWEST:
            break
    for k in range(max(1, n - SCREEN_END), n):
        a, b = doc.span(k)
        out.update(range(max(1, a), b + 1))
    return sorted(out)


def splice_features(
    texts: Sequence[str],
    stop: frozenset[str],
    lede: NgramModel | None = None,
    close: NgramModel | None = None,
    rows: Sequence[int] | None = None,
) -> tuple[list[int], np.ndarray]:
    """The rows of :data:`FEATURES` of the blocks at ``rows`` (default: the :func:`candidates`) of
    a document (``texts`` in order); the ``ledeness`` and ``closingness`` columns are NaN without
    the n-gram models. Returns the positions and the matrix."""
    n = len(texts)
    if n == 0:
        return [], np.zeros((0, len(FEATURES)))
    doc = _Doc(texts, stop)
    if rows is None:
        rows = candidates(texts, stop, doc)
    rows = list(rows)
    out = np.full((len(rows), len(FEATURES)), np.nan)
    nw, heads, content, coh = doc.n_words, doc.headline, doc.content, doc.coh

    def ngram(model: NgramModel | None, j: int) -> float:
        return model.score(texts[j]) if model is not None and nw[j] >= NGRAM_MIN_WORDS else _NAN

    for r, k in enumerate(rows):
        f = block_facts(texts[k], stop)
        mine = content[k]
        heads_ = [x.split()[-1] for x in f.runs]
        n_runs = len(f.runs)
        before_text = "\n".join(texts[:k]) if f.runs else ""
        nov_names = [x for x in f.names if doc.occ(x)[2] <= 1]
        nov_nums = [x for x in f.numbers if doc.in_one_block(x)]
        a, b, span, span_coh, span_top = doc.span_facts(k)
        before = frozenset(chain.from_iterable(content[j] for j in range(max(0, a - WINDOW), a)))
        after = frozenset(chain.from_iterable(content[j] for j in range(b + 1, min(n, b + 1 + WINDOW))))
        sb, sa = _sim(span, before), _sim(span, after)
        around = _sim(before, after)
        near = max((x for x in (sb, sa) if x == x), default=_NAN)
        span_names = [x for j in range(a, b + 1) for x in block_facts(texts[j], stop).names]
        pair = _NAN
        if heads[k] and k + 1 < n:
            pair = _share(len(mine & content[k + 1]), len(mine))
        elif k > 0 and heads[k - 1]:
            pair = _share(len(mine & content[k - 1]), len(content[k - 1]))
        if k > 0:
            p = k - 1
            prev = (
                float(heads[p]),
                float(len(sentences(texts[p]))),
                math.log1p(nw[p]),
                coh[p],
                float(doc.ends[p]),
            )
        else:
            prev = (_NAN,) * 5
        if k + 1 < n:
            q = k + 1
            ws = words(texts[q])
            nxt = (float(heads[q]), float(len(sentences(texts[q]))), math.log1p(nw[q]), coh[q],
                   float(bool(ws) and ws[0] in CONTINUATION))  # fmt: skip
        else:
            nxt = (_NAN,) * 5
        out[r] = (
            math.log1p(nw[k]),
            float(f.n_sentences),
            float(doc.ends[k]),
            float(heads[k]),
            f.cap_share,
            f.digit_share,
            float(f.quote),
            float(f.continuation),
            float(f.dateline),
            float(f.question),
            coh[k],
            coh[k] / doc.median if doc.median and coh[k] == coh[k] else _NAN,
            doc.topic[k],
            _share(len(mine & doc.keywords), min(len(doc.keywords), len(mine))),
            _share(len(nov_names), len(f.names)),
            float(len(nov_names)),
            _share(len(nov_nums), len(f.numbers)),
            float(len(nov_nums)),
            float(n_runs),
            _share(sum(1 for h in heads_ if doc.seen_before(h, k)), n_runs),
            _share(sum(1 for x in f.runs if x in before_text), n_runs),
            _share(sum(1 for h in heads_ if doc.seen_after(h, k)), n_runs),
            float(any(doc.seen_before(s, k) for s in f.introduced)),
            float(any(doc.seen_before(x, k) for x in f.acronyms_defined)),
            float(len(f.acronyms_defined)),
            _share(len(mine & content[0]), len(mine)) if k > 0 else _NAN,
            _share(len(mine & content[doc.first_prose]), len(mine))
            if doc.first_prose is not None and k != doc.first_prose
            else _NAN,
            ngram(lede, k),
            ngram(close, k),
            ngram(close, k - 1) if k > 0 else _NAN,
            float(a != b),
            span_coh,
            span_top,
            _share(sum(1 for x in span_names if doc.only_in(x, a, b)), len(span_names)),
            sb,
            sa,
            around,
            around - near if around == around and near == near else _NAN,
            *prev,
            *nxt,
            pair,
            k / max(1, n - 1),
            float(n - 1 - k),
            math.log1p(n),
            doc.median,
            doc.headline_share,
            doc.rank_topic(doc.topic[k]),
            doc.rank_topic(span_top),
        )
    return rows, out


# --------------------------------------------------------------------------------------- detector

#: The other line of a teaser pair (the headline above a removed blurb, the blurb under a removed
#: headline) goes with it when its own score reaches this share of the threshold.
PAIR_SHARE = 0.5
#: The evidence names this many signals, those that moved the score most.
EVIDENCE_SIGNALS = 5
#: Documents with fewer blocks have no body for a passage to be foreign to.
MIN_BLOCKS = 4


def decide(p: Sequence[float], headline: Sequence[bool], threshold: float) -> dict[int, str]:
    """The positions removed, each with its part (``lede``, ``headline`` or ``blurb``), from the
    blocks' probabilities ``p`` (NaN: not judged) and their headline shape. The first block (the
    title) never goes."""
    out: dict[int, str] = {}
    n = len(p)
    for k in range(1, n):
        if not p[k] >= threshold:
            continue
        if headline[k]:
            out[k] = "headline"
            if k + 1 < n and not headline[k + 1] and p[k + 1] >= PAIR_SHARE * threshold:
                out.setdefault(k + 1, "blurb")
        elif k > 1 and headline[k - 1] and p[k - 1] >= PAIR_SHARE * threshold:
            out[k - 1] = "headline"
            out[k] = "blurb"
        else:
            out.setdefault(k, "lede")
    return out


@dataclass(frozen=True)
class Finding:
    """One block the detector removes, with the evidence behind it."""

    position: int  # the block's position in the texts given to :meth:`SpliceDetector.detect`
    part: str  # "lede", "headline" or "blurb"
    score: float
    threshold: float
    #: signal -> (its value, None where it does not apply (``span_gap`` of the last block); its
    #: contribution to the score, in log-odds)
    signals: dict[str, tuple[float | None, float]] = field(default_factory=dict)

    def evidence(self) -> dict[str, Any]:
        """The decision's evidence (what the off-topic stage would attach to the block)."""
        return {
            "rule": "splice_model",
            "part": self.part,
            "score": round(self.score, 3),
            "threshold": self.threshold,
            "signals": {
                k: {"value": None if v is None else round(v, 3), "log_odds": round(c, 2)}
                for k, (v, c) in self.signals.items()
            },
        }

    def summary(self) -> str:
        sig = ",".join(
            f"{k}({'-' if v is None else f'{v:.2f}'})={c:+.1f}" for k, (v, c) in self.signals.items()
        )
        return f"{self.part} p={self.score:.2f} [{sig}]"


class SpliceDetector:
    """Gradient-boosted trees over :data:`FEATURES` and two n-gram models, read from JSON."""

    def __init__(self, spec: dict[str, Any], threshold: float | None = None) -> None:
        if spec.get("features") != list(FEATURES):
            raise ValueError(
                "splice model was trained on other features; retrain it (training/train_splice.py)"
            )
        self.spec = spec
        self.threshold = float(spec["threshold"] if threshold is None else threshold)
        self.baseline = float(spec["baseline"])
        self.trees = spec["trees"]
        self.lede = NgramModel(spec["lede"]) if spec.get("lede") else None
        self.close = NgramModel(spec["close"]) if spec.get("close") else None
        # All trees' nodes in flat arrays (node ids offset per tree); a leaf points at itself.
        feature: list[int] = []
        thr: list[float] = []
        left: list[int] = []
        right: list[int] = []
        value: list[float] = []
        missing_left: list[bool] = []
        roots: list[int] = []
        for t in self.trees:
            base = len(value)
            roots.append(base)
            for i, leaf in enumerate(t["leaf"]):
                feature.append(0 if leaf else t["feature"][i])
                thr.append(math.inf if leaf else t["threshold"][i])
                left.append(base + i if leaf else base + t["left"][i])
                right.append(base + i if leaf else base + t["right"][i])
                missing_left.append(True if leaf else bool(t["missing_left"][i]))
                value.append(t["value"][i])
        self._feature = np.asarray(feature, dtype=np.intp)
        self._thr = np.asarray(thr)
        self._left = np.asarray(left, dtype=np.intp)
        self._right = np.asarray(right, dtype=np.intp)
        self._value = np.asarray(value)
        self._missing_left = np.asarray(missing_left)
        self._roots = np.asarray(roots, dtype=np.intp)
        self._depth = max(int(t.get("depth", 0)) for t in self.trees) if self.trees else 0

    @classmethod
    def load(cls, threshold: float | None = None) -> SpliceDetector:
        return cls(_spec(), threshold)

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Log-odds per row (all trees at once, one step down per level)."""
        if len(x) == 0:
            return np.zeros(0)
        node = np.broadcast_to(self._roots, (len(x), len(self._roots))).copy()
        rows = np.arange(len(x))[:, None]
        for _ in range(self._depth):
            v = x[rows, self._feature[node]]
            go_left = np.where(np.isnan(v), self._missing_left[node], v <= self._thr[node])
            node = np.where(go_left, self._left[node], self._right[node])
        out: np.ndarray = self.baseline + self._value[node].sum(axis=1)
        return out

    def contributions(self, row: np.ndarray) -> dict[str, float]:
        """Each signal's share of one row's log-odds (the change of the expected value along each
        tree's path at the splits on that signal), largest first."""
        contrib: Counter[str] = Counter()
        for t in self.trees:
            node = 0
            while not t["leaf"][node]:
                f = t["feature"][node]
                v = row[f]
                go_left = t["missing_left"][node] if v != v else v <= t["threshold"][node]
                child = t["left"][node] if go_left else t["right"][node]
                contrib[FEATURES[f]] += t["value"][child] - t["value"][node]
                node = child
        return dict(sorted(contrib.items(), key=lambda kv: -abs(kv[1])))

    def scores(self, texts: Sequence[str], stop: frozenset[str]) -> tuple[list[int], np.ndarray, np.ndarray]:
        """The candidates, their rows of signals and their probabilities."""
        rows, x = splice_features(texts, stop, self.lede, self.close)
        return rows, x, 1.0 / (1.0 + np.exp(-self.raw(x)))

    def detect(
        self, texts: Sequence[str], stop: frozenset[str] | None = None, threshold: float | None = None
    ) -> list[Finding]:
        """The blocks of ``texts`` the model takes for a spliced passage (at ``threshold``, default
        the detector's own)."""
        if len(texts) < MIN_BLOCKS:
            return []
        thr = self.threshold if threshold is None else threshold
        if stop is None:
            from .lang import guess_stoplist_texts

            stop = guess_stoplist_texts(texts)[1]
        rows, x, p = self.scores(texts, stop)
        full = np.full(len(texts), np.nan)
        full[rows] = p
        found = decide(full.tolist(), [_shape(t)[1] for t in texts], thr)
        where = {k: r for r, k in enumerate(rows)}
        out = []
        for k, part in sorted(found.items()):
            row = x[where[k]]
            top = list(self.contributions(row).items())[:EVIDENCE_SIGNALS]
            signals = {
                name: (
                    None
                    if row[FEATURES.index(name)] != row[FEATURES.index(name)]
                    else float(row[FEATURES.index(name)]),
                    c,
                )
                for name, c in top
            }
            out.append(Finding(k, part, float(full[k]), thr, signals))
        return out


@cache
def detector() -> SpliceDetector:
    """The shipped detector, loaded once per process."""
    return SpliceDetector.load()


@cache
def _spec() -> dict[str, Any]:
    data = resources.files("dedupe").joinpath("data/splice_model.json").read_text(encoding="utf-8")
    spec: dict[str, Any] = json.loads(data)
    return spec
