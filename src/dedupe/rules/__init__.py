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

from .core import REGEX_TIMEOUT, Line, Phrase, Prefilter, Rule, table_hash
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
    """Adjacent :class:`~dedupe.rules.core.Phrase` rules matched by one regex: each rule's phrases
    are a named group, in table order, so the group that matches is the first rule whose own
    pattern would (an alternation tries its branches in order)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        tests = [r.test for r in rules]
        assert all(isinstance(t, Phrase) for t in tests)
        first = tests[0]
        assert isinstance(first, Phrase)
        self.on = first.on
        body = "|".join(f"(?P<r{i}>{t.body})" for i, t in enumerate(tests) if isinstance(t, Phrase))
        self.pattern = regex.compile(rf"^(?:{body})\s*$", first.flags)
        self.rules = {f"r{i}": r for i, r in enumerate(rules)}

    def __call__(self, line: Line) -> Rule | None:
        m = self.pattern.match(line.text if self.on == "text" else line.unframed, timeout=REGEX_TIMEOUT)
        return None if m is None or m.lastgroup is None else self.rules[m.lastgroup]


#: One step of a plan: word limit, whether numbers count, prefilter, the rule (None for fused
#: phrases) and its test (for fused phrases, a function giving the rule that matched).
Step = tuple[float, bool, "Prefilter | None", "Rule | None", Callable[[Line], object]]


def _fusable(a: Rule, b: Rule) -> bool:
    ta, tb = a.test, b.test
    return (
        isinstance(ta, Phrase)
        and isinstance(tb, Phrase)
        and (ta.flags, ta.on) == (tb.flags, tb.on)
        and (a.max_words, a.count, a.prefilter, b.prefilter) == (b.max_words, b.count, None, None)
    )


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
        if j - i > 1:
            steps.append((limit, numbers, r.prefilter, None, _Phrases(rules[i:j])))
        else:
            steps.append((limit, numbers, r.prefilter, r, r.test))
        i = j
    return tuple(steps)


def first_rule(text: str, rules: tuple[Rule, ...] = RULES) -> Rule | None:
    """The first rule of ``rules`` that takes the line, or None. A pattern that runs out of time
    (:data:`REGEX_TIMEOUT`) ends the search: a pathological line is left alone."""
    line = Line(text)
    n = line.n
    if n == 0:
        return None
    try:
        for limit, numbers, prefilter, rule, test in _PLAN if rules is RULES else plan(rules):
            # (words that are not numbers are at most all words: counted only when needed)
            if n > limit and (not numbers or line.n_not_numbers > limit):
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


_PLAN = plan(RULES)


@lru_cache(maxsize=CACHE_SIZE)
def classify_line(line: str) -> tuple[str, str] | None:
    """Return ``(reason, rule name)`` if the line alone is boilerplate, else None."""
    rule = first_rule(line)
    return None if rule is None else (rule.reason, rule.name)


@cache
def rules_hash() -> str:
    """sha256 of the rule table (names, reasons, limits, prefilters, patterns, order)."""
    return table_hash(RULES)
