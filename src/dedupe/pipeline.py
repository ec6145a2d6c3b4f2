"""Segment, run the stages to a fixed point, assemble: the cleaner itself.

The stages run over the blocks that survived the previous pass until a pass removes nothing (at
most ``Config.max_passes``). Off-topic signals depend on the surrounding blocks (coherence with
the document, the last blocks), so removing a repeat can change them; running to a fixed point
makes cleaning idempotent: ``clean(clean(x).text).text == clean(x).text``, because the clean text
segments back into exactly the kept blocks and a pass over them removes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from .config import Config
from .html import extract_text
from .model import BLOCK_SEPARATOR, KEPT, Block, CleanResult, Decision, Document
from .segment import segment
from .stages import Context, Stage, build_stages
from .stages.corpus import CorpusState

__all__ = ["Cleaner", "clean", "clean_html"]

log = logging.getLogger(__name__)


class Cleaner:
    """Cleans documents with one configuration; :meth:`clean_many` runs corpus mode.

    Args:
        config: The settings; defaults to ``Config()``.
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config if config is not None else Config()
        if not isinstance(self.config, Config):
            raise TypeError(f"config must be a dedupe.Config, got {type(self.config).__name__}")
        self._single = build_stages(self.config, corpus=False)
        self._corpus_stages = build_stages(self.config, corpus=True)

    def clean(self, doc: Document | str, *, doc_id: str = "doc") -> CleanResult:
        """Clean one document on its own (no corpus context)."""
        if isinstance(doc, str):
            doc = Document(id=doc_id, text=doc)
        return self._clean(doc, self._single, None)

    def clean_many(self, docs: Iterable[Document | str]) -> Iterator[CleanResult]:
        """Clean documents in order, in corpus mode: a paragraph seen in an earlier document is removed.

        Streams: results are yielded as documents are read; memory grows only with the index.
        Plain strings get ids ``"0"``, ``"1"``... by position.
        """
        stages = self._corpus_stages
        state = CorpusState(self.config.corpus) if "corpus" in self.config.stages else None
        try:
            for n, doc in enumerate(docs):
                if isinstance(doc, str):
                    doc = Document(id=str(n), text=doc)
                result = self._clean(doc, stages, state)
                if state is not None:
                    state.commit(result.id, [(b.index, b.text) for b in result.kept_blocks])
                yield result
        finally:
            if state is not None:
                state.close()

    def _clean(self, doc: Document, stages: list[Stage], state: CorpusState | None) -> CleanResult:
        notes: dict[str, Any] = {"config": self.config.fingerprint()}
        if doc.text is not None:
            source = doc.text
        else:
            assert doc.html is not None
            notes["extracted_from_html"] = True
            try:
                source = extract_text(doc.html, self.config.html)
            except Exception as e:  # trafilatura/lxml on hostile markup: the record still gets a result
                log.warning("HTML extraction failed for %r: %s", doc.id, e)
                source = ""
                notes["error"] = f"html_extraction_failed: {type(e).__name__}: {e}"
        blocks = segment(source)
        decisions: list[Decision] = [KEPT] * len(blocks)
        live: list[Block] = list(blocks)
        passes = 0
        while live and passes < self.config.max_passes:
            passes += 1
            ctx = Context(doc_id=doc.id, blocks=live, config=self.config, corpus=state)
            for stage in stages:
                stage.run(ctx)
            removed = [(b, d) for b, d in zip(live, ctx.decisions) if d is not None]
            if not removed:
                break
            for b, d in removed:
                decisions[b.index] = _with_pass(d, passes)
            live = [b for b, d in zip(live, ctx.decisions) if d is None]
        notes["passes"] = passes
        text = BLOCK_SEPARATOR.join(b.text for b, d in zip(blocks, decisions) if d.kept)
        return CleanResult(
            id=doc.id, text=text, source=source, blocks=blocks, decisions=decisions, notes=notes
        )


def _with_pass(d: Decision, n: int) -> Decision:
    if n == 1:
        return d
    return Decision(kept=d.kept, reason=d.reason, stage=d.stage, evidence={**d.evidence, "pass": n})


def _config(config: Config | None, options: dict[str, Any]) -> Config:
    cfg = config if config is not None else Config()
    return cfg.with_options(**options) if options else cfg


def clean(text: str, *, config: Config | None = None, doc_id: str = "doc", **options: Any) -> CleanResult:
    """Clean one plain-text document (one paragraph or line per line).

    Args:
        text: The document.
        config: Settings; defaults to ``Config()``.
        doc_id: The id used in evidence and in the result.
        **options: Top-level :class:`Config` fields to override, e.g. ``stages=("boilerplate",)``.

    >>> r = clean("A headline about the budget\\n2 min read\\nThe council agreed the budget on Monday.")
    >>> r.text
    'A headline about the budget\\n\\nThe council agreed the budget on Monday.'
    >>> r.removed[0]["reason"]
    'boilerplate.reading_time'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}; decode bytes first")
    return Cleaner(_config(config, options)).clean(Document(id=doc_id, text=text))


def clean_html(
    html: str, *, config: Config | None = None, doc_id: str = "doc", **options: Any
) -> CleanResult:
    """Extract the main text of an HTML page with trafilatura, then clean it like :func:`clean`."""
    if not isinstance(html, str):
        raise TypeError(f"html must be a str, got {type(html).__name__}; decode bytes first")
    return Cleaner(_config(config, options)).clean(Document(id=doc_id, html=html))
