"""dedupe as a datatrove pipeline step: each Document's text is cleaned; the removals, with their
reasons, go into its metadata, and a document left empty can be dropped (counted by reason, like
datatrove's filters).

With datatrove installed (pip install datatrove) this defines a real PipelineStep; without it the
same step runs over a few stand-in documents, so the example stays runnable.

Run: python examples/datatrove_step.py
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import dedupe


def clean_documents(docs: Iterable[Any], cleaner: dedupe.Cleaner, stat: Any = None) -> Iterator[Any]:
    """Clean datatrove-like documents (``.text``, ``.id``, ``.metadata``) in place; drop empty ones."""
    for doc in docs:
        res = cleaner.clean(dedupe.Document(id=str(doc.id), text=doc.text))
        doc.metadata["dedupe_removed"] = [{k: s[k] for k in ("reason", "start", "end")} for s in res.removed]
        doc.metadata["dedupe_config"] = res.notes["config"]
        for span in res.removed:
            if stat is not None:
                stat(span["reason"])
        if not res.text:
            if stat is not None:
                stat("dropped_empty")
            continue
        doc.text = res.text
        yield doc


try:
    from datatrove.data import DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep

    class DedupeClean(PipelineStep):  # type: ignore[misc]
        """datatrove step: ``DedupeClean(config=dedupe.Config(...))`` anywhere after a reader."""

        name = "🧹 dedupe"
        type = "✂️ - FORMAT"

        def __init__(self, config: dedupe.Config | None = None) -> None:
            super().__init__()
            self.config = config or dedupe.Config()

        def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
            cleaner = dedupe.Cleaner(self.config, time_budget=60)
            with self.track_time():
                yield from clean_documents(data, cleaner, stat=self.stat_update)

    HAVE_DATATROVE = True
except ImportError:
    HAVE_DATATROVE = False


@dataclass
class StandInDocument:
    """The three fields of datatrove.data.Document the step uses."""

    text: str
    id: str
    metadata: dict[str, Any] = field(default_factory=dict)


if __name__ == "__main__":
    body = "The harbour council approved a new ferry timetable on Monday after months of complaints."
    texts = {"a": f"{body}\n2 min read\n{body}", "b": "Follow us on Twitter: @example_news"}
    if HAVE_DATATROVE:
        from datatrove.data import Document

        docs = [Document(text=t, id=i) for i, t in texts.items()]
        out = list(DedupeClean().run(iter(docs)))
    else:
        print("(datatrove is not installed: running the step's core on stand-in documents)")
        out = list(clean_documents((StandInDocument(t, i) for i, t in texts.items()), dedupe.Cleaner()))
    for doc in out:
        print(doc.id, repr(doc.text), [r["reason"] for r in doc.metadata["dedupe_removed"]])
    print(f"{len(out)} of {len(texts)} documents kept")
