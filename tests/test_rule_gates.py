"""The gates derived from the rules' patterns (dedupe.rules.gate) never hide a match.

A gate lets a line reach a rule's regex only if the line starts with or contains one of the
literals the pattern cannot match without. It is derived from the pattern, so these tests check the
derivation: on every example and counterexample of the table (and their case and framing
variants), on lines hypothesis builds from the examples' words and from characters whose case
folding is unusual, a line a step's test takes always passes the step's gate, and the plan with
gates decides as the rules one by one without them.
"""

from __future__ import annotations

import sys

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.rules import RULES, Line, first_rule, plan
from dedupe.rules.core import Custom
from dedupe.rules.gate import Gate, derive

EXAMPLES = sorted({line for rule in RULES for line in (*rule.examples, *rule.counterexamples)})
GATED = [step for step in plan() if step[3] is not None]
#: Characters whose case folding differs from their lower case, or that fold to two characters.
TRICKY = "ßẞſKİıﬆﬁΣσςǅÅµ"


def _one_by_one(text: str):
    line = Line(text)
    if line.n == 0:
        return None
    return next((r for r in RULES if r(line)), None)


def _variants(line: str) -> list[str]:
    return [
        line,
        line.upper(),
        line.lower(),
        line.title(),
        f"- {line}",
        f"{line} »",
        f"| {line} |",
        f"  {line}",
    ]


def _gate_holds(text: str) -> None:
    line = Line(text)
    for step in GATED:
        gate, test = step[3], step[6]
        if test(line):
            assert gate(line), (text, gate.describe())


def test_most_steps_have_a_gate():
    """The derivation finds gates: a change that silently loses them is a speed regression."""
    assert len(GATED) >= 30, [s[5].name if s[5] else "phrases" for s in plan() if s[3] is None]


@pytest.mark.parametrize("line", EXAMPLES)
def test_gates_pass_every_example_their_test_takes(line):
    for variant in _variants(line):
        _gate_holds(variant)


def test_the_examples_exercise_the_gates():
    """Every gated step takes at least one example: the test above checks each gate at least once."""
    for step in GATED:
        test = step[6]
        assert any(test(Line(v)) for line in EXAMPLES for v in _variants(line)), step[3].describe()


_words = st.sampled_from(sorted({w for line in EXAMPLES for w in line.split()}))
_tricky = st.text(alphabet=st.sampled_from(TRICKY + "abc .:-|»"), max_size=6)


@st.composite
def _lines(draw):
    parts = draw(st.lists(st.one_of(_words, _tricky, st.text(max_size=5)), min_size=1, max_size=14))
    text = " ".join(parts)
    return draw(st.sampled_from(_variants(text)))


@settings(max_examples=400, deadline=None)
@given(_lines())
def test_gates_never_hide_a_match_on_generated_lines(text):
    _gate_holds(text)
    assert first_rule(text) is _one_by_one(text)


def test_custom_tests_require_what_they_declare():
    """A Custom test declaring ``requires`` is true only where its first pattern matches."""
    declared = [r for r in RULES if isinstance(r.test, Custom) and r.test.requires]
    assert declared
    for rule in declared:
        test = rule.test
        assert isinstance(test, Custom)
        find = test.patterns[0].match if test.requires == "match" else test.patterns[0].search
        for line in EXAMPLES:
            for variant in _variants(line):
                if test(Line(variant)):
                    assert find(variant) is not None, (rule.name, variant)


@pytest.mark.slow
def test_case_insensitive_needles_fold_as_the_regex_module_matches():
    """Over all of Unicode: a character the regex module matches case-insensitively against a
    needle's character folds (str.casefold) to something containing that character's folding."""
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    chars = {ch for step in GATED for folds, _ in step[3].sets for needle in folds for ch in needle}
    for ch in sorted(chars):
        for flags in (regex.IGNORECASE | regex.V1, regex.IGNORECASE | regex.V0):
            for m in regex.finditer(regex.escape(ch), everything, flags=flags):
                assert ch.casefold() in m.group(0).casefold(), (ch, m.group(0))


# -- the derivation on small patterns ---------------------------------------------------------------


def _gate(pattern: str, anchored: bool = False, flags: int = regex.IGNORECASE | regex.V1) -> Gate | None:
    return derive(regex.compile(pattern, flags), anchored)


def test_an_anchored_alternation_gives_its_prefixes():
    gate = _gate(r"(?:read\s+more|continue\s+reading)\b.*", anchored=True)
    assert gate is not None and gate.kind == "prefix"
    assert gate.passes("Read more", "read more") and not gate.passes("More to read", "more to read")


def test_an_optional_start_joins_the_prefixes_after_it():
    gate = _gate(r"^(?:the\s+)?(?:photo|image)\b")
    assert gate is not None and gate.kind == "prefix"
    assert set(gate.sets[0][0]) == {"the", "photo", "image"}


def test_a_start_that_can_be_anything_gives_a_contains_gate():
    gate = _gate(r"\w+\s+(?:captcha|robot)\b")
    assert gate is not None and gate.kind == "contains"
    assert gate.passes("I am not a Robot", "i am not a robot")
    assert not gate.passes("The council met", "the council met")


def test_case_sensitive_needles_are_compared_as_written():
    gate = _gate(r"\b(?:AFP|Reuters)\b", flags=regex.V1)
    assert gate is not None
    assert gate.passes("Photo: AFP", "photo: afp") and not gate.passes("Photo: afp", "photo: afp")


def test_a_non_ascii_needle_keeps_its_ascii_part_only():
    gate = _gate(r"straße\s+\d+", anchored=True)
    assert gate is not None and gate.sets[0][0] == ("stra",)
    assert gate.passes("STRASSE 5", "strasse 5")


@pytest.mark.parametrize(
    "pattern",
    [
        r"\w+",  # no literal at all
        r"[[a-z]--[aeiou]]x",  # VERSION1 set operations: refused
        r"(?:foo){e<=1}",  # fuzzy matching: refused
        r"(?:a|\w+)b?",  # one alternative without a literal
        r"\Xabc\X",  # a regex-module escape the standard parser does not know
    ],
)
def test_what_cannot_be_proven_gives_no_gate_or_a_sound_one(pattern):
    gate = _gate(pattern)
    if gate is not None:  # only literals every match must contain
        compiled = regex.compile(pattern, regex.IGNORECASE | regex.V1)
        for text in ["abc", "xbc", "foo", "fxo", "b", "zzz abc zzz"]:
            if compiled.search(text):
                assert gate.passes(text, text.casefold()), (pattern, text)
