"""HTML to clean text: trafilatura extracts the main text, dedupe cleans what it let through.

Two ways: dedupe.clean_html (extraction inside dedupe, with its HtmlConfig) or your own
trafilatura.extract call followed by dedupe.clean (when you already extract for other reasons).

Run: python examples/trafilatura_pipeline.py
"""

from __future__ import annotations

import trafilatura

import dedupe

paragraphs = [
    "The harbour council approved a new ferry timetable on Monday after months of complaints.",
    "Ferries will run every twenty minutes at peak times, and the last boat will leave at midnight.",
    "Commuters had asked for later boats for years, the council's transport officer said.",
    "The harbour council approved a new ferry timetable on Monday after months of complaints.",
]
HTML = (
    "<html><head><title>Ferry timetable</title></head><body>"
    "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
    "<article><h1>Harbour council approves new ferry timetable</h1><p>3 min read</p>"
    + "".join(f"<p>{p}</p>" for p in paragraphs)
    + "</article><footer>© 2024 Example Media. All rights reserved.</footer></body></html>"
)

# 1. Inside dedupe: extraction settings are part of the Config (and of its fingerprint).
res = dedupe.clean_html(HTML, doc_id="ferry", config=dedupe.Config(html=dedupe.HtmlConfig(favor="recall")))
print(res.text)
print("removed:", [(s["reason"], s["text"]) for s in res.removed])
print("warnings:", res.notes.get("warnings", []))

# 2. Your own extraction, then dedupe on the text.
text = trafilatura.extract(HTML, favor_recall=True) or ""
res2 = dedupe.clean(text, doc_id="ferry")
print("same clean text both ways:", res2.text == res.text)
