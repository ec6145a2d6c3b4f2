"""Context-free boilerplate rules as data: one table, one record per rule.

:data:`RULES` (in :mod:`dedupe.rules.table`) lists every rule in precedence order;
:func:`classify_line` gives a line the verdict of the first rule that takes it. The vocabularies the
rules share are in :mod:`dedupe.rules.vocab`, what a rule is in :mod:`dedupe.rules.core`.

``python -m dedupe.rules --markdown`` writes ``docs/algorithm.md`` from the table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, lru_cache

import regex

from .core import (
    REGEX_TIMEOUT,
    Contains,
    Custom,
    Line,
    Match,
    Phrase,
    Prefilter,
    Rule,
    Search,
    Test,
    table_hash,
)
from .gate import Gate, derive
from .table import RULES

__all__ = [
    "REGEX_TIMEOUT",
    "RULES",
    "Line",
    "Rule",
    "classify_line",
    "first_rule",
    "plan",
    "rules_hash",
]

#: Distinct lines whose verdict is remembered (per process).
CACHE_SIZE = 1 << 15


class _Phrases:
    """Adjacent :class:`~dedupe.rules.core.Phrase` rules matched by one regex, the alternation of
    all their phrases; only a line it matches is tried against each rule in turn, to name the
    first that takes it. (Named groups per rule would name it in one search, but make the regex
    module backtrack for milliseconds on some lines.)"""

    def __init__(self, rules: Sequence[Rule]) -> None:
        tests = [r.test for r in rules]
        first = tests[0]
        assert isinstance(first, Phrase) and all(isinstance(t, Phrase) for t in tests)
        self.on = first.on
        body = "|".join(t.body for t in tests if isinstance(t, Phrase))
        self.pattern = regex.compile(rf"^(?:{body})\s*$", first.flags)
        self.rules = tuple(rules)

    def __call__(self, line: Line) -> Rule | None:
        if (
            self.pattern.match(line.text if self.on == "text" else line.unframed, timeout=REGEX_TIMEOUT)
            is None
        ):
            return None
        return next((r for r in self.rules if r.test(line)), None)


#: One step of a plan: word limit, whether numbers count, a test of the lower-cased line (a
#: :class:`~dedupe.rules.core.Contains` prefilter, given the string directly), the gate derived
#: from the step's pattern (:mod:`dedupe.rules.gate`), another prefilter, the rule (None for fused
#: phrases) and its test (for fused phrases, a function giving the rule that matched).
Step = tuple[
    float,
    bool,
    "Callable[[str], object] | None",
    "Gate | None",
    "Prefilter | None",
    "Rule | None",
    Callable[[Line], object],
]


def _fusable(a: Rule, b: Rule) -> bool:
    ta, tb = a.test, b.test
    return (
        isinstance(ta, Phrase)
        and isinstance(tb, Phrase)
        and (ta.flags, ta.on) == (tb.flags, tb.on)
        and (a.max_words, a.count, a.prefilter, b.prefilter) == (b.max_words, b.count, None, None)
    )


def _gate(test: Test) -> Gate | None:
    """The gate derived from a test's pattern (a :class:`~dedupe.rules.core.Custom` test: from the
    pattern it declares it requires, if any)."""
    if isinstance(test, Match):
        return derive(test.pattern, True, test.on)
    if isinstance(test, Search):
        return derive(test.pattern, False)
    if isinstance(test, Custom) and test.requires is not None:
        return derive(test.patterns[0], test.requires == "match")
    return None


@cache
def plan(rules: tuple[Rule, ...] = RULES) -> tuple[Step, ...]:
    """The table as steps to run: each rule on its own, except runs of adjacent phrase rules with
    the same limits, which are one regex (the same verdicts, one search instead of many)."""
    steps: list[Step] = []
    i = 0
    while i < len(rules):
        j = i + 1
        while j < len(rules) and _fusable(rules[i], rules[j]):
            j += 1
        r = rules[i]
        limit = float("inf") if r.max_words is None else float(r.max_words)
        numbers = r.count == "words_not_numbers"
        pre = r.prefilter
        low_search = pre.found_in if isinstance(pre, Contains) else None
        if low_search is not None:
            pre = None
        if j - i > 1:
            fused = _Phrases(rules[i:j])
            steps.append(
                (limit, numbers, low_search, derive(fused.pattern, True, fused.on), pre, None, fused)
            )
        else:
            steps.append((limit, numbers, low_search, _gate(r.test), pre, r, r.test))
        i = j
    return tuple(steps)


@cache
def _by_length(steps: tuple[Step, ...]) -> tuple[tuple[Step, ...], ...]:
    """For each word count up to the largest finite limit (and one past it, for all longer lines),
    the steps whose limit lets such a line through: the loop below then skips nothing in vain."""
    top = int(max((s[0] for s in steps if s[0] != float("inf")), default=0))
    return tuple(tuple(s for s in steps if s[1] or n <= s[0]) for n in range(top + 2))


def first_rule(text: str, rules: tuple[Rule, ...] = RULES) -> Rule | None:
    """The first rule of ``rules`` that takes the line, or None. A pattern that runs out of time
    (:data:`REGEX_TIMEOUT`) ends the search: a pathological line is left alone."""
    line = Line(text)
    n = line.n
    if n == 0:
        return None
    by_length = _BY_LENGTH if rules is RULES else _by_length(plan(rules))
    low = line.low
    try:
        for limit, numbers, low_search, gate, prefilter, rule, test in by_length[min(n, len(by_length) - 1)]:
            # (words that are not numbers are at most all words: counted only when needed)
            if numbers and n > limit and line.n_not_numbers > limit:
                continue
            if low_search is not None and not low_search(low):
                continue
            if gate is not None and not gate(line):
                continue
            if prefilter is not None and not prefilter(line):
                continue
            if rule is None:
                hit = test(line)
                if hit is not None:
                    return hit  # type: ignore[return-value]
            elif test(line):
                return rule
    except TimeoutError:
        return None
    return None


_BY_LENGTH = _by_length(plan(RULES))


@lru_cache(maxsize=CACHE_SIZE)
def classify_line(line: str) -> tuple[str, str] | None:
    """Return ``(reason, rule name)`` if the line alone is boilerplate, else None."""
    rule = first_rule(line)
    return None if rule is None else (rule.reason, rule.name)


@cache
def rules_hash() -> str:
    """sha256 of the rule table (names, reasons, limits, prefilters, patterns, order)."""
    return table_hash(RULES)
