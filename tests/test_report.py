"""The HTML report and the terminal explanation: structure, escaping, and a real headless browser.

The browser tests drive Debian's chromium through chromium-driver (selenium); they skip when either
is missing, unless DEDUPE_REQUIRE_CHROMIUM=1 (set by .ci/run after installing both), which turns a
missing browser into a failure.
"""

from __future__ import annotations

import contextlib
import html.parser
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

import dedupe
from dedupe.cli import main
from dedupe.report import (
    HtmlReport,
    _embed_json,
    document_blocks,
    explain_record,
    result_record,
    write_html_report,
)

SEED_FILES = sorted(str(p) for p in SEEDS.glob("*.txt"))

# Hostile text as scrapes carry it: markup, script, event handlers, the end of our data element,
# comment openers, JavaScript line terminators, javascript: URLs (also as ids).
HOSTILE = [
    "</script><script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "<!-- <script>window.__pwned=3</script>",
    "line\u2028separator\u2029and </SCRIPT >",
    '<a href="javascript:window.__pwned=4">click me</a> & &amp; &lt;',
    '"><svg onload=window.__pwned=5>',
]
HOSTILE_IDS = ["javascript:window.__pwned=6", '"><img src=x onerror=window.__pwned=7>', "</script>"]


def _seed_results() -> list[dedupe.CleanResult]:
    docs = [dedupe.Document(id=Path(p).name, text=Path(p).read_text(encoding="utf-8")) for p in SEED_FILES]
    return list(dedupe.Cleaner().clean_many(docs))


def _hostile_records() -> list[dict]:
    recs = []
    for n, doc_id in enumerate(HOSTILE_IDS):
        para = f"The council met on Monday to discuss the harbour budget for the coming year, number {n}."
        text = "\n".join([para, *HOSTILE, "2 min read", para, f"Follow us on Twitter: @x{n}"])
        res = dedupe.clean(text, doc_id=doc_id)
        rec = result_record(res)
        rec["url"] = "javascript:window.__pwned=8"
        recs.append(rec)
    return recs


def test_document_blocks_give_back_every_block_in_order():
    for res in _seed_results():
        got = document_blocks(json.loads(json.dumps(result_record(res))))
        assert [t for t, _ in got] == [b.text for b in res.blocks]
        assert [s is None for _, s in got] == [d.kept for d in res.decisions]
        for (_, span), d in zip(got, res.decisions):
            if span is not None:
                assert span["reason"] == d.reason


def test_document_blocks_survive_inconsistent_records():
    # A hand-edited or older output: spans without text or with impossible indices lose nothing.
    rec = {"id": "x", "text": "a\n\nb", "removed": [{"block": 9, "reason": "r"}, {"reason": "q", "text": "c"}]}
    got = document_blocks(rec)
    assert [t for t, s in got if s is None] == ["a", "b"]
    assert len(got) == 4 and "removed text not in this output" in got[2][0]


def test_embedded_json_cannot_end_the_script_element():
    value = {"t": HOSTILE, "id": HOSTILE_IDS, "lone": "\ud800"}
    s = _embed_json(value)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in s
    back = json.loads(s)
    assert back["t"] == HOSTILE and back["id"] == HOSTILE_IDS and back["lone"] == "\ufffd"
    s.encode("utf-8")  # valid UTF-8 even with a lone surrogate in the data


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_hostile_text_stays_data_in_the_file(tmp_path):
    path = tmp_path / "r.html"
    write_html_report(_hostile_records(), str(path))
    page = path.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    # Only the page's own elements: no img/svg/a from the data, exactly three scripts (two data, one code).
    assert set(tags) <= {"html", "head", "meta", "title", "style", "body", "header", "h1", "p", "section",
                         "main", "nav", "div", "script"}  # fmt: skip
    assert tags.count("script") == 3
    assert not any(k.startswith("on") for _, attrs in parser.tags for k in attrs)
    csp = next(a["content"] for t, a in parser.tags if t == "meta" and a.get("http-equiv"))
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp


def test_report_summary_counts_by_reason(tmp_path):
    results = _seed_results()
    summary = write_html_report(results, str(tmp_path / "r.html"))
    assert summary["documents"] == 5
    assert summary["blocks"] == sum(len(r.blocks) for r in results)
    removed = {}
    for r in results:
        for d in r.decisions:
            if not d.kept:
                removed[d.reason] = removed.get(d.reason, 0) + 1
    assert {x["reason"]: x["blocks"] for x in summary["by_reason"]} == removed


def test_report_links_a_cross_document_copy_to_its_original(tmp_path):
    path = tmp_path / "r.html"
    with HtmlReport(str(path)) as rep:
        for res in _seed_results():
            rep.add(result_record(res))
    page = path.read_text(encoding="utf-8")
    start = page.index('id="docs">') + len('id="docs">')
    docs = json.loads(page[start : page.index("</script>", start)])
    ids = [d["id"] for d in docs]
    corpus = [
        b for d in docs for b in d["b"] if isinstance(b, dict) and b["e"].get("duplicate_of", [""])[0] != d["id"]
    ]
    corpus = [b for b in corpus if "duplicate_of" in b["e"]]
    assert corpus, "the seeds have cross-document copies"
    for b in corpus:
        target_doc, target_block = b["l"]["duplicate_of"]
        assert ids[target_doc] == b["e"]["duplicate_of"][0]
        original = docs[target_doc]["b"][target_block]
        assert isinstance(original, str)  # the first copy was kept


def test_cli_report_from_an_output_file(tmp_path, capsys):
    out, page = tmp_path / "out.jsonl", tmp_path / "out.html"
    assert main(["clean", "--corpus", *SEED_FILES, "-o", str(out)]) == 0
    assert main(["report", str(out)]) == 0  # default name: beside the input
    assert page.exists() and "000_77bd88fc0e4ab6ab.txt" in page.read_text(encoding="utf-8")
    assert "5 documents" in capsys.readouterr().err


def test_cli_clean_report_html_matches_report_command(tmp_path, capsys):
    out, a, b = tmp_path / "out.jsonl", tmp_path / "a.html", tmp_path / "b.html"
    assert main(["clean", "--corpus", *SEED_FILES, "-o", str(out), "--report-html", str(a)]) == 0
    assert main(["report", str(out), "-o", str(b), "--title", "dedupe report: " + ", ".join(SEED_FILES)]) == 0
    assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")


def test_cli_report_refuses_input_records(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Some text."}) + "\n")
    assert main(["report", str(src), "-o", str(tmp_path / "r.html")]) == 1
    assert "not an output of dedupe clean" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


# -- explain --------------------------------------------------------------------------------------


def test_explain_marks_every_block(capsys):
    path = SEED_FILES[3]
    assert main(["explain", path]) == 0
    out = capsys.readouterr().out
    res = dedupe.clean(Path(path).read_text(encoding="utf-8"))
    lines = out.splitlines()
    assert sum(1 for x in lines if x.startswith("keep ")) == len(res.kept_blocks)
    assert sum(1 for x in lines if x.startswith("DROP ")) == len(res.blocks) - len(res.kept_blocks)
    assert "offtopic.teaser" in out and "duplicate.within" in out
    assert "\x1b[" not in out  # piped (captured): no colour


def test_explain_an_output_record_by_id_quotes_the_original(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    assert main(["clean", "--corpus", *SEED_FILES, "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["explain", str(out), "--id", "003_797bc3d8dcbf117b.txt"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# 003_797bc3d8dcbf117b.txt:")
    assert "duplicate.corpus" in text and "duplicate_of: " in text


def test_explain_unknown_id_fails_with_the_ids_there(capsys):
    assert main(["explain", SEED_FILES[0], "--id", "nope"]) == 1
    assert "000_77bd88fc0e4ab6ab.txt" in capsys.readouterr().err


def test_explain_colour_choices(monkeypatch):
    rec = result_record(dedupe.clean("A title for it\n2 min read\nThe body of the story is here."))
    assert "\x1b[" in explain_record(rec, color=True)
    assert "\x1b[" not in explain_record(rec, color=False)
    from dedupe.report import use_color

    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color(Tty()) is True  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(Tty()) is False  # type: ignore[arg-type]
    assert use_color(Tty(), "always") is True  # type: ignore[arg-type]


def test_explain_does_not_pass_escape_sequences_through():
    rec = result_record(dedupe.clean("Title\x1b]0;pwned\x07 here\nBody text of the article goes here."))
    assert "\x1b" not in explain_record(rec) and "\\x1b" in explain_record(rec)


# -- a real browser ---------------------------------------------------------------------------------

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1400",
]


@pytest.fixture
def browser(tmp_path):
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        webdriver = None  # type: ignore[assignment]
    if webdriver is None or not chromium or not driver_path:
        if os.environ.get("DEDUPE_REQUIRE_CHROMIUM") == "1":
            pytest.fail("DEDUPE_REQUIRE_CHROMIUM=1 but chromium, chromedriver or selenium is missing")
        pytest.skip("needs Debian's chromium and chromium-driver, and selenium")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]:
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(executable_path=driver_path), options=opts)
    try:
        yield drv
    finally:
        drv.quit()


def test_seeds_report_in_chromium(browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    page = tmp_path / "seeds.html"
    write_html_report(_seed_results(), str(page), title="dedupe report: seeds")
    browser.get(page.as_uri())
    marks = browser.find_elements(By.CSS_SELECTOR, "mark.rm")
    removed = sum(1 for r in _seed_results() for d in r.decisions if not d.kept)
    assert len(marks) == removed  # every removed block highlighted (all on the first page)
    assert len(browser.find_elements(By.CSS_SELECTOR, ".chart .bar")) >= 5
    tip = browser.find_element(By.ID, "tip")
    assert not tip.is_displayed()

    # Hover a cross-document copy: the tooltip shows the reason, the evidence and the original.
    corpus = [m for m in marks if m.get_attribute("aria-label") == "removed: duplicate.corpus"]
    assert corpus
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", corpus[0])
    ActionChains(browser).move_to_element(corpus[0]).perform()
    assert tip.is_displayed()
    text = tip.text
    assert "duplicate.corpus" in text and "duplicate_of" in text and "similarity" in text
    link = tip.find_element(By.TAG_NAME, "a")
    assert link.get_attribute("href").split("#")[1].startswith("d")
    shot = tmp_path / "seeds-report.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    kept = ROOT / "out" / "test-report-seeds.png"  # out/ is git-ignored: a stable place to look at it
    with contextlib.suppress(OSError):
        kept.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, kept)
        shot = kept
    print(f"\nscreenshot of the seeds' report with a tooltip: {shot}", file=sys.stderr)

    # Keyboard: focus shows the tooltip too; Escape closes it.
    teaser = next(m for m in marks if m.get_attribute("aria-label") == "removed: offtopic.teaser")
    browser.execute_script("arguments[0].focus()", teaser)
    assert tip.is_displayed() and "offtopic.teaser" in tip.text

    # Filter by reason and search by id narrow the documents shown.
    browser.find_element(By.CSS_SELECTOR, "#reason option[value]:not([value=any]):not([value=removed])")
    browser.execute_script(
        "var s=document.getElementById('reason');"
        "s.value=[].slice.call(s.options).filter(function(o){return o.text==='with duplicate.corpus'})[0].value;"
        "s.dispatchEvent(new Event('change'));"
    )
    assert len(browser.find_elements(By.CSS_SELECTOR, "article.doc")) == 1
    browser.execute_script(
        "var s=document.getElementById('reason');s.value='any';s.dispatchEvent(new Event('change'));"
    )
    q = browser.find_element(By.ID, "q")
    q.send_keys("002_")
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "article.doc h2")]
    assert len(titles) == 1 and titles[0].startswith("002_")


def test_hostile_report_runs_nothing_in_chromium(browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    page = tmp_path / "hostile.html"
    write_html_report(_hostile_records(), str(page))
    browser.get(page.as_uri())
    marks = browser.find_elements(By.CSS_SELECTOR, "mark.rm")
    assert marks
    for m in marks[:3]:
        ActionChains(browser).move_to_element(m).perform()
    state = browser.execute_script(
        "return {pwned: window.__pwned === undefined ? null : window.__pwned,"
        " scripts: document.scripts.length,"
        " injected: document.querySelectorAll('img, svg, iframe, object, embed, form, body script ~ a').length,"
        " handlers: [].slice.call(document.querySelectorAll('*')).filter(function(e){"
        "   return [].slice.call(e.attributes).some(function(a){return a.name.indexOf('on')===0;});}).length,"
        " hrefs: [].slice.call(document.querySelectorAll('a')).map(function(a){return a.getAttribute('href');}),"
        " text: document.body.textContent}"
    )
    assert state["pwned"] is None
    assert state["scripts"] == 3 and state["injected"] == 0 and state["handlers"] == 0
    assert all(h.startswith("#d") for h in state["hrefs"])
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "article.doc h2")]
    for doc_id in HOSTILE_IDS:  # shown as text, verbatim
        assert any(t.startswith(doc_id) for t in titles)
    assert "<img src=x onerror=" in state["text"]
