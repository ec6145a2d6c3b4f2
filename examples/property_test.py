"""Property-test a cleaning pipeline with dedupe.strategies (needs the `strategies` extra).

cleaning_cases() draws documents with injected problems and says which lines must go. Swap
`my_pipeline` for yours. Run with pytest (pytest examples/property_test.py) or as a script.

Run: python examples/property_test.py
"""

from __future__ import annotations

from hypothesis import given, settings

import dedupe
from dedupe.strategies import cleaning_cases, corpus_cases


def my_pipeline(text: str) -> str:
    return dedupe.clean(text).text


@settings(max_examples=25, deadline=None)
@given(cleaning_cases())
def test_pipeline_removes_exactly_what_must_go(case):
    assert my_pipeline(case.text) == case.expected_text


@settings(max_examples=10, deadline=None)
@given(corpus_cases())
def test_corpus_pipeline(cases):
    results = dedupe.Cleaner().clean_many(dedupe.Document(id=c.id, text=c.text) for c in cases)
    for case, res in zip(cases, results):
        assert res.text == case.expected_text


if __name__ == "__main__":
    test_pipeline_removes_exactly_what_must_go()
    test_corpus_pipeline()
    print("both properties hold")
