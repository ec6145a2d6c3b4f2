"""Gates derived from a rule's own pattern: what a line must start with or contain for it to match.

Most lines are body text that no rule takes, and a rule's regex costs 20-170 us on a long line
(the ``regex`` module's case-insensitive alternations with full case folding); a substring test
costs well under a microsecond. :func:`derive` reads a pattern's syntax tree and returns a
:class:`Gate` -- the literal prefixes one of which every match starts with (an anchored pattern),
or the literal strings one of which every match contains -- or None when it cannot prove one.
The gate is derived from the pattern, never written by hand, so it cannot drift from it; it only
ever skips a test that could not have matched (``tests/test_rule_gates.py`` checks it against
every rule's examples and random lines).

Soundness, case by case:

* The tree is parsed by the standard library's parser (``re._parser``). Syntax of the ``regex``
  module that it does not read the same way is refused (no gate): nested sets and set operations
  of VERSION1, fuzzy constraints; ``\\p{..}``/``\\P{..}`` are read as ``\\w``/``\\W`` (no literal is
  taken from them); anything it cannot parse gives no gate.
* A case-insensitive literal is compared with the line's :meth:`str.casefold` (full case folding,
  what the ``regex`` module's ``IGNORECASE`` uses): a substring the pattern matches folds to the
  literal's folding. Only its ASCII part is used (one supplementary-plane character matches "ß"
  in the ``regex`` module without folding to "ss"; checked over all of Unicode when this was
  written).
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Sequence
from typing import Any, Literal

import regex

from .core import Line

# The standard library's regex parser (Python 3.11 moved it from sre_parse, deprecated since).
_p: Any = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")
_c: Any = importlib.import_module("re._constants" if sys.version_info >= (3, 11) else "sre_constants")

__all__ = ["Gate", "derive"]

#: A needle: the literal, and whether it is compared case-insensitively (with the folded line).
Needle = tuple[str, bool]

#: More needles than this and the gate costs about what the pattern does: a substring test of a
#: needle costs 30-200 ns (a line of 10 to 80 words), the patterns that have that many needles
#: (the fused fixed phrases: 214) 40-170 us on a line of body text (cProfile of 2 MB of the
#: throughput corpus, see the commit that added this module).
MAX_NEEDLES = 256
#: A needle of one or two characters passes many lines: more than FEW_NEEDLES needles must be at
#: least this long to make a contains-gate worth its cost.
MIN_CONTAINED = 3
FEW_NEEDLES = 4
#: Conjunctions of at most this many needle sets (each a substring scan of the line).
MAX_SETS = 3

_PROPERTY = re.compile(r"\\([pP])\{[^}]*\}")
#: Fuzzy constraints ("(?:foo){e<=1}") read as literal braces by the standard parser.
_FUZZY = re.compile(r"\{(?![\d,])")


def _readable(pattern: regex.Pattern[str]) -> str | None:
    """The pattern in syntax the standard parser reads the same way, or None."""
    src = _PROPERTY.sub(lambda m: "\\w" if m.group(1) == "p" else "\\W", pattern.pattern)
    if _FUZZY.search(src.replace("\\{", "")):
        return None
    # VERSION1 reads "[" inside a set as a nested set ("[[a-z]--[aeiou]]"); refuse it anywhere.
    in_class, i = False, 0
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "[":
                return None
            if ch == "]" and src[i - 1] != "[" and src[i - 2 : i] != "[^":
                in_class = False
        elif ch == "[":
            in_class = True
        i += 1
    return src


def _needle(text: str, ci: bool) -> Needle:
    if ci:
        ascii_run = re.match(r"[\x00-\x7f]*", text)
        text = (ascii_run.group(0) if ascii_run else "").casefold()
    return text, ci


def _flags(ci: bool, add: int, remove: int) -> bool:
    if add & _c.SRE_FLAG_IGNORECASE:
        return True
    if remove & _c.SRE_FLAG_IGNORECASE:
        return False
    return ci


def _prefixes(items: Sequence[Any], i: int, ci: bool) -> set[Needle] | None:
    """Literal prefixes one of which every match of ``items[i:]`` starts with (None: unknown)."""
    if i >= len(items):
        return None
    op, av = items[i]
    if op is _c.AT and av in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING):
        return _prefixes(items, i + 1, ci)
    if op is _c.LITERAL:
        j = i
        while j < len(items) and items[j][0] is _c.LITERAL:
            j += 1
        return {_needle("".join(chr(v) for _, v in items[i:j]), ci)}
    if op is _c.SUBPATTERN:
        _, add, remove, body = av
        return _prefixes(list(body), 0, _flags(ci, add, remove))
    if op is _c.ATOMIC_GROUP:
        return _prefixes(list(av), 0, ci)
    if op is _c.BRANCH:
        out: set[Needle] = set()
        for alt in av[1]:
            sub = _prefixes(list(alt), 0, ci)
            if sub is None:
                return None
            out |= sub
        return out
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, _, body = av
        first = _prefixes(list(body), 0, ci)
        if first is None or low >= 1:
            return first
        rest = _prefixes(items, i + 1, ci)
        return None if rest is None else first | rest
    if op is _c.IN:
        chars = [v for o, v in av if o is _c.LITERAL]
        if any(o is not _c.LITERAL for o, _ in av):
            return None
        return {_needle(chr(v), ci) for v in chars}
    return None


def _required(items: Sequence[Any], ci: bool) -> list[set[Needle]]:
    """Sets of literals such that every match of ``items`` contains one literal of each set (an
    empty list: nothing is known)."""
    found: list[set[Needle]] = []
    i = 0
    while i < len(items):
        op, av = items[i]
        if op is _c.LITERAL:
            j = i
            while j < len(items) and items[j][0] is _c.LITERAL:
                j += 1
            found.append({_needle("".join(chr(v) for _, v in items[i:j]), ci)})
            i = j
            continue
        if op is _c.SUBPATTERN:
            _, add, remove, body = av
            found += _required(list(body), _flags(ci, add, remove))
        elif op is _c.ATOMIC_GROUP:
            found += _required(list(av), ci)
        elif op is _c.BRANCH:
            # One literal of the branch's alternatives: the best set of each alternative, joined.
            union: set[Needle] | None = set()
            for alt in av[1]:
                best = _best(_required(list(alt), ci))
                if best is None or union is None:
                    union = None
                    break
                union |= best
            if union:
                found.append(union)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
            found += _required(list(av[2]), ci)
        i += 1
    return [f for f in found if f and all(n for n, _ in f)]


def _best(sets: list[set[Needle]]) -> set[Needle] | None:
    """The most selective of ``sets``: the longest shortest needle, then the fewest needles."""
    return max(sets, key=lambda c: (min(len(n) for n, _ in c), -len(c)), default=None)


def _useful(needles: set[Needle]) -> bool:
    """Worth testing: a few needles (even one character: "/" or "@" spares most lines), or needles
    long enough to be rare in body text."""
    shortest = min(len(n) for n, _ in needles)
    return len(needles) <= MAX_NEEDLES and (len(needles) <= FEW_NEEDLES or shortest >= MIN_CONTAINED)


class Gate:
    """A line passes if its text (``on``) starts with one of the needles of ``sets[0]``
    (``kind="prefix"``) or contains one needle of every set (``kind="contains"``); case-insensitive
    needles are compared with the folded text.

    Args:
        kind: ``prefix`` or ``contains``.
        on: ``text`` (the line) or ``unframed`` (:attr:`dedupe.rules.core.Line.unframed`).
        sets: The needle sets, each needle with its case-insensitivity.
    """

    def __init__(self, kind: Literal["prefix", "contains"], on: str, sets: list[set[Needle]]) -> None:
        self.kind = kind
        self.on = on
        self.sets = tuple(
            (tuple(sorted(n for n, ci in needles if ci)), tuple(sorted(n for n, ci in needles if not ci)))
            for needles in sets
        )

    def __call__(self, line: Line) -> bool:
        """The test on the line (its text or its unframed text, and their casefold)."""
        if self.on == "unframed":
            return self.passes(line.unframed, line.folded_unframed)
        return self.passes(line.text, line.folded)

    def passes(self, text: str, folded: str) -> bool:
        """The test on a text and its casefold."""
        if self.kind == "prefix":
            folds, exact = self.sets[0]
            return folded.startswith(folds) or text.startswith(exact)
        return all(
            any(map(folded.__contains__, folds)) or any(map(text.__contains__, exact))
            for folds, exact in self.sets
        )

    def describe(self) -> str:
        parts = []
        for folds, exact in self.sets:
            parts.append(" | ".join([repr(n) for n in folds] + [repr(n) + " (case)" for n in exact]))
        return f"{self.kind} of {self.on}: " + " and ".join(f"({p})" for p in parts)


def derive(pattern: regex.Pattern[str], anchored: bool, on: str = "text") -> Gate | None:
    """The gate of ``pattern`` (``anchored``: it is matched at the start, ``pattern.match``), or
    None if no gate can be proven or it would not pay (too many or too short needles)."""
    src = _readable(pattern)
    if src is None:
        return None
    try:
        tree = _p.parse(src, pattern.flags & (_c.SRE_FLAG_IGNORECASE | _c.SRE_FLAG_VERBOSE))
    except (re.error, OverflowError, RecursionError, ValueError):
        return None
    items = list(tree)
    ci = bool(pattern.flags & regex.IGNORECASE)
    multiline = bool(pattern.flags & regex.MULTILINE)
    starts = bool(items) and items[0] == (_c.AT, _c.AT_BEGINNING) and not multiline
    if anchored or starts:
        found = _prefixes(items, 0, ci)
        if found and all(n for n, _ in found) and len(found) <= MAX_NEEDLES:
            return Gate("prefix", on, [found])
    # The cheapest sets first (fewest needles): a line failing one is not scanned for the others.
    sets = sorted((f for f in _required(items, ci) if _useful(f)), key=len)[:MAX_SETS]
    return Gate("contains", on, sets) if sets else None
