"""One exception root for the library; a rejected record is a result with a reason, not an exception."""

from __future__ import annotations

__all__ = ["ConfigError", "DedupeError", "IndexFormatError", "InputFileError", "OutputFileError"]


class DedupeError(Exception):
    """Root of every exception this library raises on purpose."""


class ConfigError(DedupeError, ValueError):
    """A configuration value is invalid; the message says which and what to pass instead."""


class InputFileError(DedupeError, OSError):
    """An input file is missing or unreadable (the record-level problems become rejects instead)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class OutputFileError(DedupeError, OSError):
    """An output cannot be written (its folder is missing or read-only); checked before any work."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexFormatError(DedupeError):
    """A persistent index file was not written by dedupe (or by an incompatible version/config)."""
