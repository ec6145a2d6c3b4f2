"""The bounded per-process caches behind the fixed-point passes change nothing but speed."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SEEDS

import dedupe
from dedupe.index import band_keys
from dedupe.stages import _candidates


def _direct(texts: list[str]) -> np.ndarray:
    bands, rows = _candidates._params(0.2, 64)
    return band_keys(_candidates._signer(64, 2, 1).sign(texts), bands, rows)


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_band_key_cache_evicting_what_it_is_asked_for(monkeypatch, size):
    # A text cached long ago and asked for again while new ones push it out of the cache.
    monkeypatch.setattr(_candidates, "KEY_CACHE_SIZE", size)
    _candidates._key_cache.cache_clear()
    texts = [f"paragraph number {i} about the river and the bridge" for i in range(12)]
    rng = np.random.default_rng(size)
    for _ in range(60):
        batch = [texts[i] for i in rng.integers(0, len(texts), size=int(rng.integers(1, 8)))]
        got = _candidates._band_keys(batch, 0.2, 64, 2, 1)
        assert got.shape == (len(batch), _candidates._params(0.2, 64)[0])
        np.testing.assert_array_equal(got, _direct(batch))
        assert len(_candidates._key_cache(0.2, 64, 2, 1)) <= size
    _candidates._key_cache.cache_clear()


def test_cleaning_with_tiny_caches_is_unchanged(monkeypatch):
    docs = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    want = [dedupe.clean(d).removed for d in docs]
    monkeypatch.setattr(_candidates, "KEY_CACHE_SIZE", 3)
    _candidates._key_cache.cache_clear()  # fresh, empty key caches
    assert [dedupe.clean(d).removed for d in docs] == want
    assert [dedupe.clean(d).removed for d in docs] == want
