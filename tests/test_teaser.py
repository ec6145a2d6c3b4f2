"""The learned teaser model (dedupe.stages.teaser): shipped weights, decisions, threshold, evidence.

The splice detector (issue 21) took single teasers over: by default the model only judges runs of
headline-shaped blocks (``offtopic.model_min_run``). Most tests here judge the model alone: the
splice detector off.
"""

from __future__ import annotations

import json
from importlib import resources

import pytest

import dedupe
from dedupe.config import OFFTOPIC_MODEL_THRESHOLD, Config, ConfigError, OfftopicConfig
from dedupe.stages.teaser import MIN_BLOCKS, TEASER_FEATURES, teaser_features

ARTICLE = """City council approves new budget for road repairs

The city council voted on Tuesday to approve a budget that sets aside twelve million dollars for road repairs across the northern districts, after months of complaints from residents about potholes.

Council members said the money would be spent over three years, with the worst streets repaired first. The mayor called the vote a turning point for the city's ageing infrastructure.

Residents who spoke at the meeting welcomed the plan but asked the council to publish a timetable, so that families and shop owners know when their streets will be closed.

Local champion wins marathon in record time
Scientists discover new species of frog in rainforest
Pop star announces farewell tour across Europe

The council will review progress on the repairs at its meeting in the spring, and officials promised a public report on how the money has been spent.
"""
BOX = (
    "Local champion wins marathon in record time",
    "Scientists discover new species of frog in rainforest",
    "Pop star announces farewell tour across Europe",
)


MODEL = dedupe.Cleaner(Config(offtopic=OfftopicConfig(splice_threshold=None)))


def _removed(result: dedupe.CleanResult) -> dict[str, dict]:
    return {b.text: d.evidence for b, d in zip(result.blocks, result.decisions) if not d.kept}


def test_shipped_model_matches_the_features():
    spec = json.loads(
        resources.files("dedupe").joinpath("data/teaser_model.json").read_text(encoding="utf-8")
    )
    assert spec["features"] == list(TEASER_FEATURES)
    assert spec["format"] == "dedupe-gbt-1"


def test_related_headline_box_is_removed_as_a_unit_with_evidence():
    removed = _removed(MODEL.clean(ARTICLE))
    assert set(removed) == set(BOX)
    scores = {ev["score"] for ev in removed.values()}
    assert len(scores) == 1, "a box is judged as a unit"
    for ev in removed.values():
        assert ev["rule"] == "teaser_model" and ev["headline_run"] == 3
        assert ev["score"] >= ev["threshold"] == OFFTOPIC_MODEL_THRESHOLD


def test_article_text_is_kept():
    kept = MODEL.clean(ARTICLE).text
    assert kept.startswith("City council approves new budget")
    assert "The council will review progress" in kept


def test_threshold_boundary():
    score = next(iter(_removed(MODEL.clean(ARTICLE)).values()))["score"]
    at = dedupe.Cleaner(Config(offtopic=OfftopicConfig(model_threshold=score, splice_threshold=None))).clean(ARTICLE)
    assert set(_removed(at)) == set(BOX)
    above = dedupe.Cleaner(Config(offtopic=OfftopicConfig(model_threshold=min(1.0, score + 1e-3), splice_threshold=None))).clean(
        ARTICLE
    )
    assert not set(_removed(above)) & set(BOX)


def test_model_can_be_switched_off():
    res = dedupe.Cleaner(Config(offtopic=OfftopicConfig(model_threshold=None))).clean(ARTICLE)
    assert all(ev.get("rule") != "teaser_model" for ev in _removed(res).values())


@pytest.mark.parametrize("bad", [-0.1, 1.5, "0.8", True])
def test_bad_threshold_is_a_config_error(bad):
    with pytest.raises(ConfigError, match=r"offtopic\.model_threshold"):
        OfftopicConfig(model_threshold=bad)


@pytest.mark.parametrize("paragraphs", [1, 2])
def test_short_documents_are_not_judged(paragraphs):
    """Below MIN_BLOCKS blocks there is no body to be foreign to: even a threshold of 0 removes
    nothing. Boundary: the title, ``paragraphs - 1`` paragraphs and the three headlines."""
    text = "\n\n".join([*ARTICLE.split("\n\n")[:paragraphs], "\n".join(BOX)])
    cleaner = dedupe.Cleaner(Config(offtopic=OfftopicConfig(model_threshold=0.0)))
    judged = any(ev.get("rule") == "teaser_model" for ev in _removed(cleaner.clean(text)).values())
    assert judged is (paragraphs + len(BOX) >= MIN_BLOCKS)


def test_features_have_one_row_per_block_and_fixed_width():
    texts = ["A headline here", "A sentence of the body, with words.", "Another one follows it here."]
    x = teaser_features(texts, frozenset({"a", "the", "of"}))
    assert x.shape == (3, len(TEASER_FEATURES))
    assert teaser_features([], frozenset()).shape == (0, len(TEASER_FEATURES))


def test_by_default_a_single_headline_is_not_the_models():
    """Boundary of ``model_min_run`` (default 2): a lone foreign headline with its blurb is left to
    the splice detector; with ``model_min_run=1`` the model judges it as it used to; the box (a run of
    three) is judged either way."""
    lone = ARTICLE.replace("\n".join(BOX), BOX[0] + "\nThe runner finished the course in two hours and one minute.")
    assert OfftopicConfig().model_min_run == 2
    by_model = [ev for ev in _removed(MODEL.clean(lone)).values() if ev.get("rule") == "teaser_model"]
    assert by_model == []
    single = dedupe.Cleaner(Config(offtopic=OfftopicConfig(model_min_run=1, model_threshold=0.5, splice_threshold=None)))
    assert any(ev.get("rule") == "teaser_model" for ev in _removed(single.clean(lone)).values())
    assert set(_removed(MODEL.clean(ARTICLE))) == set(BOX)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_bad_min_run_is_a_config_error(bad):
    with pytest.raises(ConfigError, match=r"offtopic\.model_min_run"):
        OfftopicConfig(model_min_run=bad)
