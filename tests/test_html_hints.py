"""Structural hints from HTML: the link density of table rows (dedupe.html.row_link_density).

trafilatura keeps a layout table that holds the article and writes each row as one line
(``| cell | cell |``), so the navigation bar and the page-tool row of the same table reach the
stages as rows made of link text. The page below is hand-made after the CleanEval pages with
layout tables (portal development set), where such rows were most of the text the gold left out.
"""

from __future__ import annotations

import time

import pytest

import dedupe
from dedupe import Config, ConfigError, Document, HtmlConfig
from dedupe import html as html_module
from dedupe.html import row_link_density
from dedupe.segment import segment

ARTICLE = (
    "The harbour council agreed on Monday to spend four million on repairs to the old "
    '<a href="/tag/sea-wall">sea wall</a>, after a winter of storms left parts of the promenade '
    "closed to walkers and traders."
)
PAGE = f"""<html><head><title>Sea wall repairs</title></head><body>
<table>
<tr><td><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a>
<a href="/contact">Contact us</a></td></tr>
<tr><td>
<h1>Council agrees sea wall repairs</h1>
<p>{ARTICLE}</p>
<p>Residents said the work was overdue and that the closed promenade had cost the cafes on the
front most of their winter trade.</p>
<p>The works start in spring and should be finished before the summer season, the council said.</p>
</td></tr>
<tr><td><a href="/print">Print this article</a> | <a href="/mail">E-mail a friend</a></td></tr>
</table>
</body></html>"""


def test_link_rows_of_a_layout_table_are_removed_with_reason_and_evidence():
    res = dedupe.clean_html(PAGE)
    removed = {r["block"]: r for r in res.removed}
    rows = {b.index: b.text for b in res.blocks}
    nav = next(i for i, t in rows.items() if "Home" in t)
    tools = next(i for i, t in rows.items() if "Print this article" in t)
    for i in (nav, tools):
        assert removed[i]["reason"] == "boilerplate.links"
        assert removed[i]["stage"] == "boilerplate"
        assert removed[i]["rule"] == "link_dense_row"
        assert removed[i]["link_density"] == 1.0
        assert removed[i]["threshold"] == pytest.approx(1 / 3, abs=1e-3)
    # The article row holds one link ("sea wall"): a low density, kept.
    assert "harbour council agreed" in res.text and "Residents said" in res.text
    assert "Home" not in res.text and "Print this article" not in res.text


def test_the_rule_can_be_switched_off():
    res = dedupe.clean_html(PAGE, config=Config(html=HtmlConfig(row_link_density=None)))
    assert "| Home News Sport Contact us |" in res.text
    assert not any(r.get("rule") == "link_dense_row" for r in res.removed)


def test_plain_text_gets_no_hints_and_is_unchanged():
    # The same extracted text given as plain text: no page, no links, nothing removed for links.
    source = dedupe.clean_html(PAGE).source
    off = Config(html=HtmlConfig(row_link_density=None))
    plain = dedupe.clean(source)
    assert plain.decisions == dedupe.clean(source, config=off).decisions
    assert not any(r.get("rule") == "link_dense_row" for r in plain.removed)
    assert dedupe.Cleaner().local(Document(id="p", text=source)).link_density == {}


def test_row_link_density_counts_whole_link_texts_only():
    html = '<p><a href="/a">Home</a> <A HREF="/b"><b>Top&nbsp;stories</b></A> <a>Home page</a></p>'
    blocks = segment(
        "| Home | Top stories |\n"
        "| Home \\| Weather |\n"  # a literal pipe inside a cell is a separator too
        "| Homework club |\n"  # "Home" is a link, "Homework" is not
        "Home Top stories\n"  # not a table row: no hint
        "| Home page and more |"
    )
    assert row_link_density(html, blocks) == {
        0: 1.0,
        1: pytest.approx(4 / 11),
        4: pytest.approx(8 / 15),
    }


def test_a_page_without_table_rows_is_not_scanned(monkeypatch):
    def scan(page: str) -> None:
        raise AssertionError("the page was scanned")

    monkeypatch.setattr(html_module, "_link_texts", scan)
    assert row_link_density("<a>x</a>", segment("Just a paragraph.\nAnother one.")) == {}


def test_hostile_anchors_are_scanned_in_linear_time():
    blocks = segment("| Home | News |")
    for page in ("<a href=x>" * 200_000, "<a " * 200_000, "<a>" + "<b>" * 500_000, "<a>x" * 300_000):
        t0 = time.perf_counter()
        row_link_density(page, blocks)
        assert time.perf_counter() - t0 < 2.0  # about 0.1 s each; a quadratic scan takes minutes


def test_row_link_density_is_validated():
    with pytest.raises(ConfigError, match=r"html\.row_link_density"):
        HtmlConfig(row_link_density=1.5)


def test_qa_page_is_told_from_its_declaration():
    from dedupe.html import is_qa_page

    assert is_qa_page('<script type="application/ld+json">{"@type": "QAPage", "mainEntity": {}}</script>')
    assert is_qa_page('<script>{"@type":["WebPage","QAPage"]}</script>')
    assert is_qa_page('<body itemscope itemtype="https://schema.org/QAPage">')
    assert not is_qa_page('<script>{"@type": "NewsArticle"}</script><p>QAPage</p>')


def test_include_comments_accepts_threads_only_besides_booleans():
    import pytest

    from dedupe.config import THREADS, HtmlConfig

    assert HtmlConfig().include_comments == THREADS
    for ok in (True, False, THREADS):
        HtmlConfig(include_comments=ok)
    with pytest.raises(dedupe.ConfigError, match="include_comments"):
        HtmlConfig(include_comments="forums")


def test_threads_keeps_comments_on_a_qa_page_only():
    from dedupe.html import extract_text

    body = "<p>" + "The harbour wall was damaged by the storm and the council asks for help. " * 4 + "</p>"
    answer = "I live by the harbour and the damage is worse than the report says, the quay is closed. "
    comments = f'<div class="comments"><div class="comment"><p>{answer * 2}</p></div></div>'
    qa = '<script type="application/ld+json">{"@type": "QAPage"}</script>'

    def page(head: str) -> str:
        return f"<html><head>{head}<title>T</title></head><body><article><h1>Storm</h1>{body}</article>{comments}</body></html>"

    assert "I live by the harbour" not in extract_text(page(""), HtmlConfig())
    assert "I live by the harbour" in extract_text(page(qa), HtmlConfig())
    assert "I live by the harbour" not in extract_text(page(qa), HtmlConfig(include_comments=False))


def test_thread_page_is_told_from_its_declared_type():
    from dedupe.html import is_thread_page

    assert is_thread_page('<script>{"@type": "DiscussionForumPosting", "headline": "x"}</script>')
    assert is_thread_page('<div itemscope itemtype="http://schema.org/DiscussionForumPosting">')
    assert is_thread_page('<script>{"@type": "QAPage"}</script>')
    # Readers' comments marked up under an article do not make it a thread.
    assert not is_thread_page('<script>{"@type": "NewsArticle", "comment": [{"@type": "Comment"}]}</script>')
    assert not is_thread_page("<p>DiscussionForumPosting</p>")
    assert not is_thread_page('<script>{"@type": "QAPage"}</script>', ())
    assert is_thread_page('<script>{"@type": "Recipe"}</script>', ("Recipe",))
