"""Shared fixtures: the seed articles and their gold labels (copied from ../shared/seeds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_DATA = ROOT.parent / "shared" / "data"


def load_gold() -> list[dict]:
    return json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    return load_gold()


@pytest.fixture(scope="session")
def seed_texts(gold: list[dict]) -> dict[str, str]:
    return {d["file"]: (SEEDS / d["file"]).read_text(encoding="utf-8") for d in gold}
