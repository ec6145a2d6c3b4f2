"""Error analysis on the TUNE part: genuine lines the cleaner removes, and noise it misses, by shape.

Three populations, all from the ``tune`` part of :mod:`datasplit` (never the measured part):

``gold``
    Gold in, gold out (:func:`wcxb.eval_gold`): the gold lines of wcxb, portal and dragnet that the
    cleaner removes and that repeat no earlier gold line (the ``lost`` lines of the benchmark).
``traf-keep``
    trafilatura's default extraction of each wcxb page, cleaned as plain text: the lines labelled
    *keep* by ``training/wcxb_lines.py`` (token alignment with the gold) that the cleaner removes.
``traf-noise``
    The same text: the lines labelled *noise* that the cleaner keeps (what is missed today).

Each removed genuine line is counted by its removal (reason, evidence ``rule``, stage, ``pass``) and by
its *shape* (:func:`genuine_shape`); each missed noise line by its shape (:func:`noise_shape`). The
shape tests are heuristics written for this analysis only (they are not cleaning rules and never run
in the library); the first shape that fits wins, in the order of :data:`GENUINE_SHAPES` and
:data:`NOISE_SHAPES`. ``--examples N`` prints N lines of each shape, for the analyst's eyes only (the
report describes shapes with made-up illustrations, never with the pages' text).

Usage::

    .venv/bin/python benchmarks/harm_analysis.py --json out/harm.json --examples 4 > out/harm.txt
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "training"))

import wcxb  # noqa: E402
from datasplit import TUNE, split_of  # noqa: E402
from quality import load_records  # noqa: E402
from scoring import tokenise  # noqa: E402
from snapshot import ExtractCache  # noqa: E402
from wcxb_lines import extraction_lines, page_rows  # noqa: E402

GENUINE_SHAPES = (
    "forum/comment removal",
    "non-space script (CJK)",
    "(R)/(C) trademark marker",
    "Q&A / FAQ",
    "code/markup line",
    "table row/cell",
    "embedded social post / profile",
    "paragraph under removed teaser headline",
    "parallel/templated near copy",
    "structural repeat",
    "short headline/dateline under title",
    "list item",
    "short label/value (<=4 words)",
    "other",
)
NOISE_SHAPES = (
    "cookie/consent/legal",
    "reader comment furniture",
    "product card/price",
    "sign-up widget",
    "reporting credit",
    "byline",
    "agency/role credit",
    "date/timestamp",
    "page tools/account",
    "related headlines",
    "nav/link run",
    "table row",
    "other short (<=4 words)",
    "prose not in the gold (>=12 words)",
    "other",
)
_NOSPACE = re.compile(r"[\u0e00-\u0eff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_LETTER = re.compile(r"[^\W\d_]")
_CODE = re.compile(
    r"[{};]\s*$|^\s*[{}\])]|[=!<>]=|=>|->|::|\w\(.*\)|</?[a-z]+[ >/]|^\s*(?:\$ |>>> |//|#!|@\w+\()"
    r"|\b(?:def|class|import|return|function|const|let|var|public|private|void|null|None|True|False|"
    r"SELECT|FROM|WHERE)\b|^\s*[\w.]+\s*[:=]\s*\S|['\"`][\w./-]+['\"`],?$"
)
_LISTITEM = re.compile(r"^\s*(?:[-*•·▪]\s|\d{1,3}[.)]\s)")
_COOKIE = re.compile(
    r"\b(?:cookies?|consent|privacy|terms of (?:use|service)|all rights reserved|gdpr)\b", re.I
)
_COMMENT = re.compile(
    r"\b(?:says|said|replied|reply|likes?|votes?|points?|wrote|member|joined|posts?)\s*:?\s*$|^\s*\d+\s+(?:likes?|replies|comments|votes)\b",
    re.I,
)
_PRICE = re.compile(
    r"[$€£¥]\s?\d|\d\s?[$€£¥]|\b(?:USD|EUR|GBP)\b|\b(?:sale price|regular price|add to (?:cart|bag))\b", re.I
)
_TRADEMARK = re.compile(r"\((?:R|C|TM)\)|[®©™]", re.IGNORECASE)
_SOCIAL = re.compile(
    r"(?:^|\s)@\w{2,}|pic\.twitter\.com|\b(?:instagram|tiktok|twitter|x\.com|threads|bluesky|youtube)\b"
    r"|^\s*(?:account|handle|follow)\s*:",
    re.IGNORECASE,
)
_QA = re.compile(r"^\s*(?:Q|A|Q\d+|Question|Answer|Frage|Antwort)\s*[:.)\-–]\s*|\?\s*$", re.IGNORECASE)
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{2,40}\s*(?:\([^)]{1,30}\)\s*)?(?:--|—|–|-)\s*")
_MONTH = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|"
    r"(?:januar|februar|märz|juni|juli|oktober|dezember)"
)
_DATE = re.compile(
    rf"\b(?:{_MONTH})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTH})\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b"
    r"|\b\d{1,2}:\d{2}\b|\b(?:updated|published|posted)\b|\b\d+\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b",
    re.IGNORECASE,
)
_TOOLS = re.compile(
    r"\b(?:share|print|e-?mail|comments?|save|follow|tweet|pin|copy link|bookmark|log ?in|sign ?in|"
    r"account|menu|search|cart|reply|report|like|upvote|quote|permalink|download|listen|subscribe to)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^\s*(?:by|von|par|por|written by|posted by|author|words by)\b", re.IGNORECASE)
_CREDIT = re.compile(
    r"\b(?:staff|writer|reporter|editor|correspondent|contributor|photographer|columnist|agencies|"
    r"associated press|reuters|afp|\bap\b|press association|news service)\b",
    re.IGNORECASE,
)
_REPORTING = re.compile(
    r"contributed (?:reporting|to this)|additional reporting|reporting by|editing by|reported by",
    re.IGNORECASE,
)
_SIGNUP = re.compile(
    r"\b(?:subscribe|newsletter|sign up|signing up|email address|inbox|unsubscribe|get the latest|"
    r"join our|notify me|create an account|register)\b",
    re.IGNORECASE,
)
_RELATED = re.compile(
    r"^\s*(?:related|read more|read next|see also|more from|recommended|you may also like|also read|"
    r"more stories|trending|most popular|latest)\b",
    re.IGNORECASE,
)


def _words(s: str) -> int:
    return len(s.split())


def _is_table(s: str) -> bool:
    t = s.strip()
    if len(t) > 1 and t[0] == "|" and t[-1] == "|":
        return True
    letters = len(_LETTER.findall(t))
    return bool(t) and (letters == 0 or (letters / len(t.replace(" ", "")) < 0.5 and _words(t) >= 2))


def _nospace(s: str) -> bool:
    letters = _LETTER.findall(s)
    return bool(letters) and sum(bool(_NOSPACE.match(c)) for c in letters) >= 0.3 * len(letters)


def genuine_shape(lines: Sequence[dict[str, Any]], i: int, page_type: str) -> str:
    """The shape of a removed genuine line ``lines[i]`` (dicts with text, removed, reason)."""
    ln = lines[i]
    s, reason = ln["text"], ln["reason"]
    if reason == "boilerplate.comments":
        return "forum/comment removal"
    if _nospace(s):
        return "non-space script (CJK)"
    if _TRADEMARK.search(s):
        return "(R)/(C) trademark marker"
    if _QA.search(s):
        return "Q&A / FAQ"
    if _CODE.search(s) and page_type in ("documentation", "forum", "article", "listing"):
        return "code/markup line"
    if _is_table(s):
        return "table row/cell"
    if _SOCIAL.search(s):
        return "embedded social post / profile"
    if reason.startswith("offtopic.") and i > 0 and lines[i - 1]["removed"] and _words(s) > 8:
        return "paragraph under removed teaser headline"
    if reason.startswith("duplicate."):
        return "parallel/templated near copy"
    key = tuple(tokenise(s))
    if key and sum(tuple(tokenise(o["text"])) == key for o in lines) > 1:
        return "structural repeat"
    if (
        _DATELINE.match(s)
        or (i < 6 and _words(s) <= 10)
        or reason in ("boilerplate.dateline", "boilerplate.section_label")
    ):
        return "short headline/dateline under title"
    if _LISTITEM.match(s):
        return "list item"
    if _words(s) <= 4:
        return "short label/value (<=4 words)"
    return "other"


def noise_shape(texts: Sequence[str], i: int) -> str:
    """The shape of a noise line ``texts[i]`` that the cleaner kept."""
    s = texts[i]
    w = _words(s)
    if _COOKIE.search(s):
        return "cookie/consent/legal"
    if _COMMENT.search(s) and w <= 6:
        return "reader comment furniture"
    if _PRICE.search(s) and w <= 30:
        return "product card/price"
    if _SIGNUP.search(s) and w <= 25:
        return "sign-up widget"
    if _REPORTING.search(s) and w <= 25:
        return "reporting credit"
    if _BYLINE.match(s) and w <= 12:
        return "byline"
    if _CREDIT.search(s) and w <= 8:
        return "agency/role credit"
    if _DATE.search(s) and w <= 8:
        return "date/timestamp"
    if _TOOLS.search(s) and w <= 6:
        return "page tools/account"
    if _RELATED.match(s) or (
        4 <= w <= 16 and not s.rstrip().endswith((".", ":", ";")) and _run(texts, i, 4, 16) >= 3
    ):
        return "related headlines"
    if w <= 4 and _run(texts, i, 1, 4) >= 3:
        return "nav/link run"
    if _is_table(s):
        return "table row"
    if w <= 4:
        return "other short (<=4 words)"
    if w >= 12:
        return "prose not in the gold (>=12 words)"
    return "other"


def _run(texts: Sequence[str], i: int, lo: int, hi: int) -> int:
    """Length of the run of lines of ``lo``..``hi`` words around line ``i``."""

    def fits(j: int) -> bool:
        return lo <= _words(texts[j]) <= hi

    if not fits(i):
        return 0
    a = i
    while a > 0 and fits(a - 1):
        a -= 1
    b = i
    while b + 1 < len(texts) and fits(b + 1):
        b += 1
    return b - a + 1


def _removal(ln: dict[str, Any]) -> str:
    return f"{ln['reason']}/{ln['rule']}" if ln.get("rule") else ln["reason"]


def analyse(data: Path, cache: ExtractCache | None, examples: int, seed: int) -> dict[str, Any]:
    import dedupe

    tune = {
        name: [
            r
            for r in (wcxb.load_wcxb(data) if name == "wcxb" else load_records(data, name, None))
            if split_of(name, r) == TUNE
        ]
        for name in ("wcxb", "portal", "dragnet")
    }
    out: dict[str, Any] = {"pages": {k: len(v) for k, v in tune.items()}}
    ex: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))

    # --- gold in, gold out
    details: list[dict[str, Any]] = []
    wcxb.eval_gold(tune, (), details)
    g_shape: Counter[tuple[str, str]] = Counter()
    g_rule: Counter[tuple[str, str]] = Counter()
    g_lines: Counter[str] = Counter()
    for doc in details:
        ptype = doc["page_type"] if doc["set"] == "wcxb" else doc["set"]
        g_lines[ptype] += len(doc["lines"])
        for i, ln in enumerate(doc["lines"]):
            if ln["removed"] and not ln["repeat"]:
                shape = genuine_shape(doc["lines"], i, ptype)
                g_shape[(shape, ptype)] += 1
                g_rule[(_removal(ln), shape)] += 1
                ex["gold:" + shape][ptype].append(f"[{_removal(ln)}] {ln['text'][:160]}")
    out["gold"] = {"lines": dict(g_lines), "shape": _nest(g_shape), "rule_shape": _nest(g_rule)}

    # --- trafilatura's text, labelled by the alignment, cleaned
    cleaner = dedupe.Cleaner(dedupe.Config())
    k_shape: Counter[tuple[str, str]] = Counter()
    k_rule: Counter[tuple[str, str]] = Counter()
    n_shape: Counter[tuple[str, str]] = Counter()
    counts: Counter[tuple[str, str]] = Counter()
    for rec in tune["wcxb"]:
        text = wcxb.trafilatura_text(cache, rec["html"])[0]
        if not text:
            continue
        rows = page_rows(rec, text)
        res = cleaner.clean(dedupe.Document(id=rec["id"], text=text))
        blocks = [b.text for b in res.blocks]
        if blocks != extraction_lines(text):
            print(f"warning: {rec['id']}: blocks and lines differ; page skipped", file=sys.stderr)
            continue
        ptype = rec["page_type"]
        lines = [
            {"text": b, "removed": not d.kept, "reason": "" if d.kept else d.reason,
             "rule": "" if d.kept else str(d.evidence.get("rule", "")), "pass": d.evidence.get("pass", 1)}
            for b, d in zip(blocks, res.decisions, strict=True)
        ]  # fmt: skip
        for i, (ln, row) in enumerate(zip(lines, rows, strict=True)):
            y = row["label"]
            counts[(ptype, f"{'keep' if y else 'noise'}:{'removed' if ln['removed'] else 'kept'}")] += 1
            if y == 1 and ln["removed"]:
                shape = genuine_shape(lines, i, ptype)
                k_shape[(shape, ptype)] += 1
                k_rule[(_removal(ln), shape)] += 1
                ex["traf-keep:" + shape][ptype].append(f"[{_removal(ln)}] {ln['text'][:160]}")
            elif y == 0 and not ln["removed"]:
                shape = noise_shape(blocks, i)
                n_shape[(shape, ptype)] += 1
                ex["traf-noise:" + shape][ptype].append(ln["text"][:160])
    out["traf"] = {
        "counts": _nest(counts),
        "keep_removed_shape": _nest(k_shape),
        "keep_removed_rule_shape": _nest(k_rule),
        "noise_kept_shape": _nest(n_shape),
    }
    rng = random.Random(seed)
    out["examples"] = {
        k: {p: rng.sample(v, min(examples, len(v))) for p, v in by_type.items()} for k, by_type in ex.items()
    }
    return out


def _nest(c: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for (a, b), n in sorted(c.items(), key=lambda kv: -kv[1]):
        out[a][b] = n
    return dict(out)


def _table(nested: dict[str, dict[str, int]], cols: Sequence[str], order: Sequence[str] | None = None) -> str:
    rows = list(order or sorted(nested, key=lambda k: -sum(nested[k].values())))
    rows = [r for r in rows if r in nested]
    w = max([len(r) for r in rows] + [10])
    head = f"{'':<{w}}" + "".join(f"{c[:10]:>11}" for c in cols) + f"{'total':>8}"
    out = [head]
    for r in rows:
        vals = [nested[r].get(c, 0) for c in cols]
        out.append(f"{r:<{w}}" + "".join(f"{v:>11}" for v in vals) + f"{sum(nested[r].values()):>8}")
    tot = [sum(nested[r].get(c, 0) for r in rows) for c in cols]
    out.append(f"{'total':<{w}}" + "".join(f"{v:>11}" for v in tot) + f"{sum(tot):>8}")
    return "\n".join(out)


def report(res: dict[str, Any], examples: int) -> str:
    types = [*wcxb.PAGE_TYPES, "portal", "dragnet"]
    out = [f"tune pages: {res['pages']}"]
    out.append("\n== gold in, gold out (tune): lost gold lines by shape and page type")
    out.append("gold lines: " + ", ".join(f"{k} {v}" for k, v in res["gold"]["lines"].items()))
    out.append(_table(res["gold"]["shape"], types, GENUINE_SHAPES))
    out.append("\n-- by removal (reason/rule) and shape")
    out.append(_table(res["gold"]["rule_shape"], GENUINE_SHAPES))
    out.append("\n== trafilatura text (tune wcxb): lines by label and decision")
    out.append(
        _table(
            res["traf"]["counts"],
            ["keep:kept", "keep:removed", "noise:removed", "noise:kept"],
            wcxb.PAGE_TYPES,
        )
    )
    out.append("\n-- keep-labelled lines removed, by shape and page type")
    out.append(_table(res["traf"]["keep_removed_shape"], wcxb.PAGE_TYPES, GENUINE_SHAPES))
    out.append("\n-- keep-labelled lines removed, by removal and shape")
    out.append(_table(res["traf"]["keep_removed_rule_shape"], GENUINE_SHAPES))
    out.append("\n-- noise-labelled lines kept (missed), by shape and page type")
    out.append(_table(res["traf"]["noise_kept_shape"], wcxb.PAGE_TYPES, NOISE_SHAPES))
    if examples:
        out.append("\n== examples (tune pages; for the analyst only, never copy into reports)")
        for k in sorted(res["examples"]):
            out.append(f"\n-- {k}")
            for p, lines in res["examples"][k].items():
                for line in lines:
                    out.append(f"   {p:<13} {line}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    wcxb.add_data_arguments(ap)
    ap.add_argument("--examples", type=int, default=0, help="lines printed per shape and page type")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    import logging

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    res = analyse(args.data, wcxb.open_cache(args), args.examples, args.seed)
    print(report(res, args.examples))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
