"""Duplicates within one document: exact repeats, edited copies, and paragraphs fused from earlier ones.

Candidates come from MinHash + LSH over word bigrams (whole paragraphs, and their sentences so a
repeated sentence of a long paragraph is found too); every candidate is then verified exactly:
a block is a copy when the share of its bigrams that occur in its candidates (their union, so a
paragraph fused from two earlier ones is caught) reaches ``duplicates.containment``. The first
occurrence survives and the copy points at it.

A near copy (edited or fused) goes only as part of a copied passage: a run of consecutive copies
holding at least one sure copy (an exact repeat, or a near copy of one block at
``duplicates.alone_containment`` or more). Alone, a near copy is mostly a parallel sentence or a
templated line of a list ("X is covariant ..." / "X is contravariant ..."), which is content.

Why containment and not Jaccard: an edited copy in the seeds keeps 0.68 of its bigrams in the
original but has a Jaccard of 0.35 with it, and a fused paragraph has 0.94 of its bigrams in the
two originals together but a Jaccard of 0.58 with either.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import regex

from ..config import Config
from ..shapes import HEADING_END, is_sentence_end
from ..text import CACHE_SIZE, ngram_set, sentences, words
from . import Context, register
from ._candidates import candidates

__all__ = ["DuplicateStage"]

#: A fused paragraph lists every earlier block that supplies at least this share of its bigrams.
MERGE_SHARE = 0.2
#: Below this many words, a near copy whose numbers differ from its source's is a different item of
#: a templated list ("Teaching Award, 2013" / "Teaching Award, 2015"; product listings with their
#: prices run to 20-25 words), not a copy: keep it. 20 -> 30 saved 10 genuine lines of the lines
#: development set (4 held-out) and changed nothing on portal and dragnet.
NUMBERED_ITEM_MAX_WORDS = 30

#: A short title-like line (no sentence end) repeated further than this many blocks from its first
#: occurrence is a heading used twice by design, not a copy (portal development pages: tables of
#: contents followed by the same section headings).
HEADING_MAX_WORDS = 10
HEADING_MAX_GAP = 3

#: An exact copy of fewer words than this is a label the page repeats by design (the same
#: interview question before each answer, "Add to cart" under every product) unless it is part of
#: a copied passage or stands right under its original (text extracted twice). Ten words: the gold
#: in, gold out benchmark counts shorter repeats apart for the same reason (benchmarks/wcxb.py).
LABEL_MAX_WORDS = 10


def _is_distant_heading(text: str, ws: list[str], gap: int) -> bool:
    return len(ws) < HEADING_MAX_WORDS and gap > HEADING_MAX_GAP and not is_sentence_end(text, HEADING_END)


_NUMBER = regex.compile(r"\d+(?:[.,]\d+)*")
#: A table row as trafilatura renders it ("| cell | cell |"). Rows of one table share their
#: template (labels, repeated cells) and differ in a few key cells: near-duplicate matching would
#: call different records copies (portal development pages: job listings, forum posts laid out in
#: tables), so rows are only ever removed as exact repeats.
_TABLE_ROW = regex.compile(r"^\s*\|.*\|")


@lru_cache(maxsize=CACHE_SIZE)
def _near_sentences(text: str, min_words: int) -> tuple[str, ...]:
    """The sentences of ``text`` matched on their own: at least ``min_words`` words, and fewer
    than the whole text has."""
    n = len(words(text))
    return tuple(s for s in sentences(text) if min_words <= len(words(s)) < n)


@register("duplicates")
class DuplicateStage:
    name = "duplicates"

    def __init__(self, config: Config) -> None:
        self.cfg = config.duplicates

    def run(self, ctx: Context) -> None:
        cfg = self.cfg
        exact: dict[str, int] = {}
        grams: dict[int, frozenset[str]] = {}
        alive = ctx.alive()
        # One vectorised batch: every block long enough for near matching, and its sentences.
        texts: list[str] = []
        owners: list[int] = []
        queries: list[bool] = []
        near: set[int] = set()
        #: Sure copies (exact, or near one block at ``alone_containment``) and near copies that wait
        #: for a sure copy in their run, by position.
        sure: set[int] = set()
        pending: dict[int, dict[str, object]] = {}
        source: dict[int, int] = {}
        position = {k: i for i, k in enumerate(alive)}
        at = {ctx.blocks[k].index: k for k in alive}
        for k in alive:
            ws = ctx.words(k)
            if len(ws) < cfg.min_words_near or _TABLE_ROW.match(ctx.blocks[k].text):
                continue
            near.add(k)
            texts.append(ctx.blocks[k].text)
            owners.append(k)
            queries.append(True)
            for sent in _near_sentences(ctx.blocks[k].text, cfg.min_words_near):
                texts.append(sent)
                owners.append(k)
                queries.append(False)
        colliding = candidates(
            texts, owners, queries, threshold=cfg.lsh_threshold, num_perm=cfg.num_perm, ngram=cfg.ngram
        )
        for k in alive:
            ws = ctx.words(k)
            if not ws:
                continue
            key = " ".join(ws)
            first = exact.get(key)
            if first is not None and _is_distant_heading(ctx.blocks[k].text, ws, k - first):
                # A table of contents and the section headings it lists, or a list heading used
                # by design: repeated titles that are a copy sit next to the original.
                first = None
            if first is not None and len(ws) >= cfg.min_words_exact:
                exact_evidence: dict[str, object] = {
                    "duplicate_of": [ctx.doc_id, ctx.blocks[first].index],
                    "similarity": 1.0,
                    "match": "exact",
                }
                source[k] = first
                if len(ws) >= LABEL_MAX_WORDS or position[k] - position[first] == 1:
                    ctx.remove(k, "duplicate.within", self.name, **exact_evidence)
                    sure.add(k)
                else:
                    pending[k] = exact_evidence
                continue
            mine = ngram_set(ctx.blocks[k].text, cfg.ngram)
            if k in near:
                # Candidates: earlier blocks that survived (a copy of a copy points at the first).
                cands = {j for j in colliding.get(k, ()) if j < k and j in grams}
                evidence = self._near(ctx, k, mine, cands, grams) if cands else None
                if evidence is not None:
                    source[k] = at[evidence["duplicate_of"][1]]  # type: ignore[index]
                    if evidence.pop("alone"):
                        ctx.remove(k, "duplicate.within", self.name, **evidence)
                        sure.add(k)
                    else:
                        pending[k] = evidence
                    continue
            exact.setdefault(key, k)
            grams[k] = mine
        self._copied_runs(ctx, alive, sure, pending, source)

    def _copied_runs(
        self,
        ctx: Context,
        alive: list[int],
        sure: set[int],
        pending: dict[int, dict[str, object]],
        source: dict[int, int],
    ) -> None:
        """Remove the pending copies whose run of consecutive copies is a copied passage: it holds
        a sure copy, or two neighbours that are exact copies of two neighbours in the same order.
        (Two near copies of two neighbours are the next item of a template: "name, blurb".)"""
        run: list[int] = []
        anchored = False
        position = {k: i for i, k in enumerate(alive)}
        for k in [*alive, -1]:
            if k in pending or k in sure:
                if run and self._exact_pair(run[-1], k, pending, source, position):
                    anchored = True
                run.append(k)
                anchored = anchored or k in sure
                continue
            if anchored:
                for j in run:
                    if j in pending:
                        ctx.remove(j, "duplicate.within", self.name, **pending[j])
            run, anchored = [], False

    @staticmethod
    def _exact_pair(
        j: int,
        k: int,
        pending: dict[int, dict[str, object]],
        source: dict[int, int],
        position: dict[int, int],
    ) -> bool:
        return (
            pending.get(j, {}).get("match") == "exact"
            and pending.get(k, {}).get("match") == "exact"
            and position[source[k]] - position[source[j]] == 1
        )

    def _near(
        self, ctx: Context, k: int, mine: frozenset[str], cands: set[int], grams: dict[int, frozenset[str]]
    ) -> dict[str, object] | None:
        """The evidence that block ``k`` is a near copy of ``cands`` (``"alone"``: sure enough to go
        outside a copied run), or ``None``."""
        share: Counter[int] = Counter()
        covered: set[str] = set()
        for c in sorted(cands):
            inter = mine & grams[c]
            share[c] = len(inter)
            covered |= inter
        containment = len(covered) / len(mine)
        if containment < self.cfg.containment or len(covered) < self.cfg.min_shared:
            return None
        text = ctx.blocks[k].text
        if len(text.split()) < NUMBERED_ITEM_MAX_WORDS:
            numbers = set(_NUMBER.findall(text))
            source_numbers = {n for c in cands for n in _NUMBER.findall(ctx.blocks[c].text)}
            if numbers - source_numbers:
                return None
        best = max(sorted(share), key=lambda c: share[c])
        jaccard = len(mine & grams[best]) / len(mine | grams[best])
        evidence: dict[str, object] = {
            "duplicate_of": [ctx.doc_id, ctx.blocks[best].index],
            "similarity": containment,
            "jaccard": jaccard,
            "threshold": self.cfg.containment,
            "match": "near",
        }
        sources = sorted(c for c in share if share[c] >= MERGE_SHARE * len(mine))
        if len(sources) > 1:
            evidence["match"] = "merged"
            evidence["merged_from"] = [[ctx.doc_id, ctx.blocks[c].index] for c in sources]
        evidence["alone"] = share[best] >= self.cfg.alone_containment * len(mine)
        return evidence
