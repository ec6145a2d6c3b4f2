"""MinHash and LSH benchmark: dedupe.minhash.Signer and dedupe.index vs datasketch and rensa.

Generates a synthetic corpus (default 20,000 documents of about 300 words, 10% near-duplicates
made with 1-6 small word edits) and measures, in this one process and on the same shingles
(``Signer.shingles``), documents/s and MB/s of:

* ``Signer.sign`` (default ``hash="poly64"``, and ``hash="xxh3"``), which shingles internally;
* datasketch ``MinHash.update`` per shingle, datasketch ``MinHash.bulk``, rensa ``RMinHash``
  (optional), all fed the shingles of ``Signer.shingles``; their time includes that shingling,
  since users hand texts to all of them. datasketch gets the xxh3 hash function (faster than
  its sha1 default) and its rows are checked to be bit-identical to ``Signer(hash="xxh3")``;

then LSH insert/query rates of :class:`dedupe.index.MemoryIndex` and datasketch
``MinHashLSH`` (same bands and rows), index bytes per entry, peak RSS, and precision/recall of
the detected duplicate pairs against the exact Jaccard similarity of the shingle sets
(ground truth by exact all-pairs similarity join with prefix filtering).

``--million`` instead measures the memory of an in-memory index of 1,000,000 signed
paragraphs (RSS, bytes per paragraph).

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/minhash.py            # full run, ~3 minutes
    PYTHONPATH=src .venv/bin/python benchmarks/minhash.py --docs 2000 --repeat 1   # quick
    PYTHONPATH=src .venv/bin/python benchmarks/minhash.py --million
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dedupe.index import MemoryIndex
from dedupe.minhash import Signer

try:
    import rensa
except ImportError:  # optional benchmark dependency
    rensa = None


# ------------------------------------------------------------------------------------------------
# Corpus
# ------------------------------------------------------------------------------------------------


def make_vocab(rng: np.random.Generator, size: int = 50_000) -> list[str]:
    letters = np.array(list("etaoinshrdlcumwfgypbvkjxqz"))
    p = 1.0 / np.arange(1, 27)
    p /= p.sum()
    lengths = np.clip(rng.poisson(5, size), 1, 14)
    return ["".join(rng.choice(letters, n, p=p)) for n in lengths]


class Corpus:
    """Documents of Zipf-distributed words with punctuation; a fraction are edited copies."""

    def __init__(self, n_docs: int, words: int, dup_rate: float, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.vocab = make_vocab(rng)
        ranks = np.arange(1, len(self.vocab) + 1)
        p = 1.0 / ranks**1.05
        self.cdf = np.cumsum(p / p.sum())
        self.rng = rng
        self.texts: list[str] = []
        self.dup_of: dict[int, int] = {}
        tokens: list[list[str]] = []
        for i in range(n_docs):
            if i > 10 and rng.random() < dup_rate:
                src = int(rng.integers(0, i))
                toks = self.edit(tokens[src], int(rng.integers(1, 7)))
                self.dup_of[i] = src
            else:
                n = max(20, int(rng.normal(words, words * 0.15)))
                toks = self.sentence_words(n)
            tokens.append(toks)
            self.texts.append(" ".join(toks))

    def sentence_words(self, n: int) -> list[str]:
        idx = self.zipf(n)
        toks = [self.vocab[j] for j in idx]
        pos = 0
        while pos < n:  # sentences of 8-30 words: capitalised, with a comma and a full stop
            end = min(n, pos + int(self.rng.integers(8, 30)))
            toks[pos] = toks[pos].capitalize()
            if end - pos > 6:
                toks[pos + 3] += ","
            toks[end - 1] += "."
            pos = end
        return toks

    def zipf(self, n: int) -> np.ndarray:
        return np.minimum(np.searchsorted(self.cdf, self.rng.random(n)), len(self.vocab) - 1)

    def edit(self, toks: list[str], k: int) -> list[str]:
        out = list(toks)
        for _ in range(k):
            op = self.rng.integers(0, 3)
            j = int(self.rng.integers(0, len(out)))
            w = self.vocab[int(self.zipf(1)[0])]
            if op == 0:
                out[j] = w
            elif op == 1:
                out.insert(j, w)
            elif len(out) > 20:
                del out[j]
        return out


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


# All timings are CPU seconds of this process (time.process_time): every contender runs in this
# one thread, so on an idle machine CPU time equals wall time, and on a shared one it is not
# inflated by other processes. Wall-clock figures are kept in the JSON output.
clock = time.process_time


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = math.inf, None
    for _ in range(repeat):
        gc.collect()
        t0 = clock()
        result = fn()
        best = min(best, clock() - t0)
    return best, result


def interleaved(repeat: int, fns: dict[str, Callable[[], Any]]) -> tuple[dict[str, float], dict[str, Any]]:
    """Best CPU time of each function over ``repeat`` rounds, running them round-robin."""
    best = dict.fromkeys(fns, math.inf)
    results: dict[str, Any] = {}
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            t0 = clock()
            results[name] = fn()
            best[name] = min(best[name], clock() - t0)
    return best, results


def exact_pairs(shingle_sets: Sequence[frozenset[bytes]], threshold: float) -> set[tuple[int, int]]:
    """All pairs with Jaccard >= threshold (AllPairs-style prefix filtering, exact)."""
    freq: dict[bytes, int] = defaultdict(int)
    for s in shingle_sets:
        for x in s:
            freq[x] += 1
    ordered = [sorted(s, key=lambda x: (freq[x], x)) for s in shingle_sets]
    postings: dict[bytes, list[int]] = defaultdict(list)
    pairs: set[tuple[int, int]] = set()
    for i, toks in enumerate(ordered):
        if not toks:
            continue
        prefix = len(toks) - math.ceil(threshold * len(toks)) + 1
        cands: set[int] = set()
        for x in toks[:prefix]:
            cands.update(postings[x])
            postings[x].append(i)
        a = shingle_sets[i]
        for j in cands:
            b = shingle_sets[j]
            if min(len(a), len(b)) < threshold * max(len(a), len(b)):
                continue
            inter = len(a & b)
            if inter / (len(a) + len(b) - inter) >= threshold:
                pairs.add((j, i))
    return pairs


def pr(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> tuple[float, float]:
    tp = len(found & truth)
    return (tp / len(found) if found else 1.0), (tp / len(truth) if truth else 1.0)


# ------------------------------------------------------------------------------------------------
# Main benchmark
# ------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    t0 = time.perf_counter()
    corpus = Corpus(args.docs, args.words, args.dup_rate, args.seed)
    texts = corpus.texts
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(
        f"corpus: {len(texts)} documents, {mb:.1f} MB, {len(corpus.dup_of)} near-duplicates "
        f"(generated in {time.perf_counter() - t0:.1f} s)"
    )
    signer = Signer(num_perm=args.num_perm)
    xsigner = Signer(num_perm=args.num_perm, hash="xxh3")
    n, R = len(texts), args.repeat
    sub = texts[: max(1, n // args.update_fraction)]
    mb_sub = sum(len(t.encode("utf-8")) for t in sub) / 1e6

    # The shared shingling step (what users of datasketch and rensa must do themselves).
    shingles = [signer.shingles(t) for t in texts]
    total_shingles = sum(map(len, shingles))

    from datasketch import MinHash, MinHashLSH

    def ds_update() -> list[np.ndarray]:
        out = []
        for sh in shingles[: len(sub)]:
            m = MinHash(num_perm=args.num_perm, seed=1, hashfunc=xsigner.hashfunc)
            for s in sh:
                m.update(s)
            out.append(m.hashvalues)
        return out

    def ds_bulk() -> list[Any]:
        return MinHash.bulk(shingles, num_perm=args.num_perm, seed=1, hashfunc=xsigner.hashfunc)

    def rensa_run() -> list[Any]:
        out = []
        for sh in shingles:
            m = rensa.RMinHash(args.num_perm, 1)
            m.update(sh)
            out.append(m.digest())
        return out

    fns: dict[str, Callable[[], Any]] = {
        "shingles": lambda: [signer.shingles(t) for t in texts],
        "ours": lambda: signer.sign(texts),
        "ours_xxh3": lambda: xsigner.sign(texts),
        "bulk": ds_bulk,
    }
    if rensa is not None:
        fns["rensa"] = rensa_run
    times, res = interleaved(R, fns)
    t_shingle, t_ours, t_ours_x, t_bulk = times["shingles"], times["ours"], times["ours_xxh3"], times["bulk"]
    sigs, xsigs, bulk = res["ours"], res["ours_xxh3"], res["bulk"]
    t_shingle_sub = t_shingle * len(sub) / n
    t_upd, upd = best_of(1, ds_update)
    identical = bool(np.array_equal(np.stack([m.hashvalues for m in bulk]), xsigs)) and bool(
        np.array_equal(np.stack(upd), xsigs[: len(sub)])
    )
    rows: list[tuple[str, float, float]] = [
        ("Signer.sign (poly64, default)", n / t_ours, mb / t_ours),
        ("Signer.sign (xxh3)", n / t_ours_x, mb / t_ours_x),
        (
            "datasketch MinHash.update per shingle",
            len(sub) / (t_upd + t_shingle_sub),
            mb_sub / (t_upd + t_shingle_sub),
        ),
        ("datasketch MinHash.bulk", n / (t_bulk + t_shingle), mb / (t_bulk + t_shingle)),
    ]
    if rensa is not None:
        t_rensa = times["rensa"]
        rows.append(
            ("rensa RMinHash (bytes shingles)", n / (t_rensa + t_shingle), mb / (t_rensa + t_shingle))
        )
    else:
        t_rensa = math.nan
    print(
        f"\nsignatures: num_perm={args.num_perm}, {total_shingles / n:.0f} shingles/doc, best of {R} "
        "interleaved rounds, CPU time; "
        f"peers' times include Signer.shingles ({n / t_shingle:,.0f} docs/s alone); "
        f"datasketch update measured on {len(sub)} docs"
    )
    print(f"{'method':42s} {'docs/s':>10s} {'MB/s':>8s} {'ours (poly64) x':>16s} {'ours (xxh3) x':>14s}")
    for name, dps, mbs in rows:
        print(f"{name:42s} {dps:10,.0f} {mbs:8.2f} {rows[0][1] / dps:16.2f} {rows[1][1] / dps:14.2f}")
    print(f"hash+permutation only (no shingling): datasketch bulk {n / t_bulk:,.0f} docs/s", end="")
    if rensa is not None:
        print(f", rensa {n / t_rensa:,.0f} docs/s", end="")
    print(f"\nbit-identical to datasketch (xxh3 rows vs MinHash.bulk and .update): {identical}")

    # ---- LSH ----------------------------------------------------------------------------
    # Dedup loop, one document at a time: query what was seen, then add (as a pipeline does).
    ids = [f"doc{i}" for i in range(n)]
    idx = MemoryIndex(args.threshold, args.num_perm)
    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.num_perm, params=(idx.bands, idx.rows))
    t_q = t_ins = t_ds_q = t_ds_ins = 0.0
    results, ds_results = [], []
    for i in range(n):
        t0 = clock()
        results.append(idx.query(sigs[i]))
        t1 = clock()
        idx.add(ids[i], 0, sigs[i])
        t2 = clock()
        ds_results.append(lsh.query(bulk[i]))
        t3 = clock()
        lsh.insert(i, bulk[i], check_duplication=False)
        t4 = clock()
        t_q, t_ins, t_ds_q, t_ds_ins = t_q + t1 - t0, t_ins + t2 - t1, t_ds_q + t3 - t2, t_ds_ins + t4 - t3
    idx.flush()
    bulk_idx = MemoryIndex(args.threshold, args.num_perm)
    t_ins_many, _ = best_of(1, lambda: bulk_idx.add_many(ids, np.zeros(n, dtype=np.int64), sigs))
    t_q_many, _ = best_of(1, lambda: bulk_idx.query_many(sigs))
    t_q_full, _ = best_of(1, lambda: [bulk_idx.query(s) for s in sigs])
    t_ds_q_full, _ = best_of(1, lambda: [lsh.query(m) for m in bulk])
    print(
        f"\nLSH: threshold {args.threshold}, {idx.bands} bands x {idx.rows} rows (both indexes), {n} entries"
    )
    print(f"{'index':58s} {'insert/s':>10s} {'query/s':>10s}")
    print(
        f"{'MemoryIndex dedup loop: query() then add() per document':58s} {n / t_ins:10,.0f} {n / t_q:10,.0f}"
    )
    print(
        f"{'datasketch MinHashLSH dedup loop: query() then insert()':58s} {n / t_ds_ins:10,.0f} {n / t_ds_q:10,.0f}"
    )
    print(
        f"{'MemoryIndex full index: add_many() / query_many()':58s} {n / t_ins_many:10,.0f} {n / t_q_many:10,.0f}"
    )
    print(f"{'MemoryIndex full index: query() one at a time':58s} {'':>10s} {n / t_q_full:10,.0f}")
    print(
        f"{'datasketch MinHashLSH full index: query() one at a time':58s} {'':>10s} {n / t_ds_q_full:10,.0f}"
    )
    print(
        f"ratios ours/datasketch: dedup loop insert {t_ds_ins / t_ins:.2f}x, query {t_ds_q / t_q:.2f}x; "
        f"batched insert {t_ds_ins / t_ins_many:.2f}x, batched query {t_ds_q_full / t_q_many:.2f}x"
    )
    print(f"MemoryIndex bytes/entry: {idx.nbytes / n:.1f} (arrays incl. doc ids; one entry per document)")

    # ---- precision / recall ----------------------------------------------------------------
    t0 = time.perf_counter()
    sets = [frozenset(s) for s in shingles]
    truth = exact_pairs(sets, args.threshold)
    t_truth = time.perf_counter() - t0
    ours_pairs = {
        (int(m.doc_id[3:]), i)
        for i, ms in enumerate(results)
        for m in ms
        if int(m.doc_id[3:]) < i and m.similarity is not None and m.similarity >= args.threshold
    }
    cand_pairs = {(int(m.doc_id[3:]), i) for i, ms in enumerate(results) for m in ms if int(m.doc_id[3:]) < i}
    ds_pairs = {
        (j, i)
        for i, ks in enumerate(ds_results)
        for j in ks
        if j < i and bulk[i].jaccard(bulk[j]) >= args.threshold
    }
    p_ours, r_ours = pr(ours_pairs, truth)
    _, r_cand = pr(cand_pairs, truth)
    p_ds, r_ds = pr(ds_pairs, truth)
    print(
        f"\nduplicate pairs vs exact Jaccard >= {args.threshold}: {len(truth)} true pairs "
        f"(exact join in {t_truth:.1f} s)"
    )
    print(f"  ours (MemoryIndex + 4-bit sketch similarity): precision {p_ours:.4f} recall {r_ours:.4f}")
    print(f"  ours, LSH candidates before the similarity filter: recall {r_cand:.4f}")
    print(f"  datasketch MinHashLSH + MinHash.jaccard (same bands): precision {p_ds:.4f} recall {r_ds:.4f}")
    print(f"\npeak RSS of this process: {peak_rss_mb():.0f} MB")
    return {
        "docs": n,
        "mb": mb,
        "signatures": {name: {"docs_per_s": d, "mb_per_s": m} for name, d, m in rows},
        "bit_identical": identical,
        "lsh": {
            "bands": idx.bands,
            "rows": idx.rows,
            "ours_insert_per_s": n / t_ins,
            "ours_query_per_s": n / t_q,
            "ours_batch_insert_per_s": n / t_ins_many,
            "ours_batch_query_per_s": n / t_q_many,
            "ours_full_query_per_s": n / t_q_full,
            "datasketch_insert_per_s": n / t_ds_ins,
            "datasketch_query_per_s": n / t_ds_q,
            "datasketch_full_query_per_s": n / t_ds_q_full,
            "bytes_per_entry": idx.nbytes / n,
        },
        "pairs": {
            "true": len(truth),
            "precision": p_ours,
            "recall": r_ours,
            "datasketch_precision": p_ds,
            "datasketch_recall": r_ds,
        },
        "peak_rss_mb": peak_rss_mb(),
    }


def run_million(args: argparse.Namespace) -> dict[str, Any]:
    """Index ``args.paragraphs`` signed paragraphs (10 per document) and measure memory."""
    rng = np.random.default_rng(args.seed)
    vocab = np.array(make_vocab(rng), dtype=object)
    signer = Signer(num_perm=args.num_perm)
    gc.collect()
    base = current_rss_mb()
    idx = MemoryIndex(args.threshold, args.num_perm)
    chunk, done, t0 = 20_000, 0, time.perf_counter()
    while done < args.paragraphs:
        m = min(chunk, args.paragraphs - done)
        lens = rng.integers(30, 80, m)
        words = vocab[rng.integers(0, len(vocab), int(lens.sum()))]
        cuts = np.cumsum(lens)[:-1]
        texts = [" ".join(p) for p in np.split(words, cuts)]
        sigs = signer.sign(texts)
        pid = np.arange(done, done + m)
        idx.add_many([f"doc{p // 10}" for p in pid.tolist()], pid % 10, sigs)
        done += m
    idx.flush()
    sigs_kept = sigs[-1].copy()
    del texts, sigs, words
    gc.collect()
    took = time.perf_counter() - t0
    rss = current_rss_mb()
    entries, nbytes = len(idx), idx.nbytes
    probe = idx.query(sigs_kept)
    del idx
    gc.collect()
    rss_after_free = current_rss_mb()
    out = {
        "paragraphs": entries,
        "seconds": took,
        "index_bytes_per_paragraph": nbytes / entries,
        "rss_mb": rss,
        "rss_delta_bytes_per_paragraph": (rss - base) * 2**20 / entries,
        "rss_freed_by_index_bytes_per_paragraph": (rss - rss_after_free) * 2**20 / entries,
        "peak_rss_mb": peak_rss_mb(),
    }
    assert probe and probe[0].similarity == 1.0
    print(
        f"{entries:,} paragraphs signed and indexed in {took:.0f} s (wall)\n"
        f"index arrays: {nbytes / 2**20:.0f} MB = {out['index_bytes_per_paragraph']:.1f} bytes/paragraph\n"
        f"process RSS with the index: {rss:.0f} MB (was {base:.0f} MB before; "
        f"+{out['rss_delta_bytes_per_paragraph']:.0f} bytes/paragraph incl. allocator leftovers of signing)\n"
        f"RSS released by deleting the index: {rss - rss_after_free:.0f} MB = "
        f"{out['rss_freed_by_index_bytes_per_paragraph']:.1f} bytes/paragraph\n"
        f"peak RSS: {out['peak_rss_mb']:.0f} MB"
    )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--dup-rate", type=float, default=0.1)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="best of N timings")
    ap.add_argument(
        "--update-fraction",
        type=int,
        default=10,
        help="datasketch update() runs on 1/N of the docs (it is slow)",
    )
    ap.add_argument("--million", action="store_true", help="measure the memory of a 1M-paragraph index")
    ap.add_argument("--paragraphs", type=int, default=1_000_000)
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    result = run_million(args) if args.million else run(args)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
