"""The records that flow through the cleaner.

A :class:`Document` is split once into :class:`Block` s that keep their character offsets into
the original text. Stages never edit text: they attach a :class:`Decision` to a block. The clean
text is assembled from the kept blocks, so the output never contains text that was not in the
input, and every removal carries its reason and evidence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BLOCK_SEPARATOR", "Block", "CleanResult", "Decision", "Document"]

#: What the clean text puts between two kept blocks. Blocks are single lines (see
#: :mod:`dedupe.segment`), so a blank line between them keeps paragraphs apart and re-segmenting
#: the clean text gives back exactly the kept blocks (which makes cleaning idempotent).
BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Document:
    """One input record.

    Args:
        id: The record's identifier, kept verbatim (it is never used as a path without
            sanitising, see :func:`dedupe.io.safe_filename`).
        text: Plain text, one paragraph or line per line.
        html: Raw HTML; used (through trafilatura) when ``text`` is None.
        meta: Anything else the record carried; passed through to the output untouched.
    """

    id: str
    text: str | None = None
    html: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_document_fields(self)
        if self.text is None and self.html is None:
            raise ValueError(f"Document {self.id!r} has neither text nor html; give one of them.")


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph (one non-empty line) of a document.

    ``text == source[start:end]`` always holds, where ``source`` is the text the document was
    segmented from (the plain text, or the text extracted from HTML).
    """

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Decision:
    """What one stage decided about one block.

    Attributes:
        kept: False if the block is removed from the clean text.
        reason: Stable snake_case name, ``<stage>.<kind>`` (``boilerplate.caption``,
            ``duplicate.within``, ``duplicate.corpus``, ``offtopic.teaser``...), or ``kept``; the
            closed set is :data:`dedupe.reasons.REASONS`.
        stage: Name of the stage that decided (empty for a kept block).
        evidence: JSON-serialisable facts behind the decision: the block it duplicates
            (``duplicate_of`` as ``[doc_id, block_index]``), ``similarity``, ``score`` and
            ``threshold``, the ``rule`` that matched, the context-sensitive pass that removed it
            (``removed_by``), and so on. A block that a context-sensitive pass kept against its
            context-free verdict is kept with ``cf_reason`` and ``cf_rule`` (the verdict) and
            ``kept_by`` (the pass); if a later pass removes it after all, its removal carries the
            same three keys. Any other kept block is :data:`KEPT` (no evidence).
    """

    kept: bool
    reason: str
    stage: str
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kept": self.kept, "reason": self.reason, "stage": self.stage, **dict(self.evidence)}


KEPT = Decision(kept=True, reason="kept", stage="")


@dataclass(frozen=True, slots=True)
class CleanResult:
    """The outcome of cleaning one document.

    Attributes:
        id: The document id.
        text: The clean text: the kept blocks, verbatim, joined by :data:`BLOCK_SEPARATOR`.
        source: The text that was segmented (the input text, or what HTML extraction gave).
        blocks: Every block of ``source``, in order.
        decisions: One decision per block, parallel to ``blocks``.
        notes: Document-level facts (``extracted_from_html``, ``passes``, ``config``...).
    """

    id: str
    text: str
    source: str
    blocks: Sequence[Block]
    decisions: Sequence[Decision]
    notes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kept_blocks(self) -> list[Block]:
        return [b for b, d in zip(self.blocks, self.decisions) if d.kept]

    @property
    def removed(self) -> list[dict[str, Any]]:
        """Every removed span: ``start``/``end`` offsets into :attr:`source`, reason, evidence, and
        the removed ``text`` (``source[start:end]``; the key is reserved, never evidence)."""
        out = []
        for b, d in zip(self.blocks, self.decisions):
            if not d.kept:
                out.append(
                    {
                        "start": b.start,
                        "end": b.end,
                        "block": b.index,
                        "reason": d.reason,
                        "stage": d.stage,
                        **dict(d.evidence),
                        # The removed text itself, so an output record alone can be explained and
                        # rendered (``dedupe explain``, ``dedupe report``); ``source[start:end]``.
                        "text": b.text,
                    }
                )
        return out

    @property
    def overridden(self) -> list[dict[str, Any]]:
        """Every block kept against its context-free verdict: offsets, ``kept_by``, ``cf_reason``
        and ``cf_rule``."""
        return [
            {"start": b.start, "end": b.end, "block": b.index, **dict(d.evidence)}
            for b, d in zip(self.blocks, self.decisions)
            if d.kept and d.evidence
        ]

    def explain(self) -> str:
        """A human-readable account: one line per block, kept or removed and why (a block kept
        against its context-free verdict shows the verdict and the pass that kept it)."""
        lines = [f"# {self.id}: {len(self.kept_blocks)} of {len(self.blocks)} blocks kept"]
        for b, d in zip(self.blocks, self.decisions):
            preview = b.text if len(b.text) <= 70 else b.text[:67] + "..."
            if d.kept and d.evidence:  # kept by a context-sensitive pass against its verdict
                ev = ", ".join(f"{k}={_fmt(v)}" for k, v in d.evidence.items())
                lines.append(f"  keep  [{b.index:>3}] ({ev}) :: {preview}")
            elif d.kept:
                lines.append(f"  keep  [{b.index:>3}] {preview}")
            else:
                ev = ", ".join(f"{k}={_fmt(v)}" for k, v in d.evidence.items())
                lines.append(f"  DROP  [{b.index:>3}] {d.reason} ({ev}) :: {preview}")
        return "\n".join(lines)

    def to_record(self) -> dict[str, Any]:
        """The JSON-lines output record: ``{"id", "text", "removed": [...]}``. (Blocks kept against
        their context-free verdict, :attr:`overridden`, are not in it: a new top-level key could
        collide with a field the input record carries through.)"""
        return {"id": self.id, "text": self.text, "removed": self.removed}


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _check_document_fields(doc: Document) -> None:
    """Refuse wrong types at construction, with the fix, rather than deep inside a stage."""
    if not isinstance(doc.id, str):
        raise TypeError(
            f"Document id must be a str, got {type(doc.id).__name__} {doc.id!r}; pass id=str(...)."
        )
    for name in ("text", "html"):
        value = getattr(doc, name)
        if value is not None and not isinstance(value, str):
            hint = "; decode bytes first" if isinstance(value, (bytes, bytearray)) else ""
            raise TypeError(f"Document {name} must be a str or None, got {type(value).__name__}{hint}.")
