"""Duplicates within one document: exact repeats, edited copies, and paragraphs fused from earlier ones.

Candidates come from MinHash + LSH over word bigrams (whole paragraphs, and their sentences so a
repeated sentence of a long paragraph is found too); every candidate is then verified exactly:
a block is a copy when the share of its bigrams that occur in its candidates (their union, so a
paragraph fused from two earlier ones is caught) reaches ``duplicates.containment``. The first
occurrence survives and the copy points at it.

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
                ctx.remove(
                    k,
                    "duplicate.within",
                    self.name,
                    duplicate_of=[ctx.doc_id, ctx.blocks[first].index],
                    similarity=1.0,
                    match="exact",
                )
                continue
            mine = ngram_set(ctx.blocks[k].text, cfg.ngram)
            if k in near:
                # Candidates: earlier blocks that survived (a copy of a copy points at the first).
                cands = {j for j in colliding.get(k, ()) if j < k and j in grams}
                if cands and self._near(ctx, k, mine, cands, grams):
                    continue
            exact.setdefault(key, k)
            grams[k] = mine

    def _near(
        self, ctx: Context, k: int, mine: frozenset[str], cands: set[int], grams: dict[int, frozenset[str]]
    ) -> bool:
        share: Counter[int] = Counter()
        covered: set[str] = set()
        for c in sorted(cands):
            inter = mine & grams[c]
            share[c] = len(inter)
            covered |= inter
        containment = len(covered) / len(mine)
        if containment < self.cfg.containment or len(covered) < self.cfg.min_shared:
            return False
        text = ctx.blocks[k].text
        if len(text.split()) < NUMBERED_ITEM_MAX_WORDS:
            numbers = set(_NUMBER.findall(text))
            source_numbers = {n for c in cands for n in _NUMBER.findall(ctx.blocks[c].text)}
            if numbers - source_numbers:
                return False
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
        ctx.remove(k, "duplicate.within", self.name, **evidence)
        return True
