"""dedupe.strategies: generated documents with the expected cleaning, and dedupe meets them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.strategies import INJECTIONS, CleaningCase, cleaning_cases, corpus_cases

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(case: CleaningCase, res: dedupe.CleanResult) -> None:
    # One line, one block, in order: the case's lines are the cleaner's blocks.
    assert [b.text for b in res.blocks] == [line.text for line in case.lines]
    for line, d in zip(case.lines, res.decisions):
        assert d.kept != line.must_go, (line, d)
    assert res.text == case.expected_text


@SETTINGS
@given(cleaning_cases())
def test_dedupe_removes_every_injected_line_and_keeps_the_rest(case):
    _check(case, dedupe.clean(case.text, doc_id=case.id))


@SETTINGS
@given(corpus_cases())
def test_corpus_mode_also_removes_copies_from_earlier_documents(cases):
    results = dedupe.Cleaner().clean_many(dedupe.Document(id=c.id, text=c.text) for c in cases)
    for case, res in zip(cases, results):
        _check(case, res)
        for line, d in zip(case.lines, res.decisions):
            if line.kind == "corpus_copy":
                assert d.reason == "duplicate.corpus"


@settings(max_examples=40, deadline=None)
@given(cleaning_cases(injections=("exact_copy", "edited_copy")))
def test_copies_are_removed_as_duplicates_of_their_original(case):
    res = dedupe.clean(case.text)
    for line, d in zip(case.lines, res.decisions):
        if line.kind in ("exact_copy", "edited_copy"):
            assert d.reason.startswith("duplicate.")
            original = d.evidence["duplicate_of"][1]
            assert case.lines[original].kind == "genuine"


@settings(max_examples=30, deadline=None)
@given(cleaning_cases(injections=()))
def test_without_injections_nothing_must_go(case):
    assert case.must_go == [] and case.expected_text == case.text
    assert dedupe.clean(case.text).text == case.text


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_each_injection_can_be_asked_for_alone(data):
    kind = data.draw(st.sampled_from(INJECTIONS))
    case = data.draw(cleaning_cases(injections=(kind,)))
    assert {line.kind for line in case.lines} <= {"genuine", kind, "related_label"}


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="unknown injection"):
        cleaning_cases(injections=("typo",)).example()
    with pytest.raises(ValueError, match="max_paragraphs"):
        cleaning_cases(max_paragraphs=9).example()
