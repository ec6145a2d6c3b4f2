"""Quality benchmark: dedupe against trafilatura and jusText on the development sets.

Usage (from the repository root)::

    .venv/bin/python benchmarks/quality.py                       # all sets, all systems
    .venv/bin/python benchmarks/quality.py --sets dragnet --limit 50 --systems trafilatura,justext
    .venv/bin/python benchmarks/quality.py --trafilatura-variants --json out/quality.json --errors 5
    .venv/bin/python benchmarks/quality.py --sets lines --lines-splits dev,test   # held-out lines

Sets (see ``<data>/README.md``; the data live outside the repository, in ``../shared/data`` by default):

``portal``, ``dragnet``
    Raw HTML with human gold text. Every system turns the HTML into text, which is scored against the gold
    with token 4-gram precision/recall (per-document P and R averaged, F1 from the averages; conventions in
    :mod:`scoring`). Systems: ``dedupe`` (``dedupe.clean_html``), ``trafilatura`` (``trafilatura.extract``
    with default options) and ``justext`` (non-boilerplate paragraphs, stoplist from ``<html lang>``, else
    English). When dedupe runs, the row ``dedupe:source`` scores the text dedupe extracted *before* its
    cleaning stages (``CleanResult.source``), so the difference between the two rows is what cleaning did.
    The row ``dedupe:plain`` cleans that extracted text as *plain text* (``dedupe.clean``): the setting of
    a pipeline that receives text someone else extracted, where the HTML hints are gone and the learned
    line-quality model runs. It is the development proxy for scraped news text. The row
    ``trafilatura+dedupe`` cleans the ``trafilatura`` row's own text (default options, so readers'
    comments are in it) as plain text: a pipeline fed by someone else's trafilatura run.
    ``--trafilatura-variants`` adds rows for other trafilatura settings.

``lines``
    Plain-text documents with a keep/noise label per line, per language (``en``, ``de``), only records with
    ``dup_of`` null. ``dedupe`` cleans ``"\\n".join(lines)`` with ``dedupe.clean``; its block decisions are
    mapped back to lines. Figures: removal precision/recall/F1 (positive class = noise), line accuracy,
    genuine lines lost, and token 4-gram P/R/F1 of the kept lines against the gold-kept lines. The row
    ``keep-all`` is the trivial baseline that removes nothing. The labels are quality labels, so both
    copies of a repeated genuine line (forum quotes, wiki diff views) are labelled genuine; the row
    ``dedupe:no-duplicates`` scores dedupe with its ``duplicate.*`` removals undone, to separate the
    boilerplate/off-topic stages from within-document de-duplication.

A system that raises on a document gets an empty output for it; the error is counted and reported on
stderr, and the run goes on. Timings are the summed wall time of the system's calls, in seconds.

The module also offers :func:`run` for in-process use (tests pin quality floors with it).

The dragnet set is AGPL-licensed: never copy it, or fixtures derived from it, into this repository.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import logging
import re
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

if __package__:
    from . import wcxb
    from .scoring import average_prf, ngram_prf, ngrams, removal_prf, tokenise
else:  # run as a script, or imported with benchmarks/ on sys.path
    import wcxb
    from scoring import average_prf, ngram_prf, ngrams, removal_prf, tokenise

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
SET_FILES = {
    "portal": "portal/portal.jsonl.gz",
    "dragnet": "dragnet/dragnet.jsonl.gz",
    "lines": "lines/lines.jsonl.gz",
    "wcxb": "wcxb/wcxb-dev.jsonl.gz",
}
HTML_SETS = ("portal", "dragnet")
#: Every set the benchmark runs by default; ``gold`` is gold in, gold out on portal, dragnet, wcxb
#: and the ``lines`` control (see :mod:`wcxb`).
ALL_SETS = ("portal", "dragnet", "lines", "wcxb", "gold")
DEFAULT_CACHE = Path.home() / ".cache" / "dedupe-bench"
LANGS = ("en", "de")
LINES_SPLITS = ("train", "dev", "test")
BASE_SYSTEMS = ("dedupe", "trafilatura", "justext")
#: Extra trafilatura settings (``--trafilatura-variants``): row name -> keyword arguments of ``extract``.
TRAFILATURA_VARIANTS: dict[str, dict[str, Any]] = {
    "trafilatura:precision": {"favor_precision": True},
    "trafilatura:recall": {"favor_recall": True},
    "trafilatura:no-comments": {"include_comments": False},
    "trafilatura:no-tables": {"include_tables": False},
    "trafilatura:fast": {"fast": True},
    "trafilatura:precision+no-comments": {"favor_precision": True, "include_comments": False},
    "trafilatura:recall+no-comments": {"favor_recall": True, "include_comments": False},
}
N = 4  # n-gram order of the text scores
MAX_ERROR_LINES = 40  # --errors: lines shown per document

_JUSTEXT_LANGS = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch",
    "pt": "Portuguese", "ru": "Russian", "pl": "Polish", "sv": "Swedish", "da": "Danish", "fi": "Finnish",
    "no": "Norwegian_Bokmal", "nb": "Norwegian_Bokmal", "cs": "Czech", "sk": "Slovak", "hu": "Hungarian",
    "ro": "Romanian", "tr": "Turkish", "el": "Greek", "uk": "Ukrainian", "bg": "Bulgarian", "hr": "Croatian",
    "sl": "Slovenian", "sr": "Serbian", "et": "Estonian", "lv": "Latvian", "lt": "Lithuanian",
    "id": "Indonesian", "vi": "Vietnamese", "ca": "Catalan",
}  # fmt: skip
_HTML_LANG_RE = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})\b", re.IGNORECASE)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def warn(msg: str) -> None:
    print(f"warning: {msg}", file=sys.stderr)


# --------------------------------------------------------------------------------------------- data


def iter_records(data_dir: Path, name: str) -> Iterator[dict[str, Any]]:
    path = Path(data_dir) / SET_FILES[name]
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; point --data at the shared data directory")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def load_records(
    data_dir: Path, name: str, limit: int | None, lines_splits: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """The set's records in file order; for ``lines`` only ``dup_of`` null.

    ``limit`` keeps the first N records of the set; for ``lines``, the first N of each language.
    ``lines_splits`` keeps only those splits of ``lines`` (the line-quality model is trained on
    ``train``: ``dev,test`` are the held-out figures).
    """
    out = []
    taken: Counter[str] = Counter()
    for rec in iter_records(data_dir, name):
        if name == "lines" and rec.get("dup_of") is not None:
            continue
        if name == "lines" and lines_splits and rec.get("split") not in lines_splits:
            continue
        key = rec.get("lang", "") if name == "lines" else ""
        if limit is not None and taken[key] >= limit:
            continue
        taken[key] += 1
        out.append(rec)
    return out


# ------------------------------------------------------------------------------------------ systems


def import_dedupe() -> Any:
    """Import the library (from ``src/`` if it is not installed); a clear error if it is not usable."""
    try:
        import dedupe
    except ImportError:
        src = str(REPO_ROOT / "src")
        if src not in sys.path:
            sys.path.insert(0, src)
        try:
            import dedupe
        except ImportError as exc:
            raise SystemExit(
                f"cannot import the dedupe library ({exc}); install it (pip install -e .) "
                "or run with --systems trafilatura,justext"
            ) from exc
    missing = [fn for fn in ("clean", "clean_html") if not callable(getattr(dedupe, fn, None))]
    if missing:
        raise SystemExit(
            f"the dedupe library has no {' / '.join(missing)} yet; run with --systems trafilatura,justext"
        )
    return dedupe


def justext_text(html: str) -> str:
    import justext

    m = _HTML_LANG_RE.search(html[:5000])
    language = _JUSTEXT_LANGS.get(m.group(1).lower()[:2], "English") if m else "English"
    try:
        paragraphs = justext.justext(html, justext.get_stoplist(language))
    except ValueError:  # lxml refuses a str that carries an XML encoding declaration
        paragraphs = justext.justext(_XML_DECL_RE.sub("", html, count=1), justext.get_stoplist(language))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def html_systems(systems: Sequence[str]) -> dict[str, Callable[[str], Any]]:
    """System name -> function(html). dedupe returns its CleanResult, the others a string (or None)."""
    out: dict[str, Callable[[str], Any]] = {}
    for name in systems:
        if name == "dedupe":
            out[name] = import_dedupe().clean_html
        elif name == "trafilatura" or name in TRAFILATURA_VARIANTS:
            import trafilatura

            kwargs = TRAFILATURA_VARIANTS.get(name, {})
            out[name] = lambda html, kw=kwargs: trafilatura.extract(html, **kw)
        elif name == "justext":
            out[name] = justext_text
        else:
            raise ValueError(f"unknown system {name!r}")
    return out


# ------------------------------------------------------------------------------------------ helpers


def coverage(line: str, ref_tokens: str, ref_grams: set[tuple[str, ...]]) -> float | None:
    """Share of ``line`` found in a reference text (its 4-grams, or its token run if it is short).

    ``ref_tokens`` is the reference's tokens joined by spaces, with a space at both ends.
    """
    toks = tokenise(line)
    if not toks:
        return None
    if len(toks) < N:
        return 1.0 if f" {' '.join(toks)} " in ref_tokens else 0.0
    grams = list(ngrams(toks, N).elements())
    return sum(g in ref_grams for g in grams) / len(grams)


def _reference(text: str) -> tuple[str, set[tuple[str, ...]]]:
    toks = tokenise(text)
    return f" {' '.join(toks)} ", set(ngrams(toks, N))


def lost_blocks(result: Any, gold: str) -> dict[int, bool]:
    """For each removed block (by position): was removing it a loss against the gold?

    A removed block is *lost* if at least half of its 4-grams are gold 4-grams that the clean text does
    not already contain (multiset difference, consumed block by block), so removing the second copy of a
    paragraph the gold has once is not a loss. A block of fewer than 4 tokens is lost if its token run
    occurs more often in the gold than in the clean text. Blocks without tokens are never lost.
    """
    pairs = list(zip(result.blocks, result.decisions, strict=False))
    kept_toks = tokenise("\n".join(b.text for b, d in pairs if d.kept))
    gold_toks = tokenise(gold)
    remaining = ngrams(gold_toks, N) - ngrams(kept_toks, N)
    gold_str, kept_str = f" {' '.join(gold_toks)} ", f" {' '.join(kept_toks)} "
    out: dict[int, bool] = {}
    for i, (b, d) in enumerate(pairs):
        if d.kept:
            continue
        toks = tokenise(b.text)
        if not toks:
            out[i] = False
        elif len(toks) < N:
            run = f" {' '.join(toks)} "
            out[i] = gold_str.count(run) > kept_str.count(run)
        else:
            grams = list(ngrams(toks, N).elements())
            hit = 0
            for g in grams:
                if remaining[g] > 0:
                    remaining[g] -= 1
                    hit += 1
            out[i] = hit / len(grams) >= 0.5
    return out


def map_decisions(lines: Sequence[str], result: Any, doc_id: str) -> tuple[list[bool], list[str], int]:
    """Per line: removed?, reason. Blocks are matched to non-empty lines in order, by stripped text.

    A line without a matching block counts as kept; the number of such lines is returned (and warned).
    """
    blocks, decisions = list(result.blocks), list(result.decisions)
    removed, reasons, unmatched = [], [], 0
    j = 0
    for line in lines:
        s = line.strip()
        if not s:
            removed.append(False)
            reasons.append("")
            continue
        k = j
        while k < len(blocks) and blocks[k].text != s:
            k += 1
        if k < len(blocks):
            d = decisions[k]
            removed.append(not d.kept)
            reasons.append("kept" if d.kept else str(d.reason))
            j = k + 1
        else:
            removed.append(False)
            reasons.append("unmatched")
            unmatched += 1
    if unmatched:
        warn(f"{doc_id}: {unmatched} line(s) matched no dedupe block; counted as kept")
    return removed, reasons, unmatched


# ------------------------------------------------------------------------------------- evaluations


def _new_sys() -> dict[str, Any]:
    return {"seconds": 0.0, "errors": 0, "empty": 0, "pairs": [], "docs": {}}


def _finish_text(stats: dict[str, Any]) -> dict[str, Any]:
    avg = average_prf(stats.pop("pairs"))
    return {
        "precision": avg.precision,
        "recall": avg.recall,
        "f1": avg.f1,
        "docs_precision": avg.n_precision,
        "docs_recall": avg.n_recall,
        **stats,
    }


def eval_html_set(
    name: str,
    records: list[dict[str, Any]],
    systems: Sequence[str],
    details: dict[str, Any],
    cache: Any | None = None,
) -> dict[str, Any]:
    funcs = html_systems(systems)
    if cache is not None and "trafilatura" in funcs:
        funcs["trafilatura"] = lambda html: wcxb.trafilatura_text(cache, html)
    rows: dict[str, dict[str, Any]] = {s: _new_sys() for s in systems}
    if "dedupe" in funcs:
        rows["dedupe:source"] = _new_sys()
        rows["dedupe:plain"] = _new_sys()
        clean_plain = import_dedupe().clean
        if "trafilatura" in funcs:
            rows["trafilatura+dedupe"] = _new_sys()
    reasons: Counter[str] = Counter()
    reasons_lost: Counter[str] = Counter()
    per_doc: list[dict[str, Any]] = []

    def score_plain(row: dict[str, Any], text: str, gold: str, doc_id: str, extract_seconds: float) -> None:
        """Clean ``text`` as plain text (``dedupe.clean``) and score it into ``row``."""
        t1 = time.perf_counter()
        try:
            cleaned = clean_plain(text).text if text else ""
        except Exception as exc:  # a failing page must not stop the run
            cleaned = ""
            row["errors"] += 1
            warn(f"{name}/{doc_id}: dedupe (plain text) raised {type(exc).__name__}: {exc}")
        row["seconds"] += extract_seconds + time.perf_counter() - t1
        sc = ngram_prf(cleaned, gold, N)
        row["pairs"].append((sc.precision, sc.recall))
        row["docs"][doc_id] = sc.f1
        row["empty"] += not tokenise(cleaned)

    with wcxb.cached_extraction(cache) as extract_seconds:
        for rec in records:
            doc_id, html, gold = rec["id"], rec["html"], rec["gold_text"]
            for sys_name, fn in funcs.items():
                t0 = time.perf_counter()
                try:
                    out = fn(html)
                    err = None
                except Exception as exc:  # a failing page must not stop the run
                    out, err = None, exc
                dt = time.perf_counter() - t0
                if isinstance(out, tuple):  # (text, extraction seconds) from the cache
                    out, cached_seconds = out
                    dt = cached_seconds if cached_seconds is not None else dt
                elif sys_name == "dedupe":
                    dt += extract_seconds() or 0.0
                row = rows[sys_name]
                row["seconds"] += dt
                if err is not None:
                    row["errors"] += 1
                    warn(f"{name}/{doc_id}: {sys_name} raised {type(err).__name__}: {err}")
                if sys_name == "dedupe":
                    text = out.text if out is not None else ""
                    source = out.source if out is not None else ""
                    src_row = rows["dedupe:source"]
                    src_row["seconds"] += dt
                    src_score = ngram_prf(source, gold, N)
                    src_row["pairs"].append((src_score.precision, src_score.recall))
                    src_row["docs"][doc_id] = src_score.f1
                    src_row["empty"] += not tokenise(source)
                    score_plain(rows["dedupe:plain"], source, gold, doc_id, dt)
                    if out is not None:
                        lost = lost_blocks(out, gold)
                        for i, d in enumerate(out.decisions):
                            if not d.kept:
                                reasons[d.reason] += 1
                                reasons_lost[d.reason] += lost.get(i, False)
                else:
                    text = out or ""
                    if sys_name == "trafilatura" and "trafilatura+dedupe" in rows:
                        # trafilatura's own text (default options: comments kept) cleaned as plain text.
                        score_plain(rows["trafilatura+dedupe"], text, gold, doc_id, dt)
                score = ngram_prf(text, gold, N)
                row["pairs"].append((score.precision, score.recall))
                row["docs"][doc_id] = score.f1
                row["empty"] += not tokenise(text)
                if sys_name == "dedupe" and out is not None:
                    per_doc.append({"id": doc_id, "gold": gold, "result": out, "score": score})
    details[name] = per_doc
    result = {
        "docs": len(records),
        "systems": {s: _finish_text(r) for s, r in rows.items()},
    }
    if "dedupe" in funcs:
        result["dedupe_removals"] = {
            r: {"removed": c, "lost": reasons_lost[r]} for r, c in reasons.most_common()
        }
    return result


def eval_lines_set(records: list[dict[str, Any]], systems: Sequence[str], details: dict[str, Any]) -> dict:
    use_dedupe = "dedupe" in systems
    clean = import_dedupe().clean if use_dedupe else None
    out: dict[str, Any] = {}
    per_doc: list[dict[str, Any]] = []
    for lang in LANGS:
        recs = [r for r in records if r["lang"] == lang]
        if not recs:
            continue
        labels_all: list[int] = []
        rows: dict[str, dict[str, Any]] = {"keep-all": {"removed": [], **_new_sys()}}
        if use_dedupe:
            rows["dedupe"] = {"removed": [], "unmatched": 0, **_new_sys()}
            rows["dedupe:no-duplicates"] = {"removed": [], **_new_sys()}
        reasons: Counter[str] = Counter()
        reasons_genuine: Counter[str] = Counter()
        for rec in recs:
            lines, labels = rec["lines"], [int(y) for y in rec["labels"]]
            labels_all += labels
            gold_text = "\n".join(ln for ln, y in zip(lines, labels, strict=False) if y == 1)
            flags_by_sys: dict[str, list[bool]] = {"keep-all": [False] * len(lines)}
            if clean is not None:
                row = rows["dedupe"]
                t0 = time.perf_counter()
                try:
                    res = clean("\n".join(lines))
                except Exception as exc:
                    res = None
                    row["errors"] += 1
                    warn(f"lines/{rec['id']}: dedupe raised {type(exc).__name__}: {exc}")
                row["seconds"] += time.perf_counter() - t0
                if res is not None:
                    flags, why, unmatched = map_decisions(lines, res, rec["id"])
                    row["unmatched"] += unmatched
                else:
                    flags, why = [False] * len(lines), ["error"] * len(lines)
                flags_by_sys["dedupe"] = flags
                # The line labels are quality labels: a repeated genuine line is genuine in every copy
                # (forum quotes, wiki diffs). This row scores dedupe with its duplicate removals undone.
                flags_by_sys["dedupe:no-duplicates"] = [
                    rm and not r.startswith("duplicate.") for rm, r in zip(flags, why, strict=True)
                ]
                for rm, y, r in zip(flags, labels, why, strict=False):
                    if rm:
                        reasons[r] += 1
                        reasons_genuine[r] += y == 1
                per_doc.append(
                    {"id": rec["id"], "lines": lines, "labels": labels, "removed": flags, "why": why}
                )
            for sys_name, flags in flags_by_sys.items():
                row = rows[sys_name]
                row["removed"] += flags
                kept = "\n".join(ln for ln, rm in zip(lines, flags, strict=False) if not rm)
                score = ngram_prf(kept, gold_text, N)
                row["pairs"].append((score.precision, score.recall))
                row["empty"] += not tokenise(kept)
                row["docs"][rec["id"]] = score.f1
        lang_out: dict[str, Any] = {
            "docs": len(recs),
            "lines": len(labels_all),
            "genuine": sum(labels_all),
            "noise": len(labels_all) - sum(labels_all),
            "systems": {},
        }
        if use_dedupe:  # the derived row comes from the same dedupe run
            rows["dedupe:no-duplicates"]["seconds"] = rows["dedupe"]["seconds"]
        for sys_name, row in rows.items():
            removal = removal_prf(labels_all, row.pop("removed")).to_dict()
            lang_out["systems"][sys_name] = {"removal": removal, "text": _finish_text(row)}
        if use_dedupe:
            lang_out["dedupe_removals"] = {
                r: {"removed": c, "genuine": reasons_genuine[r]} for r, c in reasons.most_common()
            }
        out[lang] = lang_out
    details["lines"] = per_doc
    return out


def _run(
    sets: Sequence[str],
    limit: int | None,
    data_dir: Path | str,
    systems: Sequence[str] | None = None,
    trafilatura_variants: bool = False,
    progress: Callable[[str], None] | None = None,
    lines_splits: Sequence[str] | None = None,
    cache: Path | None = None,
    html_variants: Sequence[str] = (),
    wcxb_ids: Sequence[str] | None = None,
    time_extraction: bool = False,
    wcxb_per_type: int | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    systems = list(systems or BASE_SYSTEMS)
    extract_cache = None
    if cache is not None:
        if __package__:
            from .snapshot import ExtractCache
        else:
            from snapshot import ExtractCache

        extract_cache = ExtractCache(Path(cache))
        extract_cache.fill_times = time_extraction
    loaded: dict[str, list[dict[str, Any]]] = {}

    def records_of(name: str) -> list[dict[str, Any]]:
        if name not in loaded:
            if name == "wcxb":
                loaded[name] = wcxb.load_wcxb(data_dir, None if wcxb_ids else limit, wcxb_ids)
                if wcxb_per_type is not None:
                    loaded[name] = wcxb.cap_per_type(loaded[name], wcxb_per_type)
            else:
                loaded[name] = load_records(data_dir, name, limit, lines_splits if name == "lines" else None)
        return loaded[name]

    if trafilatura_variants:
        systems += [v for v in TRAFILATURA_VARIANTS if v not in systems]
    data_dir = Path(data_dir)
    details: dict[str, Any] = {}
    results: dict[str, Any] = {
        "meta": {
            "data_dir": str(data_dir),
            "limit": limit,
            "lines_splits": list(lines_splits or LINES_SPLITS),
            "sets": list(sets),
            "systems": systems,
            "cache": str(cache) if cache is not None else None,
            "html_variants": list(html_variants),
            "wcxb_ids": list(wcxb_ids) if wcxb_ids is not None else None,
            "wcxb_per_type": wcxb_per_type,
            "ngram": N,
            "versions": _versions(systems),
        },
        "sets": {},
    }
    for name in sets:
        t0 = time.perf_counter()
        if name == "gold":
            if progress:
                progress("gold: gold in, gold out on portal, dragnet, wcxb and the lines control ...")
            every_line = load_records(data_dir, "lines", limit)  # all splits: train is the tune part
            details["gold"] = []
            res = wcxb.eval_gold(
                {s: records_of(s) for s in ("portal", "dragnet", "wcxb")}, every_line, details["gold"]
            )
        else:
            records = records_of(name)
            if progress:
                progress(f"{name}: {len(records)} documents ...")
        if name in HTML_SETS:
            res = eval_html_set(name, records, systems, details, extract_cache)
        elif name == "lines":
            res = eval_lines_set(records, systems, details)
        elif name == "wcxb":
            res = wcxb.eval_wcxb(records, extract_cache, html_variants, lost_blocks, progress)
        elif name != "gold":
            raise ValueError(f"unknown set {name!r}; choose from {', '.join(ALL_SETS)}")
        res_wall = time.perf_counter() - t0
        if progress:
            progress(f"{name}: done in {res_wall:.1f} s")
        results["sets"][name] = res
        results["meta"].setdefault("wall_seconds", {})[name] = round(res_wall, 3)
    return results, details


def run(
    sets: Sequence[str],
    limit: int | None,
    data_dir: Path | str = DEFAULT_DATA,
    systems: Sequence[str] | None = None,
    trafilatura_variants: bool = False,
    lines_splits: Sequence[str] | None = None,
    cache: Path | None = None,
    html_variants: Sequence[str] = (),
    wcxb_ids: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Run the benchmark in-process and return every figure (the structure ``--json`` writes).

    ``cache`` is an extraction cache directory (``None``: extract on the fly); ``wcxb_ids`` restricts
    the wcxb set (and its gold-in-gold-out rows) to those pages (``limit`` then applies to the others). ``result["sets"]["wcxb"]["splits"]
    [split][group]["systems"][system]`` has ``f1``, ``with_found``, ``without_left``, ...;
    ``result["sets"]["gold"]["splits"][split][group]`` has ``lost_pct``, ``repeats_removed_pct``, ...

    ``result["sets"][html_set]["systems"][system]`` has ``precision``, ``recall``, ``f1`` (token 4-gram,
    macro-averaged), ``errors``, ``empty``, ``seconds`` and per-document F1 under ``docs``;
    ``result["sets"]["lines"][lang]["systems"][system]`` has ``removal`` (``precision``, ``recall``,
    ``f1``, ``accuracy``, ``genuine_lost``, ...) and ``text`` (the 4-gram figures of the kept lines).
    """
    return _run(
        sets,
        limit,
        data_dir,
        systems,
        trafilatura_variants,
        lines_splits=lines_splits,
        cache=cache,
        html_variants=html_variants,
        wcxb_ids=wcxb_ids,
    )[0]


def _versions(systems: Sequence[str]) -> dict[str, str]:
    from importlib import metadata

    out = {"python": sys.version.split()[0]}
    for dist in ("dedupe-text", "trafilatura", "jusText", "lxml"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[dist] = metadata.version(dist)
    return out


# ------------------------------------------------------------------------------------------ output


def fmt(v: Any, digits: int = 3) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A text table: first column left-aligned, the others right-aligned."""
    cells = [list(headers)] + [[fmt(c) if not isinstance(c, str) else c for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=False))
        )

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])


def report(results: dict[str, Any]) -> str:
    out: list[str] = []
    for name, res in results["sets"].items():
        wall = results["meta"].get("wall_seconds", {}).get(name)
        if name in HTML_SETS:
            out.append(
                f"\n== {name}: {res['docs']} documents, token {N}-gram P/R/F1 against gold  "
                f"(set wall time {fmt(wall, 1)} s)"
            )
            rows = [
                [s, r["precision"], r["recall"], r["f1"], r["docs_precision"], r["docs_recall"],
                 r["empty"], r["errors"], fmt(r["seconds"], 1)]
                for s, r in res["systems"].items()
            ]  # fmt: skip
            out.append(table(["system", "P", "R", "F1", "nP", "nR", "empty", "errors", "seconds"], rows))
            if res.get("dedupe_removals"):
                out.append(
                    "\ndedupe removals by reason (lost: the removed block is gold text missing from the "
                    "clean text)"
                )
                out.append(
                    table(
                        ["reason", "removed", "lost"],
                        [[k, v["removed"], v["lost"]] for k, v in res["dedupe_removals"].items()],
                    )
                )
        elif name == "lines":
            for lang, lr in res.items():
                out.append(
                    f"\n== lines/{lang}: {lr['docs']} documents, {lr['lines']} lines "
                    f"({lr['genuine']} genuine, {lr['noise']} noise); removal: positive class = noise  "
                    f"(set wall time {fmt(wall, 1)} s)"
                )
                rows = []
                for s, r in lr["systems"].items():
                    rm, tx = r["removal"], r["text"]
                    rows.append([
                        s, rm["tp"] + rm["fp"], rm["precision"], rm["recall"], rm["f1"], rm["accuracy"],
                        rm["genuine_lost"], fmt(rm["genuine_lost_pct"], 1), tx["precision"], tx["recall"],
                        tx["f1"], tx["errors"], tx.get("unmatched", 0), fmt(tx["seconds"], 2),
                    ])  # fmt: skip
                out.append(table(
                    ["system", "removed", "rm P", "rm R", "rm F1", "line acc", "genuine lost", "lost %",
                     f"{N}g P", f"{N}g R", f"{N}g F1", "errors", "unmatched", "seconds"],
                    rows,
                ))  # fmt: skip
                if lr.get("dedupe_removals"):
                    out.append(f"\ndedupe removals by reason (lines/{lang})")
                    out.append(
                        table(
                            ["reason", "removed", "genuine"],
                            [[k, v["removed"], v["genuine"]] for k, v in lr["dedupe_removals"].items()],
                        )
                    )
        elif name == "wcxb":
            out.append(wcxb_report(res, wall))
        elif name == "gold":
            out.append(gold_report(res, wall))
    return "\n".join(out).lstrip("\n")


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f}"


def _delta(a: float | None, b: float | None) -> str:
    return "-" if a is None or b is None else f"{a - b:+.3f}"


def wcxb_report(res: dict[str, Any], wall: float | None) -> str:
    """The wcxb tables: per split, F1 per page type and system, then the snippet shares."""
    out = [
        f"\n== wcxb: {res['docs']} pages, token {N}-gram F1 against gold (a leading title line stripped "
        f"from output and gold); set wall time {fmt(wall, 1)} s"
    ]
    base = "trafilatura"
    for split, groups in res["splits"].items():
        if not groups:
            continue
        systems = list(groups[wcxb.ALL]["systems"])
        others = [s for s in systems if s != base]
        out.append(f"\n-- wcxb/{split}: F1 (and the difference to trafilatura alone)")
        rows = []
        for g, gr in groups.items():
            sy = gr["systems"]
            row: list[Any] = [g, gr["docs"], sy[base]["f1"]]
            for s in others:
                row += [sy[s]["f1"], _delta(sy[s]["f1"], sy[base]["f1"])]
            rows.append(row)
        headers = ["page type", "docs", base]
        for s in others:
            headers += [s, "Δ"]
        out.append(table(headers, rows))
        out.append(
            f"\n-- wcxb/{split}: P / R, and the snippets: 'with found' = must-keep snippets present (%), "
            "'without left' = must-drop snippets still present (%)"
        )
        rows = []
        for g, gr in groups.items():
            for s in systems:
                r = gr["systems"][s]
                rows.append([
                    f"{g} {s}", r["precision"], r["recall"], r["f1"], _pct(r["with_found"]),
                    _pct(r["without_left"]), r["empty"],
                ])  # fmt: skip
        out.append(table(["page type / system", "P", "R", "F1", "with found", "without left", "empty"], rows))
    timed = res.get("timed_pages", {})
    out.append(
        "\nseconds per page, extraction included (mean over the pages whose extraction time is known: "
        "measured now or recorded in the cache; --time-extraction records the rest): "
        + ", ".join(
            f"{k} {v / timed[k]:.3f} ({timed[k]} pages)" for k, v in res["seconds"].items() if timed.get(k)
        )
    )
    if res.get("errors"):
        out.append(f"errors: {res['errors']}")
    for split, removals in res["trafilatura+dedupe_removals"].items():
        if removals:
            out.append(
                f"\ntrafilatura+dedupe removals by reason, wcxb/{split} (lost: the removed block is gold "
                "text missing from the clean text)"
            )
            out.append(
                table(
                    ["reason", "removed", "lost"], [[k, v["removed"], v["lost"]] for k, v in removals.items()]
                )
            )
    return "\n".join(out)


def gold_report(res: dict[str, Any], wall: float | None) -> str:
    """The gold-in-gold-out tables: lines lost per split and group, repeats apart, and the lines control."""
    out = [
        "\n== gold in, gold out: the human gold texts cleaned as plain text; lost = non-empty gold lines "
        "removed that repeat no earlier line; repeats removed counted apart "
        f"(targets on measure: lost <= 0.5% overall, <= 1% per page type); wall time {fmt(wall, 1)} s"
    ]
    headers = ["split / group", "docs", "lines", "lost", "lost %", "repeats", "repeats removed", "rep rm %"]
    rows = []
    for split, groups in res["splits"].items():
        for g, r in groups.items():
            rows.append([
                f"{split} {g}", r["docs"], r["lines"], r["lost"], fmt(r["lost_pct"], 2), r["repeats"],
                r["repeats_removed"], fmt(r["repeats_removed_pct"], 2),
            ])  # fmt: skip
    out.append(table(headers, rows))
    rows = []
    for split, groups in res["lines_control"].items():
        for g, r in groups.items():
            rows.append([
                f"{split} lines/{g}", r["docs"], r["lines"], r["lost"], fmt(r["lost_pct"], 2), r["repeats"],
                r["repeats_removed"], fmt(r["repeats_removed_pct"], 2),
            ])  # fmt: skip
    if rows:
        out.append("\nlines control: the keep-labelled lines of each lines document, cleaned (a floor only)")
        out.append(table(headers, rows))
    for split, groups in res["splits"].items():
        reasons = groups.get(wcxb.ALL, {}).get("reasons")
        if reasons:
            out.append(f"\ngold lines lost by reason/rule ({split}, all sets)")
            out.append(table(["reason/rule", "lost"], list(reasons.items())))
    return "\n".join(out)


def _short(s: str, width: int = 110) -> str:
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 3] + "..."


def error_report(details: dict[str, Any], n: int) -> str:
    """The ``n`` worst documents for dedupe in each set, with their lost and extra lines."""
    out: list[str] = []
    for name in HTML_SETS:
        docs = [d for d in details.get(name, []) if d.get("score") and d["score"].f1 is not None]
        if not docs:
            continue
        docs.sort(key=lambda d: (d["score"].f1, d["id"]))
        out.append(f"\n== {name}: the {min(n, len(docs))} worst documents for dedupe (by 4-gram F1)")
        for d in docs[:n]:
            res, gold, sc = d["result"], d["gold"], d["score"]
            out.append(f"\n-- {d['id']}  P={fmt(sc.precision)} R={fmt(sc.recall)} F1={fmt(sc.f1)}")
            gold_ref, src_ref = _reference(gold), _reference(res.source)
            for line in gold.split("\n"):
                cov_src = coverage(line, *src_ref)
                if cov_src is not None and cov_src < 0.5:
                    out.append(f"   NOT EXTRACTED  {_short(line)}")
            lost = lost_blocks(res, gold)
            for i, (b, dec) in enumerate(zip(res.blocks, res.decisions, strict=False)):
                if not dec.kept and lost.get(i):
                    out.append(f"   LOST [{dec.reason}]  {_short(b.text)}")
                elif dec.kept:
                    cov = coverage(b.text, *gold_ref)
                    if cov is not None and cov < 0.5:
                        out.append(f"   EXTRA  {_short(b.text)}")
    docs = details.get("lines", [])
    if docs:

        def errs(d: dict[str, Any]) -> tuple[list[str], list[str]]:
            rows = list(zip(d["lines"], d["labels"], d["removed"], d["why"], strict=False))
            lost = [f"   LOST [{why}]  {_short(ln)}" for ln, y, rm, why in rows if rm and y == 1]
            kept = [f"   NOISE KEPT  {_short(ln)}" for ln, y, rm, _ in rows if not rm and y == 0]
            return lost, kept

        ranked = sorted(docs, key=lambda d: (-len(errs(d)[0]), -len(errs(d)[1]), d["id"]))
        out.append(
            f"\n== lines: the {min(n, len(ranked))} worst documents for dedupe "
            f"(most genuine lines lost, then most noise kept; at most {MAX_ERROR_LINES} lines each)"
        )
        for d in ranked[:n]:
            lost, kept = errs(d)
            out.append(
                f"\n-- {d['id']}  {len(lost)} genuine lines lost, {len(kept)} noise lines kept, "
                f"of {len(d['lines'])} lines"
            )
            shown = (lost + kept)[:MAX_ERROR_LINES]
            out += shown
            if len(lost) + len(kept) > len(shown):
                out.append(f"   ... {len(lost) + len(kept) - len(shown)} more")
    return "\n".join(out).lstrip("\n")


def _jsonable(results: dict[str, Any]) -> dict[str, Any]:
    def conv(o: Any) -> Any:
        if isinstance(o, dict):
            return {k: conv(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [conv(v) for v in o]
        if isinstance(o, float):
            return round(o, 6)
        return o

    return conv(results)


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks/quality.py",
        description="Score dedupe, trafilatura and jusText on the development sets (portal, dragnet: token "
        "4-gram P/R/F1 against the gold text; lines: line-removal P/R/F1, genuine lines lost, and 4-gram "
        "P/R/F1 of the kept lines).",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        metavar="DIR",
        help="the shared data directory (default: ../shared/data next to the repo: %(default)s)",
    )
    parser.add_argument(
        "--sets",
        type=_csv,
        default=list(ALL_SETS),
        help="comma-separated sets to run, from portal,dragnet,lines,wcxb,gold (default: all; gold is "
        "gold in, gold out on portal, dragnet, wcxb and the lines control)",
    )
    parser.add_argument(
        "--systems",
        type=_csv,
        default=list(BASE_SYSTEMS),
        help="comma-separated systems, from dedupe,trafilatura,justext (default: all; the "
        "trafilatura:* variant names are accepted too); trafilatura and justext only apply to the HTML "
        "sets, and lines always shows the keep-all baseline",
    )
    parser.add_argument(
        "--trafilatura-variants",
        action="store_true",
        help="also score trafilatura with other extract() settings, as extra rows: "
        + "; ".join(
            f"{k} ({', '.join(f'{a}={b}' for a, b in v.items())})" for k, v in TRAFILATURA_VARIANTS.items()
        ),
    )
    parser.add_argument(
        "--html-variants",
        type=_csv,
        default=[],
        metavar="NAMES",
        help="wcxb only: also score dedupe's HTML path with other extraction settings ('all' for every "
        "one): "
        + "; ".join(
            f"{k} ({', '.join(f'{a}={b}' for a, b in v.items())})" for k, v in wcxb.HTML_VARIANTS.items()
        ),
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        metavar="DIR",
        help="extraction cache (trafilatura's default extraction and dedupe's own, keyed by page, options "
        "and trafilatura version; shared with benchmarks/snapshot.py; default %(default)s)",
    )
    parser.add_argument("--no-cache", action="store_true", help="extract every page on the fly")
    parser.add_argument(
        "--wcxb-per-type",
        type=int,
        default=None,
        metavar="K",
        help="wcxb: only the first K pages of each page type in each split (file order; a cheaper sample "
        "for --html-variants, whose extractions are not cached yet)",
    )
    parser.add_argument(
        "--time-extraction",
        action="store_true",
        help="extract again, once, every cached page whose extraction time was not recorded (entries "
        "written by an older snapshot.py), so the seconds per system include every extraction",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="N",
        help="score only the first N documents of each set (file order; for lines, the first N "
        "of each language, after dropping duplicates)",
    )
    parser.add_argument(
        "--lines-splits",
        type=_csv,
        default=list(LINES_SPLITS),
        metavar="SPLITS",
        help="comma-separated splits of the lines set to score (default: train,dev,test); the "
        "line-quality model is trained on train, so dev,test gives the held-out figures",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write every figure (with per-document F1) to FILE as JSON",
    )
    parser.add_argument(
        "--errors",
        type=int,
        default=0,
        metavar="N",
        help="print the N worst documents for dedupe per set, with lost and extra lines",
    )
    args = parser.parse_args(argv)
    if args.html_variants == ["all"]:
        args.html_variants = list(wcxb.HTML_VARIANTS)

    for s in args.sets:
        if s not in ALL_SETS:
            parser.error(f"unknown set {s!r}; choose from {', '.join(ALL_SETS)}")
    for s in args.html_variants:
        if s not in wcxb.HTML_VARIANTS:
            parser.error(f"unknown HTML variant {s!r}; choose from {', '.join(wcxb.HTML_VARIANTS)}")
    allowed = set(BASE_SYSTEMS) | set(TRAFILATURA_VARIANTS)
    for s in args.systems:
        if s not in allowed:
            parser.error(f"unknown system {s!r}; choose from {', '.join(sorted(allowed))}")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    for s in args.lines_splits:
        if s not in LINES_SPLITS:
            parser.error(f"unknown lines split {s!r}; choose from {', '.join(LINES_SPLITS)}")
    if "dedupe" in args.systems:
        import_dedupe()  # fail early, with a clear message
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("justext").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", category=UserWarning, module="trafilatura")

    results, details = _run(
        args.sets,
        args.limit,
        args.data,
        args.systems,
        args.trafilatura_variants,
        progress=lambda msg: print(msg, file=sys.stderr, flush=True),
        lines_splits=args.lines_splits,
        cache=None if args.no_cache else args.cache,
        html_variants=args.html_variants,
        time_extraction=args.time_extraction,
        wcxb_per_type=args.wcxb_per_type,
    )
    print(report(results))
    if args.errors > 0:
        print()
        print(error_report(details, args.errors))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(_jsonable(results), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"\nfigures written to {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
