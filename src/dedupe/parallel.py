"""The per-document phase in worker processes, results back in input order.

Cleaning has two phases (see :class:`dedupe.Cleaner`): :meth:`~dedupe.Cleaner.local` depends on
the document and the configuration alone, :meth:`~dedupe.Cleaner.finish` (corpus mode) must see
documents in input order. :class:`LocalPhase` runs the first phase (through the time-budgeted
:meth:`~dedupe.Cleaner.prepare`) in a pool of processes and yields the partial results strictly
in input order, so the caller runs the second phase sequentially exactly as a single-process run
does: the output is the same, byte for byte, for any number of workers.

Memory stays bounded: documents are sent in batches (at most ``batch_docs`` documents or about
``batch_chars`` characters) and at most ``window`` batches are in flight; input is read only as
fast as results are consumed.

A worker that dies (killed by the OOM killer, a crash in a C extension) does not end the run:
the pool is restarted, the documents of the batch that was running are retried one at a time,
and a document that kills a worker on its own is passed through unchanged with the reason
``worker_crashed``. Workers ignore SIGINT, so Ctrl-C reaches the main process only, which then
calls :meth:`LocalPhase.terminate` (no hanging on a long document).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Generic, TypeVar

from .config import Config
from .corpus_index import corpus_signer
from .minhash import Signer
from .model import Document
from .pipeline import Cleaner, Partial
from .stages.corpus import presign

__all__ = ["LocalPhase", "default_workers"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Documents per task sent to a worker: enough to amortise the inter-process round trip
#: (pickling a batch of news articles takes well under a millisecond per document).
BATCH_DOCS = 32
#: Characters per task: a batch is closed once it holds this much text, so a few huge documents
#: do not make a huge message.
BATCH_CHARS = 1_000_000

_cleaner: Cleaner | None = None
#: In corpus mode, the signer of the corpus index: workers sign what the corpus phase will look up.
_corpus_signer: Signer | None = None


def default_workers() -> int:
    """The number of CPUs this process may use (affinity-aware where the OS tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


#: Seconds to wait for the pool's manager thread to end after its workers were killed.
MANAGER_JOIN_SECONDS = 2.0


def _init_worker(config: Config, time_budget: float | None, corpus: bool = False) -> None:
    # Ctrl-C in a terminal signals the whole process group; only the main process decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _cleaner, _corpus_signer
    _cleaner = Cleaner(config, time_budget=time_budget)
    _corpus_signer = corpus_signer(config.corpus) if corpus else None


def _prepare_batch(docs: list[Document]) -> list[Partial]:
    assert _cleaner is not None, "worker not initialised"
    partials = [_cleaner.prepare(d) for d in docs]
    if _corpus_signer is not None:
        # The corpus phase (main process, input order) looks up the surviving paragraphs and
        # their sentences: sign them here, for the whole batch at once. A pass-through document
        # skips the corpus phase.
        texts = [[] if p.notes.get("passthrough") else [b.text for b in p.live] for p in partials]
        for p, prepared in zip(partials, presign(_cleaner.config.corpus, _corpus_signer, texts)):
            if prepared.texts:
                p.corpus_sigs = prepared
    return partials


def _size(doc: Document) -> int:
    return len(doc.text) if doc.text is not None else len(doc.html or "")


class LocalPhase(Generic[T]):
    """Run :meth:`Cleaner.prepare` over documents, in ``workers`` processes, results in order.

    Args:
        config: The configuration (sent once to each worker).
        workers: Number of worker processes; ``1`` runs in this process, without a pool.
        time_budget: Seconds per document (see :class:`dedupe.Cleaner`).
        batch_docs: Documents per task at most.
        batch_chars: Characters per task, about (a single larger document makes its own task).
        window: Tasks in flight at most (default ``2 * workers``).
        cleaner: With ``workers=1``, the cleaner to use in this process (default: a new one).
        corpus: The results go to a corpus phase: workers also compute the corpus signatures
            it needs (:attr:`Partial.corpus_sigs`), so the in-order phase only looks them up.

    Usable as a context manager: leaving it normally shuts the pool down, leaving it with an
    exception (including ``KeyboardInterrupt``) kills the workers at once.
    """

    def __init__(
        self,
        config: Config,
        *,
        workers: int = 1,
        time_budget: float | None = None,
        batch_docs: int = BATCH_DOCS,
        batch_chars: int = BATCH_CHARS,
        window: int | None = None,
        cleaner: Cleaner | None = None,
        corpus: bool = False,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be >= 1, got {workers!r}")
        self.config = config
        self.workers = workers
        self.time_budget = time_budget
        self.batch_docs = max(1, batch_docs)
        self.batch_chars = max(1, batch_chars)
        self.window = window if window is not None else 2 * workers
        self.restarts = 0
        self._executor: ProcessPoolExecutor | None = None
        self._local: Cleaner | None = cleaner
        self.corpus = corpus

    # -- pool management ---------------------------------------------------------------------------

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            methods = multiprocessing.get_all_start_methods()
            # Not fork: the parent may hold threads (index back-ends, the executor's own), and a
            # forked child inherits their locks in whatever state they were.
            ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            if ctx.get_start_method() == "forkserver":
                ctx.set_forkserver_preload(["dedupe.pipeline", "dedupe.parallel"])
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=ctx,
                initializer=_init_worker,
                initargs=(self.config, self.time_budget, self.corpus),
            )
        return self._executor

    def close(self) -> None:
        """Shut the pool down, waiting for the workers to exit (idle by then)."""
        ex, self._executor = self._executor, None
        if ex is not None:
            ex.shutdown(wait=True, cancel_futures=True)

    def terminate(self) -> None:
        """Stop now: cancel queued work and kill the workers (used on Ctrl-C and errors)."""
        ex, self._executor = self._executor, None
        if ex is None:
            return
        procs = list((getattr(ex, "_processes", None) or {}).values())
        manager = getattr(ex, "_executor_manager_thread", None)
        results = getattr(ex, "_result_queue", None)
        ex.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            with contextlib.suppress(Exception):
                p.terminate()
        for p in procs:
            with contextlib.suppress(Exception):
                p.join(timeout=5)
                if p.is_alive():
                    p.kill()
                    p.join(timeout=5)
        if manager is not None and manager.is_alive():
            manager.join(timeout=MANAGER_JOIN_SECONDS)
            if manager.is_alive() and results is not None:
                # A worker killed while it wrote a result leaves half a message in the results
                # pipe, and the pool's manager thread waits for the rest for ever: the pool holds
                # a write end of that pipe itself, so no end-of-file comes, and the interpreter
                # then hangs at exit joining the thread. Closing that write end turns the wait
                # into end-of-file: the thread sees a broken pool and ends.
                with contextlib.suppress(Exception):
                    results._writer.close()
                manager.join(timeout=MANAGER_JOIN_SECONDS)

    def __enter__(self) -> LocalPhase[T]:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.terminate()

    # -- the work ----------------------------------------------------------------------------------

    def map(self, items: Iterable[tuple[T, Document]]) -> Iterator[tuple[T, Partial]]:
        """Yield ``(tag, partial)`` for every ``(tag, document)`` of ``items``, in input order.

        ``tag`` stays in this process (use it to carry the input record along).
        """
        if self.workers == 1:
            if self._local is None:
                self._local = Cleaner(self.config, time_budget=self.time_budget)
            cleaner = self._local
            for tag, doc in items:
                yield tag, cleaner.prepare(doc)
            return
        yield from self._map_pool(iter(items))

    def _batches(self, it: Iterator[tuple[T, Document]]) -> Iterator[tuple[list[T], list[Document]]]:
        tags: list[T] = []
        docs: list[Document] = []
        chars = 0
        for tag, doc in it:
            tags.append(tag)
            docs.append(doc)
            chars += _size(doc)
            if len(docs) >= self.batch_docs or chars >= self.batch_chars:
                yield tags, docs
                tags, docs, chars = [], [], 0
        if docs:
            yield tags, docs

    def _map_pool(self, it: Iterator[tuple[T, Document]]) -> Iterator[tuple[T, Partial]]:
        batches = self._batches(it)
        pending: deque[tuple[list[T], list[Document], Future[list[Partial]]]] = deque()
        exhausted = False
        while True:
            while not exhausted and len(pending) < self.window:
                nxt = next(batches, None)
                if nxt is None:
                    exhausted = True
                    break
                pending.append((nxt[0], nxt[1], self._submit(nxt[1])))
            if not pending:
                return
            tags, docs, fut = pending.popleft()
            try:
                partials = fut.result()
            except BrokenProcessPool:
                # Every future in flight is lost with the pool. Redo this batch one document at a
                # time (to find the culprit), then resubmit the rest in their order.
                self.restarts += 1
                log.warning("a worker process died; restarting the pool and retrying %d documents", len(docs))
                self.terminate()
                rest = [(t, d) for t, d, _ in pending]
                pending.clear()
                for tag, doc in zip(tags, docs):
                    yield tag, self._one(doc)
                for t, d in rest:
                    pending.append((t, d, self._submit(d)))
                continue
            except Exception as e:  # e.g. a result that cannot be pickled: retry one by one
                log.warning(
                    "a worker task failed (%s: %s); retrying its documents one by one", type(e).__name__, e
                )
                for tag, doc in zip(tags, docs):
                    yield tag, self._one(doc)
                continue
            yield from zip(tags, partials)

    def _submit(self, docs: list[Document]) -> Future[list[Partial]]:
        return self._start().submit(_prepare_batch, docs)

    def _one(self, doc: Document) -> Partial:
        """One document in a worker of its own task; a crash becomes a pass-through result."""
        try:
            return self._submit([doc]).result()[0]
        except BrokenProcessPool:
            self.restarts += 1
            self.terminate()
            reason = "worker_crashed: the worker process died while cleaning this document"
        except Exception as e:
            reason = f"worker_error: {type(e).__name__}: {e}"
        log.warning("document %r passed through unchanged: %s", doc.id, reason)
        return Cleaner(self.config).passthrough(doc, reason)
