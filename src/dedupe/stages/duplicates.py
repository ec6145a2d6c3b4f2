"""Duplicates within one document: pasted copies go, repeats the page is built of stay.

What is a copy is decided by the structure of the page, not by the length of its lines (lines are
compared by their script-aware units, :func:`dedupe.overlap.unit_key`, so a Japanese line or a
two-word product name is a line like any other). The rules, in the order they apply to a block:

``run``
    a run of ``duplicates.min_run`` (2) or more consecutive blocks that recurs exactly once further
    down is a pasted copy, whatever its lines: the later run goes. A run that recurs three times or
    more is a card the page repeats, and stays; so does a label and the one line under it (a field
    of a card), and a structural line ending a run is not part of it (it is followed by different
    content at the two places).
``structure``
    a line that recurs ``duplicates.structure_repeats`` (3) times or more is page structure and
    stays: the same question before each interview answer, the label of every recipe card, the
    headings of a listing, each time followed by different content.
``title``
    the document's first block, when it is short enough to be its title, repeated anywhere below,
    as it is or with a site name before or after it (``Title | Site``, ``Site :: Title``): the
    repeat goes, even far below.
``exact``
    another line that recurs exactly once goes, unless it is a field of a repeated card (the same
    structural line right above or below it both times: "Q:" and the same question asked of two
    people), shorter than ``duplicates.min_words_exact`` units, or short enough to be a heading or
    a list item (:data:`SHORT_LINE_WORDS`) and far from its first occurrence
    (:data:`SHORT_LINE_GAP` blocks): a table of contents and the headings it lists, the same item
    in two lists.
``near`` / ``merged``
    an edited copy (a typo, a word added or dropped, a clause replaced) of *one* earlier block, or
    of *two adjacent* earlier blocks fused into one. Candidates come from MinHash + LSH over word
    bigrams (blocks and their sentences, :mod:`._candidates`); each is verified exactly
    (:func:`dedupe.overlap.overlap` and an alignment of the two texts): at least
    ``duplicates.containment`` of the block's bigrams occur in the source and at least
    ``duplicates.coverage`` of the source's in the block (a part of a longer block is an excerpt,
    a pull quote, a summary line); the missing bigrams fall in few places (one per
    ``duplicates.gap_bigrams`` bigrams) and the block brings new words in few places (one per
    ``duplicates.edit_words`` units; words dropped and typos bring none); it is not the source
    continued by something new (:func:`is_extension`), nor another item of a template (names or
    numbers swapped, :func:`_templated`). Parallel sentences ("X is covariant in ..." / "Y is
    contravariant in ...") and templated blurbs differ in several places, and evidence from several
    scattered sources together is not a copy. A block with near copies in two or more places is a
    template the page fills in (structure, as a line recurring three times is): they all stay; so
    does the near match of a block that resembles two other blocks of the page
    (:data:`TEMPLATE_RELATIVES`: an item of a template), and a near copy right under (or above) the
    same kept line as its source (:func:`_same_slot`: the same slot of two sections the page
    repeats, worded for its place).

The first occurrence survives; the copy points at it (``duplicate_of``) with its evidence.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import regex

from ..config import Config, DuplicateConfig
from ..overlap import Overlap, bigram_hashes, distinct, overlap, unit_key
from ..shapes import CLOSERS, SentenceEnd, sentences, spaced, unit_count, units
from ..text import CACHE_SIZE, WORD_RE
from . import Context, register
from ._candidates import candidates

__all__ = ["DuplicateStage", "title_cores"]

#: A paragraph fused from two adjacent earlier blocks holds at least this share of each of them
#: (of their distinct bigrams): a merge of a heading and the paragraph under it is one.
MERGE_SHARE = 0.5
#: The candidates (most shared bigrams first) whose neighbours are tried as the other half of a merge.
MERGE_TRIES = 3
#: Below this many units, a near copy whose numbers differ from its source's, or which differs from
#: it only by whole words swapped one for one (not a typo), is a different item of a templated list
#: ("Teaching Award, 2013" / "Teaching Award, 2015"; "Book by January 5 for travel through May 31" /
#: "... through August 31"; product listings with their prices run to 20-25 words), not a copy.
#: 20 -> 30 saved 10 genuine lines of the lines development set (4 held-out) and changed nothing on
#: portal and dragnet. Numbers tell items apart only when the source has numbers of its own: a number
#: in a copy of a source without any came with a replaced clause (benchmarks/duplicates.py, tune:
#: 5 of the 9 clause copies missed; no genuine line lost). On the tune gold and trafilatura texts it
#: also removes numbered repeats of un-numbered lines ("1. Squeeze the lever ..." in an FAQ printed
#: twice, a recipe's steps repeated in its card): 10 lines of 5 documents.
NUMBERED_ITEM_MAX_WORDS = 30
#: A line of fewer units than this, recurring once further than :data:`SHORT_LINE_GAP` blocks away,
#: is a heading or a list item used twice by design (a table of contents and its sections, the same
#: ingredient in two recipes), not a copy. 10: the portal pages' tables of contents.
SHORT_LINE_WORDS = 10
SHORT_LINE_GAP = 3
#: The first block is the title when it has at most this many units (wcxb titles: 99% under 25).
TITLE_MAX_WORDS = 25
#: A title of at least this many units repeated below goes however often it recurs (a one- or
#: two-word first line, "Ingredients", may be the first of a page's labels).
TITLE_MIN_WORDS = 3
#: A site name beside a repeated title has at most this many units ("The Daily Ledger").
AFFIX_MAX_WORDS = 6
#: What separates a title from the site name in a page title: ``|``, ``-``, ``–``, ``—``, ``::``,
#: ``·``, ``»`` with spaces around (a hyphen inside a word, "COVID-19", does not separate).
_AFFIX_SEP = regex.compile(r"\s+(?:\||-|–|—|::|·|»)\s+")
_NUMBER = regex.compile(r"\d+(?:[.,]\d+)*")
#: A table row as trafilatura renders it ("| cell | cell |"). Rows of one table share their
#: template (labels, repeated cells) and differ in a few key cells: near-duplicate matching would
#: call different records copies (portal development pages: job listings, forum posts laid out in
#: tables), so rows are only ever removed as exact repeats.
_TABLE_ROW = regex.compile(r"^\s*\|.*\|")
#: A word is mistyped (not another word) when one edit of one character (a letter inserted, dropped,
#: replaced, or two neighbours swapped) turns it into the other, two for words of
#: :data:`TYPO_LONG_CHARS` characters or more ("launced"/"launched", "thta"/"that", but not "May" /
#: "August" or "covariant"/"contravariant"), and neither is a number ("2013" / "2015" are two items).
TYPO_MIN_CHARS = 3
TYPO_LONG_CHARS = 8
#: Two words that share their first this many characters are forms of one word ("approves" /
#: "approved"), whatever follows.
STEM_CHARS = 5
#: Words of at most this many characters may glue names together in a template's slot ("a"/"an",
#: "of", "the", "de"): "an Agile methodology" / "a Waterfall methodology" swap names only.
NAME_GLUE = 3
#: Changes of a copy fewer than this many units apart are one edit (see :func:`_new_edits`).
EDIT_JOIN = 2
#: Keys that recur more often than this are not searched for runs pair by pair (a separator line
#: repeated hundreds of times would make that quadratic): they are structure anyway.
_RUN_MAX_OCCURRENCES: Final = 64


@lru_cache(maxsize=CACHE_SIZE)
def _near_sentences(text: str, min_words: int) -> tuple[str, ...]:
    """The sentences of ``text`` matched on their own: at least ``min_words`` units, and fewer
    than the whole text has."""
    n = unit_count(text)
    return tuple(s for s in sentences(text) if min_words <= unit_count(s) < n)


def title_cores(text: str) -> set[str]:
    """Keys of ``text`` without a site name before or after it: for ``"Budget passes | City Wire"``
    the key of ``"Budget passes"`` (the part that remains when a part of at most
    :data:`AFFIX_MAX_WORDS` units is cut at a separator), and of the whole text."""
    out = {unit_key(text)}
    for m in _AFFIX_SEP.finditer(text):
        left, right = text[: m.start()], text[m.end() :]
        for core, affix in ((left, right), (right, left)):
            if unit_count(affix) <= AFFIX_MAX_WORDS and unit_count(core) >= 1:
                out.add(unit_key(core))
    return out


#: A field of a card: a label of at most :data:`FIELD_LABEL_WORDS` units and a colon, then a value
#: ("Prep time: 10 minutes", "Salary: £31,000 a year", "Location: Leeds").
_FIELD = regex.compile(r"^\s*([^:：\n]{1,60}?)\s*[:：]\s*\S")
FIELD_LABEL_WORDS = 4
#: Two cards may share this many field values in a row by chance (the same town and salary; the
#: same prep time and cook time); a run of more equal fields is the same card pasted twice
#: (benchmarks/duplicates.py tune: pasted runs of 3 and 4 fields of product and franchise cards).
FIELD_RUN_MAX = 2


def card_fields(texts: list[str], repeats: int) -> set[int]:
    """Positions of the lines that are fields of a card the page repeats: their label starts at
    least ``repeats`` lines (every recipe card has its "Prep time:", every job its "Salary:").
    Two cards may hold the same values in a row (the same prep and cook times, the same town and
    salary): such lines recur together once without being a copy."""
    labels: list[str | None] = []
    for text in texts:
        m = _FIELD.match(text)
        label = m.group(1) if m else None
        labels.append(unit_key(label) if label and 1 <= unit_count(label) <= FIELD_LABEL_WORDS else None)
    counts = Counter(label for label in labels if label is not None)
    return {i for i, label in enumerate(labels) if label is not None and counts[label] >= repeats}


def _runs(
    keys: list[str], min_run: int, structural: set[str], keys_text: list[str], fields: set[int]
) -> dict[int, tuple[int, int]]:
    """Blocks of runs that recur exactly once: ``{later position: (earlier position, run length)}``.

    Two runs match along a diagonal (position ``i`` and ``i + d`` hold equal keys); the maximal
    stretches of a diagonal are the candidate runs. A stretch longer than ``d`` overlaps itself
    (``A B A B A B``: a card repeated three times), and a run whose sequence of keys occurs other
    than exactly twice in the document is structure: neither is a copy. A structural line (a key
    in ``structural``) that ends a stretch is not part of the run, since it is followed by different
    content at the two places: two product cards that share a price line just before their common
    "Buying options:" label share one line, not two (unless the run is long enough without it: then
    it was copied with the run). Inside a run, or first in it, a structural line is followed by the
    same block both times: it was copied with the run. A run of code (:func:`_is_code`;
    ``keys_text`` are the blocks' texts) is not a copy either: two examples in documentation share
    statements by design; nor is a run of at most :data:`FIELD_RUN_MAX` card fields (``fields``,
    :func:`card_fields`) and structural lines: two cards with the same values.
    """
    positions: defaultdict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        positions[k].append(i)
    diagonals: defaultdict[int, set[int]] = defaultdict(set)
    for ps in positions.values():
        if 2 <= len(ps) <= _RUN_MAX_OCCURRENCES:
            for a, p in enumerate(ps):
                for q in ps[a + 1 :]:
                    diagonals[q - p].add(p)
    out: dict[int, tuple[int, int]] = {}
    for d in sorted(diagonals):
        for lo, hi in _stretches(sorted(diagonals[d])):
            if keys[hi] in structural and hi - lo - (keys[lo] in structural) < min_run:
                hi -= 1  # followed by different content at the two places: structure, not copied
            if hi == lo + 1 and keys[lo] in structural:
                lo = hi  # a label and the one line under it: a field of a repeated card
            length = hi - lo + 1
            values = [p for p in range(lo, hi + 1) if keys[p] not in structural]
            if values and len(values) <= FIELD_RUN_MAX and all(p in fields for p in values):
                continue  # two cards holding the same values
            if min_run <= length <= d and not _is_code(keys_text[lo : hi + 1]):
                seq = keys[lo : hi + 1]
                occurrences = sum(1 for p in positions[seq[0]] if keys[p : p + length] == seq)
                if occurrences == 2:
                    for t in range(length):
                        out.setdefault(lo + d + t, (lo + t, length))
    return out


# -- A shape test, to move into dedupe.shapes ----------------------------------------------------
#: A line of code: it ends with a brace or semicolon or starts with a closing one, holds a markup
#: tag, brackets, an operator (=>, ==, !=), a call ("setCount(count + 1)", "f()"), a quoted key
#: ('"name": "res"'), an identifier in snake_case or camelCase ("column_alias", "className"; not "iPhone"), a line
#: continuation, a prompt or comment ("$ ", ">>>", "#>", "//"), a statement keyword first, or no
#: word character at all ("});").
_CODE_LINE = regex.compile(
    r"[{};]\s*$|^\s*[)\]}]|</?[A-Za-z][^>]*>|[\[\]]|=>|==|!=|\w\([^)]*\)|\(\s*\)"
    r"|^\s*[\"'][^\"']+[\"']\s*:|\b[a-z]+_\w+|\b[a-z]{2,}[A-Z]\w*|\\\s*$"
    r"|^\s*(?:\$ |#!|#>|>>>|//|/\*)|^\s*(?:def|class|return|import|from|print|const|let|var)\b|^\W+$"
)
#: A run is code when at least this share of its lines are.
CODE_SHARE = 0.5


def _is_code(lines: list[str]) -> bool:
    """Whether a run of lines is a piece of code (see :data:`_CODE_LINE`)."""
    return sum(1 for line in lines if _CODE_LINE.search(line)) >= CODE_SHARE * len(lines)


def _stretches(starts: list[int]) -> list[tuple[int, int]]:
    """The maximal runs of consecutive numbers in the sorted ``starts``, as ``(first, last)``."""
    out = []
    begin = prev = starts[0]
    for p in starts[1:]:
        if p != prev + 1:
            out.append((begin, prev))
            begin = p
        prev = p
    out.append((begin, prev))
    return out


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Levenshtein with swaps of neighbours), or ``limit + 1``
    once it is certain to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


#: A line of prose recurring :data:`duplicates.structure_repeats` times or more is pasted, not page
#: structure: at least this many units and ending like a statement (a full stop, "!", "。"; a
#: question repeated before each answer is structure). Structural repeats are labels, headings,
#: questions and short notes ("Read our full review."). Measured on benchmarks/duplicates.py (tune),
#: the ``triple`` kind (a paragraph of 12+ words pasted twice) against the gold bodies' own lines
#: recurring 3+ times (event blurbs of each card, a webcam caption under each image, a comment
#: quoted in replies): see the module docstring.
PROSE_REPEAT_WORDS = 12
_PROSE_END = SentenceEnd("prose", ".!…。！", CLOSERS)


def _is_prose(text: str, n: int) -> bool:
    """Whether a line of ``n`` units is prose (see :data:`PROSE_REPEAT_WORDS`)."""
    return n >= PROSE_REPEAT_WORDS and _PROSE_END(text)


def _card_field(keys: list[str], a: int, b: int, structural: set[str]) -> bool:
    """Whether the blocks at ``a`` and ``b`` sit under (or above) the same structural line both
    times: a field of a card the page repeats ("Q:" then the question asked of two people; a label
    then the same value), not a copy."""
    for step in (-1, 1):
        x, y = a + step, b + step
        if 0 <= x < len(keys) and 0 <= y < len(keys) and keys[x] == keys[y] and keys[x] in structural:
            return True
    return False


def _same_slot(keys: list[str], source: int, i: int, gone: set[int]) -> bool:
    """Whether block ``i`` and its ``source`` sit right under (or right above) the same line, and
    that line is kept at ``i`` (not removed as a copy): the same slot of two sections the page
    repeats ("Pros:" then a line about each product, an FAQ restating a heading's question and its
    first sentence), each worded for its place. A pasted run that was edited goes with its other
    lines, which are removed as copies."""
    for step in (-1, 1):
        x, y = source + step, i + step
        if x != i and y != source and 0 <= y < len(keys) and keys[x] == keys[y] and y not in gone:
            return True
    return False


#: A block resembling this many other blocks of the page (besides its near copy and its own
#: neighbours) at a bigram Jaccard of at least :data:`TEMPLATE_JACCARD` is an item of a template
#: the page fills in (the blurb of each product, each hotel's "features in my top 10 lists of ..."),
#: and a near match of it is another item, not a copy. benchmarks/duplicates.py (tune), near matches
#: before this rule: 22 of the 62 genuine lines removed as near copies had 2 or more such relatives,
#: 13 of the 1,139 injected edited copies; 1 relative: 13 genuine, 25 copies.
TEMPLATE_RELATIVES = 2
#: 0.2: the Jaccard an edited copy of a 12-word paragraph still reaches at least.
TEMPLATE_JACCARD = 0.2


def _template_item(
    source: int, i: int, seqs: list[npt.NDArray[Any]], sets: dict[int, npt.NDArray[Any]]
) -> bool:
    """Whether ``source`` has :data:`TEMPLATE_RELATIVES` relatives (see there) other than ``i``;
    ``sets`` caches the blocks' distinct bigram hashes."""

    def grams(j: int) -> npt.NDArray[Any]:
        if j not in sets:
            sets[j] = distinct(seqs[j])
        return sets[j]

    mine = grams(source)
    found = 0
    for j in range(len(seqs)):
        if abs(j - source) <= 1 or j == i or not len(seqs[j]):
            continue
        other = grams(j)
        shared = int(np.count_nonzero(np.isin(other, mine, assume_unique=True)))
        if shared and shared >= TEMPLATE_JACCARD * (len(mine) + len(other) - shared):
            found += 1
            if found >= TEMPLATE_RELATIVES:
                return True
    return False


def _is_variant(a: str, b: str) -> bool:
    """A typo of the word, or another form of it (same first :data:`STEM_CHARS` characters, or all
    of the shorter one but its last: "ally"/"allies")."""
    if _is_typo(a, b):
        return True
    if any(c.isdigit() for c in a + b):
        return False
    short = min(len(a), len(b))
    prefix = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), short)
    return prefix >= STEM_CHARS or (short >= TYPO_MIN_CHARS and prefix >= short - 1)


def _is_typo(a: str, b: str) -> bool:
    if any(c.isdigit() for c in a + b) or min(len(a), len(b)) < TYPO_MIN_CHARS:
        return False
    limit = 2 if min(len(a), len(b)) >= TYPO_LONG_CHARS else 1
    return _edit_distance(a, b, limit) <= limit


def _new_edits(mine: list[str], source: list[str]) -> int:
    """In how many places ``mine`` brings words its source does not have: words inserted, or words
    replaced by other than a variant of them (:func:`_is_variant`). Changes less than
    :data:`EDIT_JOIN` units apart are one place (a replaced clause that happens to keep a "the" of
    the old one). Words dropped and typos bring nothing new: a copy may be condensed (the seeds'
    edited copy drops two clauses) and mistyped; a different text of the same template differs in
    several places."""
    sm = difflib.SequenceMatcher(a=source, b=mine, autojunk=False)
    places = 0
    new_here = False
    last_end = -EDIT_JOIN - 1  # position in ``mine`` after the last change
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        if j1 - last_end > EDIT_JOIN:  # a new place
            places += new_here
            new_here = False
        new_here = (
            new_here
            or tag == "insert"
            or (tag == "replace" and not (i2 - i1 == j2 - j1 == 1 and _is_variant(source[i1], mine[j1])))
        )
        last_end = j2
    return places + new_here


@lru_cache(maxsize=CACHE_SIZE)
def _cased_units(text: str) -> tuple[str, ...]:
    """:func:`dedupe.shapes.units` with their case (the same tokens, not case-folded)."""
    return tuple(WORD_RE.findall(spaced(unicodedata.normalize("NFKC", text).replace("’", "'"))))


def _is_name(word: str) -> bool:
    """A capitalised word or a number: what differs between two items of one template."""
    return word[:1].isupper() or any(c.isdigit() for c in word)


def _templated(mine: str, source: str, short: bool) -> bool:
    """``mine`` differs from ``source`` only by whole words swapped for others: names and numbers for
    other names and numbers (short function words aside), or, in a ``short`` block, in two places or
    more for as many words, or in one place one word for one that is not a variant of it. Another item of the
    same template ("We are looking for a site engineer to join our growing team in Glasgow" /
    "... a data analyst to join our friendly team in Leeds"; "The 3rd Annual Baltimore Summit is the
    must-attend event ..." / "The 10th Annual Denver Summit ..."), not an edited copy."""
    a, b = list(_cased_units(source)), list(_cased_units(mine))
    sm = difflib.SequenceMatcher(a=[w.casefold() for w in a], b=[w.casefold() for w in b], autojunk=False)
    ops = [op for op in sm.get_opcodes() if op[0] != "equal"]
    if not ops or any(tag != "replace" for tag, *_ in ops):
        return False
    swapped = [a[i1:i2] + b[j1:j2] for _, i1, i2, j1, j2 in ops]
    if (
        any(w[:1].isupper() for words in swapped for w in words)
        and all(all(_is_name(w) or len(w) <= NAME_GLUE for w in words) for words in swapped)
        and not any(i2 - i1 == j2 - j1 == 1 and _is_variant(a[i1].casefold(), b[j1].casefold())
                    for _, i1, i2, j1, j2 in ops)
    ):  # fmt: skip
        return True
    if not short or any(i2 - i1 != j2 - j1 for _, i1, i2, j1, j2 in ops):
        return False
    if len(ops) > 1:
        return True
    _, i1, i2, j1, _ = ops[0]
    return i2 - i1 == 1 and not _is_variant(a[i1].casefold(), b[j1].casefold())


@dataclass
class _Block:
    text: str
    key: str
    n: int  # units


@register("duplicates")
class DuplicateStage:
    name = "duplicates"

    def __init__(self, config: Config) -> None:
        self.cfg: DuplicateConfig = config.duplicates

    def run(self, ctx: Context) -> None:
        cfg = self.cfg
        alive = ctx.alive()
        blocks = [_Block(ctx.blocks[k].text, unit_key(ctx.blocks[k].text), 0) for k in alive]
        for b in blocks:
            b.n = unit_count(b.text)
        keys = [b.key for b in blocks]
        counts = Counter(keys)
        structural = {
            b.key for b in blocks if counts[b.key] >= cfg.structure_repeats and not _is_prose(b.text, b.n)
        }
        texts = [b.text for b in blocks]
        runs = _runs(keys, cfg.min_run, structural, texts, card_fields(texts, cfg.structure_repeats))
        title = 0 if blocks and 1 <= blocks[0].n <= TITLE_MAX_WORDS else None
        title_keys = title_cores(blocks[0].text) if title is not None else set()
        near = self._near_candidates(blocks)
        seqs = bigram_hashes(texts)
        first: dict[str, int] = {}
        grams: dict[int, npt.NDArray[Any]] = {}  # surviving blocks: sorted distinct bigram hashes
        copies: list[tuple[int, dict[str, Any]]] = []  # near copies found, decided at the end

        gone: set[int] = set()  # removed by the rules above the near ones

        def remove(i: int, source: int, **evidence: Any) -> None:
            gone.add(i)
            ctx.remove(alive[i], "duplicate.within", self.name,
                       duplicate_of=[ctx.doc_id, ctx.blocks[alive[source]].index], **evidence)  # fmt: skip

        for i, b in enumerate(blocks):
            if i in runs:
                src, length = runs[i]
                remove(i, src, similarity=1.0, match="run", run_length=length)
                continue
            earlier = first.setdefault(b.key, i)
            if earlier != i:
                if not _card_field(keys, earlier, i, structural):
                    self._exact(i, earlier, b, counts[b.key], b.key in structural, title, remove)
                continue  # an exact repeat is decided above, never by the near rules
            if title is not None and i > title and title_cores(b.text) & title_keys:
                remove(i, title, similarity=1.0, match="title")
                continue
            cands = sorted(j for j in near.get(i, ()) if j < i and j in grams)
            found = self._near(ctx, alive, i, blocks, seqs, cands, grams, texts) if cands else None
            if found is not None:
                copies.append((i, found))
                continue
            grams[i] = distinct(seqs[i])
        # A block with near copies of it in two or more places is a template the page fills in
        # (the same sentence about each item, a different item each time): structure, as a line
        # recurring three times is.
        family = Counter(ev["duplicate_of"][1] for _, ev in copies if ev["match"] == "near")
        position = {ctx.blocks[k].index: p for p, k in enumerate(alive)}
        sets: dict[int, npt.NDArray[Any]] = {}
        for i, ev in copies:
            if ev["match"] == "near":
                if family[ev["duplicate_of"][1]] + 1 >= cfg.structure_repeats:
                    continue
                src = position[ev["duplicate_of"][1]]
                if _same_slot(keys, src, i, gone) or _template_item(src, i, seqs, sets):
                    continue
            ctx.remove(alive[i], "duplicate.within", self.name, **ev)

    def _exact(
        self, i: int, earlier: int, b: _Block, count: int, structural: bool, title: int | None, remove: Any
    ) -> None:
        cfg = self.cfg
        if earlier == title and (count < cfg.structure_repeats or b.n >= TITLE_MIN_WORDS):
            remove(i, earlier, similarity=1.0, match="title")
        elif structural:
            return  # page structure: kept
        elif b.n >= cfg.min_words_exact and not (b.n < SHORT_LINE_WORDS and i - earlier > SHORT_LINE_GAP):
            remove(i, earlier, similarity=1.0, match="exact")

    def _near_candidates(self, blocks: list[_Block]) -> dict[int, set[int]]:
        """``{position: candidate positions}`` for every block long enough for near matching:
        blocks (of any length: the sources of a merge may be short lines) one of whose units shares
        an LSH band with it (the units are the blocks and their sentences)."""
        cfg = self.cfg
        texts: list[str] = []
        owners: list[int] = []
        queries: list[bool] = []
        for i, b in enumerate(blocks):
            if b.n < 2:
                continue
            query = b.n >= cfg.min_words_near and not _TABLE_ROW.match(b.text)
            texts.append(spaced(b.text))
            owners.append(i)
            queries.append(query)
            if query:
                for sent in _near_sentences(b.text, cfg.min_words_near):
                    texts.append(spaced(sent))
                    owners.append(i)
                    queries.append(False)
        return candidates(
            texts, owners, queries, threshold=cfg.lsh_threshold, num_perm=cfg.num_perm, ngram=cfg.ngram
        )

    def _allowed_gaps(self, n_bigrams: int) -> int:
        return max(1, n_bigrams // self.cfg.gap_bigrams)

    def _near(
        self,
        ctx: Context,
        alive: list[int],
        i: int,
        blocks: list[_Block],
        seqs: list[npt.NDArray[Any]],
        cands: list[int],
        grams: dict[int, npt.NDArray[Any]],
        texts: list[str],
    ) -> dict[str, Any] | None:
        """The evidence that block ``i`` is a near copy of one of ``cands`` (or of two adjacent
        blocks fused), or None."""
        cfg = self.cfg
        seq = seqs[i]
        single = {j: overlap(seq, grams[j]) for j in cands}
        best = max(cands, key=lambda j: (single[j].containment, -j))
        sources = [best]
        ov: Overlap | None = single[best]
        if not self._passes(single[best], i, [best], seqs, texts, cfg.min_shared):
            # Two adjacent earlier blocks fused into this one: a candidate and its neighbour (which
            # may be a short heading that shares too few bigrams to be a candidate itself).
            ov = None
            found = distinct(seq)
            for j in sorted(cands, key=lambda j: -single[j].shared)[:MERGE_TRIES]:
                for a, b in ((j - 1, j), (j, j + 1)):
                    if a not in grams or b not in grams or b >= i:
                        continue
                    if min(_share_in(grams[a], found), _share_in(grams[b], found)) < MERGE_SHARE:
                        continue
                    union = overlap(seq, np.union1d(grams[a], grams[b]))
                    if union.shared <= max(single[c].shared if c in single else 0 for c in (a, b)):
                        continue  # the second block adds nothing
                    if self._passes(union, i, [a, b], seqs, texts, cfg.min_shared) and (
                        ov is None or union.containment > ov.containment
                    ):
                        ov, sources = union, [a, b]
        if ov is None:
            return None
        mine = blocks[i]
        if mine.n < NUMBERED_ITEM_MAX_WORDS:
            theirs = {n for j in sources for n in _NUMBER.findall(blocks[j].text)}
            if theirs and set(_NUMBER.findall(mine.text)) - theirs:
                return None  # its numbers for others: another item (a source without any: an edit)
        if len(sources) == 1 and _templated(mine.text, blocks[best].text, mine.n < NUMBERED_ITEM_MAX_WORDS):
            return None
        evidence: dict[str, Any] = {
            "duplicate_of": [ctx.doc_id, ctx.blocks[alive[sources[0]]].index],
            "similarity": ov.containment,
            "gaps": ov.gaps,
            "threshold": cfg.containment,
            "match": "near",
        }
        if len(sources) > 1:
            evidence["match"] = "merged"
            evidence["merged_from"] = [[ctx.doc_id, ctx.blocks[alive[j]].index] for j in sources]
        return evidence

    def _passes(
        self,
        ov: Overlap,
        i: int,
        sources: list[int],
        seqs: list[npt.NDArray[Any]],
        texts: list[str],
        min_shared: int,
    ) -> bool:
        """A copy of ``sources``: enough of it found there, missing in few places, not an excerpt of
        the source nor the source with something added (:func:`is_extension`), and new words
        brought in few places (:func:`_new_edits`)."""
        seq = seqs[i]
        if not (ov.containment >= self.cfg.containment and ov.shared >= min_shared):
            return False
        if len(sources) == 1 and _share_in(distinct(seqs[sources[0]]), distinct(seq)) < self.cfg.coverage:
            return False  # a part of a longer block (a pull quote, a summary line), not a copy of it
        if ov.gaps > self._allowed_gaps(len(seq)):
            return False
        if is_extension(seq, [seqs[j] for j in sources]):
            return False
        mine = units(texts[i])
        theirs = [u for j in sources for u in units(texts[j])]
        if len(sources) == 1 and is_excerpt(mine, theirs):
            return False
        return _new_edits(mine, theirs) <= max(1, len(mine) // self.cfg.edit_words)


#: A block that holds its source whole (losing at most this many of the source's bigrams, the ones
#: its additions cut) and adds at least :data:`EXTENSION_MIN_NEW` bigrams of its own, and at least
#: :data:`EXTENSION_MIN_SHARE` of its bigrams, says more than its source: a lede that repeats the
#: title and goes on, a paragraph continued by a new sentence. It is not a copy. An added word adds
#: two bigrams and cuts one; a replaced clause cuts several; a heading fused to a long paragraph
#: adds a few percent.
EXTENSION_MAX_LOST = 1
EXTENSION_MIN_NEW = 3
EXTENSION_MIN_SHARE = 0.1


#: A block that is its source with at least this many units cut from its head or tail, and nothing
#: else changed but :data:`EXCERPT_EDITS` edits, is an excerpt of it: a quotation taken out of the
#: sentence that introduced it ('It adds: "..."' / '"..."'), a teaser cut short ("... a fully
#: curated …"), a list item that repeats a table cell without its label, a sentence of a longer
#: paragraph. A pasted copy is the whole block (a word dropped inside it is an edit,
#: :func:`_new_edits`). 2: one unit cut is a number or a bullet ("1." before a repeated sentence),
#: the lone word a drop edit may take. Benchmarks/duplicates.py (tune): 13 of the 76 genuine lines
#: lost within documents were such excerpts; no injected copy is one.
EXCERPT_MIN_CUT = 2
#: An excerpt may differ from the stretch of its source in this many places besides the cut: a
#: number put before a sentence taken from a paragraph ("1." for "TLDR:"), a typo, an apostrophe lost
#: ("it s"). Benchmarks/duplicates.py (tune): 4 of the 41 genuine lines removed as near copies
#: were excerpts with one such edit; no injected copy is a cut source (edited copies keep the whole
#: source, :func:`dedupe.stages.duplicates` module docstring).
EXCERPT_EDITS = 1


def is_excerpt(mine: list[str], source: list[str]) -> bool:
    """Whether the units ``mine`` are a stretch of ``source``: the source less at least
    :data:`EXCERPT_MIN_CUT` units at its head or tail (or both), changed in at most
    :data:`EXCERPT_EDITS` other places, each of one unit (see there), and perhaps followed (or
    preceded) by words of its own at the end the source was not cut at: a quotation, then the
    attribution of the post it was taken from ("... Posted by A. Name on 24 December").
    """
    if not mine:
        return False
    matcher = difflib.SequenceMatcher(a=source, b=mine, autojunk=False)
    cut = [0, 0]  # units of the source left out at its head, at its tail
    added = [False, False]  # words of its own before, after the stretch
    edits = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        end = 0 if i1 == j1 == 0 else 1 if (i2 == len(source) and j2 == len(mine)) else None
        if tag == "delete" and end is not None:
            cut[end] += i2 - i1
        elif tag == "insert" and end is not None and j2 - j1 > 1:
            added[end] = True
        elif i2 - i1 <= 1 and j2 - j1 <= 1:
            edits += 1
        else:
            return False
    if any(added[end] and cut[1 - end] < EXCERPT_MIN_CUT for end in (0, 1)):
        return False  # words added where nothing was cut: the source extended, not excerpted
    return sum(cut) >= EXCERPT_MIN_CUT and edits <= EXCERPT_EDITS


def _share_in(source: npt.NDArray[Any], mine: npt.NDArray[Any]) -> float:
    """The share of the (sorted distinct) bigram hashes ``source`` found in ``mine``."""
    return float(np.isin(source, mine, assume_unique=True).mean()) if len(source) else 0.0


def is_extension(seq: npt.NDArray[Any], sources: list[npt.NDArray[Any]]) -> bool:
    """Whether the block with bigram hashes ``seq`` is its sources plus something new."""
    mine = distinct(seq)
    theirs = distinct(np.concatenate(sources)) if len(sources) > 1 else distinct(sources[0])
    lost = int(np.count_nonzero(~np.isin(theirs, mine)))
    new = int(np.count_nonzero(~np.isin(mine, theirs)))
    return lost <= EXTENSION_MAX_LOST and new >= max(EXTENSION_MIN_NEW, EXTENSION_MIN_SHARE * len(mine))
