"""A progress line on stderr for long runs: documents, MB/s, blocks removed so far, ETA.

Shown only when stderr is a terminal (never in a pipe or a log file, where a line rewritten with
``\\r`` is noise) and not with ``--quiet``. Redrawn at most every :data:`REFRESH_SECONDS`; log
messages clear it first (see :class:`BarAwareHandler`) so they are not garbled.
"""

from __future__ import annotations

import logging
import shutil
import time
from typing import TextIO

from .io import InputProgress

__all__ = ["BarAwareHandler", "Progress"]

#: Seconds between two redraws: often enough to look alive, rarely enough to cost nothing.
REFRESH_SECONDS = 0.25
#: The line appears only after this many seconds: a short run prints its summary and nothing else.
DELAY_SECONDS = 1.0

_active: Progress | None = None


class Progress:
    """The progress line of one run.

    Args:
        stream: Where to draw (stderr).
        inputs: Byte positions of the inputs (None: rate from the characters cleaned, no ETA).
        enabled: Draw at all (the caller decides: a terminal, not ``--quiet``).
    """

    def __init__(self, stream: TextIO, inputs: InputProgress | None, *, enabled: bool) -> None:
        self.stream = stream
        self.inputs = inputs
        self.enabled = enabled
        self.started = time.monotonic()
        self._last = 0.0
        self._shown = False
        self.docs = self.removed = self.chars = 0

    def __enter__(self) -> Progress:
        global _active
        if self.enabled:
            _active = self
        return self

    def __exit__(self, *exc: object) -> None:
        global _active
        self.clear()
        if _active is self:
            _active = None

    def update(self, docs: int, removed: int, chars: int) -> None:
        """Record the counts so far; redraw if it is time."""
        self.docs, self.removed, self.chars = docs, removed, chars
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.started < DELAY_SECONDS or now - self._last < REFRESH_SECONDS:
            return
        self._last = now
        self.draw(now)

    def line(self, now: float | None = None) -> str:
        """The text of the progress line."""
        elapsed = max(1e-9, (now if now is not None else time.monotonic()) - self.started)
        total = self.inputs.total if self.inputs is not None else None
        done = self.inputs.position() if self.inputs is not None and total else self.chars
        parts = [f"{self.docs:,} docs", f"{done / 1e6:,.1f} MB", f"{done / 1e6 / elapsed:,.1f} MB/s"]
        parts.append(f"{self.removed:,} blocks removed")
        head = "dedupe: "
        if total:
            frac = min(1.0, done / total)
            width = 20
            fill = int(frac * width)
            head += "[" + "#" * fill + "." * (width - fill) + f"] {frac:4.0%} "
            if 0 < frac < 1:
                parts.append("ETA " + _duration(elapsed * (1 - frac) / frac))
        return head + " · ".join(parts)

    def draw(self, now: float | None = None) -> None:
        columns = shutil.get_terminal_size((100, 20)).columns
        text = self.line(now)[: max(10, columns - 1)]
        self.stream.write("\r" + text + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Erase the line (before a log message or the summary)."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


def _duration(seconds: float) -> str:
    s = int(seconds + 0.5)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


class BarAwareHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that erases the progress line before writing a record."""

    def emit(self, record: logging.LogRecord) -> None:
        if _active is not None:
            _active.clear()
        super().emit(record)
