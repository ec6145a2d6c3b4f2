"""Off-topic insertions, measured on articles with teasers of *other* articles spliced in.

Kept as it was so that its history stays comparable (its figures are pinned in
``benchmarks/floors.json`` as ``splice.test.*``); issue 21 is measured by ``benchmarks/splice2.py``
(the project's tune/measure split, every kind x subject x position, the release's stages beside).

Usage (from the repository root)::

    .venv/bin/python benchmarks/splice.py                 # all splits, per kind
    .venv/bin/python benchmarks/splice.py --split test --show 10

Real labelled teasers are rare in the development sets, so this benchmark makes them, the way the
teasers get into scraped pages: it takes the human gold text of the ``dragnet`` and ``portal``
pages (``<data>/README.md``) as articles and splices into each, deterministically (seeded by the
article id), one insertion of one of these kinds:

``headline_blurb``
    the headline and the first sentences of another, randomly chosen, article, between two
    paragraphs of the body (the "unrelated football story in a politics article" case);
``same_subject_lede``
    the first sentence of the article *most similar* to this one (TF-IDF cosine over the other
    articles), as the last paragraph (the "one-sentence lede of a different article on the same
    subject" case: lexical coherence alone cannot see it);
``headline_list``
    two to four headlines of other articles, one per line, before the last paragraph (a
    related-stories box).

A fourth of the articles get no insertion (``none``): they measure false removals on clean text.
Every line is labelled (inserted or original), the spliced text goes through ``dedupe.clean``, and
the figures are: per kind, the share of inserted lines removed (by any stage, and by the
``offtopic`` stage), and over all articles the share of original lines the ``offtopic`` stage
removed (its false removals; the other stages' removals of original lines are boilerplate the gold
keeps, such as captions, and are reported apart).

Splits: ``train`` / ``test`` by a hash of the article id (test = 30%), so that a learned model can
be trained on one and scored on the other (``training/train_offtopic.py``).

The dragnet set is AGPL-licensed: nothing generated here is written into the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex as re

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"

KINDS = ("headline_blurb", "same_subject_lede", "headline_list", "none")
_SENT = re.compile(r"(?<=[.!?][\"”’)]?)\s+(?=[\"“‘(]?[A-Z0-9])")
_DIGITS = re.compile(r"\d{1,2}[:/,]\s?\d{2}")  # times and dates: "6:00", "24, 2012"
_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "your",
        "not",
        "no",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "said",
        "says",
        "about",
        "after",
        "before",
        "over",
        "into",
        "than",
        "then",
        "there",
        "which",
        "who",
        "whom",
        "what",
        "when",
        "where",
        "why",
        "how",
    ]
)


@dataclass
class Spliced:
    id: str
    split: str
    kind: str
    lines: list[str]
    inserted: list[bool]


def _split_of(doc_id: str) -> str:
    h = int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:8], 16)
    return "test" if h % 10 < 3 else "train"


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.split(text) if s.strip()]


def _is_prose(p: str) -> bool:
    return len(p.split()) >= 15 and p.rstrip()[-1:] in '.!?"”’)'


def _headline(paras: list[str]) -> str | None:
    """The article's title: its first line when that is short and not a sentence."""
    if not paras:
        return None
    first = paras[0].strip()
    n = len(first.split())
    letters = [w for w in first.split() if w.isalpha()]
    if 3 <= n <= 16 and first[-1:] not in ".:;," and len(letters) >= 3 and not _DIGITS.search(first):
        return first
    return None


def _lede(paras: list[str]) -> str | None:
    for p in paras[:6]:
        if _is_prose(p):
            s = _sentences(p)
            if s and 12 <= len(s[0].split()) <= 60:
                return s[0]
    return None


def _blurb(paras: list[str], rng: random.Random) -> str | None:
    for p in paras[:6]:
        if _is_prose(p):
            s = _sentences(p)
            take = " ".join(s[: rng.choice((1, 2))])
            if 10 <= len(take.split()) <= 70:
                return take
    return None


def load_articles(data: Path, sets: Sequence[str] = ("dragnet", "portal")) -> list[tuple[str, list[str]]]:
    sys.path.insert(0, str(data))
    from load import iter_set  # type: ignore[import-not-found]

    out = []
    for name in sets:
        for rec in iter_set(name):
            if name == "portal" and not rec["id"].startswith("CleanPortalEval/"):
                continue  # general web pages (forums, shops): not articles
            paras = [p.strip() for p in rec["gold_paragraphs"] if p.strip()]
            if sum(_is_prose(p) for p in paras) >= 4 and len(paras) <= 80:
                out.append((rec["id"], paras))
    return out


def _vectors(articles: Sequence[tuple[str, list[str]]]) -> list[dict[str, float]]:
    docs = [
        Counter(w.lower() for w in _WORD.findall(" ".join(p)) if w.lower() not in _STOP and not w.isdigit())
        for _, p in articles
    ]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    n = len(docs)
    vecs = []
    for d in docs:
        v = {w: (1 + math.log(c)) * math.log(n / df[w]) for w, c in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({w: x / norm for w, x in v.items()})
    return vecs


def _most_similar(vecs: list[dict[str, float]], i: int) -> int:
    mine = vecs[i]
    best, best_j = -1.0, (i + 1) % len(vecs)
    for j, v in enumerate(vecs):
        if j == i:
            continue
        s = sum(x * v.get(w, 0.0) for w, x in mine.items())
        if s > best:
            best, best_j = s, j
    return best_j


def generate(
    data: Path = DEFAULT_DATA, variants: int = 1, sets: Sequence[str] = ("dragnet", "portal")
) -> Iterator[Spliced]:
    """The spliced articles; ``variants`` > 1 makes more per article (other seeds), for training.
    ``sets`` chooses the development sets the articles (and the teasers spliced in) come from."""
    articles = load_articles(data, sets)
    vecs = _vectors(articles)
    for v in range(variants):
        yield from _generate(articles, vecs, v)


def _generate(
    articles: list[tuple[str, list[str]]], vecs: list[dict[str, float]], variant: int
) -> Iterator[Spliced]:
    for i, (doc_id, paras) in enumerate(articles):
        rng = random.Random(f"splice:{doc_id}" + (f":{variant}" if variant else ""))
        kind = rng.choice(KINDS)
        lines = list(paras)
        inserted = [False] * len(lines)
        others = [j for j in range(len(articles)) if j != i]

        def put(at: int, new: list[str], lines: list[str] = lines, inserted: list[bool] = inserted) -> None:
            lines[at:at] = new
            inserted[at:at] = [True] * len(new)

        if kind == "headline_blurb":
            for _ in range(20):
                b = articles[rng.choice(others)][1]
                head, blurb = _headline(b), _blurb(b, rng)
                if head and blurb:
                    put(rng.randint(2, max(2, len(lines) - 1)), [head, blurb])
                    break
            else:
                kind = "none"
        elif kind == "same_subject_lede":
            lede = _lede(articles[_most_similar(vecs, i)][1])
            if lede:
                put(len(lines), [lede])
            else:
                kind = "none"
        elif kind == "headline_list":
            heads: list[str] = []
            for _ in range(40):
                h = _headline(articles[rng.choice(others)][1])
                if h and h not in heads:
                    heads.append(h)
                if len(heads) >= rng.randint(2, 4):
                    break
            if len(heads) >= 2:
                put(len(lines) - 1, heads)
            else:
                kind = "none"
        yield Spliced(doc_id, _split_of(doc_id), kind, lines, inserted)


def evaluate(docs: Sequence[Spliced], clean: Any, show: int = 0) -> dict[str, Any]:
    per_kind: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    orig: Counter[str] = Counter()
    examples: list[str] = []
    for d in docs:
        res = clean("\n".join(d.lines))
        by_text: dict[str, list[Any]] = {}
        for b, dec in zip(res.blocks, res.decisions):
            by_text.setdefault(b.text, []).append(dec)
        c = per_kind[d.kind]
        c["docs"] += 1
        for line, ins in zip(d.lines, d.inserted):
            decs = by_text.get(line.strip())
            dec = decs.pop(0) if decs else None
            removed = dec is not None and not dec.kept
            off = removed and str(dec.reason).startswith("offtopic")
            if ins:
                c["inserted"] += 1
                c["removed"] += removed
                c["offtopic"] += off
                if not removed and len(examples) < show:
                    examples.append(f"MISSED [{d.kind}] {d.id}: {line[:120]}")
            else:
                orig["lines"] += 1
                orig["offtopic"] += off
                orig["other"] += removed and not off
                if off and len(examples) < show:
                    examples.append(f"FALSE  [{d.kind}] {d.id}: {line[:120]} ({dec.evidence.get('rule')})")
    return {"kinds": per_kind, "original": orig, "examples": examples}


def summary(r: dict[str, Any]) -> dict[str, float]:
    """Headline figures: share of inserted lines caught, original lines removed by offtopic (%)."""
    ins = sum(r["kinds"][k]["inserted"] for k in KINDS[:-1])
    caught = sum(r["kinds"][k]["removed"] for k in KINDS[:-1])
    o = r["original"]
    return {"caught": caught / max(1, ins), "offtopic_false_pct": 100 * o["offtopic"] / max(1, o["lines"])}


def report(name: str, r: dict[str, Any]) -> str:
    out = [f"== splice/{name}", "kind                docs  inserted  removed  by offtopic", "-" * 56]
    tot: Counter[str] = Counter()
    for kind in KINDS[:-1]:
        c = r["kinds"][kind]
        tot.update(c)
        ins = max(1, c["inserted"])
        out.append(
            f"{kind:18} {c['docs']:5} {c['inserted']:9} {c['removed'] / ins:8.3f} {c['offtopic'] / ins:12.3f}"
        )
    ins = max(1, tot["inserted"])
    out.append(
        f"{'all insertions':18} {tot['docs']:5} {tot['inserted']:9} {tot['removed'] / ins:8.3f} {tot['offtopic'] / ins:12.3f}"
    )
    o = r["original"]
    n = max(1, o["lines"])
    out.append(
        f"original lines: {o['lines']}; removed by offtopic {o['offtopic']} ({o['offtopic'] / n:.2%}), "
        f"by other stages {o['other']} ({o['other'] / n:.2%}); clean articles: {r['kinds']['none']['docs']}"
    )
    out.extend(r["examples"])
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--split", choices=("train", "test", "all"), default="all")
    ap.add_argument("--show", type=int, default=0, help="print this many missed/false examples")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO_ROOT / "src"))
    import dedupe

    docs = list(generate(args.data))
    splits = ("train", "test") if args.split == "all" else (args.split,)
    for s in splits:
        print(report(s, evaluate([d for d in docs if d.split == s], dedupe.clean, args.show)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
