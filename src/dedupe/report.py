"""Reports people read: one self-contained HTML file, and a terminal explanation of a document.

Both are rendered from output records (``{"id", "text", "removed": [...], ...}``, what ``dedupe
clean`` writes and :meth:`CleanResult.to_record` returns), so ``dedupe report OUT.jsonl`` needs
nothing but the output. A record's blocks are put back in order from its clean text (the kept
blocks, joined by :data:`~dedupe.model.BLOCK_SEPARATOR`) and its removed spans (each with its
``block`` index and ``text``). Decisions and evidence are rendered generically: any reason string,
any evidence key, so new reasons and evidence show up without a change here.

The HTML report (:class:`HtmlReport`) is written as a stream, so memory stays flat however many
documents it holds: a fixed page, the documents as JSON inside ``<script type="application/json">``,
the summary, and a small inline script that renders one page of documents at a time (25 by
default) with filters by reason and a search by id. Scraped text is hostile, so:

* nothing from the data is ever parsed as HTML: the script inserts text with ``textContent`` only
  and builds links from integers it computed itself;
* the JSON is embedded with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, so no ``</script>`` or
  ``<!--`` in a text can end the data element (and the blob stays valid JavaScript source too);
* a Content-Security-Policy allows only the page's own script and style (by their sha256) and no
  network at all (``default-src 'none'``): even a bug in the above could not load or run anything.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from .io import AtomicWriter, repair_surrogates
from .model import BLOCK_SEPARATOR, CleanResult

__all__ = [
    "HtmlReport",
    "document_blocks",
    "explain_record",
    "is_output_record",
    "read_output_records",
    "result_record",
    "use_color",
    "write_html_report",
]

#: Span keys that are not evidence (position and identity of the span itself).
_SPAN_KEYS = frozenset({"start", "end", "block", "reason", "stage", "text", "kept"})
#: Record keys shown elsewhere (or too large to show as metadata).
_RECORD_KEYS = frozenset({"id", "text", "removed", "html"})
#: Longest metadata value shown in a report (characters); the rest is cut with an ellipsis.
META_MAX_CHARS = 300


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


def result_record(res: CleanResult) -> dict[str, Any]:
    """The output record of a result, with its ``error`` and ``warnings`` as the CLI writes them."""
    rec = res.to_record()
    if res.notes.get("warnings"):
        rec["warnings"] = list(res.notes["warnings"])
    if res.notes.get("error"):
        rec["error"] = res.notes["error"]
    if res.notes.get("config"):
        rec["config"] = res.notes["config"]
    return rec


def is_output_record(rec: Mapping[str, Any]) -> bool:
    """True for a record written by ``dedupe clean`` (it has a list of removed spans)."""
    return isinstance(rec.get("removed"), list) and isinstance(rec.get("text"), str)


def read_output_records(path: str) -> Iterator[dict[str, Any]]:
    """Yield the JSON objects of an output file (``.gz`` too; ``-`` is stdin), skipping blank lines.

    Raises:
        ValueError: Naming the file and line of a line that is not a JSON object.
    """
    import gzip

    if path == "-":
        stream: IO[str] = sys.stdin
    elif path.lower().endswith(".gz"):
        stream = gzip.open(path, "rt", encoding="utf-8", errors="replace")  # noqa: SIM115
    else:
        stream = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    try:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                raise ValueError(f"{path}:{n}: not a JSON line ({e})") from None
            if not isinstance(obj, dict):
                raise ValueError(f"{path}:{n}: not a JSON object")
            yield obj
    finally:
        if stream is not sys.stdin:
            stream.close()


def document_blocks(rec: Mapping[str, Any]) -> list[tuple[str, dict[str, Any] | None]]:
    """The blocks of an output record in document order: ``(text, span)``, span None when kept.

    Kept blocks come from the clean text (blocks are single lines, so splitting it at the blank
    lines between them gives them back), removed ones from ``removed`` in ``block`` order. A span
    without its text (written by an older version) shows its offsets instead.
    """
    text = rec.get("text")
    kept = text.split(BLOCK_SEPARATOR) if isinstance(text, str) and text else []
    spans = [s for s in rec.get("removed") or [] if isinstance(s, dict)]
    by_block: dict[int, dict[str, Any]] = {}
    loose: list[dict[str, Any]] = []
    for s in spans:
        b = s.get("block")
        if isinstance(b, int) and not isinstance(b, bool) and b >= 0 and b not in by_block:
            by_block[b] = s
        else:
            loose.append(s)
    total = len(kept) + len(by_block)
    out: list[tuple[str, dict[str, Any] | None]] = []
    k = 0
    for i in range(total):
        if i in by_block:
            s = by_block.pop(i)
            out.append((_span_text(s), s))
        elif k < len(kept):
            out.append((kept[k], None))
            k += 1
    # Whatever did not fit (inconsistent indices): shown at the end rather than lost.
    out.extend((kept[j], None) for j in range(k, len(kept)))
    out.extend((_span_text(s), s) for s in [*by_block.values(), *loose])
    return out


def _span_text(span: Mapping[str, Any]) -> str:
    t = span.get("text")
    if isinstance(t, str):
        return t
    return f"(removed text not in this output: characters {span.get('start')}-{span.get('end')})"


def _evidence(span: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in span.items() if k not in _SPAN_KEYS}


def _doc_ref(value: Any) -> tuple[str, int] | None:
    """``[doc_id, block]`` evidence (``duplicate_of`` and the like) as a pair, else None."""
    if (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], int)
        and not isinstance(value[1], bool)
    ):
        return value[0], value[1]
    return None


# --------------------------------------------------------------------------------------------
# Terminal explanation
# --------------------------------------------------------------------------------------------

_ANSI = {"reset": "\x1b[0m", "dim": "\x1b[2m", "bold": "\x1b[1m", "red": "\x1b[31m", "yellow": "\x1b[33m",
         "green": "\x1b[32m", "cyan": "\x1b[36m"}  # fmt: skip


def use_color(stream: IO[str], choice: str = "auto") -> bool:
    """Colour for ``stream``: ``always``/``never``, or ``auto``: a terminal, unless ``NO_COLOR``
    is set (https://no-color.org) or ``TERM=dumb``."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def explain_record(
    rec: Mapping[str, Any],
    *,
    color: bool = False,
    lookup: Mapping[str, Mapping[str, Any]] | None = None,
    width: int = 100,
) -> str:
    """The document of an output record with each block marked kept or removed, and why.

    Args:
        rec: An output record.
        color: ANSI colours (removed blocks red, reasons yellow, evidence dim).
        lookup: Other records by id, to quote the paragraph a duplicate copies.
        width: Evidence values longer than this are cut.
    """

    def paint(text: str, *styles: str) -> str:
        if not color or not text:
            return text
        return "".join(_ANSI[s] for s in styles) + text + _ANSI["reset"]

    blocks = document_blocks(rec)
    n_kept = sum(1 for _, s in blocks if s is None)
    head = f"# {rec.get('id')}: {n_kept} of {len(blocks)} blocks kept"
    lines = [paint(_safe_terminal(head), "bold")]
    for key in ("error", "warnings", "duplicate_of"):
        if rec.get(key):
            lines.append(paint(_safe_terminal(f"# {key}: {_value(rec[key], width)}"), "yellow"))
    for i, (text, span) in enumerate(blocks):
        body = _safe_terminal(text)
        if span is None:
            lines.append(f"{paint('keep', 'green')} {i:>4}  {body}")
            continue
        why = _safe_terminal(str(span.get("reason", "?")))
        ev = _evidence(span)
        detail = ", ".join(f"{k}={_value(v, width)}" for k, v in ev.items())
        lines.append(f"{paint('DROP', 'red', 'bold')} {i:>4}  {paint(body, 'red')}")
        lines.append(
            f"{'':10}{paint('└ ' + why, 'yellow')}"
            + (paint(f"  {_safe_terminal(detail)}", "dim") if detail else "")
        )
        for key, value in ev.items():
            ref = _doc_ref(value)
            if ref is None:
                continue
            quoted = _block_text(rec, lookup, ref)
            if quoted is not None:
                cut = quoted if len(quoted) <= width else quoted[: width - 1] + "…"
                lines.append(f"{'':12}{paint(f'{key}: ' + _safe_terminal(cut), 'cyan')}")
    return "\n".join(lines)


def _block_text(
    rec: Mapping[str, Any], lookup: Mapping[str, Mapping[str, Any]] | None, ref: tuple[str, int]
) -> str | None:
    doc_id, block = ref
    other = rec if doc_id == rec.get("id") else (lookup or {}).get(doc_id)
    if other is None:
        return None
    blocks = document_blocks(other)
    return blocks[block][0] if 0 <= block < len(blocks) else None


def _value(v: Any, width: int) -> str:
    if isinstance(v, float):
        s = f"{v:.3f}"
    elif isinstance(v, str):
        s = v
    else:
        s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= width else s[: width - 1] + "…"


def _safe_terminal(text: str) -> str:
    """Text with control characters made visible: scraped text must not drive the terminal (an
    escape sequence in a document could retitle the window, hide lines or fake our markers)."""
    return "".join(
        c if c >= " " and c != "\x7f" and not ("\x80" <= c <= "\x9f") else f"\\x{ord(c):02x}" for c in text
    )


# --------------------------------------------------------------------------------------------
# HTML report
# --------------------------------------------------------------------------------------------


def _embed_json(value: Any) -> str:
    """JSON that is safe inside a ``<script type="application/json">`` element (and as JS source).

    ``<`` ``>`` ``&`` become ``\\u003c`` ``\\u003e`` ``\\u0026``, so no ``</script>`` or ``<!--``
    can appear; U+2028/U+2029 are escaped too (line terminators in older JavaScript). Lone
    surrogates (from a hostile ``\\ud800`` escape) become U+FFFD so the file is valid UTF-8.
    """
    s = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    s = (
        s.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    return repair_surrogates(s)[0]


class HtmlReport:
    """Write an HTML report document by document (memory stays flat: only ids are remembered).

    >>> with HtmlReport("report.html") as rep:          # doctest: +SKIP
    ...     for rec in records:
    ...         rep.add(rec)

    Args:
        path: Where to write (atomically: the file appears complete at :meth:`commit`).
        title: Shown at the top of the page.
        page_size: Documents per page.
    """

    def __init__(self, path: str, *, title: str = "dedupe report", page_size: int = 25) -> None:
        self.path = path
        self.title = title
        self.page_size = page_size
        self._out = AtomicWriter(path)
        self._ids: dict[str, int] = {}
        self._n = 0
        self._reasons: dict[str, int] = {}
        self._blocks = Counter[str]()
        self._chars = Counter[str]()
        self._docs_by_reason = Counter[str]()
        self._errors = Counter[str]()
        self._warnings = Counter[str]()
        self._total_blocks = self._total_chars = 0
        self._configs: Counter[str] = Counter()
        self._out.write(_page_head(title))
        self._out.write('<script type="application/json" id="docs">[')

    def add(self, rec: Mapping[str, Any]) -> None:
        """Add one output record (see :func:`result_record` for a :class:`CleanResult`)."""
        doc_id = str(rec.get("id"))
        index = self._n
        blocks: list[Any] = []
        seen: set[str] = set()
        for text, span in document_blocks(rec):
            self._total_blocks += 1
            self._total_chars += len(text)
            if span is None:
                blocks.append(text)
                continue
            reason = str(span.get("reason", "?"))
            r = self._reasons.setdefault(reason, len(self._reasons))
            self._blocks[reason] += 1
            self._chars[reason] += len(text)
            if reason not in seen:
                seen.add(reason)
                self._docs_by_reason[reason] += 1
            ev = _evidence(span)
            item: dict[str, Any] = {"t": text, "r": r, "s": str(span.get("stage", "")), "e": ev}
            links = {}
            for key, value in ev.items():
                ref = _doc_ref(value)
                if ref is None:
                    continue
                target = index if ref[0] == doc_id else self._ids.get(ref[0])
                if target is not None:
                    links[key] = [target, ref[1]]
            if links:
                item["l"] = links
            blocks.append(item)
        doc: dict[str, Any] = {"id": doc_id, "b": blocks}
        meta = {
            k: _short(v)
            for k, v in rec.items()
            if k not in _RECORD_KEYS and k != "config" and v not in (None, "", [])
        }
        if meta:
            doc["m"] = meta
        if rec.get("error"):
            self._errors[str(rec["error"]).split(":", 1)[0]] += 1
        for w in rec.get("warnings") or []:
            self._warnings[str(w)] += 1
        if rec.get("config"):
            self._configs[str(rec["config"])] += 1
        self._out.write(("," if self._n else "") + _embed_json(doc))
        self._ids[doc_id] = index
        self._n += 1

    def summary(self) -> dict[str, Any]:
        """The report's summary: documents, blocks and characters, removed by reason."""
        reasons = sorted(self._reasons, key=lambda r: (-self._chars[r], r))
        return {
            "documents": self._n,
            "blocks": self._total_blocks,
            "characters": self._total_chars,
            "blocks_removed": sum(self._blocks.values()),
            "characters_removed": sum(self._chars.values()),
            "by_reason": [
                {
                    "reason": r,
                    "index": self._reasons[r],
                    "blocks": self._blocks[r],
                    "characters": self._chars[r],
                    "documents": self._docs_by_reason[r],
                }
                for r in reasons
            ],
            "errors": dict(sorted(self._errors.items())),
            "warnings": dict(sorted(self._warnings.items())),
            "configs": sorted(self._configs),
        }

    def commit(self) -> None:
        """Finish the page and move it into place."""
        info = {
            "title": self.title,
            "reasons": sorted(self._reasons, key=self._reasons.__getitem__),
            "summary": self.summary(),
            "page_size": self.page_size,
        }
        self._out.write("]</script>\n")
        self._out.write(f'<script type="application/json" id="info">{_embed_json(info)}</script>\n')
        self._out.write(f"<script>{_SCRIPT}</script>\n</body>\n</html>\n")
        self._out.commit()

    def abort(self) -> None:
        """Drop the report; a previous file under the same name stays."""
        self._out.abort()

    def __enter__(self) -> HtmlReport:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def write_html_report(
    records: Iterable[Mapping[str, Any] | CleanResult], path: str, *, title: str = "dedupe report"
) -> dict[str, Any]:
    """Write the HTML report of ``records`` (output records or results) to ``path``; return its
    summary."""
    with HtmlReport(path, title=title) as rep:
        for rec in records:
            rep.add(result_record(rec) if isinstance(rec, CleanResult) else rec)
    return rep.summary()


def _short(v: Any) -> Any:
    if isinstance(v, str):
        return v if len(v) <= META_MAX_CHARS else v[:META_MAX_CHARS] + "…"
    if isinstance(v, (int, float, bool)) or v is None:
        return v
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= META_MAX_CHARS else s[:META_MAX_CHARS] + "…"


def _csp_hash(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode()


def _page_head(title: str) -> str:
    csp = (
        "default-src 'none'; "
        f"script-src '{_csp_hash(_SCRIPT)}'; style-src '{_csp_hash(_STYLE)}'; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f'<header><h1>{html.escape(title)}</h1><p id="status">Loading…</p></header>\n'
        '<section id="summary" aria-label="summary"></section>\n'
        '<section id="controls" aria-label="filters"></section>\n'
        '<main id="docs-view"></main>\n<nav id="pager" aria-label="pages"></nav>\n'
        '<div id="tip" role="tooltip" hidden></div>\n'
    )


_STYLE = """
:root{--fg:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#fff;--panel:#f8f9fb}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);
margin:0 auto;max-width:1100px;padding:0 20px 60px}
header h1{font-size:22px;margin:18px 0 2px}
#status{color:var(--muted);margin:0 0 10px}
#summary{display:grid;grid-template-columns:minmax(220px,1fr) 2fr;gap:18px;background:var(--panel);
border:1px solid var(--line);border-radius:8px;padding:14px 16px}
.stat{margin:2px 0}.stat b{font-variant-numeric:tabular-nums}
.chart{display:grid;grid-template-columns:max-content 1fr max-content;gap:4px 10px;align-items:center}
.chart .lab{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;cursor:pointer}
.chart .lab input{margin-right:6px}
.bar{height:14px;border-radius:3px;min-width:2px}
.num{color:var(--muted);font-size:13px;font-variant-numeric:tabular-nums;white-space:nowrap}
#controls{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:14px 0}
#controls input[type=search]{padding:5px 8px;min-width:260px;border:1px solid #c8ccd4;border-radius:5px}
#controls select{padding:4px}
.doc{border:1px solid var(--line);border-radius:8px;margin:12px 0;padding:10px 14px}
.doc h2{font-size:15px;margin:0 0 6px;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.doc .counts{color:var(--muted);font-size:13px;margin-left:8px;font-family:system-ui,sans-serif}
.meta{color:var(--muted);font-size:12px;margin:0 0 6px;word-break:break-all}
.badge{display:inline-block;background:#fff4e5;border:1px solid #f5c98b;border-radius:4px;padding:0 5px;
margin-right:4px;font-size:12px}
.blk{margin:4px 0;padding:2px 6px;border-left:3px solid transparent;white-space:pre-wrap;word-wrap:break-word}
.rm{display:block;text-decoration:line-through;text-decoration-color:rgba(0,0,0,.35);cursor:help;
border-left-width:3px;border-left-style:solid;border-radius:2px}
.rm:focus{outline:2px solid #1d4ed8;outline-offset:1px}
.flash{animation:flash 1.6s ease-out}
@keyframes flash{0%{box-shadow:0 0 0 4px #facc15}100%{box-shadow:0 0 0 0 transparent}}
#tip{position:absolute;z-index:10;max-width:520px;background:#111827;color:#f9fafb;border-radius:6px;
padding:8px 10px;font-size:13px;line-height:1.4;box-shadow:0 4px 16px rgba(0,0,0,.25)}
#tip .why{font-weight:600;font-family:ui-monospace,Menlo,Consolas,monospace}
#tip dl{margin:4px 0 0;display:grid;grid-template-columns:max-content 1fr;gap:1px 8px}
#tip dt{color:#9ca3af}#tip dd{margin:0;word-break:break-word}
#tip blockquote{margin:6px 0 0;padding:4px 8px;border-left:3px solid #60a5fa;background:#1f2937;white-space:pre-wrap}
#tip a{color:#93c5fd}
#tip .hint{color:#9ca3af;font-size:11px;margin-top:4px}
#pager{display:flex;gap:8px;align-items:center;margin:16px 0}
button{padding:4px 10px;border:1px solid #c8ccd4;border-radius:5px;background:#fff;cursor:pointer}
button:disabled{opacity:.4;cursor:default}
.empty{color:var(--muted);font-style:italic}
"""

# The page's only script. It reads the two JSON elements, renders the summary and one page of
# documents, and shows evidence in a tooltip on hover or keyboard focus (click pins it, Escape
# closes). Every string from the data goes through textContent; hrefs are built from integers.
_SCRIPT = r"""
(function(){
"use strict";
var DOCS=JSON.parse(document.getElementById("docs").textContent);
var INFO=JSON.parse(document.getElementById("info").textContent);
var S=INFO.summary, REASONS=INFO.reasons, PAGE=INFO.page_size||25;
var PALETTE=["#f4a3a3","#a3c4f4","#f4d58d","#b5e3a1","#d7b4f3","#f7b98b","#9fe0dc","#f3a8d2",
"#c9c9a3","#a8b8e6","#e6c3a8","#b8e6c9","#e6a8b8","#c3e6a8","#a8e6e6","#d9a8e6"];
function color(r){return PALETTE[r%PALETTE.length];}
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;
if(text!==undefined&&text!==null)e.textContent=String(text);return e;}
function fmt(n){return Number(n).toLocaleString("en-US");}
function pct(a,b){return b?(100*a/b).toFixed(1)+"%":"0%";}
var state={q:"",reason:"any",only:false,page:0,off:{}};
var tip=document.getElementById("tip"),pinned=null;

function summary(){
  var box=document.getElementById("summary");box.textContent="";
  var left=el("div");
  [["documents",fmt(S.documents)],["blocks removed",fmt(S.blocks_removed)+" of "+fmt(S.blocks)+" ("+pct(S.blocks_removed,S.blocks)+")"],
   ["characters removed",fmt(S.characters_removed)+" of "+fmt(S.characters)+" ("+pct(S.characters_removed,S.characters)+")"]]
  .forEach(function(p){var d=el("div","stat");d.appendChild(document.createTextNode(p[0]+": "));d.appendChild(el("b",null,p[1]));left.appendChild(d);});
  Object.keys(S.errors).forEach(function(k){left.appendChild(el("div","stat","error "+k+": "+fmt(S.errors[k])));});
  Object.keys(S.warnings).forEach(function(k){left.appendChild(el("div","stat","warning "+k+": "+fmt(S.warnings[k])));});
  if(S.configs.length)left.appendChild(el("div","stat num","config "+S.configs.join(", ")));
  box.appendChild(left);
  var chart=el("div","chart");chart.setAttribute("aria-label","characters removed by reason");
  var max=1;S.by_reason.forEach(function(x){if(x.characters>max)max=x.characters;});
  if(!S.by_reason.length)chart.appendChild(el("div","empty","nothing removed"));
  S.by_reason.forEach(function(x){
    var lab=el("label","lab");var cb=el("input");cb.type="checkbox";cb.checked=!state.off[x.index];
    cb.addEventListener("change",function(){state.off[x.index]=!cb.checked;render();});
    lab.appendChild(cb);lab.appendChild(document.createTextNode(x.reason));chart.appendChild(lab);
    var bar=el("div","bar");bar.style.width=Math.max(0.5,100*x.characters/max)+"%";bar.style.background=color(x.index);
    bar.title=x.reason;chart.appendChild(bar);
    chart.appendChild(el("span","num",fmt(x.blocks)+" blocks · "+fmt(x.characters)+" chars · "+fmt(x.documents)+" docs"));
  });
  box.appendChild(chart);
}

function controls(){
  var c=document.getElementById("controls");c.textContent="";
  var q=el("input");q.type="search";q.placeholder="search by id";q.setAttribute("aria-label","search by id");q.id="q";
  q.addEventListener("input",function(){state.q=q.value.toLowerCase();state.page=0;render();});
  var sel=el("select");sel.id="reason";sel.setAttribute("aria-label","show documents with");
  [["any","all documents"],["removed","documents with removals"]].forEach(function(o){var op=el("option",null,o[1]);op.value=o[0];sel.appendChild(op);});
  S.by_reason.forEach(function(x){var op=el("option",null,"with "+x.reason);op.value=String(x.index);sel.appendChild(op);});
  sel.addEventListener("change",function(){state.reason=sel.value;state.page=0;render();});
  var only=el("label");var cb=el("input");cb.type="checkbox";cb.id="only";
  cb.addEventListener("change",function(){state.only=cb.checked;render();});
  only.appendChild(cb);only.appendChild(document.createTextNode(" removed blocks only"));
  c.appendChild(q);c.appendChild(sel);c.appendChild(only);
}

function matches(d){
  if(state.q&&d.id.toLowerCase().indexOf(state.q)<0)return false;
  if(state.reason==="any")return true;
  for(var i=0;i<d.b.length;i++){var b=d.b[i];if(typeof b!=="string"){
    if(state.reason==="removed"||String(b.r)===state.reason)return true;}}
  return false;
}

var visible=[];
function render(){
  hideTip(true);
  visible=[];for(var i=0;i<DOCS.length;i++)if(matches(DOCS[i]))visible.push(i);
  var pages=Math.max(1,Math.ceil(visible.length/PAGE));if(state.page>=pages)state.page=pages-1;
  var view=document.getElementById("docs-view");view.textContent="";
  var frag=document.createDocumentFragment();
  visible.slice(state.page*PAGE,(state.page+1)*PAGE).forEach(function(i){frag.appendChild(docView(i));});
  if(!visible.length)frag.appendChild(el("p","empty","No document matches."));
  view.appendChild(frag);
  var pager=document.getElementById("pager");pager.textContent="";
  var prev=el("button",null,"‹ previous");prev.disabled=state.page===0;
  prev.addEventListener("click",function(){state.page--;render();window.scrollTo(0,view.offsetTop);});
  var next=el("button",null,"next ›");next.disabled=state.page>=pages-1;
  next.addEventListener("click",function(){state.page++;render();window.scrollTo(0,view.offsetTop);});
  pager.appendChild(prev);pager.appendChild(el("span","num","page "+(state.page+1)+" of "+pages+" · "+fmt(visible.length)+" documents"));pager.appendChild(next);
  document.getElementById("status").textContent=fmt(DOCS.length)+" documents; hover or focus a highlighted block for the evidence, click to pin it.";
}

function docView(i){
  var d=DOCS[i],box=el("article","doc");box.id="d"+i;
  var kept=0;d.b.forEach(function(b){if(typeof b==="string")kept++;});
  var h=el("h2",null,d.id);h.appendChild(el("span","counts",kept+" of "+d.b.length+" blocks kept"));box.appendChild(h);
  if(d.m){var m=el("div","meta");Object.keys(d.m).forEach(function(k){
    var v=d.m[k];var s=typeof v==="string"?v:JSON.stringify(v);
    if(k==="error"||k==="warnings")m.appendChild(el("span","badge",k+": "+s));else m.appendChild(el("span",null,k+": "+s+"  "));});
    box.appendChild(m);}
  d.b.forEach(function(b,j){
    if(typeof b==="string"){if(!state.only){var p=el("p","blk",b);p.id="d"+i+"b"+j;box.appendChild(p);}return;}
    if(state.off[b.r])return;
    var s=el("mark","blk rm",b.t);s.id="d"+i+"b"+j;s.tabIndex=0;s.style.background=color(b.r);
    s.style.borderLeftColor="rgba(0,0,0,.35)";s.setAttribute("data-doc",String(i));s.setAttribute("data-block",String(j));
    s.setAttribute("aria-label","removed: "+REASONS[b.r]);box.appendChild(s);
  });
  return box;
}

function fill(i,j){
  var b=DOCS[i].b[j];tip.textContent="";
  tip.appendChild(el("div","why",REASONS[b.r]+(b.s?"  ·  stage "+b.s:"")));
  var keys=Object.keys(b.e||{});
  if(keys.length){var dl=el("dl");keys.forEach(function(k){var v=b.e[k];
    dl.appendChild(el("dt",null,k));dl.appendChild(el("dd",null,typeof v==="string"?v:JSON.stringify(v)));});tip.appendChild(dl);}
  Object.keys(b.l||{}).forEach(function(k){
    var t=b.l[k],di=t[0],bj=t[1],target=DOCS[di]&&DOCS[di].b[bj];
    var q=el("blockquote");
    var a=el("a",null,k+": block "+bj+(di===i?" of this document":" of "+DOCS[di].id));a.href="#d"+di+"b"+bj;
    q.appendChild(a);q.appendChild(document.createElement("br"));
    var txt=target===undefined?"(not found)":(typeof target==="string"?target:target.t);
    q.appendChild(document.createTextNode(txt.length>600?txt.slice(0,600)+"…":txt));tip.appendChild(q);
  });
  tip.appendChild(el("div","hint",pinned?"pinned: Escape or click elsewhere to close":"click to pin"));
}
function showTip(target){
  fill(+target.getAttribute("data-doc"),+target.getAttribute("data-block"));tip.hidden=false;
  var r=target.getBoundingClientRect();var top=window.scrollY+r.bottom+6;
  var left=Math.min(window.scrollX+r.left,window.scrollX+document.documentElement.clientWidth-tip.offsetWidth-10);
  tip.style.top=top+"px";tip.style.left=Math.max(0,left)+"px";
}
function hideTip(force){if(pinned&&!force)return;pinned=null;tip.hidden=true;}
function markOf(t){return t&&t.closest?t.closest("mark.rm"):null;}
document.addEventListener("mouseover",function(ev){var m=markOf(ev.target);if(m&&!pinned)showTip(m);});
document.addEventListener("mouseout",function(ev){var m=markOf(ev.target);if(m&&!pinned&&!m.contains(ev.relatedTarget))hideTip(false);});
document.addEventListener("focusin",function(ev){var m=markOf(ev.target);if(m&&!pinned)showTip(m);});
document.addEventListener("focusout",function(ev){var m=markOf(ev.target);if(m&&!pinned)hideTip(false);});
document.addEventListener("click",function(ev){
  var m=markOf(ev.target);
  if(m){pinned=null;showTip(m);pinned=m;fill(+m.getAttribute("data-doc"),+m.getAttribute("data-block"));return;}
  if(!tip.contains(ev.target))hideTip(true);
});
document.addEventListener("keydown",function(ev){if(ev.key==="Escape")hideTip(true);});

function go(){
  var m=/^#d(\d+)(?:b(\d+))?$/.exec(location.hash);if(!m)return;
  var i=+m[1];if(i>=DOCS.length)return;
  if(visible.indexOf(i)<0||(m[2]!==undefined&&state.off[(DOCS[i].b[+m[2]]||{}).r])){
    state.q="";state.reason="any";state.off={};state.only=false;
    document.getElementById("q").value="";document.getElementById("reason").value="any";document.getElementById("only").checked=false;
    summary();render();}
  var page=Math.floor(visible.indexOf(i)/PAGE);if(page!==state.page){state.page=page;render();}
  var target=document.getElementById(location.hash.slice(1));
  if(target){hideTip(true);target.scrollIntoView({block:"center"});target.classList.remove("flash");void target.offsetWidth;target.classList.add("flash");}
}
window.addEventListener("hashchange",go);
summary();controls();render();go();
})();
"""
