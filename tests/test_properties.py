"""Hypothesis properties of cleaning: invariants that must hold for every input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.segment import segment
from dedupe.strategies import articles, line_texts, noisy_articles

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

any_text = st.one_of(noisy_articles(), line_texts(), st.text())


@FAST
@given(any_text)
def test_idempotent(text):
    once = dedupe.clean(text).text
    assert dedupe.clean(once).text == once


@FAST
@given(any_text)
def test_kept_blocks_are_a_subsequence_of_input_blocks_verbatim(text):
    res = dedupe.clean(text)
    assert [b.text for b in res.blocks] == [b.text for b in segment(text)]
    for b in res.blocks:
        assert text[b.start : b.end] == b.text
    kept = [b.text for b in res.kept_blocks]
    assert res.text == "\n\n".join(kept)
    # Never inventing text: the clean text is made of input blocks, in input order.
    it = iter(b.text for b in res.blocks)
    assert all(any(k == x for x in it) for k in kept)


@FAST
@given(any_text)
def test_every_removal_is_explained(text):
    res = dedupe.clean(text)
    assert len(res.decisions) == len(res.blocks)
    for span in res.removed:
        assert span["reason"].split(".")[0] in {"boilerplate", "duplicate", "offtopic"}
        assert span["stage"] in dedupe.STAGE_ORDER
        if span["reason"].startswith("duplicate."):
            _doc, idx = span["duplicate_of"]
            assert idx < span["block"] and 0.0 <= span["similarity"] <= 1.0


@FAST
@given(any_text)
def test_deterministic(text):
    a, b = dedupe.clean(text), dedupe.clean(text)
    assert a.text == b.text and a.removed == b.removed


@FAST
@given(st.lists(articles(max_paragraphs=5), min_size=1, max_size=4))
def test_corpus_first_document_is_cleaned_as_alone(docs):
    # Nothing precedes the first document, so corpus mode cannot remove more from it.
    first = next(iter(dedupe.Cleaner().clean_many(docs)))
    assert first.text == dedupe.clean(docs[0], doc_id="0").text


@FAST
@given(articles(min_paragraphs=2, max_paragraphs=6))
def test_corpus_removes_a_verbatim_second_copy(text):
    res = list(dedupe.Cleaner().clean_many([text, text]))
    long_enough = [b for b in res[0].kept_blocks if len(b.text.split()) >= dedupe.CorpusConfig().min_words]
    second = {b.index: d for b, d in zip(res[1].blocks, res[1].decisions)}
    for b in long_enough:
        assert not second[b.index].kept


def test_idempotent_on_real_documents():
    # The learned line-quality model and the off-topic rules look at context, so idempotence is
    # also checked on real pages: every document of the lines development set (216 documents).
    import sys

    import pytest
    from conftest import SHARED_DATA

    if not (SHARED_DATA / "lines").is_dir():
        pytest.skip("../shared/data not found")
    sys.path.insert(0, str(SHARED_DATA))
    from load import iter_set

    for rec in iter_set("lines"):
        once = dedupe.clean("\n".join(rec["lines"])).text
        assert dedupe.clean(once).text == once, rec["id"]


def _segment_reference(text: str) -> list[tuple[int, int, str]]:
    # segment() without its fast path: every line trimmed by the regexes.
    from dedupe.segment import _LEAD_WS, _LINE_RE, _TRAIL_WS

    out = []
    for m in _LINE_RE.finditer(text):
        start, end = m.span()
        line = m.group()
        lead = _LEAD_WS.search(line)
        if lead:
            start += lead.end()
        trail = _TRAIL_WS.search(line)
        if trail:
            end -= len(line) - trail.start()
        if end > start:
            out.append((start, end, text[start:end]))
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.lists(
            st.sampled_from(
                [
                    "a",
                    "Z",
                    "!",
                    "~",
                    " ",
                    "\t",
                    "\n",
                    "\r",
                    "\x1f",
                    "\x85",
                    "\u2028",
                    "\u00a0",
                    "\u3000",
                    "é",
                    ".",
                ]
            ),
            max_size=40,
        ).map("".join),
        line_texts(),
    )
)
def test_segment_equals_its_reference(text):
    assert [(b.start, b.end, b.text) for b in segment(text)] == _segment_reference(text)
    assert [b.index for b in segment(text)] == list(range(len(segment(text))))
