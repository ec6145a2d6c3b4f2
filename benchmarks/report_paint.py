"""Size and time to first paint of the HTML report for a large run (issue 18: "usable for 10,000
documents").

Generates ``--docs`` documents with the throughput benchmark's generator (news-like paragraphs,
boilerplate, copies within and across documents), cleans them in corpus mode, writes the report
with ``dedupe report``, opens it in headless Chromium (Debian's chromium + chromium-driver through
selenium) and prints: the report's size, the first contentful paint, the time until the first page
of documents is rendered, and the time to change page, filter by a reason and search by id.

    .venv/bin/python benchmarks/report_paint.py --docs 10000 --out out/report-10k
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import generate_corpus

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000",
]  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=Path("out/report-bench"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3, help="page loads to time (the median is printed)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    corpus, cleaned, page = args.out / "corpus.jsonl", args.out / "clean.jsonl", args.out / "report.html"

    generate_corpus(corpus, megabytes=args.docs * 0.0045, seed=7)
    lines = corpus.read_text(encoding="utf-8").splitlines()[: args.docs]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = [sys.executable, "-m", "dedupe"]
    t0 = time.monotonic()
    subprocess.run([*run, "clean", "--corpus", str(corpus), "-o", str(cleaned), "-q",
                    "--workers", str(args.workers)], check=True)  # fmt: skip
    t1 = time.monotonic()
    subprocess.run([*run, "report", str(cleaned), "-o", str(page), "-q"], check=True)
    t2 = time.monotonic()

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for f in [*FLAGS, f"--user-data-dir={args.out / 'profile'}"]:
        opts.add_argument(f)
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=opts)
    loads = []
    try:
        for _ in range(args.runs):
            driver.get("about:blank")
            driver.get(page.resolve().as_uri())
            loads.append(
                driver.execute_script(
                    "var p=performance.getEntriesByType('paint').filter(function(e){"
                    "return e.name==='first-contentful-paint'})[0];"
                    "var n=performance.getEntriesByType('navigation')[0];"
                    "return {fcp: p ? p.startTime : null, load: n.loadEventEnd,"
                    " rendered: document.querySelectorAll('article.doc').length}"
                )
            )
        interact = driver.execute_script(
            "function t(f){var a=performance.now();f();return performance.now()-a;}"
            "var next=document.querySelector('#pager button:last-child');"
            "var sel=document.getElementById('reason');var q=document.getElementById('q');"
            "return {next_page: t(function(){next.click();}),"
            " filter_reason: t(function(){sel.value=sel.options[2].value;sel.dispatchEvent(new Event('change'));}),"
            " search_id: t(function(){sel.value='any';q.value='gen-99';q.dispatchEvent(new Event('input'));}),"
            " shown_after_search: document.querySelectorAll('article.doc').length}"
        )
    finally:
        driver.quit()
    loads.sort(key=lambda x: x["load"])
    median = loads[len(loads) // 2]
    result = {
        "documents": len(lines),
        "input_mb": round(corpus.stat().st_size / 1e6, 2),
        "output_mb": round(cleaned.stat().st_size / 1e6, 2),
        "report_mb": round(page.stat().st_size / 1e6, 2),
        "clean_seconds": round(t1 - t0, 1),
        "report_seconds": round(t2 - t1, 2),
        "first_contentful_paint_ms": round(median["fcp"]),
        "load_event_end_ms": round(median["load"]),
        "documents_rendered_on_first_page": median["rendered"],
        "all_loads_ms": [round(x["load"]) for x in loads],
        **{k: round(v, 1) if isinstance(v, float) else v for k, v in interact.items()},
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
