"""docs/algorithm.md is generated from the rule table and the passes; the checked-in page must be
up to date (regenerate with ``python -m dedupe.rules --markdown > docs/algorithm.md``)."""

from __future__ import annotations

from pathlib import Path

from dedupe.rules import RULES, rules_hash
from dedupe.rules.__main__ import main
from dedupe.rules.doc import markdown
from dedupe.stages.boilerplate import BoilerplateStage

PAGE = Path(__file__).resolve().parent.parent / "docs" / "algorithm.md"


def test_algorithm_page_is_up_to_date():
    assert PAGE.read_text(encoding="utf-8") == markdown(), (
        "docs/algorithm.md is out of date: run python -m dedupe.rules --markdown > docs/algorithm.md"
    )


def test_algorithm_page_shows_every_rule_and_pass():
    page = markdown()
    for rule in RULES:
        assert f"`{rule.name}`" in page
        assert rule.observation in page
        assert all(f"`{e}`" in page for e in rule.examples if "`" not in e)
    for cls in (*BoilerplateStage.OVERRIDES, *BoilerplateStage.PASSES):
        assert f"### `{cls.name}`" in page


def test_the_generator_prints_the_page_and_the_table(capsys):
    assert main(["--markdown"]) == 0
    assert capsys.readouterr().out == markdown()
    assert main(["--list"]) == 0
    out = capsys.readouterr().out
    assert RULES[0].name in out and rules_hash() in out
