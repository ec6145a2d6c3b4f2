"""Quality floors: the quality benchmark on a small fixed slice must not fall below pinned figures.

The floors live in benchmarks/floors.json; lowering one is a visible commit that says why. The
slice is small enough for every CI run (about 10 s); the full figures come from
``benchmarks/quality.py`` on the whole development sets.
"""

from __future__ import annotations

import json
import sys

import pytest
from conftest import ROOT, SHARED_DATA

sys.path.insert(0, str(ROOT / "benchmarks"))
import quality
import splice

FLOORS = json.loads((ROOT / "benchmarks" / "floors.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(not (SHARED_DATA / "portal").is_dir(), reason="../shared/data not found")


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    res = quality.run(
        ["portal", "dragnet", "lines"],
        FLOORS["limit"],
        SHARED_DATA,
        systems=["dedupe", "trafilatura"],
        lines_splits=FLOORS["lines_splits"],
    )
    out: dict[str, float] = {}
    for name in ("portal", "dragnet"):
        for system, row in res["sets"][name]["systems"].items():
            out[f"{name}.{system}.f1"] = row["f1"]
    for lang in ("en", "de"):
        removal = res["sets"]["lines"][lang]["systems"]["dedupe"]["removal"]
        out[f"lines.{lang}.removal.f1"] = removal["f1"]
        out[f"lines.{lang}.genuine_lost_pct"] = removal["genuine_lost_pct"]
    import dedupe

    test = [d for d in splice.generate(SHARED_DATA) if d.split == "test"]
    for key, value in splice.summary(splice.evaluate(test, dedupe.clean)).items():
        out[f"splice.test.{key}"] = value
    return out


@pytest.mark.parametrize("key", sorted(FLOORS["floors"]))
def test_floor(figures, key):
    assert figures[key] >= FLOORS["floors"][key], f"{key} = {figures[key]:.4f} fell below its floor"


@pytest.mark.parametrize("key", sorted(FLOORS["ceilings"]))
def test_ceiling(figures, key):
    assert figures[key] <= FLOORS["ceilings"][key], f"{key} = {figures[key]:.2f} rose above its ceiling"


@pytest.mark.parametrize("name", FLOORS["beat_trafilatura"])
def test_beats_trafilatura_alone(figures, name):
    assert figures[f"{name}.dedupe.f1"] > figures[f"{name}.trafilatura.f1"]


@pytest.mark.parametrize("name", FLOORS["improves_trafilatura"])
def test_cleaning_improves_trafilaturas_own_text(figures, name):
    """trafilatura's output (default options) cleaned as plain text scores above it as it was."""
    assert figures[f"{name}.trafilatura+dedupe.f1"] > figures[f"{name}.trafilatura.f1"]
