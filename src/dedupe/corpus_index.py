"""The index corpus mode queries: one signer built from the configuration, one LSH index (in
memory, SQLite or Redis, :mod:`dedupe.index`), what each entry keeps to verify a candidate.

Paragraphs
    Every kept paragraph of at least ``corpus.min_words`` units is one entry. Its MinHash signature
    is over word 3-grams (``corpus.ngram``; character 3-grams in scripts written without spaces,
    see :func:`dedupe.shapes.spaced`), 40 permutations cut into 20 bands of 2 rows
    (``corpus.bands``, ``corpus.rows``). Two paragraphs of 3-gram Jaccard ``J`` become candidates
    with probability ``P(J) = 1 - (1 - J**2) ** 20``:

    ====  =====  =====  =====  =====  =====  =====  =====
    J     0.05   0.2    0.25   0.3    0.4    0.5    0.6
    P     0.049  0.56   0.73   0.85   0.97   0.997  1.000
    ====  =====  =====  =====  =====  =====  =====  =====

    (the steepest point of the curve is near ``(1/20) ** (1/2) = 0.22``, recorded as the index's
    threshold). Edited copies of 12-14-word paragraphs keep a mean 3-gram Jaccard with their source
    of 0.63 (a typo), 0.66 (a word added), 0.63 (a word dropped) and 0.46 (a clause replaced), so
    they are retrieved with mean probability 0.96 or more (benchmarks/duplicates.py, tune); with
    5-grams, 20 bands of 2 rows would retrieve a replaced clause with probability 0.81. Random pairs
    of development paragraphs have a mean ``J**2`` of 5e-5: about one spurious candidate per 1,000
    indexed paragraphs and query.

    Each candidate is then verified exactly (:func:`dedupe.overlap.overlap`) against the entry's
    payload, the 16-bit hashes of the paragraph's word bigrams (:func:`dedupe.overlap.pack_bigrams`:
    all of them up to 40 distinct, the 40 smallest beyond).

Documents
    Every document (its paragraphs alive at the corpus phase, one text) is one entry too, part
    :data:`DOCUMENT_PART`, with the same kind of signature and, as payload, the
    :data:`DOCUMENT_SAMPLE` smallest 32-bit hashes of its word 5-grams (``corpus.document_ngram``):
    a bottom-k sketch (Broder 1997) from which :func:`document_similarity` estimates the 5-gram
    Jaccard of two documents (exact for documents of fewer 5-grams; standard error about
    ``sqrt(J (1 - J) / 64)``, 0.05 at 0.8). Near copies (``J >= 0.8``) have 3-gram Jaccard above
    0.8 and are always retrieved.

Sentences
    A paragraph of two sentences or more is also *anchored* by its first :data:`MAX_ANCHORS`
    sentences of 5+ units (an exact 64-bit key each, :func:`dedupe.index.anchor_keys`), and a
    later paragraph looks its sentences up: a sentence taken from a long paragraph (a story cut
    short) is found even where its Jaccard with the whole paragraph is too low for the bands.

Memory (:class:`~dedupe.index.MemoryIndex`), per paragraph: 20 band keys of 4 bytes with a 4-byte
entry id each, 160 bytes (plus under 0.5 byte per key of directory); up to 3 sentence anchors, 8
bytes each; the 4-bit sketch of 40 values, 20; block (4) and part (2); the payload's offset, 4, and
the payload, 2 + 2 per distinct bigram, 82 at most: 296 bytes at most, and about 230 for a
paragraph of 30 words; the doc id is stored once per document (8 bytes and its UTF-8). Each document
adds one entry of 160 + 20 + 10 + 4 + 256 = 450 bytes, shared by its paragraphs (about 15 bytes a
paragraph for news articles of 30 paragraphs). ``benchmarks/duplicates.py`` reports the measured
bytes per paragraph (index bytes over paragraphs indexed, documents included): 269 on the
development articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from .config import CorpusConfig
from .index import LSHIndex, Match, MemoryIndex, open_index
from .minhash import Signer
from .shapes import spaced

__all__ = [
    "DOCUMENT_PART",
    "DOCUMENT_SAMPLE",
    "MAX_ANCHORS",
    "CorpusIndex",
    "Match",
    "corpus_signer",
    "document_payload",
    "document_similarity",
]

#: The part number of whole-document entries (paragraph entries are part 0).
DOCUMENT_PART: Final = 0xFFFF
#: The bottom-k sample of a document's 5-gram hashes kept for :func:`document_similarity`.
DOCUMENT_SAMPLE: Final = 64
#: Sentences anchoring a paragraph in the index at most (its first ones of 5+ units).
MAX_ANCHORS: Final = 3
_U32: Final = np.dtype("<u4")


def corpus_signer(cfg: CorpusConfig) -> Signer:
    """The signer of corpus mode, built from the configuration and nothing else, so that worker
    processes and the index always agree."""
    return _signer(cfg.ngram, cfg.num_perm, cfg.seed)


@cache
def _signer(ngram: int, num_perm: int, seed: int) -> Signer:
    return Signer(num_perm=num_perm, seed=seed, ngram=ngram)


@cache
def _shingle_hasher(ngram: int) -> Signer:
    return Signer(num_perm=1, ngram=ngram)


def document_payload(cfg: CorpusConfig, texts: Sequence[str]) -> list[bytes]:
    """For each document text, the :data:`DOCUMENT_SAMPLE` smallest distinct 32-bit hashes of its
    word n-grams (``corpus.document_ngram``), little-endian."""
    if not texts:
        return []
    hashes, rows = _shingle_hasher(cfg.document_ngram).shingle_hashes([spaced(t) for t in texts])
    bounds = np.searchsorted(rows, np.arange(len(texts) + 1))
    h = hashes.astype(_U32, copy=False)
    return [
        np.unique(h[bounds[i] : bounds[i + 1]])[:DOCUMENT_SAMPLE].astype(_U32).tobytes()
        for i in range(len(texts))
    ]


def document_similarity(a: bytes, b: bytes) -> float:
    """The n-gram Jaccard similarity of two documents estimated from their payloads: the share of
    the bottom-k of the union that is in both samples (exact when both samples are whole)."""
    x, y = np.frombuffer(a, dtype=_U32), np.frombuffer(b, dtype=_U32)
    if not len(x) or not len(y):
        return 0.0
    k = max(len(x), len(y))
    union = np.union1d(x, y)[:k]
    both = np.intersect1d(x, y, assume_unique=True)
    return float(np.isin(union, both, assume_unique=True).sum()) / len(union)


class CorpusIndex:
    """Signatures and an LSH index for the paragraphs and documents of earlier documents.

    Args:
        cfg: Corpus settings (shingles, bands and rows, seed, where the index lives).
    """

    def __init__(self, cfg: CorpusConfig) -> None:
        self.cfg = cfg
        self.signer = corpus_signer(cfg)
        threshold = round((1.0 / cfg.bands) ** (1.0 / cfg.rows), 4)
        # No intermediate commits: what a run adds becomes durable only when the run succeeds
        # (close), and is rolled back when it fails (abort). A killed run therefore leaves the
        # index as it was before the run, matching its output, which is also all or nothing.
        self.index: LSHIndex = open_index(
            cfg.index, threshold=threshold, signer=self.signer, params=(cfg.bands, cfg.rows), autocommit=None
        )
        #: Paragraph entries added by this process (for bytes per paragraph).
        self.paragraphs = 0

    def sign(self, texts: Sequence[str]) -> npt.NDArray[Any]:
        """Signatures of many texts at once (one vectorised batch)."""
        if not texts:
            return np.zeros((0, self.signer.num_perm), dtype=self.signer.dtype)
        return self.signer.sign([spaced(t) for t in texts])

    def add_many(
        self,
        doc_id: str,
        blocks: Sequence[int],
        parts: Sequence[int],
        sigs: npt.NDArray[Any],
        payloads: Sequence[bytes],
        anchors: Sequence[Sequence[int]],
    ) -> None:
        if not len(blocks):
            return
        self.index.add_many(
            [doc_id] * len(blocks), list(blocks), sigs, list(parts), list(payloads), list(anchors)
        )
        self.paragraphs += sum(1 for p in parts if p != DOCUMENT_PART)

    def query_many(self, sigs: npt.NDArray[Any], anchors: Sequence[Sequence[int]]) -> list[list[Match]]:
        """The candidates of each row of ``sigs`` and its anchors (one vectorised lookup where the
        back-end has one)."""
        if not len(sigs):
            return []
        return self.index.query_many(sigs, anchors)

    @property
    def nbytes(self) -> int | None:
        """Bytes of an in-memory index (None for the persistent back-ends)."""
        return self.index.nbytes if isinstance(self.index, MemoryIndex) else None

    def close(self) -> None:
        """Commit what was added and release the index."""
        self.index.close()

    def abort(self) -> None:
        """Forget what this run added, where the back-end allows it, and release the index.

        SQLite rolls back. A Redis index shares every addition with other workers at once and
        cannot; an in-memory index is gone anyway.
        """
        self.index.rollback()
        self.index.close()
