"""dedupe.hf.clean_dataset on a small Dataset built here (no network: HF_DATASETS_OFFLINE=1)."""

from __future__ import annotations

import json
import os

import pytest
from conftest import SEEDS

os.environ["HF_DATASETS_OFFLINE"] = "1"  # before datasets is imported: never reach the Hub
datasets = pytest.importorskip("datasets")

from dedupe import Cleaner, Config, ConfigError, Document  # noqa: E402
from dedupe.hf import clean_dataset  # noqa: E402

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _dataset() -> datasets.Dataset:
    texts = SEED_TEXTS + SEED_TEXTS[:2]  # the last two rows repeat earlier ones: corpus duplicates
    return datasets.Dataset.from_dict(
        {
            "doc": [f"d{i}" for i in range(len(texts))],
            "text": texts,
            "url": [f"https://example.org/{i}" for i in range(len(texts))],
            "score": [float(i) / 2 for i in range(len(texts))],
        }
    )


def test_corpus_mode_across_the_dataset_equals_clean_many():
    ds = _dataset()
    out = clean_dataset(ds, id_field="doc", batch_size=3)  # batches do not cut the corpus memory
    expected = list(
        Cleaner(Config()).clean_many(Document(id=d, text=t) for d, t in zip(ds["doc"], ds["text"]))
    )
    assert out.column_names == ["doc", "text", "url", "score", "removed"]
    assert out["text"] == [r.text for r in expected]
    assert [json.loads(r) for r in out["removed"]] == [json.loads(json.dumps(r.removed)) for r in expected]
    assert out["url"] == ds["url"] and out["score"] == ds["score"] and out["doc"] == ds["doc"]
    last = json.loads(out["removed"][-1])
    assert any(s["reason"] == "duplicate.corpus" and s["duplicate_of"][0] == "d1" for s in last)


def test_without_corpus_mode_rows_are_cleaned_alone_and_workers_do_not_change_the_result():
    ds = _dataset()
    alone = clean_dataset(ds, corpus=False)
    assert alone["text"][-1] == alone["text"][1]  # a repeated row is not removed as a copy
    assert clean_dataset(ds, workers=2)["text"] == clean_dataset(ds)["text"]


def test_errors_name_the_problem():
    ds = _dataset()
    with pytest.raises(ConfigError, match="'body' is not a column"):
        clean_dataset(ds, text_field="body")
    with pytest.raises(ConfigError, match="already has a column 'url'"):
        clean_dataset(ds, removed_field="url")
    with pytest.raises(ConfigError, match="pick a split"):
        clean_dataset(datasets.DatasetDict({"train": ds}))
