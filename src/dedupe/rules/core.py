"""What a context-free rule is: a record with a name, a reason, the observation behind it, its word
limit, a cheap prefilter, the test itself, and examples it must hit and counterexamples it must not.

The table of rules is :data:`dedupe.rules.table.RULES`; this module holds the pieces it is built
from. A test and a prefilter are small objects rather than bare functions so that the table can be
hashed (the fingerprint written into every output), documented (``docs/algorithm.md``) and checked
(the prefilter of a rule must never reject a line its test accepts).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import regex

from ..shapes import split_words, word_count

__all__ = [
    "REGEX_TIMEOUT",
    "Contains",
    "Custom",
    "Line",
    "Match",
    "Phrase",
    "Prefilter",
    "Rule",
    "Search",
    "StartsWith",
    "Test",
    "Where",
    "alternatives",
    "literal_prefix",
    "table_hash",
    "word_starts",
]

#: Case-insensitive, Unicode, full case folding.
F = regex.IGNORECASE | regex.UNICODE | regex.VERSION1
#: Simple case folding (VERSION0) for the patterns that mix a case-insensitive alternation with
#: case-sensitive capitals: VERSION1's full case folding makes them backtrack for milliseconds on
#: a line of capitalised words (5.7 ms against 40 us). They only hold ASCII and Latin letters whose
#: simple and full case foldings agree.
F_SIMPLE_CASE = regex.IGNORECASE | regex.UNICODE | regex.VERSION0

#: Every pattern runs with this time limit (seconds); a pathological line is left alone (a rule
#: that times out ends the classification of the line: no verdict). The limit is wall-clock time
#: (the regex module's), so it is a last resort far above any normal match: at 0.05 s, a 10 MB run
#: at load 8-11 on two cores gave different outputs with one and two workers (a descheduled
#: process let ordinary lines time out). Pathological lines are bounded first by the work limits
#: (config.MAX_CHARS, MAX_BLOCKS) and the rules' linear patterns.
REGEX_TIMEOUT = 1.0

#: A fixed phrase is matched without the table-cell bars and bullets around it ("||Back to top ||",
#: "- Read more", "|weiterlesen …|").
EDGES = regex.compile(r"^[\s|•·*>»-]+|(?:[\s|…»›→]|\.\.\.)+$")


class Line:
    """A line being classified, with the views of it the rules ask for, each computed once."""

    __slots__ = ("_folded", "_folded_unframed", "_unframed", "head", "low", "n", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        #: The line split into words as written (:func:`dedupe.shapes.split_words`).
        self.words = split_words(text)
        #: How many words (:func:`dedupe.shapes.word_count`: in scripts without spaces, characters
        #: counted by the word).
        self.n = word_count(text)
        #: The line in lower case (what the prefilters look at).
        self.low = text.lower()
        #: The lower-cased line without its leading whitespace.
        self.head = self.low.lstrip()
        self._unframed: str | None = None
        self._folded: str | None = None
        self._folded_unframed: str | None = None

    @property
    def unframed(self) -> str:
        """The line without table-cell bars, bullets and trailing arrows (:data:`EDGES`)."""
        if self._unframed is None:
            self._unframed = EDGES.sub("", self.text)
        return self._unframed

    @property
    def folded(self) -> str:
        """The line case-folded (:meth:`str.casefold`: what the derived gates compare with)."""
        if self._folded is None:
            self._folded = self.text.casefold()
        return self._folded

    @property
    def folded_unframed(self) -> str:
        """:attr:`unframed`, case-folded."""
        if self._folded_unframed is None:
            self._folded_unframed = self.unframed.casefold()
        return self._folded_unframed

    @property
    def n_not_numbers(self) -> int:
        """Words that are not numbers."""
        return self.n - sum(w.isdigit() for w in self.words)


def _pattern_key(p: regex.Pattern[str]) -> str:
    return f"{p.flags}:{p.pattern}"


class Test:
    """The test of a rule: ``test(line) -> bool``."""

    #: The patterns the test uses (hashed into the fingerprint, shown in the docs).
    patterns: tuple[regex.Pattern[str], ...] = ()

    def __call__(self, line: Line) -> bool:
        raise NotImplementedError

    def key(self) -> str:
        """A stable description of what the test does (for the table's hash)."""
        return type(self).__name__ + "|" + "|".join(map(_pattern_key, self.patterns))


class Match(Test):
    """The pattern matches at the start of the line (or of ``Line.<on>``, e.g. ``unframed``)."""

    def __init__(self, pattern: regex.Pattern[str], on: Literal["text", "unframed"] = "text") -> None:
        self.pattern = pattern
        self.patterns = (pattern,)
        self.on = on
        self._match = pattern.match
        self._unframed = on == "unframed"

    def __call__(self, line: Line) -> bool:
        return self._match(line.unframed if self._unframed else line.text, timeout=REGEX_TIMEOUT) is not None

    def key(self) -> str:
        return super().key() + f"|on={self.on}"


class Phrase(Match):
    """The whole line (by default without its cell bars and bullets, ``Line.unframed``) is one of
    the phrases of ``body`` (a regex alternation without capturing groups), then only whitespace.

    Adjacent phrase rules of the table with the same limits are matched by one regex (see
    :func:`dedupe.rules.plan`): the first of them whose phrases match names the verdict, as if each
    were tried in turn.
    """

    def __init__(self, body: str, flags: int = F, on: Literal["text", "unframed"] = "unframed") -> None:
        pattern = regex.compile(rf"^(?:{body})\s*$", flags)
        if pattern.groups:
            raise ValueError("a phrase body must not hold capturing groups: use (?:...)")
        super().__init__(pattern, on)
        self.body = body
        self.flags = flags


class Search(Test):
    """The pattern matches anywhere in the line."""

    def __init__(self, pattern: regex.Pattern[str]) -> None:
        self.pattern = pattern
        self.patterns = (pattern,)
        self._search = pattern.search

    def __call__(self, line: Line) -> bool:
        return self._search(line.text, timeout=REGEX_TIMEOUT) is not None


def _source_key(fn: Callable[..., object]) -> str:
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):  # no source (frozen app): the name has to do
        source = ""
    return f"{fn.__module__}.{fn.__qualname__}:{hashlib.sha256(source.encode()).hexdigest()[:16]}"


class Custom(Test):
    """A test written as a function of the :class:`Line`, using ``patterns`` (listed for the hash
    and the docs; the function's source is hashed too).

    ``requires`` declares that the function is true only if the first pattern matches the line's
    text at its start (``"match"``) or anywhere (``"search"``): the rule's gate is then derived from
    that pattern (:mod:`dedupe.rules.gate`; ``tests/test_rule_gates.py`` holds the function to it).
    """

    def __init__(
        self,
        fn: Callable[[Line], bool],
        *patterns: regex.Pattern[str],
        requires: Literal["match", "search"] | None = None,
    ) -> None:
        self.fn = fn
        self.patterns = patterns
        self.requires = requires

    def __call__(self, line: Line) -> bool:
        return self.fn(line)

    def key(self) -> str:
        return super().key() + "|" + _source_key(self.fn)


class Prefilter:
    """A cheap test a line must pass before the rule's test runs. It must never reject a line the
    test would accept: a prefilter only saves time."""

    def __call__(self, line: Line) -> bool:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


class Contains(Prefilter):
    """The lower-cased line contains one of ``needles``."""

    def __init__(self, *needles: str) -> None:
        self.needles = needles

    def found_in(self, low: str) -> bool:
        """True if one of the needles is in ``low`` (a lower-cased line)."""
        # map() over the bound method keeps the loop in C; each test is a fast substring search
        # (a regex alternation of the needles costs ~6 us on a line of 40 words).
        return any(map(low.__contains__, self.needles))

    def __call__(self, line: Line) -> bool:
        return self.found_in(line.low)

    def describe(self) -> str:
        return "contains one of " + ", ".join(repr(n) for n in self.needles)


class StartsWith(Prefilter):
    """The lower-cased line starts (after whitespace) with one of ``prefixes``."""

    def __init__(self, *prefixes: str) -> None:
        self.prefixes = prefixes

    def __call__(self, line: Line) -> bool:
        return line.head.startswith(self.prefixes)

    def describe(self) -> str:
        return "starts with one of " + ", ".join(repr(p) for p in self.prefixes)


class Where(Prefilter):
    """A prefilter written as a function of the :class:`Line`, with a description."""

    def __init__(self, fn: Callable[[Line], bool], description: str) -> None:
        self.fn = fn
        self.description = description

    def __call__(self, line: Line) -> bool:
        return self.fn(line)

    def describe(self) -> str:
        return self.description + " (" + _source_key(self.fn) + ")"


@dataclass(frozen=True, eq=False)
class Rule:
    """One context-free boilerplate rule: a row of :data:`dedupe.rules.table.RULES`.

    Attributes:
        name: Stable snake_case name, written into the evidence as ``rule`` (a family of one
            rule is ``family.member``, e.g. ``fixed_phrase.cookie_banner``).
        reason: The decision's reason, one of :data:`dedupe.reasons.REASONS`.
        observation: Why lines of this shape are boilerplate (one or two sentences; shown in
            ``docs/algorithm.md``).
        max_words: Longer lines are never judged by this rule (None: no limit).
        test: The test itself.
        prefilter: A cheap test that must pass first; it never rejects a line ``test`` accepts.
        examples: Lines this rule must take (each is the first rule in the table to match it).
        counterexamples: Lines no rule of the table may take (body text that looks close).
        count: What ``max_words`` counts: ``words``, or ``words_not_numbers`` (a row of page
            numbers is long but says little).
    """

    name: str
    reason: str
    observation: str
    max_words: int | None
    test: Test
    prefilter: Prefilter | None = None
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    count: Literal["words", "words_not_numbers"] = "words"
    _limit: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_limit", float("inf") if self.max_words is None else self.max_words)

    def __call__(self, line: Line) -> bool:
        """True if the rule takes the line (word limit, then prefilter, then test)."""
        n = line.n if self.count == "words" else line.n_not_numbers
        if n > self._limit:
            return False
        if self.prefilter is not None and not self.prefilter(line):
            return False
        return self.test(line)

    def key(self) -> str:
        """Everything that decides what the rule takes (for the table's hash)."""
        pre = "" if self.prefilter is None else self.prefilter.describe()
        return f"{self.name}|{self.reason}|{self.max_words}|{self.count}|{pre}|{self.test.key()}"


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex alternation (``a(?:b|c)|d`` -> ``a(?:b|c)``, ``d``);
    escapes and character classes are skipped over."""
    out, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def literal_prefix(alternative: str) -> str:
    """The literal characters an alternative starts with (up to its first regex syntax)."""
    return regex.match(r"[^\\()\[\]?*+{}|.\s]*", alternative).group(0)  # type: ignore[union-attr]


def word_starts(*vocabularies: str, length: int = 3) -> frozenset[str]:
    """The first ``length`` letters of every alternative of the vocabularies (derived prefilters)."""
    return frozenset(literal_prefix(a)[:length] for v in vocabularies for a in alternatives(v))


def table_hash(rules: Sequence[Rule]) -> str:
    """sha256 of the rules' names, reasons, limits, prefilters and patterns, in table order."""
    h = hashlib.sha256()
    for rule in rules:
        h.update(rule.key().encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()
