"""The table of context-free boilerplate rules (dedupe.rules.RULES), tested from the table itself.

Every rule carries examples it must take and counterexamples no rule may take; the tests below run
over all of them, so a rule added to the table is tested without touching this file. The prefilter
of a rule must never reject a line its test accepts: checked on the examples, their case variants,
and lines hypothesis builds from the examples' words and the vocabularies.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.reasons import REASONS
from dedupe.rules import RULES, Line, classify_line, first_rule, plan
from dedupe.rules.core import Phrase, Rule, alternatives, literal_prefix, table_hash
from dedupe.rules.table import AGENCY_STARTS, DATE_WORD_STARTS, FIXED_PHRASE_FAMILIES
from dedupe.rules.vocab import AGENCIES, MONTHS, WEEKDAYS

EXAMPLES = [(rule.name, line) for rule in RULES for line in rule.examples]
COUNTEREXAMPLES = [(rule.name, line) for rule in RULES for line in rule.counterexamples]
BY_NAME = {rule.name: rule for rule in RULES}


@pytest.mark.parametrize(("name", "line"), EXAMPLES)
def test_each_example_hits_its_own_rule(name, line):
    """The first rule of the table that takes the example is the rule that lists it."""
    rule = BY_NAME[name]
    assert classify_line(line) == (rule.reason, rule.name)


@pytest.mark.parametrize(("name", "line"), COUNTEREXAMPLES)
def test_each_counterexample_hits_no_rule(name, line):
    assert classify_line(line) is None, (name, first_rule(line))


def test_the_table_is_well_formed():
    names = [r.name for r in RULES]
    assert len(names) == len(set(names)), "rule names are unique"
    for rule in RULES:
        assert rule.reason in REASONS, rule.name
        assert rule.examples, f"{rule.name} needs at least one example"
        assert rule.observation.strip(), rule.name
        assert rule.name.replace(".", "_").replace("_", "").isalnum() and rule.name.islower(), rule.name
    # The fixed-phrase families are one step of the precedence, named fixed_phrase.<family>.
    start = RULES.index(FIXED_PHRASE_FAMILIES[0])
    assert RULES[start : start + len(FIXED_PHRASE_FAMILIES)] == FIXED_PHRASE_FAMILIES
    assert all(r.name.startswith("fixed_phrase.") for r in FIXED_PHRASE_FAMILIES)


def _one_by_one(text: str) -> Rule | None:
    """The table's verdict computed the slow way: each rule on its own, in order."""
    line = Line(text)
    if line.n == 0:
        return None
    return next((r for r in RULES if r(line)), None)


def test_the_plan_fuses_the_phrase_families():
    assert len(plan()) == len(RULES) - len(FIXED_PHRASE_FAMILIES) + 1
    assert all(isinstance(r.test, Phrase) for r in FIXED_PHRASE_FAMILIES)


def _variants(line: str) -> list[str]:
    return [line, line.upper(), line.lower(), line.title(), f"- {line}", f"{line} »", f"| {line} |"]


_ALL_LINES = sorted({line for _, line in EXAMPLES + COUNTEREXAMPLES})


def test_fused_plan_decides_as_each_rule_in_turn():
    for line in _ALL_LINES:
        for variant in _variants(line):
            assert first_rule(variant) is _one_by_one(variant), variant


def _prefilter_holds(line: str) -> None:
    ln = Line(line)
    for rule in RULES:
        if rule.prefilter is not None and rule.test(ln):
            assert rule.prefilter(ln), (rule.name, line)


def test_prefilters_pass_every_example_and_its_case_variants():
    for line in _ALL_LINES:
        for variant in _variants(line):
            _prefilter_holds(variant)


# Words to build lines from: the examples' words and the start of every vocabulary word.
_PIECES = sorted(
    {w for _, line in EXAMPLES for w in line.split()}
    | {literal_prefix(a) for v in (MONTHS, WEEKDAYS, AGENCIES) for a in alternatives(v)}
    | {"/", "via", ",", ":", "(", ")", "12", "2024", "10:32", "by", "the", "Photo:", "Source:", "«", "|"}
    - {""}
)


@st.composite
def _mutated_lines(draw: st.DrawFn) -> str:
    """An example with words inserted, dropped or replaced, in some case."""
    words = draw(st.sampled_from([line for _, line in EXAMPLES])).split()
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["insert", "drop", "replace"]))
        i = draw(st.integers(0, max(0, len(words) - 1)))
        piece = draw(st.sampled_from(_PIECES))
        if op == "insert":
            words.insert(i, piece)
        elif op == "drop" and len(words) > 1:
            del words[i]
        elif words:
            words[i] = piece
    line = " ".join(words)
    return draw(st.sampled_from([line, line.upper(), line.lower(), line.title()]))


@settings(max_examples=150, deadline=None)
@given(_mutated_lines())
def test_prefilters_never_reject_a_match_on_mutated_examples(line):
    _prefilter_holds(line)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8), st.booleans())
def test_prefilters_never_reject_a_match_on_built_lines(pieces, title):
    _prefilter_holds(" ".join(p.title() if title else p for p in pieces))


@settings(max_examples=150, deadline=None)
@given(_mutated_lines())
def test_fused_plan_decides_as_each_rule_in_turn_on_mutated_examples(line):
    assert first_rule(line) is _one_by_one(line)


def test_derived_prefilters_come_from_the_vocabularies():
    assert {"jan", "mär", "déc", "mon", "sam"} <= DATE_WORD_STARTS
    assert {"afp", "get", "reu", "ap", "pa", "dpa"} <= AGENCY_STARTS
    assert alternatives("a(?:b|c)|d|e\\|f") == ["a(?:b|c)", "d", "e\\|f"]


def test_table_hash_covers_order_names_limits_and_patterns():
    base = table_hash(RULES)
    assert table_hash(RULES) == base
    assert table_hash(RULES[::-1]) != base
    first = RULES[0]
    for change in ({"name": "other"}, {"max_words": 9}, {"reason": "boilerplate.prompt"}):
        changed = replace(first, **change)
        assert table_hash((changed, *RULES[1:])) != base, change
    phrase = FIXED_PHRASE_FAMILIES[0]
    assert isinstance(phrase.test, Phrase)
    other = replace(phrase, test=Phrase(phrase.test.body + "|cookie\\s+jar"))
    swapped = tuple(other if r is phrase else r for r in RULES)
    assert table_hash(swapped) != base


@settings(max_examples=5000, deadline=None)
@given(_mutated_lines())
def _many_mutated_examples(line: str) -> None:
    _prefilter_holds(line)
    assert first_rule(line) is _one_by_one(line)


@pytest.mark.slow
def test_prefilters_and_plan_hold_on_many_mutated_examples(request):
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("slow: run with -m slow")
    _many_mutated_examples()
