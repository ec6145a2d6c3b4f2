"""Traceable outputs and an open, documented vocabulary of stages and reasons.

- The fingerprint written into every output record covers the settings, the package version, the
  rule table and each shipped model: changing any of them changes it.
- Every reason a stage emits is in dedupe.reasons.REASONS (the seeds and a generated corpus).
- The stage registry is open: stage modules register themselves, other distributions add stages
  through the ``dedupe.stages`` entry-point group, and Config accepts every registered name.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import dedupe
from dedupe import Config, ConfigError
from dedupe import config as config_module
from dedupe import reasons as reasons_module
from dedupe import stages as stages_module
from dedupe.config import DuplicateConfig, fingerprint_of, provenance
from dedupe.reasons import REASONS, describe, register
from dedupe.rules import RULES, rules_hash
from dedupe.rules.core import table_hash

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_fingerprint_covers_settings_version_rules_and_models():
    made_by = provenance()
    settings = Config().to_dict()
    base = fingerprint_of(settings, made_by)
    assert Config().fingerprint() == base
    assert Config(duplicates=DuplicateConfig(containment=0.6)).fingerprint() != base
    assert fingerprint_of(settings, {**made_by, "version": made_by["version"] + ".post1"}) != base
    changed_rule = replace(RULES[0], max_words=RULES[0].max_words + 1)  # type: ignore[operator]
    assert fingerprint_of(settings, {**made_by, "rules": table_hash((changed_rule, *RULES[1:]))}) != base
    for name in made_by["models"]:
        models = {**made_by["models"], name: "0" * 64}
        assert fingerprint_of(settings, {**made_by, "models": models}) != base


def test_provenance_reads_the_real_version_table_and_model_files():
    import hashlib

    made_by = provenance()
    assert made_by["version"] == dedupe.__version__
    assert made_by["rules"] == rules_hash() == table_hash(RULES)
    data = Path(dedupe.__file__).parent / "data"
    shipped = sorted(p.name for p in data.glob("*.json"))
    assert sorted(made_by["models"]) == shipped and shipped
    for name in shipped:
        assert made_by["models"][name] == hashlib.sha256((data / name).read_bytes()).hexdigest()


def test_every_record_carries_the_fingerprint():
    res = dedupe.clean("A headline about the budget\n2 min read\nThe council agreed the budget.")
    assert res.notes["config"] == Config().fingerprint()


def _emitted(results):
    return {d.reason for r in results for d in r.decisions}


def test_every_emitted_reason_is_documented(tmp_path):
    texts = {p.name: p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    cleaner = dedupe.Cleaner()
    reasons = _emitted(cleaner.clean(dedupe.Document(id=n, text=t)) for n, t in texts.items())
    reasons |= _emitted(cleaner.clean_many([dedupe.Document(id=n, text=t) for n, t in texts.items()]))
    sys.path.insert(0, str(SEEDS.parent / "benchmarks"))
    from throughput import generate_corpus

    path = tmp_path / "corpus.jsonl"
    generate_corpus(path, 0.2, seed=3)
    docs = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    reasons |= _emitted(cleaner.clean_many(dedupe.Document(id=str(d["id"]), text=d["text"]) for d in docs))
    assert {"kept", "duplicate.within", "duplicate.corpus"} <= reasons
    assert reasons <= set(REASONS), reasons - set(REASONS)
    assert all(describe(r) for r in reasons)


def test_every_rule_reason_is_documented_and_reasons_are_named_well():
    assert {r.reason for r in RULES} <= set(REASONS)
    for reason in REASONS:
        assert reason == "kept" or reason.count(".") == 1, reason
    with pytest.raises(ValueError, match="snake_case"):
        register("NoStage", "bad")
    with pytest.raises(ValueError, match="already declared"):
        register("boilerplate.caption", "something else")


class _Shout:
    """A third-party stage: removes lines written in capitals."""

    order = 5.0  # before the built-in stages

    def __init__(self, config: Config) -> None:
        self.config = config

    def run(self, ctx):
        for k in ctx.alive():
            text = ctx.blocks[k].text
            if text.isupper() and len(text) > 3:
                ctx.remove(k, "shout.capitals", "shout")


class _EntryPoint:
    name = "shout"
    value = "tests.test_provenance:_Shout"

    def load(self):
        return _Shout


def test_stages_register_themselves_and_entry_points_add_more(monkeypatch):
    monkeypatch.setattr(stages_module, "_loaded", False)
    monkeypatch.setattr(stages_module, "REGISTRY", dict(stages_module.REGISTRY))
    monkeypatch.setattr(stages_module, "ORDER", dict(stages_module.ORDER))
    monkeypatch.setattr(
        stages_module, "entry_points", lambda group: [_EntryPoint()] if group == "dedupe.stages" else []
    )
    order = stages_module.stage_order()
    assert order == ("shout", *dedupe.STAGE_ORDER)
    monkeypatch.setitem(reasons_module._REASONS, "shout.capitals", "a line written in capitals (test stage)")
    cfg = Config(stages=("boilerplate", "shout"))
    assert cfg.stages == ("shout", "boilerplate")
    res = dedupe.clean("A quiet headline here\nSTOP SHOUTING NOW\nThe council agreed the budget.", config=cfg)
    assert [d.reason for d in res.decisions] == ["kept", "shout.capitals", "kept"]
    with pytest.raises(ConfigError, match="unknown stage"):
        Config(stages=("boilerplate", "nonesuch"))


def test_built_in_stage_names_need_no_registry_lookup(monkeypatch):
    def boom():
        raise AssertionError("the registry is not needed for built-in names")

    monkeypatch.setattr(stages_module, "stage_order", boom)
    assert Config(stages=("offtopic", "boilerplate")).stages == ("boilerplate", "offtopic")
    assert config_module.STAGE_ORDER == dedupe.STAGE_ORDER
