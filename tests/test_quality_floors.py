"""Quality floors: the quality benchmark on a small fixed slice must not fall below pinned figures.

The floors live in benchmarks/floors.json; lowering one is a visible commit that says why. The
slices are small enough for every CI run (about 40 s, the wcxb pages extracted on the fly); the full
figures come from ``benchmarks/quality.py`` on the whole development sets.
"""

from __future__ import annotations

import json
import sys

import pytest
from conftest import ROOT, SHARED_DATA

sys.path.insert(0, str(ROOT / "benchmarks"))
import quality
import splice
import wcxb

FLOORS = json.loads((ROOT / "benchmarks" / "floors.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(not (SHARED_DATA / "portal").is_dir(), reason="../shared/data not found")


def _pooled(groups: list[dict]) -> float:
    """Lost share (%) of gold-in-gold-out rows pooled over groups (the tune and measure parts)."""
    lines = sum(g["lines"] for g in groups)
    return 100.0 * sum(g["lost"] for g in groups) / lines if lines else 0.0


def wcxb_figures() -> dict[str, float]:
    """wcxb on fixed tune slices, extracted on the fly (CI has no cache).

    ``wcxb.gold.*``: gold in, gold out on the gold texts of the first ``gold_slice`` tune pages of
    each page type (with the first ``limit`` portal and dragnet golds in ``gold.all``); ``wcxb.slice.*``:
    trafilatura alone against trafilatura+dedupe and dedupe's HTML path on the ``slice`` pages.
    """
    spec = FLOORS["wcxb_slices"]
    records = wcxb.load_wcxb(SHARED_DATA)
    gold_ids = set(wcxb.tune_slice(records, spec["gold_per_type"]))
    sets = {
        "wcxb": [r for r in records if r["id"] in gold_ids],
        "portal": quality.load_records(SHARED_DATA, "portal", FLOORS["limit"]),
        "dragnet": quality.load_records(SHARED_DATA, "dragnet", FLOORS["limit"]),
    }
    gold = wcxb.eval_gold(sets)["splits"]
    out = {
        "wcxb.gold.all.lost_pct": _pooled([gold[s]["all"] for s in gold if "all" in gold[s]]),
        "wcxb.gold.wcxb.lost_pct": _pooled([gold[s]["wcxb"] for s in gold if "wcxb" in gold[s]]),
    }
    slice_ids = wcxb.tune_slice(records, spec["per_type"], spec["max_html_chars"])
    del records
    res = quality.run(["wcxb"], None, SHARED_DATA, wcxb_ids=slice_ids)
    systems = res["sets"]["wcxb"]["splits"]["tune"]["all"]["systems"]
    base = systems["trafilatura"]
    for name in ("trafilatura", "trafilatura+dedupe", "dedupe"):
        row = systems[name]
        out[f"wcxb.slice.{name}.f1"] = row["f1"]
        out[f"wcxb.slice.{name}.with_found"] = row["with_found"]
        out[f"wcxb.slice.{name}.without_left"] = row["without_left"]
        if name != "trafilatura":
            out[f"wcxb.slice.{name}.delta_f1"] = row["f1"] - base["f1"]
    return out


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
    out.update(wcxb_figures())
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


# The benchmark's own conventions (benchmarks/wcxb.py, training/wcxb_lines.py): pure, no data needed.


def test_snippet_presence_ignores_case_punctuation_and_line_breaks():
    run = wcxb.token_run("Sign up for our\nNEWSLETTER, today.")
    assert wcxb.present("sign up for our newsletter", run)
    assert not wcxb.present("Home", wcxb.token_run("Homeowners insurance"))  # whole tokens only
    assert wcxb.present("---", run) is None
    assert wcxb.snippet_counts(["newsletter today", "log in", "***"], run) == (1, 2)


def test_title_line_is_stripped_only_at_the_top():
    assert wcxb.strip_title("\nThe Title!\nBody text.", "the title") == "Body text."
    assert wcxb.strip_title("Body text.\nThe Title", "The Title") == "Body text.\nThe Title"
    assert wcxb.strip_title("The Title, Part 2\nBody.", "The Title") == "The Title, Part 2\nBody."
    assert wcxb.strip_title("Body.", None) == "Body."


def test_repeats_exact_and_near_but_not_parallel_sentences():
    long = "one two three four five six seven eight nine ten eleven twelve"
    lines = [
        "Ingredients",
        long,
        "ingredients:",  # the same tokens: an exact repeat
        long + " thirteen",  # 9 of its 10 distinct 4-grams are in line 1 (0.9): near
        "A is covariant in its argument type",
        "A is contravariant in its argument type",  # parallel, short: not a repeat
        long.replace("six", "6"),  # one word changed: 5 of 9 4-grams differ
    ]
    assert wcxb.repeat_kinds(lines) == ["", "", "exact", "near", "", "", ""]


def test_line_labels_follow_the_gold_in_order():
    sys.path.insert(0, str(ROOT / "training"))
    import wcxb_lines

    lines = [
        "Home",
        "Share",
        "The first paragraph of the story",
        "goes on here.",
        "___",
        "Second line.",
        "Home",
    ]
    gold = "The first paragraph of the story goes on here.\n\nSecond line.\n\nWe went home to share it."
    labels = [y for y, _ in wcxb_lines.label_lines(lines, gold)]
    # A split paragraph aligns line by line; lone words borrowed from a gold sentence do not; a line
    # without tokens takes its neighbours' label.
    assert labels == [0, 0, 1, 1, 1, 1, 0]
    assert wcxb_lines.align_tokens("東京は晴れ。Tokyo") == ["東", "京", "は", "晴", "れ", "tokyo"]
