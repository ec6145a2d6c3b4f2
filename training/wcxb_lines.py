"""A line-level keep/noise data set from wcxb: trafilatura's extraction of each page, labelled by the gold.

Each wcxb page (``../shared/data/wcxb``) is extracted with ``trafilatura.extract`` at its default
options (the text a pipeline that is handed someone else's extraction sees; read from the benchmark
cache, :class:`snapshot.ExtractCache`, when it is there). Every non-empty line of the extraction is
labelled by an order-preserving token alignment with the gold:

* Tokens: lower-cased ``\\w+`` runs (:func:`scoring.tokenise`) other than runs of underscores (rules
  such as ``___``), except that a run holding characters
  of a script written without spaces (Han, Hiragana, Katakana, Hangul, Thai, Lao, Khmer, Myanmar) is
  cut into single characters, so a Japanese sentence is not one token that matches only if the whole
  sentence is identical.
* The reference is the record's ``title`` followed by ``gold_text``: the wcxb gold leaves the title
  out, but a title line at the top of an extraction is not noise for a cleaner.
* Alignment: :class:`difflib.SequenceMatcher` (``autojunk`` off) on the token lists of the whole
  extraction and the whole reference, so a gold paragraph split over several extraction lines, or two
  gold lines joined in one, still aligns. A matching block shorter than :data:`MIN_BLOCK` tokens counts
  only if it is a whole extraction line *and* a whole reference line (a lone "Home" or "Share" line
  must not borrow the word from the middle of a gold sentence).
* ``share`` = aligned tokens / tokens of the line; ``keep`` if ``share >=`` :data:`KEEP_SHARE` (0.8).
  A line without tokens (``___``, ``|---|``) takes the label of its neighbours: keep if the nearest
  lines with tokens before and after it are both keep; its ``share`` is ``null``.

Record (JSON Lines, gzip): ``id``, ``page_type``, ``split`` (:mod:`datasplit`), ``domain``, ``i`` (line
index in the extraction), ``n`` (lines in the extraction), ``text``, ``label`` (1 keep, 0 noise),
``share``. Nothing is written into the repository: the default output is ``out/wcxb_lines.jsonl.gz``.

Usage::

    .venv/bin/python training/wcxb_lines.py                       # write the set, print label statistics
    .venv/bin/python training/wcxb_lines.py --sample 30 --seed 1  # also print 30 tune lines to eyeball
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import wcxb  # noqa: E402
from datasplit import MEASURE, TUNE, split_of  # noqa: E402
from snapshot import ExtractCache, iter_data  # noqa: E402

#: A line is keep if at least this share of its tokens align with the gold (issue 16).
KEEP_SHARE = 0.8
#: Matching blocks shorter than this count only where a whole line matches a whole gold line.
MIN_BLOCK = 3
DEFAULT_OUT = ROOT / "out" / "wcxb_lines.jsonl.gz"
PAGE_TYPES = ("article", "service", "product", "collection", "forum", "listing", "documentation")

_WORD = re.compile(r"\w+")
_NOSPACE = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)


def align_tokens(text: str) -> list[str]:
    """Alignment tokens of ``text``: lower-cased ``\\w+`` runs, no-space scripts cut into characters."""
    out: list[str] = []
    for tok in _WORD.findall(unicodedata.normalize("NFKC", text).lower()):
        if not tok.strip("_"):  # a rule of underscores is a separator, not a word
            continue
        if _NOSPACE.search(tok):
            out.extend(tok)
        else:
            out.append(tok)
    return out


def _spans(lines: Sequence[str]) -> tuple[list[str], list[int], list[tuple[int, int]]]:
    """Tokens of all lines, the line of each token, and each line's (start, end) token span."""
    toks: list[str] = []
    owner: list[int] = []
    spans: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        t = align_tokens(line)
        spans.append((len(toks), len(toks) + len(t)))
        toks += t
        owner += [i] * len(t)
    return toks, owner, spans


def label_lines(lines: Sequence[str], reference: str) -> list[tuple[int, float | None]]:
    """(label, share) for each line of an extraction against the reference text (module doc)."""
    ext, owner, spans = _spans(lines)
    ref_lines = [ln for ln in reference.split("\n") if ln.strip()]
    ref, ref_owner, ref_spans = _spans(ref_lines)
    aligned = [False] * len(ext)
    if ext and ref:
        sm = SequenceMatcher(None, ext, ref, autojunk=False)
        for a, b, size in sm.get_matching_blocks():
            if size == 0:
                continue
            if size < MIN_BLOCK:
                whole_ext = spans[owner[a]] == (a, a + size)
                whole_ref = ref_spans[ref_owner[b]] == (b, b + size)
                if not (whole_ext and whole_ref):
                    continue
            for k in range(a, a + size):
                aligned[k] = True
    out: list[tuple[int, float | None]] = []
    for s, e in spans:
        if e == s:
            out.append((-1, None))
        else:
            share = sum(aligned[s:e]) / (e - s)
            out.append((int(share >= KEEP_SHARE), round(share, 4)))
    labels = [y for y, _ in out]
    for i, (y, share) in enumerate(out):  # lines without tokens: from their neighbours
        if y == -1:
            before = next((labels[j] for j in range(i - 1, -1, -1) if labels[j] != -1), 0)
            after = next((labels[j] for j in range(i + 1, len(labels)) if labels[j] != -1), 0)
            out[i] = (int(before == 1 and after == 1), share)
    return out


def extraction_lines(text: str) -> list[str]:
    """The non-empty lines of an extraction, stripped (the cleaner's blocks)."""
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def page_rows(rec: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The labelled lines of one page, given its extraction ``text``."""
    lines = extraction_lines(text)
    reference = f"{rec.get('title') or ''}\n{rec['gold_text']}"
    split = split_of("wcxb", rec)
    return [
        {
            "id": rec["id"], "page_type": rec["page_type"], "split": split, "domain": rec.get("domain"),
            "i": i, "n": len(lines), "text": line, "label": y, "share": share,
        }
        for i, (line, (y, share)) in enumerate(zip(lines, label_lines(lines, reference), strict=True))
    ]  # fmt: skip


def iter_rows(data: Path, cache: ExtractCache | None) -> Iterator[dict[str, Any]]:
    for rec in iter_data(data, "wcxb"):
        yield from page_rows(rec, wcxb.trafilatura_text(cache, rec["html"])[0])


def load(path: Path = DEFAULT_OUT) -> list[dict[str, Any]]:
    """Read a data set written by this script."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def statistics(rows: Iterable[dict[str, Any]]) -> str:
    """Label counts per split and page type, and how clear-cut the shares are."""
    c: Counter[tuple[str, str, str]] = Counter()
    pages: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        for g in (r["page_type"], "all"):
            key = (r["split"], g)
            c[(*key, "lines")] += 1
            c[(*key, "keep")] += r["label"] == 1
            share = r["share"]
            c[(*key, "mid")] += share is not None and 0.2 < share < KEEP_SHARE
            c[(*key, "notok")] += share is None
            pages.setdefault(key, set()).add(r["id"])
    head = f"{'split':<8}{'page type':<15}{'pages':>6}{'lines':>8}{'keep':>8}{'noise':>8}{'keep %':>8}"
    head += f"{'0.2<share<0.8':>15}{'no tokens':>11}"
    out = [head]
    for split in (TUNE, MEASURE):
        for g in ("all", *PAGE_TYPES):
            key = (split, g)
            n = c[(*key, "lines")]
            if not n:
                continue
            k = c[(*key, "keep")]
            out.append(
                f"{split:<8}{g:<15}{len(pages[key]):>6}{n:>8}{k:>8}{n - k:>8}{100 * k / n:>8.1f}"
                f"{c[(*key, 'mid')]:>15}{c[(*key, 'notok')]:>11}"
            )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    wcxb.add_data_arguments(ap)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--sample", type=int, default=0, help="print N random tune lines with their labels")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    import logging

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    cache = wcxb.open_cache(args)
    rows = list(iter_rows(args.data, cache))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.out, "wt", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} lines of {len({r['id'] for r in rows})} pages written to {args.out}")
    print(statistics(rows))
    if args.sample:
        tune = [r for r in rows if r["split"] == TUNE]
        for r in random.Random(args.seed).sample(tune, min(args.sample, len(tune))):
            share = "-" if r["share"] is None else f"{r['share']:.2f}"
            print(f"{'KEEP ' if r['label'] else 'noise'} {share:>5} {r['page_type']:<13} {r['text'][:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
