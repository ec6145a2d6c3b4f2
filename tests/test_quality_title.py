"""The title guard of the line-quality model: the article's headline is kept when its content words
come back in the body; a menu or a site name above the body is still the model's to judge."""

from __future__ import annotations

import pytest

import dedupe
from dedupe import Config
from dedupe.config import BoilerplateConfig
from dedupe.segment import segment
from dedupe.stages import Context, quality
from dedupe.stages.quality import QualityModel, document_features

BODY = [
    "The full council approved the new mobility plan on Tuesday, which will limit private vehicle "
    "access to the historic centre from next year.",
    "The mayor argued that the measure will reduce pollution and improve residents' quality of life, "
    "although shopkeepers fear a drop in sales.",
    "The opposition groups voted against it and announced that they would challenge the plan in court.",
]
TITLE = "The city council approves the mobility plan for the centre of the city"
PAGE = [TITLE, "By John Smith", "Madrid, 12 March 2024", BODY[0], BODY[1],
        "Follow us on Facebook and Twitter", BODY[2], "Read more: The metro extends its hours"]  # fmt: skip


def _context(lines: list[str]) -> Context:
    return Context(
        doc_id="t", blocks=segment("\n".join(lines)), config=Config(), corpus=None, from_html=False
    )


def _strict() -> Config:
    """A threshold at which the model alone removes the headline (its score on this page): the
    guard is tested where it matters, whatever the shipped model's calibration."""
    ctx = _context(PAGE)
    score = float(
        QualityModel.default().predict(document_features([b.text for b in ctx.blocks], ctx.stopwords))[0]
    )
    return Config(boilerplate=BoilerplateConfig(quality=True, quality_threshold=score))


def test_headline_of_a_short_news_text_is_kept():
    assert dedupe.clean("\n".join(PAGE)).decisions[0].kept
    r = dedupe.clean("\n".join(PAGE), config=_strict())
    assert r.decisions[0].kept, r.decisions[0]
    assert r.text.startswith(TITLE)


def test_the_model_alone_would_remove_it(monkeypatch):
    """The case the guard exists for: without it, the model's score removes the headline."""
    monkeypatch.setattr(quality, "_titles", lambda ctx, x: {})
    r = dedupe.clean("\n".join(PAGE), config=_strict())
    assert r.decisions[0].reason == "boilerplate.low_quality"


def _guarded(lines: list[str]) -> dict[int, tuple[int, float]]:
    ctx = _context(lines)
    x = document_features([b.text for b in ctx.blocks], ctx.stopwords)
    assert len(QualityModel.default().predict(x)) == len(lines)
    return quality._titles(ctx, x)


@pytest.mark.parametrize(
    ("title", "guarded"),
    [
        (TITLE, True),
        # Two content words shared with the body ("council", "plan"), all of its three: guarded.
        ("Council plan approved", True),
        # One shared content word ("council") is below TITLE_MIN_SHARED.
        ("Council meeting tonight", False),
        # Two shared of five content words: below TITLE_MIN_SHARE.
        ("Council plan weather sports horoscope", False),
        # Menus and site names do not announce the body.
        ("Home News Sport Weather Culture", False),
        # Not headline-shaped: table cells, a label introducing a list, too short.
        ("| Council | Plan | Mobility |", False),
        ("The council mobility plan:", False),
        ("Mobility plan", False),
    ],
)
def test_title_guard_boundaries(title, guarded):
    found = _guarded([title, *BODY])
    assert (0 in found) is guarded, found


def test_only_lines_above_the_body_are_guarded():
    found = _guarded([BODY[0], "Council plan approved", BODY[1]])
    assert found == {}
