"""The wcxb rows and the gold-in-gold-out rows of the quality benchmark (``benchmarks/quality.py``).

wcxb (``<data>/wcxb``, 1,497 pages of 2025, seven page types) is scored three ways, every figure split
into the ``tune`` and ``measure`` parts of :mod:`datasplit` and given per page type and overall:

HTML
    ``dedupe`` (``dedupe.clean_html``, default config) against ``trafilatura`` (``trafilatura.extract``,
    default options); ``dedupe:source`` is dedupe's own extraction before its stages. Token 4-gram
    P/R/F1 with the :mod:`scoring` conventions (per-page P and R averaged, F1 from the averages).

    *Title convention.* The wcxb gold has no title (it is the record's ``title``), but a page's ``<h1>``
    is often the first line of an extraction (trafilatura's default output starts with the title on
    about a quarter of the tune pages) and sometimes the first line of the gold (8%). The title is
    neither content nor noise here, so a **leading line whose tokens equal the title's tokens is
    stripped from every system's output and from the gold** before scoring (:func:`strip_title`), the
    same for every system. The gold-in-gold-out rows below clean the gold unstripped.

Plain text
    ``trafilatura`` (its default extraction, the text a pipeline handed someone else's extraction
    sees) and ``trafilatura+dedupe`` (that text cleaned by ``dedupe.clean``). Beside F1, the wcxb
    snippets: ``with found`` is the share of must-keep snippets present in the output, ``without left``
    the share of must-drop snippets still present (pooled over the pages of the group).

    *Present* (:func:`present`): the snippet's tokens (:func:`scoring.tokenise`: lower-cased ``\\w+``
    runs, so case, punctuation and every kind of whitespace, line breaks included, are ignored) occur
    as one contiguous run in the output's tokens. Snippets without tokens are left out.

Gold in, gold out (:func:`gold_lines`)
    The human gold texts of ``wcxb``, ``portal`` and ``dragnet`` cleaned as plain text
    (``dedupe.clean``); the unit is the non-empty line (one block each). A line is *lost* if its block
    is removed, unless it repeats an earlier gold line of the same text: *exactly* (the same tokens) or
    *nearly* (at least 10 tokens, and at least 90% of its distinct 4-grams are in one earlier line).
    Such removals are counted apart as ``repeats removed`` (a gold text that really repeats a line may
    lose the copy). The near-repeat bar is stricter than the cleaner's own (containment 0.5), so
    templated blurbs and parallel sentences that the cleaner takes for copies still count as lost.
    Targets (issue 16, measure part): lost at most 0.5% overall and at most 1% on any page type.
    The ``lines`` control cleans the keep-labelled lines of each ``lines`` document (``dup_of`` null),
    joined, the same way (a floor only: the issue retired its targets).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

if __package__:
    from .datasplit import MEASURE, TUNE, split_of
    from .scoring import average_prf, ngram_prf, ngrams, tokenise
else:
    from datasplit import MEASURE, TUNE, split_of
    from scoring import average_prf, ngram_prf, ngrams, tokenise

_ID_RE = re.compile(r'\{"id": "([^"]+)"')
PAGE_TYPES = ("article", "service", "product", "collection", "forum", "listing", "documentation")
SPLITS = (TUNE, MEASURE)
ALL = "all"
N = 4
#: Near repeat (gold in, gold out): a line of at least this many tokens ...
NEAR_REPEAT_MIN_TOKENS = 10
#: ... whose distinct 4-grams are at least this share in one earlier line.
NEAR_REPEAT_CONTAINMENT = 0.9
#: Extraction settings compared by ``--html-variants``: row name -> HtmlConfig keyword arguments
#: (the default config is favor="recall", include_comments=False, include_tables=True).
HTML_VARIANTS: dict[str, dict[str, Any]] = {
    "dedupe[balanced]": {"favor": "balanced"},
    "dedupe[precision]": {"favor": "precision"},
    "dedupe[comments]": {"include_comments": True},
    "dedupe[no-tables]": {"include_tables": False},
    "dedupe[balanced+comments]": {"favor": "balanced", "include_comments": True},
    "dedupe[precision+no-tables]": {"favor": "precision", "include_tables": False},
}


# ------------------------------------------------------------------------------------------ helpers


def token_run(text: str | None) -> str:
    """The tokens of ``text`` joined by single spaces, with a space at both ends (for run search)."""
    return f" {' '.join(tokenise(text))} "


def present(snippet: str, run: str) -> bool | None:
    """Is ``snippet`` in the text whose :func:`token_run` is ``run``? ``None`` if it has no tokens."""
    toks = tokenise(snippet)
    if not toks:
        return None
    return f" {' '.join(toks)} " in run


def snippet_counts(snippets: Iterable[str], run: str) -> tuple[int, int]:
    """(snippets present, snippets with tokens) of ``snippets`` in the text of ``run``."""
    hit = total = 0
    for s in snippets:
        p = present(s, run)
        if p is not None:
            total += 1
            hit += p
    return hit, total


def strip_title(text: str, title: str | None) -> str:
    """``text`` without its first non-empty line if that line's tokens are the title's tokens."""
    want = tokenise(title)
    if not want or not text:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            return "\n".join(lines[i + 1 :]) if tokenise(line) == want else text
    return text


def repeat_kinds(lines: Sequence[str]) -> list[str]:
    """Per line: ``"exact"`` or ``"near"`` if it repeats an earlier line (see module doc), else ``""``."""
    seen: set[tuple[str, ...]] = set()
    index: dict[tuple[str, ...], set[int]] = {}
    out: list[str] = []
    for i, line in enumerate(lines):
        toks = tuple(tokenise(line))
        kind = ""
        if toks and toks in seen:
            kind = "exact"
        elif len(toks) >= NEAR_REPEAT_MIN_TOKENS:
            grams = set(ngrams(toks, N))
            hits: Counter[int] = Counter()
            for g in grams:
                for j in index.get(g, ()):
                    hits[j] += 1
            if hits and max(hits.values()) >= NEAR_REPEAT_CONTAINMENT * len(grams):
                kind = "near"
        if toks:
            seen.add(toks)
            for g in set(ngrams(toks, N)):
                index.setdefault(g, set()).add(i)
        out.append(kind)
    return out


def gold_lines(result: Any) -> list[dict[str, Any]]:
    """Every line (block) of a cleaned gold text: text, removed, repeat kind, reason, stage, rule."""
    texts = [b.text for b in result.blocks]
    kinds = repeat_kinds(texts)
    out = []
    for i, (text, d) in enumerate(zip(texts, result.decisions, strict=True)):
        out.append(
            {
                "i": i,
                "text": text,
                "removed": not d.kept,
                "repeat": kinds[i],
                "reason": "" if d.kept else d.reason,
                "stage": "" if d.kept else d.stage,
                "rule": "" if d.kept else str(d.evidence.get("rule", "")),
            }
        )
    return out


@contextlib.contextmanager
def cached_extraction(cache: Any | None) -> Iterator[Callable[[], float | None]]:
    """Make dedupe's HTML path read its extraction from ``cache`` (a :class:`snapshot.ExtractCache`).

    Yields a function that gives the extraction seconds to *add* to the wall time of the last
    ``clean_html`` call: 0 when the extraction ran in that call, its recorded time when it came from
    the cache, ``None`` when the cache has no time for it. Without a cache, nothing is patched.
    """
    if cache is None:
        yield lambda: 0.0
        return
    from dedupe import pipeline

    original = pipeline.extract_text

    def extract(html: str, cfg: Any) -> str:
        return cache.get("dedupe-html", cfg, html, lambda: original(html, cfg))  # type: ignore[no-any-return]

    pipeline.extract_text = extract
    try:
        yield lambda: 0.0 if cache.last_ran else cache.last_seconds
    finally:
        pipeline.extract_text = original


def trafilatura_text(cache: Any | None, html: str) -> tuple[str, float | None]:
    """trafilatura's default extraction of ``html`` and its seconds (from ``cache`` if given)."""
    import trafilatura

    if cache is None:
        t0 = time.perf_counter()
        text = trafilatura.extract(html) or ""
        return text, time.perf_counter() - t0
    text = cache.get("trafilatura-default", {}, html, lambda: trafilatura.extract(html) or "")
    return text, cache.last_seconds


# --------------------------------------------------------------------------------------- wcxb rows


def _row() -> dict[str, Any]:
    return {"pairs": [], "with": [0, 0], "without": [0, 0], "empty": 0, "docs": {}}


class _Groups:
    """Rows per (split, group, system), where group is a page type or ``all``."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
        self.ndocs: Counter[tuple[str, str]] = Counter()

    def add_doc(self, split: str, ptype: str) -> None:
        for g in (ptype, ALL):
            self.ndocs[(split, g)] += 1

    def add(self, split: str, ptype: str, system: str, doc_id: str, pred: str, rec: dict[str, Any]) -> None:
        gold = strip_title(rec["gold_text"], rec.get("title"))
        pred = strip_title(pred, rec.get("title"))
        sc = ngram_prf(pred, gold, N)
        run = token_run(pred)
        w_hit, w_tot = snippet_counts(rec.get("with") or (), run)
        o_hit, o_tot = snippet_counts(rec.get("without") or (), run)
        for g in (ptype, ALL):
            row = self.rows.setdefault(split, {}).setdefault(g, {}).setdefault(system, _row())
            row["pairs"].append((sc.precision, sc.recall))
            row["docs"][doc_id] = sc.f1
            row["empty"] += not tokenise(pred)
            row["with"][0] += w_hit
            row["with"][1] += w_tot
            row["without"][0] += o_hit
            row["without"][1] += o_tot

    def finish(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for split in SPLITS:
            groups = self.rows.get(split, {})
            out[split] = {}
            for g in (ALL, *PAGE_TYPES):
                if g not in groups:
                    continue
                systems = {}
                for s, row in groups[g].items():
                    avg = average_prf(row["pairs"])
                    systems[s] = {
                        "precision": avg.precision,
                        "recall": avg.recall,
                        "f1": avg.f1,
                        "with_found": row["with"][0] / row["with"][1] if row["with"][1] else None,
                        "without_left": row["without"][0] / row["without"][1] if row["without"][1] else None,
                        "with_snippets": row["with"][1],
                        "without_snippets": row["without"][1],
                        "empty": row["empty"],
                        "docs": row["docs"],
                    }
                out[split][g] = {"docs": self.ndocs[(split, g)], "systems": systems}
        return out


def eval_wcxb(
    records: Sequence[dict[str, Any]],
    cache: Any | None,
    html_variants: Sequence[str] = (),
    lost_blocks: Callable[[Any, str], dict[int, bool]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Score the wcxb rows (see module doc) on ``records``; ``cache`` is an ExtractCache or None."""
    import dedupe
    from dedupe.config import Config, HtmlConfig

    cleaner = dedupe.Cleaner(dedupe.Config())
    variants = {
        name: dedupe.Cleaner(Config(html=HtmlConfig(**HTML_VARIANTS[name]))) for name in html_variants
    }
    groups = _Groups()
    seconds: Counter[str] = Counter()
    timed: Counter[str] = Counter()

    def _clock(system: str, sec: float | None) -> None:
        """A page's time for ``system`` (None: its cached extraction has no recorded time)."""
        if sec is not None:
            seconds[system] += sec
            timed[system] += 1

    errors: Counter[str] = Counter()
    removals: dict[str, Counter[str]] = {s: Counter() for s in SPLITS}
    removals_lost: dict[str, Counter[str]] = {s: Counter() for s in SPLITS}
    with cached_extraction(cache) as extract_seconds:

        def html_run(system: str, c: Any, rec: dict[str, Any]) -> Any:
            t0 = time.perf_counter()
            try:
                res = c.clean(dedupe.Document(id=rec["id"], html=rec["html"]))
            except Exception as exc:  # a failing page must not stop the run
                errors[system] += 1
                print(f"warning: wcxb/{rec['id']}: {system} raised {type(exc).__name__}: {exc}")
                res = None
            extra = extract_seconds()
            _clock(system, None if extra is None else time.perf_counter() - t0 + extra)
            return res

        for n, rec in enumerate(records):
            if progress and n and n % 200 == 0:
                progress(f"wcxb: {n} pages ...")
            split, ptype, doc_id = split_of("wcxb", rec), rec["page_type"], rec["id"]
            groups.add_doc(split, ptype)
            traf, traf_sec = trafilatura_text(cache, rec["html"])
            _clock("trafilatura", traf_sec)
            groups.add(split, ptype, "trafilatura", doc_id, traf, rec)
            t0 = time.perf_counter()
            try:
                plain = cleaner.clean(dedupe.Document(id=doc_id, text=traf)) if traf else None
            except Exception as exc:  # a failing page must not stop the run
                errors["trafilatura+dedupe"] += 1
                print(f"warning: wcxb/{doc_id}: dedupe (plain text) raised {type(exc).__name__}: {exc}")
                plain = None
            _clock("trafilatura+dedupe", None if traf_sec is None else time.perf_counter() - t0 + traf_sec)
            groups.add(split, ptype, "trafilatura+dedupe", doc_id, plain.text if plain else "", rec)
            if plain is not None and lost_blocks is not None:
                lost = lost_blocks(plain, rec["gold_text"])
                for i, d in enumerate(plain.decisions):
                    if not d.kept:
                        removals[split][d.reason] += 1
                        removals_lost[split][d.reason] += lost.get(i, False)
            res = html_run("dedupe", cleaner, rec)
            groups.add(split, ptype, "dedupe", doc_id, res.text if res else "", rec)
            groups.add(split, ptype, "dedupe:source", doc_id, res.source if res else "", rec)
            for name, c in variants.items():
                res = html_run(name, c, rec)
                groups.add(split, ptype, name, doc_id, res.text if res else "", rec)
                groups.add(split, ptype, f"{name}:source", doc_id, res.source if res else "", rec)
    seconds["dedupe:source"], timed["dedupe:source"] = seconds["dedupe"], timed["dedupe"]
    return {
        "docs": len(records),
        "splits": groups.finish(),
        "seconds": dict(seconds),
        "timed_pages": dict(timed),
        "errors": dict(errors),
        "trafilatura+dedupe_removals": {
            s: {r: {"removed": c, "lost": removals_lost[s][r]} for r, c in removals[s].most_common()}
            for s in SPLITS
        },
    }


# ------------------------------------------------------------------------------- gold in, gold out


def _gold_row() -> dict[str, Any]:
    return {"docs": 0, "lines": 0, "lost": 0, "repeats": 0, "repeats_removed": 0, "reasons": Counter()}


def _add_gold(row: dict[str, Any], lines: Sequence[dict[str, Any]]) -> None:
    row["docs"] += 1
    row["lines"] += len(lines)
    for ln in lines:
        row["repeats"] += bool(ln["repeat"])
        if ln["removed"]:
            if ln["repeat"]:
                row["repeats_removed"] += 1
            else:
                row["lost"] += 1
                row["reasons"][f"{ln['reason']}/{ln['rule']}" if ln["rule"] else ln["reason"]] += 1


def _finish_gold(row: dict[str, Any]) -> dict[str, Any]:
    lines = row["lines"]
    return {
        **{k: v for k, v in row.items() if k != "reasons"},
        "lost_pct": 100.0 * row["lost"] / lines if lines else 0.0,
        "repeats_removed_pct": 100.0 * row["repeats_removed"] / lines if lines else 0.0,
        "reasons": dict(row["reasons"].most_common()),
    }


def eval_gold(
    sets: dict[str, Sequence[dict[str, Any]]],
    lines_records: Sequence[dict[str, Any]] = (),
    details: list[dict[str, Any]] | None = None,
    config: Any | None = None,
) -> dict[str, Any]:
    """Gold in, gold out (module doc) for the records of each set (``portal``, ``dragnet``, ``wcxb``).

    Groups per split: ``all`` (every set pooled), each set, and ``wcxb/<page type>``; ``lines`` is the
    keep-labelled control, per language and split (``train`` = tune). ``details``, if given, receives
    one entry per document with its lines (for error analysis). ``config``: the cleaner's
    :class:`dedupe.Config` (default settings if ``None``).
    """
    import dedupe

    cleaner = dedupe.Cleaner(config or dedupe.Config())
    rows: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in SPLITS}
    seconds = 0.0
    for name, records in sets.items():
        for rec in records:
            split = split_of(name, rec)
            groups = [ALL, name]
            if name == "wcxb":
                groups.append(f"wcxb/{rec['page_type']}")
            t0 = time.perf_counter()
            res = cleaner.clean(dedupe.Document(id=rec["id"], text=rec["gold_text"]))
            seconds += time.perf_counter() - t0
            lines = gold_lines(res)
            for g in groups:
                _add_gold(rows[split].setdefault(g, _gold_row()), lines)
            if details is not None:
                details.append(
                    {"set": name, "id": rec["id"], "split": split, "page_type": rec.get("page_type", name),
                     "lines": lines}
                )  # fmt: skip
    control: dict[str, dict[str, Any]] = {s: {} for s in SPLITS}
    for rec in lines_records:
        kept = [ln for ln, y in zip(rec["lines"], rec["labels"], strict=False) if int(y) == 1]
        if not kept:
            continue
        res = cleaner.clean(dedupe.Document(id=rec["id"], text="\n".join(kept)))
        _add_gold(control[split_of("lines", rec)].setdefault(rec["lang"], _gold_row()), gold_lines(res))
    order = [ALL, "wcxb", *(f"wcxb/{t}" for t in PAGE_TYPES), "portal", "dragnet"]
    return {
        "splits": {s: {g: _finish_gold(rows[s][g]) for g in order if g in rows[s]} for s in SPLITS},
        "lines_control": {s: {g: _finish_gold(r) for g, r in control[s].items()} for s in SPLITS},
        "seconds": seconds,
    }


def load_wcxb(
    data_dir: Path, limit: int | None = None, ids: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """The wcxb records in file order: the first ``limit``, or exactly those of ``ids``."""
    import gzip
    import json

    want = set(ids) if ids is not None else None
    out = []
    with gzip.open(Path(data_dir) / "wcxb" / "wcxb-dev.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            if limit is not None and len(out) >= limit:
                break
            if want is not None:
                m = _ID_RE.match(line)
                if m is None or m.group(1) not in want:
                    continue
            out.append(json.loads(line))
    if want is not None and len(out) != len(want):
        missing = sorted(want - {r["id"] for r in out})
        raise ValueError(f"wcxb ids not found: {missing[:5]}")
    return out


def tune_slice(
    records: Iterable[dict[str, Any]], per_type: int, max_html_chars: int | None = None
) -> list[str]:
    """The ids of the first ``per_type`` tune pages of each page type, in file order (a fixed slice).

    Pages whose HTML is longer than ``max_html_chars`` are passed over (a slice that CI extracts on
    the fly must stay fast).
    """
    taken: Counter[str] = Counter()
    out = []
    for rec in records:
        if split_of("wcxb", rec) != TUNE or taken[rec["page_type"]] >= per_type:
            continue
        if max_html_chars is not None and len(rec["html"]) > max_html_chars:
            continue
        taken[rec["page_type"]] += 1
        out.append(rec["id"])
    return out


def cap_per_type(records: Iterable[dict[str, Any]], per_type: int) -> list[dict[str, Any]]:
    """The first ``per_type`` records of each (split, page type), in file order (a cheaper sample)."""
    taken: Counter[tuple[str, str]] = Counter()
    out = []
    for rec in records:
        key = (split_of("wcxb", rec), rec["page_type"])
        if taken[key] < per_type:
            taken[key] += 1
            out.append(rec)
    return out


def add_data_arguments(ap: Any) -> None:
    """The ``--data``, ``--cache`` and ``--no-cache`` options of the scripts that read wcxb."""
    if __package__:
        from .snapshot import DEFAULT_CACHE, DEFAULT_DATA
    else:
        from snapshot import DEFAULT_CACHE, DEFAULT_DATA

    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data directory")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="extraction cache (snapshot.py's)")
    ap.add_argument("--no-cache", action="store_true", help="extract every page on the fly")


def open_cache(args: Any) -> Any | None:
    """The :class:`snapshot.ExtractCache` the options of :func:`add_data_arguments` ask for, or None."""
    if args.no_cache:
        return None
    if __package__:
        from .snapshot import ExtractCache
    else:
        from snapshot import ExtractCache
    return ExtractCache(args.cache)
