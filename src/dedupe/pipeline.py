"""Segment, run the stages to a fixed point, assemble: the cleaner itself.

The stages run over the blocks that survived the previous pass until a pass removes nothing (at
most ``Config.max_passes``). Off-topic signals depend on the surrounding blocks (coherence with
the document, the last blocks), so removing a repeat can change them; running to a fixed point
makes cleaning idempotent: ``clean(clean(x).text).text == clean(x).text``, because the clean text
segments back into exactly the kept blocks and a pass over them removes nothing.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from .config import Config
from .html import extract_text, is_thread_page, row_link_density
from .io import repair_surrogates
from .model import BLOCK_SEPARATOR, KEPT, Block, CleanResult, Decision, Document
from .segment import segment
from .stages import Context, Stage, build_stages
from .stages.corpus import CorpusMemory, CorpusState, Prepared

__all__ = ["Cleaner", "Partial", "TimeBudgetExceeded", "clean", "clean_html"]

log = logging.getLogger(__name__)


class TimeBudgetExceeded(BaseException):
    """A document used up its time budget (see ``Cleaner(time_budget=...)``).

    A ``BaseException`` on purpose, like ``KeyboardInterrupt``: the ``except Exception`` handlers
    around HTML extraction and inside third-party code must not swallow it.
    """


#: Seconds between repeated alarms once a document is past its time budget.
ALARM_REPEAT = 0.05


class _Budget:
    """A per-document deadline, enforced two ways.

    * Cooperatively: :meth:`check` is called between stages and passes.
    * Preemptively, where POSIX interval timers are available and we run on the main thread (the
      CLI, and every worker process of ``--workers N``): ``SIGALRM`` at the deadline raises
      :class:`TimeBudgetExceeded` in whatever Python code is running, so one slow stage call (a
      huge document, a pathological regex in a library) cannot overrun by more than the time to
      return to Python bytecode.
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.deadline: float | None = None

    def check(self, where: str) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeBudgetExceeded(where)

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        if not self.seconds:
            yield
            return
        self.deadline = time.monotonic() + self.seconds
        use_alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        previous: Any = None
        armed = [True]
        if use_alarm:

            def on_alarm(signum: int, frame: FrameType | None) -> None:
                if armed[0]:
                    raise TimeBudgetExceeded("timer")

            previous = signal.signal(signal.SIGALRM, on_alarm)
            # Past the deadline the alarm repeats: an exception raised while a garbage-collector
            # callback or a __del__ runs is printed and dropped by Python, and a one-shot alarm
            # would then be lost for good.
            signal.setitimer(signal.ITIMER_REAL, self.seconds, ALARM_REPEAT)
        try:
            yield
        finally:
            try:
                armed[0] = False
            finally:  # runs even if the alarm fired just now
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
                self.deadline = None


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
    #: Corpus-phase facts computed with the per-document phase (in a worker process), see
    #: :func:`dedupe.stages.corpus.presign`; used by the corpus phase, then dropped.
    corpus_sigs: Prepared | None = field(default=None, compare=False, repr=False)
    #: Structural hints from the HTML for the stages, see :attr:`dedupe.stages.Context.link_density`.
    link_density: dict[int, float] = field(default_factory=dict)
    #: The HTML page declares itself a thread, see :attr:`dedupe.stages.Context.declared_thread`.
    declared_thread: bool = False
    #: Seconds spent per stage (and in ``extract``/``segment``) on this document, for ``-v``
    #: logging; not part of the result (results never depend on the clock).
    seconds: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

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

    Time budget: with ``time_budget=S`` (seconds), :meth:`prepare` and :meth:`complete` (what
    :meth:`clean` and :meth:`clean_many` use) give each document at most about ``S`` seconds per
    phase. A document that runs out is passed through unchanged (every block kept) with
    ``notes["error"] = "time_budget_exceeded: ..."``, never dropped; in corpus mode its paragraphs
    are not added to the corpus memory (they were not checked). Any other unexpected exception
    inside the stages is handled the same way (``stage_error: ...``), so one pathological document
    cannot end a run. :meth:`local` and :meth:`finish` are the unguarded phases.

    Args:
        config: The settings; defaults to ``Config()``.
        time_budget: Seconds per document and phase; ``None`` or ``0`` for no limit.
    """

    def __init__(self, config: Config | None = None, *, time_budget: float | None = None) -> None:
        self.config = config if config is not None else Config()
        if not isinstance(self.config, Config):
            raise TypeError(f"config must be a dedupe.Config, got {type(self.config).__name__}")
        if time_budget is not None and (
            isinstance(time_budget, bool) or not isinstance(time_budget, (int, float)) or time_budget < 0
        ):
            raise ValueError(f"time_budget must be a number of seconds >= 0 or None, got {time_budget!r}")
        self.time_budget = float(time_budget) if time_budget else None
        self._budget = _Budget(self.time_budget)
        self._extracted: tuple[Document, str] | None = None
        stages = build_stages(self.config, corpus=True)
        self._local = [s for s in stages if s.name != "corpus"]
        self._corpus = [s for s in stages if s.name == "corpus"]
        self._fingerprint = self.config.fingerprint()

    def clean(self, doc: Document | str, *, doc_id: str = "doc") -> CleanResult:
        """Clean one document on its own (no corpus context)."""
        if isinstance(doc, str):
            doc = Document(id=doc_id, text=doc)
        return self.complete(self.prepare(doc), None)

    @property
    def has_corpus_stage(self) -> bool:
        """The configuration runs the corpus stage (``clean_many`` removes cross-document copies)."""
        return bool(self._corpus)

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
                yield self.complete(self.prepare(doc), state)
        finally:
            if state is not None:
                state.close()

    def local(self, doc: Document) -> Partial:
        """The per-document phase: extraction, segmentation, local stages to a fixed point."""
        notes: dict[str, Any] = {"config": self._fingerprint}
        seconds: dict[str, float] = {}
        if doc.text is not None:
            source = _repaired(doc.text, notes)
        else:
            assert doc.html is not None
            notes["extracted_from_html"] = True
            t0 = time.perf_counter()
            try:
                source = extract_text(doc.html, self.config.html)
            except Exception as e:  # trafilatura/lxml on hostile markup: the record still gets a result
                log.warning("HTML extraction failed for %r: %s", doc.id, e)
                source = ""
                notes["error"] = f"html_extraction_failed: {type(e).__name__}: {e}"
            seconds["extract"] = time.perf_counter() - t0
            self._extracted = (doc, source)
        t0 = time.perf_counter()
        blocks = segment(source)
        seconds["segment"] = time.perf_counter() - t0
        partial = Partial(
            doc_id=doc.id, source=source, blocks=blocks, decisions=[KEPT] * len(blocks), notes=notes
        )
        partial.seconds = seconds
        over = work_limit_exceeded(self.config, source, blocks)
        if over:
            # Deterministic, unlike the time budget: the same document is passed through on any
            # machine, under any load.
            log.info("document %r passed through unchanged: %s", doc.id, over)
            notes.update(error=over, passthrough=True)
            return partial
        if doc.text is None and doc.html is not None and self.config.html.row_link_density is not None:
            partial.link_density = row_link_density(doc.html, blocks)
        if doc.text is None and doc.html is not None:
            partial.declared_thread = is_thread_page(doc.html)
        self._run(partial, self._local, None)
        return partial

    def prepare(self, doc: Document) -> Partial:
        """:meth:`local` within the time budget; a document that overruns or makes a stage fail is
        passed through unchanged with the reason in ``notes["error"]`` (see the class docstring)."""
        self._extracted = None
        try:
            with self._budget.running():
                return self.local(doc)
        except TimeBudgetExceeded:
            reason = f"time_budget_exceeded: per-document phase took more than {self.time_budget:g} s"
        except Exception as e:  # a stage bug or RecursionError on hostile input: pass through
            log.exception("cleaning %r failed", doc.id)
            reason = f"stage_error: {type(e).__name__}: {e}"
        finally:
            extracted, self._extracted = self._extracted, None
        log.info("document %r passed through unchanged: %s", doc.id, reason)
        return self.passthrough(doc, reason, extracted[1] if extracted and extracted[0] is doc else None)

    def passthrough(self, doc: Document, reason: str, source: str | None = None) -> Partial:
        """A partial that keeps every block of ``doc``, with ``reason`` as ``notes["error"]``.

        For an HTML record, ``source`` is the extracted text if extraction finished; otherwise the
        result is empty (the raw HTML is not text to pass on).
        """
        notes: dict[str, Any] = {"config": self._fingerprint, "error": reason, "passthrough": True}
        if doc.text is not None:
            source = _repaired(doc.text, notes)
        else:
            notes["extracted_from_html"] = True
            source = source or ""
        blocks = segment(source)
        return Partial(
            doc_id=doc.id, source=source, blocks=blocks, decisions=[KEPT] * len(blocks), notes=notes
        )

    def complete(self, partial: Partial, state: CorpusMemory | None) -> CleanResult:
        """:meth:`finish` within the time budget. A pass-through partial (see :meth:`prepare`)
        skips the corpus phase; a document whose corpus phase overruns keeps its per-document
        result, gets the reason in ``notes["error"]`` and, like every pass-through document, is
        not added to the corpus memory."""
        if partial.notes.get("passthrough"):
            return self.finish(partial, None)
        saved = list(partial.decisions), partial.passes
        try:
            with self._budget.running():
                self._corpus_phase(partial, state)
        except TimeBudgetExceeded:
            reason = f"time_budget_exceeded: corpus phase took more than {self.time_budget:g} s"
        except Exception as e:  # a stage bug or RecursionError on hostile input: pass through
            log.exception("corpus phase failed for %r", partial.doc_id)
            reason = f"stage_error: {type(e).__name__}: {e}"
        else:
            return self._assemble(partial, state)
        log.info("document %r: corpus phase skipped: %s", partial.doc_id, reason)
        partial.decisions, partial.passes = saved
        partial.notes["error"] = reason + " (per-document cleaning kept, corpus duplicates not checked)"
        partial.notes["passthrough"] = True
        return self._assemble(partial, None)

    def finish(self, partial: Partial, state: CorpusMemory | None) -> CleanResult:
        """The corpus phase (if ``state`` is given), then assembly. Call in input order."""
        self._corpus_phase(partial, state)
        return self._assemble(partial, state)

    def _corpus_phase(self, partial: Partial, state: CorpusMemory | None) -> None:
        """One corpus pass; if it removed anything, the local stages run again to a fixed point
        (an off-topic signal can depend on the paragraphs around it)."""
        if state is not None and partial.corpus_sigs is not None:
            state.preload(partial.corpus_sigs)
        partial.corpus_sigs = None
        if state is not None and self._corpus and self._run(partial, self._corpus, state, limit=1):
            self._run(partial, self._local, None)

    def _assemble(self, partial: Partial, state: CorpusMemory | None) -> CleanResult:
        partial.notes["passes"] = partial.passes
        if state is not None:  # a near copy of an earlier document: duplicate_of (and dropped)
            partial.notes.update(state.notes(partial.doc_id))
        decisions = partial.decisions
        text = BLOCK_SEPARATOR.join(b.text for b, d in zip(partial.blocks, decisions) if d.kept)
        _note_empty_reason(partial, text)
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
        self, p: Partial, stages: list[Stage], state: CorpusMemory | None, limit: int | None = None
    ) -> bool:
        """Run ``stages`` over the live blocks until a pass removes nothing; True if anything went."""
        removed_any = False
        rounds = 0
        budget = limit if limit is not None else self.config.max_passes
        live = p.live
        while live and rounds < budget and p.passes < self.config.max_passes + 1:
            rounds += 1
            p.passes += 1
            ctx = Context(
                doc_id=p.doc_id,
                blocks=live,
                config=self.config,
                corpus=state,
                from_html=bool(p.notes.get("extracted_from_html")),
                link_density=p.link_density,
                declared_thread=p.declared_thread,
            )
            for stage in stages:
                self._budget.check(stage.name)
                t0 = time.perf_counter()
                stage.run(ctx)
                p.seconds[stage.name] = p.seconds.get(stage.name, 0.0) + time.perf_counter() - t0
            # A block a pass kept against its context-free verdict says so in its decision.
            for k in ctx.overrides:
                if ctx.decisions[k] is None:
                    p.decisions[live[k].index] = ctx.final(k)
            gone = [(b, d) for b, d in zip(live, ctx.decisions) if d is not None]
            if not gone:
                break
            removed_any = True
            for b, d in gone:
                p.decisions[b.index] = _with_pass(d, p.passes)
            live = [b for b, d in zip(live, ctx.decisions) if d is None]
        return removed_any


def _repaired(text: str, notes: dict[str, Any]) -> str:
    """``text`` with lone surrogates replaced by U+FFFD (same length, so offsets hold), as the CLI's
    reader does; the repair is named in ``notes["warnings"]``."""
    fixed, changed = repair_surrogates(text)
    if changed:
        _warn(notes, "lone_surrogates_replaced")
    return fixed


def _warn(notes: dict[str, Any], warning: str) -> None:
    warnings = notes.setdefault("warnings", [])
    if warning not in warnings:
        warnings.append(warning)


def _note_empty_reason(partial: Partial, text: str) -> None:
    """Say why a result's text is empty (when no error says it already), in ``notes["warnings"]``:
    ``all_blocks_removed``, ``no_text_extracted`` (HTML gave no text) or ``empty_input``."""
    if text or partial.notes.get("error"):
        return
    if partial.blocks:
        _warn(partial.notes, "all_blocks_removed")
    elif partial.notes.get("extracted_from_html"):
        _warn(partial.notes, "no_text_extracted")
    else:
        _warn(partial.notes, "empty_input")


def work_limit_exceeded(config: Config, source: str, blocks: list[Block]) -> str | None:
    """The error for a document over :attr:`Config.max_chars` or :attr:`Config.max_blocks`, else None.

    These limits bound the work on a pathological document without looking at the clock, so the
    outcome does not depend on the machine or its load; the time budget is the last resort.
    """
    if config.max_chars and len(source) > config.max_chars:
        return f"too_large: {len(source)} characters, more than max_chars={config.max_chars}"
    if config.max_blocks and len(blocks) > config.max_blocks:
        return f"too_large: {len(blocks)} blocks, more than max_blocks={config.max_blocks}"
    return None


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
