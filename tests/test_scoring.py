"""Hand-computed cases for benchmarks/scoring.py (the benchmark's pure scoring functions)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from scoring import (
    PRF,
    average_prf,
    f1,
    ngram_prf,
    ngrams,
    removal_prf,
    tokenise,
)

# ------------------------------------------------------------------------------------------ tokenise


def test_tokenise_lowercases_and_splits_on_non_word_characters():
    assert tokenise("Egypt's President, al-Sisi!") == ["egypt", "s", "president", "al", "sisi"]


def test_tokenise_keeps_unicode_letters_and_digits():
    assert tokenise("Größe: 3,5 Mio. für Ünternehmen_X") == ["größe", "3", "5", "mio", "für", "ünternehmen_x"]


def test_tokenise_empty_and_none():
    assert tokenise("") == []
    assert tokenise(None) == []
    assert tokenise(" -- | || ") == []


def test_ngrams_multiset():
    grams = ngrams(["a", "b", "a", "b", "a"], 2)
    assert grams == {("a", "b"): 2, ("b", "a"): 2}
    assert ngrams(["a", "b"], 4) == {}
    with pytest.raises(ValueError):
        ngrams(["a"], 0)


# ----------------------------------------------------------------------------------------- ngram_prf


def test_identical_texts_score_one():
    s = ngram_prf(
        "The quick brown fox jumps over the lazy dog.", "the quick brown fox jumps over the lazy dog"
    )
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert (s.tp, s.fp, s.fn) == (6, 0, 0)


def test_disjoint_texts_score_zero():
    s = ngram_prf("one two three four five", "six seven eight nine ten")
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)
    assert (s.tp, s.fp, s.fn) == (0, 2, 2)


def test_partial_overlap_hand_computed():
    # pred 4-grams: abcd bcde cdef (3); gold 4-grams: abcd bcdx (2); overlap: abcd
    s = ngram_prf("a b c d e f", "a b c d x")
    assert (s.tp, s.fp, s.fn) == (1, 2, 1)
    assert s.precision == pytest.approx(1 / 3)
    assert s.recall == pytest.approx(1 / 2)
    assert s.f1 == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))  # 0.4


def test_extra_text_costs_precision_only():
    s = ngram_prf("a b c d e", "a b c d")  # pred: abcd bcde; gold: abcd
    assert (s.precision, s.recall) == (0.5, 1.0)


def test_repeated_ngrams_are_counted_as_a_multiset():
    # pred has the 4-gram "x y z w" twice, gold once: one copy matches, the other is a false positive.
    pred = "x y z w x y z w"  # 4-grams: xyzw yzwx zwxy wxyz xyzw -> xyzw x2, 5 in total
    gold = "x y z w"  # xyzw x1
    s = ngram_prf(pred, gold)
    assert (s.tp, s.fp, s.fn) == (1, 4, 0)
    assert s.precision == pytest.approx(1 / 5)
    assert s.recall == 1.0
    # The other way round: the gold's second copy is missed.
    s = ngram_prf(gold, pred)
    assert (s.tp, s.fp, s.fn) == (1, 0, 4)
    assert (s.precision, s.recall) == (1.0, pytest.approx(1 / 5))


def test_duplicated_paragraph_is_not_free():
    para = "the president met the commander in cairo on monday"
    s = ngram_prf(para + "\n" + para, para)
    assert s.recall == 1.0
    assert s.precision == pytest.approx(6 / 15)  # 9 tokens: 6 4-grams; twice: 15, of which 6 match


def test_empty_prediction_with_nonempty_gold():
    # ScrapingHub convention: precision undefined (left out of the average), recall 0.
    for pred in ("", None, " | -- | "):
        s = ngram_prf(pred, "a b c d e")
        assert s.precision is None
        assert s.recall == 0.0
        assert s.f1 == 0.0
        assert (s.tp, s.fp, s.fn) == (0, 0, 5)


def test_nonempty_prediction_with_empty_gold():
    s = ngram_prf("a b c d e", "")
    assert s.precision == 0.0
    assert s.recall is None
    assert s.f1 == 0.0


def test_both_empty():
    s = ngram_prf("", "...")
    assert (s.precision, s.recall, s.f1) == (None, None, None)


def test_short_texts_fall_back_to_unigrams_on_both_sides():
    # gold has 3 tokens (< 4): both sides are compared as bags of single tokens.
    s = ngram_prf("Hello big world and more", "hello world today")
    assert (s.tp, s.fp, s.fn) == (2, 3, 1)
    assert s.precision == pytest.approx(2 / 5)
    assert s.recall == pytest.approx(2 / 3)
    s = ngram_prf("Breaking news", "breaking news")
    assert (s.precision, s.recall) == (1.0, 1.0)


def test_other_n():
    s = ngram_prf("a b c", "a b d", n=2)  # ab bc vs ab bd
    assert (s.precision, s.recall) == (0.5, 0.5)


def test_case_and_punctuation_are_ignored():
    s = ngram_prf("HELLO, World -- how are you?", "hello world how are you")
    assert (s.precision, s.recall) == (1.0, 1.0)


# --------------------------------------------------------------------------------------- average_prf


def test_average_prf_macro_and_f1_from_averages():
    avg = average_prf([(1.0, 0.5), (0.5, 1.0)])
    assert avg.precision == 0.75
    assert avg.recall == 0.75
    assert avg.f1 == pytest.approx(0.75)
    avg = average_prf([(1.0, 1.0), (0.0, 0.5)])
    # P = 0.5, R = 0.75, F1 = 2*0.5*0.75/1.25 = 0.6 (not the mean of per-document F1s, (1 + 0)/2)
    assert (avg.precision, avg.recall) == (0.5, 0.75)
    assert avg.f1 == pytest.approx(0.6)


def test_average_prf_skips_undefined_values():
    avg = average_prf([(1.0, 0.5), (None, 0.0), (0.5, None)])
    assert avg == PRF(0.75, 0.25, pytest.approx(0.375), 2, 2)


def test_average_prf_empty():
    assert average_prf([]) == PRF(None, None, None, 0, 0)
    assert average_prf([(None, 1.0)]) == PRF(None, 1.0, None, 0, 1)


def test_average_prf_of_ngram_scores():
    scores = [ngram_prf("a b c d", "a b c d"), ngram_prf("", "a b c d"), ngram_prf("a b c d e", "a b c d")]
    avg = average_prf((s.precision, s.recall) for s in scores)
    assert avg.precision == pytest.approx((1.0 + 0.5) / 2)  # the empty prediction is left out
    assert avg.recall == pytest.approx((1.0 + 0.0 + 1.0) / 3)
    assert (avg.n_precision, avg.n_recall) == (2, 3)


def test_f1_helper():
    assert f1(0.0, 0.0) == 0.0
    assert f1(None, 1.0) is None
    assert f1(1.0, 0.5) == pytest.approx(2 / 3)


# --------------------------------------------------------------------------------------- removal_prf


def test_removal_prf_hand_made_example():
    # line:     0  1  2  3  4  5  6  7
    labels = [1, 0, 0, 1, 1, 0, 1, 0]  # 0 = noise (should be removed)
    removed = [False, True, True, True, False, False, False, True]
    # tp (noise removed) = lines 1, 2, 7 -> 3; fp (genuine removed) = line 3 -> 1
    # fn (noise kept) = line 5 -> 1;     tn (genuine kept) = lines 0, 4, 6 -> 3
    s = removal_prf(labels, removed)
    assert (s.tp, s.fp, s.fn, s.tn) == (3, 1, 1, 3)
    assert s.precision == 0.75
    assert s.recall == 0.75
    assert s.f1 == pytest.approx(0.75)
    assert s.accuracy == 0.75
    assert (s.lines, s.genuine, s.noise) == (8, 4, 4)
    assert s.genuine_lost == 1
    assert s.genuine_lost_pct == 25.0
    d = s.to_dict()
    assert d["genuine_lost"] == 1 and d["precision"] == 0.75 and d["lines"] == 8


def test_removal_prf_keep_everything_baseline():
    s = removal_prf([1, 0, 0, 1], [False] * 4)
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)
    assert s.accuracy == 0.5
    assert s.genuine_lost == 0


def test_removal_prf_remove_everything():
    s = removal_prf([1, 0, 0, 1], [True] * 4)
    assert (s.precision, s.recall) == (0.5, 1.0)
    assert s.f1 == pytest.approx(2 / 3)
    assert (s.genuine_lost, s.genuine_lost_pct) == (2, 100.0)


def test_removal_prf_perfect_and_vacuous():
    assert removal_prf([1, 0, 1], [False, True, False]).f1 == 1.0
    s = removal_prf([1, 1], [False, False])  # nothing to remove, nothing removed
    assert (s.precision, s.recall, s.f1, s.accuracy) == (1.0, 1.0, 1.0, 1.0)
    s = removal_prf([], [])
    assert (s.f1, s.accuracy, s.genuine_lost_pct) == (1.0, 1.0, 0.0)


def test_removal_prf_only_genuine_lines_removed():
    s = removal_prf([1, 1], [True, False])
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)
    assert s.genuine_lost == 1


def test_removal_prf_validates_input():
    with pytest.raises(ValueError):
        removal_prf([1, 0], [True])
    with pytest.raises(ValueError):
        removal_prf([2], [True])


# ------------------------------------------------------------- benchmarks/quality.py helpers and run()

quality = pytest.importorskip("quality")
DATA = quality.DEFAULT_DATA


class _Block:
    def __init__(self, index, text):
        self.index, self.text = index, text


class _Decision:
    def __init__(self, kept, reason="kept"):
        self.kept, self.reason = kept, reason


class _Result:
    def __init__(self, items):
        self.blocks = [_Block(i, t) for i, (t, _) in enumerate(items)]
        self.decisions = [_Decision(k, "kept" if k else "boilerplate.x") for _, k in items]


def test_map_decisions_by_order_and_text():
    lines = ["Title ", "  body one", "", "Share this", "body two"]
    res = _Result([("Title", True), ("body one", True), ("Share this", False), ("body two", True)])
    removed, why, unmatched = quality.map_decisions(lines, res, "doc")
    assert removed == [False, False, False, True, False]
    assert why == ["kept", "kept", "", "boilerplate.x", "kept"]
    assert unmatched == 0


def test_map_decisions_counts_unmatched_lines_as_kept(capsys):
    lines = ["a", "b", "c"]
    res = _Result([("a", False), ("c", False)])  # "b" has no block
    removed, why, unmatched = quality.map_decisions(lines, res, "doc-x")
    assert removed == [True, False, True]
    assert why[1] == "unmatched"
    assert unmatched == 1
    assert "doc-x" in capsys.readouterr().err


def test_table_is_aligned():
    out = quality.table(["system", "F1"], [["a", 0.5], ["longer", None]]).splitlines()
    assert out == ["system     F1", "------  -----", "a       0.500", "longer      -"]


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "portal").is_dir(), reason="shared dev data not found")
def test_run_baselines_on_a_small_slice():
    res = quality.run(["portal", "dragnet", "lines"], 10, DATA, systems=["trafilatura", "justext"])
    for name in ("portal", "dragnet"):
        rows = res["sets"][name]["systems"]
        assert res["sets"][name]["docs"] == 10
        assert rows["trafilatura"]["f1"] > 0.7
        assert rows["justext"]["f1"] > 0.5
        assert rows["trafilatura"]["errors"] == 0
    for lang in ("en", "de"):
        keep_all = res["sets"]["lines"][lang]["systems"]["keep-all"]
        assert res["sets"]["lines"][lang]["docs"] == 10
        assert keep_all["removal"]["f1"] == 0.0
        assert keep_all["removal"]["genuine_lost"] == 0
        assert keep_all["text"]["recall"] > 0.95


def test_lost_blocks_ignores_removed_second_copies():
    para = "the president met the commander in cairo on monday"
    res = _Result([(para, True), ("Share this story now please", False), (para, False), ("Read more", False)])
    gold = para + "\nRead more"
    # the removed copy of `para` is not a loss (the kept copy covers the gold); "Read more" is.
    assert quality.lost_blocks(res, gold) == {1: False, 2: False, 3: True}
    res = _Result([(para, False)])
    assert quality.lost_blocks(res, gold) == {0: True}


def test_a_failing_system_gets_empty_output_and_is_counted(monkeypatch, capsys):
    def boom(html):
        raise RuntimeError("broken page")

    monkeypatch.setattr(
        quality, "html_systems", lambda systems: {"trafilatura": boom, "justext": lambda h: h}
    )
    recs = [{"id": "p1", "html": "a b c d e", "gold_text": "a b c d e"}]
    res = quality.eval_html_set("portal", recs, ["trafilatura", "justext"], {})
    tr, jt = res["systems"]["trafilatura"], res["systems"]["justext"]
    assert (tr["errors"], tr["empty"], tr["recall"], tr["precision"]) == (1, 1, 0.0, None)
    assert (jt["errors"], jt["f1"]) == (0, 1.0)
    assert "p1" in capsys.readouterr().err
