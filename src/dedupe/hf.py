"""Cleaning a Hugging Face ``datasets.Dataset`` (extra ``hf``: ``pip install 'dedupe-text[hf]'``).

>>> from datasets import Dataset                               # doctest: +SKIP
>>> from dedupe.hf import clean_dataset                        # doctest: +SKIP
>>> clean = clean_dataset(Dataset.from_dict({"text": [...]}))  # doctest: +SKIP

Corpus mode runs across the whole dataset, in its row order: a paragraph seen in an earlier row
is removed from later ones (the first copy survives), as ``dedupe clean --corpus`` does.
"""

from __future__ import annotations

import json
from typing import Any

from .config import Config
from .errors import ConfigError
from .formats import json_default
from .model import CleanResult, Document
from .parallel import LocalPhase
from .pipeline import Cleaner

__all__ = ["clean_dataset"]

#: Rows handed to the cleaner per ``Dataset.map`` batch: large enough to keep worker processes
#: busy (LocalPhase sends 32 documents per task), small enough that a batch of news articles
#: (about 3 MB) is nothing next to the dataset.
BATCH_ROWS = 1000


def clean_dataset(
    ds: Any,
    *,
    config: Config | None = None,
    text_field: str = "text",
    id_field: str | None = None,
    html_field: str | None = None,
    corpus: bool = True,
    removed_field: str = "removed",
    workers: int = 1,
    batch_size: int = BATCH_ROWS,
) -> Any:
    """Clean every row of a ``datasets.Dataset``; returns a new Dataset.

    The text column is replaced by the clean text; ``removed_field`` holds, per row, the removed
    spans as a JSON string (a JSON array of ``{"start", "end", "block", "reason", "stage", ...
    evidence, "text"}``, exactly the ``removed`` of ``dedupe clean``'s output). A JSON string, not
    a nested column: the evidence differs by reason (``duplicate_of`` is ``[doc_id, block]``, a
    mixed list no Arrow type holds) and grows as stages do, and a fixed struct would break old
    datasets on every new key. ``json.loads`` gives it back; so does ``ds.map``. Every other
    column is kept as it is, and the row order with it.

    Args:
        ds: A ``datasets.Dataset`` (not a ``DatasetDict``: pick a split).
        config: The settings (default ``Config()``).
        text_field: The column of plain text; rows where it is None use ``html_field``.
        id_field: The column of document ids, used as evidence (``duplicate_of``); default: the
            row number.
        html_field: A column of HTML to extract when the text is None.
        corpus: Remove paragraphs seen in earlier rows (default); False cleans each row alone.
        removed_field: The name of the new column.
        workers: Processes for the per-document phase (the result is the same for any number).
        batch_size: Rows per ``Dataset.map`` batch.

    Raises:
        ConfigError: A column named is missing or the new column's name is taken.
        ImportError: ``datasets`` is not installed.
    """
    try:
        import datasets
    except ImportError:
        raise ImportError("dedupe.hf needs the datasets package: pip install 'dedupe-text[hf]'") from None
    if isinstance(ds, datasets.DatasetDict):
        raise ConfigError(f"clean_dataset takes one Dataset, not a DatasetDict; pick a split: {list(ds)}")
    columns = list(ds.column_names)
    for name, value in (("text_field", text_field), ("id_field", id_field), ("html_field", html_field)):
        if value is not None and value not in columns:
            raise ConfigError(
                f"{name}={value!r} is not a column of the dataset (columns: {', '.join(columns)})"
            )
    if removed_field in columns and removed_field != text_field:
        raise ConfigError(f"the dataset already has a column {removed_field!r}; pass removed_field=...")
    cleaner = Cleaner(config)
    state = cleaner.new_corpus_state() if corpus else None
    phase: LocalPhase[int] = LocalPhase(
        cleaner.config, workers=workers, cleaner=cleaner, corpus=state is not None
    )
    ok = False

    def clean_batch(batch: dict[str, list[Any]], indices: list[int]) -> dict[str, list[Any]]:
        docs = (_document(batch, i, row, text_field, id_field, html_field) for i, row in enumerate(indices))
        results: list[CleanResult] = [cleaner.complete(p, state) for _, p in phase.map(docs)]
        out = dict(batch)
        out[text_field] = [r.text for r in results]
        out[removed_field] = [
            json.dumps(r.removed, ensure_ascii=False, default=json_default) for r in results
        ]
        return out

    try:
        cleaned = ds.map(
            clean_batch,
            batched=True,
            batch_size=batch_size,
            with_indices=True,
            # In order, in this process: corpus mode needs every earlier row first. The function
            # holds state, so results must never come from a cache of another run.
            num_proc=None,
            load_from_cache_file=False,
            new_fingerprint=_fingerprint(ds, cleaner.config, text_field, id_field, html_field, corpus),
            desc="dedupe",
        )
        ok = True
    finally:
        (phase.close if ok else phase.terminate)()
        if state is not None:
            (state.close if ok else state.abort)()
    return cleaned


def _document(
    batch: dict[str, list[Any]],
    i: int,
    row: int,
    text_field: str,
    id_field: str | None,
    html_field: str | None,
) -> tuple[int, Document]:
    text = batch[text_field][i]
    doc_id = str(batch[id_field][i]) if id_field is not None else str(row)
    html = batch[html_field][i] if html_field is not None else None
    if text is None and isinstance(html, str):
        return row, Document(id=doc_id, html=html)
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return row, Document(id=doc_id, text=text)


def _fingerprint(ds: Any, config: Config, *parts: Any) -> str:
    import hashlib

    h = hashlib.sha1(f"{getattr(ds, '_fingerprint', '')}|{config.fingerprint()}|{parts!r}".encode())
    return h.hexdigest()[:16]
