"""Clean one article, read why each paragraph went, and get the expected JSON record.

Run: python examples/quickstart.py
"""

from __future__ import annotations

import dedupe

ARTICLE = """\
World News
Harbour council approves new ferry timetable
2 min read
By Jane Holloway
The harbour council approved a new ferry timetable on Monday after months of complaints from commuters.
Ferries will run every twenty minutes at peak times, and the last boat will leave at midnight.
Follow us on Twitter: @example_news
The harbour council approved a new ferry timetable on Monday after months of complaints from commuters.
"""

result = dedupe.clean(ARTICLE, doc_id="ferry")
print(result.text)
print()
print(result.explain())
print()
for span in result.removed:
    print(f"{span['reason']:<28} {span['text']!r}")
