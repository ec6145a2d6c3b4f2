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
    bands, rows = _params(threshold, num_perm)
    sigs = _signer(num_perm, ngram, seed).sign(list(texts))
    keys = band_keys(sigs, bands, rows).ravel()  # keys of different bands differ (salted)
    unit = np.repeat(np.arange(len(texts)), bands)
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    same = sk[1:] == sk[:-1]
    if not same.any():
        return out
    starts = np.flatnonzero(np.r_[True, ~same])
    ends = np.r_[starts[1:], len(sk)]
    own = np.asarray(owners)
    qry = np.asarray(queries, dtype=bool)
    for a, b in zip(starts[ends - starts > 1], ends[ends - starts > 1]):
        members = unit[order[a:b]]
        blocks = set(own[members].tolist())
        if len(blocks) < 2:
            continue
        for m in members.tolist():
            if qry[m]:
                k = int(own[m])
                out.setdefault(k, set()).update(blocks - {k})
    return out
