"""Candidate retrieval for within-document duplicates: MinHash signatures and LSH banding.

The signatures come from :class:`dedupe.minhash.Signer` (bigram shingles, one vectorised batch per
document). Bands and rows come from the threshold with datasketch's optimisation (see
:func:`dedupe.minhash.lsh_params`: minimise the weighted false-positive and false-negative areas
under ``P(s) = 1 - (1 - s**r)**b``). At the default threshold 0.2 and 128 permutations that is 28
bands of 2 rows: a pair at Jaccard 0.35 (an edited copy in the seeds) becomes a candidate with
probability 1 - (1 - 0.35**2)**28 = 0.97, a pair at 0.05 with probability 0.07. Candidates are
verified exactly by the caller, so banding only has to not miss.

A document's blocks are few enough that all colliding pairs are found at once: every band of
every signature gets a 64-bit key (:func:`dedupe.index.band_keys`), the keys are sorted, and runs
of equal keys are the collisions. Only collisions reach Python code.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import islice
from typing import Any

import numpy as np

from ..index import band_keys
from ..minhash import Signer, lsh_params

__all__ = ["candidates"]


@cache
def _params(threshold: float, num_perm: int) -> tuple[int, int]:
    return lsh_params(threshold, num_perm)


@cache
def _signer(num_perm: int, ngram: int, seed: int) -> Signer:
    return Signer(num_perm=num_perm, seed=seed, ngram=ngram)


#: Band keys of this many texts are remembered (per process and settings): every fixed-point
#: pass asks for the keys of the same blocks and sentences again. About 300 bytes per text.
KEY_CACHE_SIZE = 1 << 14


@cache
def _key_cache(threshold: float, num_perm: int, ngram: int, seed: int) -> dict[str, np.ndarray[Any, Any]]:
    return {}


def _band_keys(
    texts: Sequence[str], threshold: float, num_perm: int, ngram: int, seed: int
) -> np.ndarray[Any, Any]:
    """Band keys ``(len(texts), bands)`` of the texts' signatures; new texts are signed in one batch."""
    bands, rows = _params(threshold, num_perm)
    cache = _key_cache(threshold, num_perm, ngram, seed)
    found = {t: cache[t] for t in texts if t in cache}
    missing = [t for t in dict.fromkeys(texts) if t not in found]
    if missing:
        keys = band_keys(_signer(num_perm, ngram, seed).sign(missing), bands, rows)
        found.update(zip(missing, keys))
        # Remember the new keys, forgetting the oldest entries beyond the bound (dicts keep
        # insertion order). `found` holds this call's keys, whatever is forgotten.
        overflow = len(cache) + len(missing) - KEY_CACHE_SIZE
        if overflow > 0:
            for old in list(islice(cache, overflow)):
                del cache[old]
        for t, row in zip(missing[-KEY_CACHE_SIZE:], keys[-KEY_CACHE_SIZE:]):
            cache[t] = row
        if len(missing) == len(texts):
            return keys
    return np.stack([found[t] for t in texts])


def candidates(
    texts: Sequence[str],
    owners: Sequence[int],
    queries: Sequence[bool],
    *,
    threshold: float,
    num_perm: int,
    ngram: int,
    seed: int = 1,
) -> dict[int, set[int]]:
    """Blocks whose units share an LSH band with a block's query unit.

    Args:
        texts: The units: whole blocks and their sentences.
        owners: For each unit, the block it belongs to.
        queries: For each unit, whether it is the block's query unit (the whole block).
        threshold, num_perm, ngram, seed: Banding and signature settings.

    Returns:
        ``{block: {other blocks}}`` for every block whose query unit collides with some unit of
        another block (both directions are listed; the caller keeps the earlier ones).
    """
    out: dict[int, set[int]] = {}
    if len(texts) < 2:
        return out
    bands = _params(threshold, num_perm)[0]
    keys = _band_keys(texts, threshold, num_perm, ngram, seed).ravel()  # bands differ (salted)
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    same = sk[1:] == sk[:-1]
    if not same.any():
        return out
    starts = np.flatnonzero(np.concatenate(([True], ~same)))
    sizes = np.diff(np.append(starts, len(sk)))
    # The owner of every unit in key order; a run of equal keys matters only if it holds units
    # of at least two blocks.
    own_sorted = np.asarray(owners, dtype=np.int64)[order // bands]
    mixed = (sizes > 1) & (np.minimum.reduceat(own_sorted, starts) != np.maximum.reduceat(own_sorted, starts))
    if not mixed.any():
        return out
    own_list = own_sorted.tolist()
    qry_list = np.asarray(queries, dtype=bool)[order // bands].tolist()
    for a, n in zip(starts[mixed].tolist(), sizes[mixed].tolist()):
        b = a + n
        blocks = set(own_list[a:b])
        for k, q in zip(own_list[a:b], qry_list[a:b]):
            if q:
                out.setdefault(k, set()).update(blocks - {k})
    return out
