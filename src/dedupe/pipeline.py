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
from dataclasses import dataclass, field
from typing import Any

from .config import Config
from .html import extract_text
from .model import BLOCK_SEPARATOR, KEPT, Block, CleanResult, Decision, Document
from .segment import segment
from .stages import Context, Stage, build_stages
from .stages.corpus import CorpusState

__all__ = ["Cleaner", "Partial", "clean", "clean_html"]

log = logging.getLogger(__name__)


@dataclass
class Partial:
    """A document after the per-document phase, before the corpus phase.

    Produced by :meth:`Cleaner.local`, a pure function of the document and the configuration, so
    it can be computed in worker processes (it pickles); :meth:`Cleaner.finish` completes it.
    """

    doc_id: str
    source: str
    blocks: list[Block]
    decisions: list[Decision]
    notes: dict[str, Any] = field(default_factory=dict)
    passes: int = 0

    @property
    def live(self) -> list[Block]:
        return [b for b, d in zip(self.blocks, self.decisions) if d.kept]


class Cleaner:
    """Cleans documents with one configuration; :meth:`clean_many` runs corpus mode.

    Cleaning a document has two phases. The *local* phase (boilerplate, duplicates within the
    document, off-topic) depends on the document alone and runs to a fixed point. The *corpus*
    phase (corpus mode only) removes paragraphs seen in earlier documents, in input order; if it
    removes anything the local stages run again on what is left (an off-topic signal can depend
    on the surrounding paragraphs). Sequential and parallel runs execute exactly these phases, so
    their results are identical.

    Args:
        config: The settings; defaults to ``Config()``.
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config if config is not None else Config()
        if not isinstance(self.config, Config):
            raise TypeError(f"config must be a dedupe.Config, got {type(self.config).__name__}")
        stages = build_stages(self.config, corpus=True)
        self._local = [s for s in stages if s.name != "corpus"]
        self._corpus = [s for s in stages if s.name == "corpus"]
        self._fingerprint = self.config.fingerprint()

    def clean(self, doc: Document | str, *, doc_id: str = "doc") -> CleanResult:
        """Clean one document on its own (no corpus context)."""
        if isinstance(doc, str):
            doc = Document(id=doc_id, text=doc)
        return self.finish(self.local(doc), None)

    def new_corpus_state(self) -> CorpusState | None:
        """The cross-document memory for a corpus run (None if the corpus stage is off)."""
        return CorpusState(self.config.corpus) if self._corpus else None

    def clean_many(self, docs: Iterable[Document | str]) -> Iterator[CleanResult]:
        """Clean documents in order, in corpus mode: a paragraph seen in an earlier document is removed.

        Streams: results are yielded as documents are read; memory grows only with the index.
        Plain strings get ids ``"0"``, ``"1"``... by position.
        """
        state = self.new_corpus_state()
        try:
            for n, doc in enumerate(docs):
                if isinstance(doc, str):
                    doc = Document(id=str(n), text=doc)
                yield self.finish(self.local(doc), state)
        finally:
            if state is not None:
                state.close()

    def local(self, doc: Document) -> Partial:
        """The per-document phase: extraction, segmentation, local stages to a fixed point."""
        notes: dict[str, Any] = {"config": self._fingerprint}
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
        partial = Partial(
            doc_id=doc.id, source=source, blocks=blocks, decisions=[KEPT] * len(blocks), notes=notes
        )
        self._run(partial, self._local, None)
        return partial

    def finish(self, partial: Partial, state: CorpusState | None) -> CleanResult:
        """The corpus phase (if ``state`` is given), then assembly. Call in input order."""
        if state is not None and self._corpus and self._run(partial, self._corpus, state, limit=1):
            self._run(partial, self._local, None)
        partial.notes["passes"] = partial.passes
        decisions = partial.decisions
        text = BLOCK_SEPARATOR.join(b.text for b, d in zip(partial.blocks, decisions) if d.kept)
        result = CleanResult(
            id=partial.doc_id,
            text=text,
            source=partial.source,
            blocks=partial.blocks,
            decisions=decisions,
            notes=partial.notes,
        )
        if state is not None:
            state.commit(result.id, [(b.index, b.text) for b in result.kept_blocks])
        return result

    def _run(
        self, p: Partial, stages: list[Stage], state: CorpusState | None, limit: int | None = None
    ) -> bool:
        """Run ``stages`` over the live blocks until a pass removes nothing; True if anything went."""
        removed_any = False
        rounds = 0
        budget = limit if limit is not None else self.config.max_passes
        live = p.live
        while live and rounds < budget and p.passes < self.config.max_passes + 1:
            rounds += 1
            p.passes += 1
            ctx = Context(doc_id=p.doc_id, blocks=live, config=self.config, corpus=state)
            for stage in stages:
                stage.run(ctx)
            gone = [(b, d) for b, d in zip(live, ctx.decisions) if d is not None]
            if not gone:
                break
            removed_any = True
            for b, d in gone:
                p.decisions[b.index] = _with_pass(d, p.passes)
            live = [b for b, d in zip(live, ctx.decisions) if d is None]
        return removed_any


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
