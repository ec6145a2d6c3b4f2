"""Corpus mode over the bundled seed articles, then an HTML report to open in a browser.

Run: python examples/corpus_report.py [REPORT.html]   (default: report.html in the current folder)
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import dedupe
from dedupe.report import write_html_report

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
out = sys.argv[1] if len(sys.argv) > 1 else "report.html"

docs = [dedupe.Document(id=p.name, text=p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
results = list(dedupe.Cleaner().clean_many(docs))  # a paragraph seen in an earlier document goes
reasons = Counter(d.reason for r in results for d in r.decisions if not d.kept)
print("removed blocks by reason:", dict(sorted(reasons.items())))
summary = write_html_report(results, out, title="dedupe report: seeds")
print(f"wrote {out}: {summary['documents']} documents, {summary['blocks_removed']} blocks removed")
