"""Batched MinHash signatures, bit-identical to :class:`datasketch.MinHash`.

A :class:`Signer` turns texts into MinHash signatures (Broder 1997, "On the resemblance and
containment of documents"). For every text, row ``i`` of :meth:`Signer.sign` equals the
``hashvalues`` of ``datasketch.MinHash(num_perm, seed, hashfunc=signer.hashfunc, scheme=...)``
updated with ``signer.shingles(text)``; the test-suite proves it with hypothesis against
datasketch itself for the ``"affine32"``, ``"affine64"`` and ``"legacy"`` permutation schemes
and for every hash function offered here.

What makes it fast is that nothing happens per shingle in Python:

* the texts of a batch are normalised with :func:`dedupe.text.normalize`, then tokenised
  *together* by a numpy classifier over code points that reproduces
  :data:`dedupe.text.WORD_RE` exactly (a character belongs to a word if it is a letter, digit or
  mark, or an apostrophe/hyphen between two of those);
* the words are laid out once as one UTF-8 buffer ``"w1 w2 w3 ..."``, so each shingle (a word
  n-gram joined by single spaces, or a character n-gram) is a byte range of that buffer;
* the default hash, ``"poly64"``, is a polynomial hash over the bytes of a shingle, computed for
  all shingles at once from prefix sums (Karp & Rabin 1987), then avalanched with the
  MurmurHash3 64-bit finaliser;
* the permutations ``a_k * h + b_k`` and the per-document minimum are numpy operations on
  ``(num_perm, chunk)`` blocks, reduced per document with ``np.minimum.reduceat``.

``hash="xxh3"`` (xxh3-64 of the shingle bytes) and ``hash="sha1"`` (datasketch's default
``sha1_hash32``/``sha1_hash64``, for signatures compatible with stock datasketch users) are
available too; they hash each shingle with one C call, which is slower than ``"poly64"``.

References:
    * A. Z. Broder, "On the resemblance and containment of documents", SEQUENCES 1997.
    * J. Leskovec, A. Rajaraman, J. D. Ullman, *Mining of Massive Datasets*, ch. 3
      (shingling, MinHash, banding).
    * datasketch (E. Zhu et al.), ``datasketch/minhash.py`` and ``datasketch/lsh.py``: the
      permutation schemes and the LSH parameter optimisation reproduced here.
    * R. M. Karp, M. O. Rabin, "Efficient randomized pattern-matching algorithms", IBM J. Res.
      Dev. 31(2), 1987 (polynomial string hashing).
"""

from __future__ import annotations

import hashlib
import struct
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import xxhash

from dedupe.errors import ConfigError
from dedupe.text import WORD_RE, normalize, words

__all__ = [
    "DEFAULT_HASH",
    "HASHES",
    "MODES",
    "SCHEMES",
    "Signer",
    "jaccard",
    "lsh_params",
    "poly64",
]

#: Permutation schemes, as in datasketch >= 2.0 (``"legacy"`` is the pre-2.0 scheme).
SCHEMES: Final = ("affine32", "affine64", "legacy")
#: Shingle hash functions. ``"poly64"`` is the fast default; ``"sha1"`` is datasketch's default.
HASHES: Final = ("poly64", "xxh3", "sha1")
#: Shingle kinds: word n-grams, or character n-grams for scripts written without spaces.
MODES: Final = ("word", "char")
DEFAULT_HASH: Final = "poly64"

_M32: Final = (1 << 32) - 1
_M64: Final = (1 << 64) - 1
_MERSENNE: Final = np.uint64((1 << 61) - 1)
_U32 = np.uint32
_U64 = np.uint64

# ---------------------------------------------------------------------------------------------
# Hash functions
# ---------------------------------------------------------------------------------------------

#: Base of the polynomial hash: the odd 64-bit golden-ratio constant (invertible mod 2^64).
_POLY_BASE: Final = 0x9E3779B97F4A7C15
_POLY_INV: Final = pow(_POLY_BASE, -1, 1 << 64)


def _fmix64_int(h: int) -> int:
    """MurmurHash3's 64-bit finaliser on a Python int (a bijection on [0, 2^64))."""
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _M64
    return h ^ (h >> 33)


def poly64(data: bytes) -> int:
    """The ``"poly64"`` shingle hash: 64 bits, defined on any bytes.

    ``fmix64((sum_i (data[i] + 1) * B**i mod 2**64) XOR len(data))`` with ``B`` the odd
    golden-ratio constant. It is a Karp-Rabin polynomial hash (the ``+ 1`` keeps zero bytes
    significant), avalanched by the MurmurHash3 finaliser. Its point is that :meth:`Signer.sign`
    evaluates it for every shingle of a batch at once from one prefix-sum array; this scalar
    version exists so that the same values can be fed to datasketch.

    It is meant for natural text, not for adversarial input: polynomial hashes modulo 2**64 have
    known collision families for long inputs (Thue-Morse strings), and MinHash uses 32 bits of
    it anyway, where collisions can be found by brute force whatever the hash. Use
    ``hash="sha1"`` for datasketch's default.

    Args:
        data: The bytes to hash.

    Returns:
        An integer in ``[0, 2**64)``.
    """
    h = 0
    for c in reversed(data):
        h = (h * _POLY_BASE + c + 1) & _M64
    return _fmix64_int(h ^ len(data))


def _poly64_32(data: bytes) -> int:
    return poly64(data) & _M32


def _xxh3_32(data: bytes) -> int:
    return int(xxhash.xxh3_64_intdigest(data)) & _M32


def _xxh3_64(data: bytes) -> int:
    return int(xxhash.xxh3_64_intdigest(data))


def _sha1_32(data: bytes) -> int:
    # Same as datasketch.hashfunc.sha1_hash32 (datasketch's default for 32-bit schemes).
    return int(struct.unpack("<I", hashlib.sha1(data).digest()[:4])[0])


def _sha1_64(data: bytes) -> int:
    # Same as datasketch.hashfunc.sha1_hash64 (datasketch's default for "affine64").
    return int(struct.unpack("<Q", hashlib.sha1(data).digest()[:8])[0])


_HASHFUNCS: Final[dict[tuple[str, bool], Callable[[bytes], int]]] = {
    ("poly64", False): _poly64_32,
    ("poly64", True): poly64,
    ("xxh3", False): _xxh3_32,
    ("xxh3", True): _xxh3_64,
    ("sha1", False): _sha1_32,
    ("sha1", True): _sha1_64,
}


def _fmix64(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """MurmurHash3's 64-bit finaliser, element-wise (uint64 arithmetic wraps mod 2^64)."""
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> _U64(33))


def _fmix32(h: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """MurmurHash3's 32-bit finaliser, as datasketch applies it before affine32 permutations."""
    h = h ^ (h >> _U32(16))
    h = h * _U32(0x85EBCA6B)
    h = h ^ (h >> _U32(13))
    h = h * _U32(0xC2B2AE35)
    return h ^ (h >> _U32(16))


class _PowerTable:
    """Powers ``B**i`` and ``B**-i`` mod 2^64, grown on demand and shared by all signers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.pow: npt.NDArray[np.uint64] = np.ones(1, dtype=_U64)
        self.inv: npt.NDArray[np.uint64] = np.ones(1, dtype=_U64)

    def ensure(self, n: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
        pw, inv = self.pow, self.inv
        if len(pw) >= n:
            return pw, inv
        with self._lock:
            size = max(n, 2 * len(self.pow), 1 << 16)
            pw = np.full(size, _POLY_BASE, dtype=_U64)
            pw[0] = 1
            np.cumprod(pw, out=pw)
            inv = np.full(size, _POLY_INV, dtype=_U64)
            inv[0] = 1
            np.cumprod(inv, out=inv)
            self.pow, self.inv = pw, inv
        return pw, inv


_POWERS = _PowerTable()


def _poly64_ranges(
    buf: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]
) -> npt.NDArray[np.uint64]:
    """:func:`poly64` of ``buf[starts[i]:ends[i]]`` for every i, vectorised via prefix sums."""
    pw, inv = _POWERS.ensure(len(buf) + 1)
    terms = buf.astype(_U64)
    terms += _U64(1)
    terms *= pw[: len(buf)]
    prefix = np.zeros(len(buf) + 1, dtype=_U64)
    np.cumsum(terms, out=prefix[1:])
    poly = (prefix[ends] - prefix[starts]) * inv[starts]
    return _fmix64(poly ^ (ends - starts).astype(_U64))


# ---------------------------------------------------------------------------------------------
# Batched tokenisation, exactly dedupe.text.words()
# ---------------------------------------------------------------------------------------------

# The fast tokeniser reproduces WORD_RE by classifying characters; it is only valid for this
# exact pattern, so any change to dedupe.text.WORD_RE silently falls back to words().
_KNOWN_WORD_PATTERN: Final = r"[\p{L}\p{N}\p{M}]+(?:['’\-][\p{L}\p{N}\p{M}]+)*"
_FAST_TOKENIZER: Final = WORD_RE.pattern == _KNOWN_WORD_PATTERN

# Character classes: 0 = not yet classified, 1 = other, 2 = word character, 3 = joiner
# (apostrophe/hyphen, part of a word only between two word characters).
_UNKNOWN, _OTHER, _CORE, _JOINER = 0, 1, 2, 3
_CLASSES = np.zeros(0x110000, dtype=np.uint8)
_CLASS_LOCK = threading.Lock()


def _classify(codepoints: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    """Class of each code point, classifying unseen ones with WORD_RE itself (cached)."""
    cls = _CLASSES[codepoints]
    unknown = cls == _UNKNOWN
    if unknown.any():
        with _CLASS_LOCK:
            for cp in np.unique(codepoints[unknown]).tolist():
                ch = chr(cp)
                if WORD_RE.fullmatch(ch):
                    _CLASSES[cp] = _CORE
                elif WORD_RE.fullmatch("a" + ch + "a"):
                    _CLASSES[cp] = _JOINER
                else:
                    _CLASSES[cp] = _OTHER
        cls = _CLASSES[codepoints]
    return cls


_classify(np.arange(256, dtype=np.uint32))
_ASCII_CLASSES: Final = _CLASSES[:256].copy()


class _Words:
    """The words of a batch of texts, laid out as one UTF-8 buffer ``"w1 w2 ... wn "``.

    Attributes:
        buf: UTF-8 bytes of all words, each followed by one space.
        cpos: For char mode: byte offset of each code point of ``buf`` (length = code points + 1).
        word_start, word_end: Byte range of each word in ``buf`` (end exclusive).
        word_cstart, word_cend: The same ranges in code points.
        doc_words: ``doc_words[d]:doc_words[d+1]`` are the words of document d.
    """

    __slots__ = ("buf", "cpos", "doc_words", "word_cend", "word_cstart", "word_end", "word_start")

    def __init__(self, texts: Sequence[str], *, need_cpos: bool) -> None:
        if not _FAST_TOKENIZER:  # pragma: no cover - only if dedupe.text.WORD_RE changes
            self._from_word_lists([WORD_RE.findall(normalize(t)) for t in texts], need_cpos=need_cpos)
            return
        # normalize() ends by collapsing whitespace (" ".join(text.split())), which allocates one
        # string per word and costs more than everything else here. Words never contain
        # whitespace, so collapsing it cannot change them; we hide the ordinary spaces from
        # split() by swapping them for NUL first. Both are non-word characters and starters that
        # never compose under NFKC, so the words of the result are exactly words(text); the
        # hypothesis tests check this against dedupe.text.words.
        big = " ".join(texts) + " "
        ascii_only = big.isascii()
        if ascii_only:
            # ASCII is its own NFKC form and case-folds to lower case, character by character,
            # so the whole batch is normalised at once; lengths (hence document bounds) stay.
            big = big.lower()
            text_lens = [len(t) for t in texts]
        else:
            normed = [normalize(t.replace(" ", "\x00")) for t in texts]
            big = " ".join(normed) + " "
            ascii_only = big.isascii()
            text_lens = [len(t) for t in normed]
        if ascii_only:
            cp: npt.NDArray[Any] = np.frombuffer(big.encode("ascii"), dtype=np.uint8)
        else:
            cp = np.frombuffer(big.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        cls = _ASCII_CLASSES[cp] if ascii_only else _classify(cp)
        core = cls == _CORE
        mask = core.copy()
        if len(cp) > 2:
            mask[1:-1] |= (cls[1:-1] == _JOINER) & core[:-2] & core[2:]
        # Word boundaries alternate start, end, start, ... (the sentinel space ends the last word).
        edges = np.flatnonzero(np.diff(mask.view(np.int8), prepend=np.int8(0)))
        starts, ends = edges[0::2], edges[1::2]
        # Compact: the word characters, plus the character ending each word, made a space.
        keep = mask.copy()
        keep[ends] = True
        joined = cp[keep]
        lengths = ends - starts
        wcs = np.zeros(len(starts), dtype=np.int64)
        np.cumsum(lengths[:-1] + 1, out=wcs[1:])
        self.word_cstart = wcs
        self.word_cend = wcs + lengths
        joined[self.word_cend] = 32
        doc_starts = np.zeros(len(text_lens) + 1, dtype=np.int64)
        np.cumsum([n + 1 for n in text_lens], out=doc_starts[1:])
        self.doc_words = np.searchsorted(starts, doc_starts).astype(np.int64)
        if ascii_only or len(joined) == 0 or int(joined.max()) < 0x80:
            self.buf = joined.astype(np.uint8, copy=False)
            self.word_start, self.word_end = self.word_cstart, self.word_cend
            self.cpos = np.arange(len(joined) + 1, dtype=np.int64) if need_cpos else self.word_start
        else:
            u8len = 1 + (joined >= 0x80).astype(np.int64) + (joined >= 0x800) + (joined >= 0x10000)
            cpos = np.zeros(len(joined) + 1, dtype=np.int64)
            np.cumsum(u8len, out=cpos[1:])
            text = joined.astype("<u4").tobytes().decode("utf-32-le")
            self.buf = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
            self.word_start, self.word_end = cpos[self.word_cstart], cpos[self.word_cend]
            self.cpos = cpos

    def _from_word_lists(self, lists: list[list[str]], *, need_cpos: bool) -> None:  # pragma: no cover
        flat = [w for ws in lists for w in ws]
        text = "".join(w + " " for w in flat)
        self.buf = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
        clen = np.array([len(w) for w in flat], dtype=np.int64)
        blen = np.array([len(w.encode("utf-8")) for w in flat], dtype=np.int64)
        self.word_cstart = np.concatenate([[0], np.cumsum(clen + 1)[:-1]]).astype(np.int64)
        self.word_cend = self.word_cstart + clen
        self.word_start = np.concatenate([[0], np.cumsum(blen + 1)[:-1]]).astype(np.int64)
        self.word_end = self.word_start + blen
        self.doc_words = np.concatenate([[0], np.cumsum([len(ws) for ws in lists])]).astype(np.int64)
        chars = np.array([len(c.encode("utf-8")) for c in text], dtype=np.int64)
        self.cpos = np.concatenate([[0], np.cumsum(chars)]).astype(np.int64)


def _windows(
    first: npt.NDArray[np.int64], count: npt.NDArray[np.int64], size: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Sliding windows of ``size`` units over runs ``[first[d], first[d] + count[d])``.

    A run shorter than ``size`` (but not empty) gives one window covering it all.

    Returns:
        ``(doc, lo, hi)`` per window: its document and its first and last unit (inclusive).
    """
    per_doc = np.where(count >= size, count - size + 1, np.minimum(count, 1))
    total = int(per_doc.sum())
    doc = np.repeat(np.arange(len(count), dtype=np.int64), per_doc)
    offsets = np.zeros(len(count), dtype=np.int64)
    np.cumsum(per_doc[:-1], out=offsets[1:])
    lo = first[doc] + (np.arange(total, dtype=np.int64) - offsets[doc])
    hi = lo + np.minimum(count[doc], size) - 1
    return doc, lo, hi


# ---------------------------------------------------------------------------------------------
# Signer
# ---------------------------------------------------------------------------------------------


def _permutations(
    num_perm: int, seed: int, scheme: str
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], int]:
    """The permutation parameters ``(a, b)`` and the empty value of ``datasketch.MinHash``.

    The same draws from ``np.random.RandomState(seed)`` as datasketch's
    ``MinHash._init_permutations`` (>= 2.0), reproduced here so that signing does not import
    datasketch (whose package import pulls in scipy: over a second per process). The tests
    compare both with datasketch's for every scheme.
    """
    gen = np.random.RandomState(seed)
    if scheme == "legacy":
        pairs = [
            (gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
            for _ in range(num_perm)
        ]
        perms = np.array(pairs, dtype=np.uint64).T
        return perms[0], perms[1], _M32
    width, dtype = (32, np.uint32) if scheme == "affine32" else (64, np.uint64)
    a = gen.randint(0, 1 << (width - 1), num_perm, dtype=dtype) * dtype(2) + dtype(1)
    b = gen.randint(0, 1 << width, num_perm, dtype=dtype)
    return a.astype(np.uint64), b.astype(np.uint64), (1 << width) - 1


def _require_int(name: str, value: object, low: int, high: int, hint: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ConfigError(f"{name} must be an int, got {value!r} ({type(value).__name__}); {hint}")
    if not low <= int(value) <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}; {hint}")
    return int(value)


class Signer:
    """Computes MinHash signatures of texts, many at once, bit-identical to datasketch.

    Args:
        num_perm: Number of permutations (signature length). 128 is datasketch's default.
        seed: Seed of the permutations, as datasketch's ``MinHash(seed=...)``.
        ngram: Shingle size: words per shingle (``mode="word"``) or characters per shingle
            (``mode="char"``).
        hash: Shingle hash. ``"poly64"`` (default, fully vectorised), ``"xxh3"`` (xxh3-64 of
            each shingle) or ``"sha1"`` (datasketch's default hash function).
        scheme: datasketch permutation scheme: ``"affine32"`` (datasketch >= 2.0 default),
            ``"affine64"`` or ``"legacy"`` (datasketch < 2.0).
        mode: ``"word"``: n-grams of the words of :func:`dedupe.text.words` joined by single
            spaces. ``"char"``: character n-grams of those words joined by single spaces (for
            scripts written without spaces: Chinese, Japanese, Thai...).
        batch_chars: Texts are processed in batches of about this many characters (memory
            bound of :meth:`sign`).
        threads: Threads used by :meth:`sign`. With 2, the numpy permutation step of one batch
            overlaps the tokenisation of the next; the result is the same. The default is 1:
            on a loaded 2-core machine the second thread measured slower (GIL hand-offs).

    Raises:
        ConfigError: If an argument is out of range; the message says what to pass instead.

    Example:
        >>> signer = Signer(num_perm=128, seed=1, ngram=5)
        >>> sigs = signer.sign(["one text", "another text"])
        >>> sigs.shape
        (2, 128)
    """

    num_perm: int
    seed: int
    ngram: int
    hash: str
    scheme: str
    mode: str
    hashfunc: Callable[[bytes], int]

    def __init__(
        self,
        num_perm: int = 128,
        seed: int = 1,
        ngram: int = 5,
        hash: str = DEFAULT_HASH,
        scheme: str = "affine32",
        mode: str = "word",
        *,
        batch_chars: int = 1 << 16,
        threads: int = 1,
    ) -> None:
        self.num_perm = _require_int(
            "num_perm", num_perm, 1, 1 << 16, "pass e.g. num_perm=128 (datasketch's default)"
        )
        self.seed = _require_int(
            "seed", seed, 0, _M32, "numpy's RandomState takes seeds in [0, 2**32); pass e.g. seed=1"
        )
        self.ngram = _require_int("ngram", ngram, 1, 1000, "pass e.g. ngram=5 (words) or ngram=3 (chars)")
        self.batch_chars = _require_int("batch_chars", batch_chars, 1, 1 << 40, "pass e.g. 1 << 16")
        self.threads = _require_int("threads", threads, 1, 64, "pass threads=1 for no worker thread")
        if hash not in HASHES:
            raise ConfigError(f"hash must be one of {', '.join(map(repr, HASHES))}, got {hash!r}")
        if scheme not in SCHEMES:
            raise ConfigError(
                f"scheme must be one of {', '.join(map(repr, SCHEMES))}, got {scheme!r}; "
                "use 'affine32' (datasketch >= 2.0) or 'legacy' (datasketch < 2.0)"
            )
        if mode not in MODES:
            raise ConfigError(
                f"mode must be 'word' or 'char', got {mode!r}; use 'char' for scripts without spaces"
            )
        self.hash, self.scheme, self.mode = hash, scheme, mode
        wide = scheme == "affine64"
        self.hashfunc = _HASHFUNCS[(hash, wide)]
        a, b, self.empty_value = _permutations(self.num_perm, self.seed, scheme)
        self.dtype: type[np.unsignedinteger[Any]] = np.uint32 if scheme == "affine32" else np.uint64
        self._a = np.ascontiguousarray(a.astype(self.dtype)).reshape(-1, 1)
        self._b = np.ascontiguousarray(b.astype(self.dtype)).reshape(-1, 1)
        self._chunk = 8192 if scheme == "affine32" else 4096

    def __repr__(self) -> str:
        return (
            f"Signer(num_perm={self.num_perm}, seed={self.seed}, ngram={self.ngram}, "
            f"hash={self.hash!r}, scheme={self.scheme!r}, mode={self.mode!r})"
        )

    def params(self) -> dict[str, object]:
        """The parameters that make two signatures comparable (stored by persistent indexes)."""
        return {
            "num_perm": self.num_perm,
            "seed": self.seed,
            "ngram": self.ngram,
            "hash": self.hash,
            "scheme": self.scheme,
            "mode": self.mode,
        }

    # -- shingles ------------------------------------------------------------------------------

    def shingles(self, text: str) -> list[bytes]:
        """The shingles of ``text``, UTF-8 encoded: what :meth:`sign` hashes.

        Word mode: the n-grams of :func:`dedupe.text.words`, joined by single spaces; a text with
        fewer than ``ngram`` words (but at least one) gives one shingle of all its words.
        Char mode: the character n-grams of those words joined by single spaces, likewise.
        A text without words gives ``[]``.

        This is the reference definition (one text, plain Python); :meth:`sign` computes the
        same shingles for a whole batch without building them.
        """
        ws = words(text)
        if not ws:
            return []
        n = self.ngram
        if self.mode == "char":
            joined = " ".join(ws)
            if len(joined) <= n:
                return [joined.encode("utf-8")]
            return [joined[i : i + n].encode("utf-8") for i in range(len(joined) - n + 1)]
        if len(ws) <= n:
            return [" ".join(ws).encode("utf-8")]
        joined_b = " ".join(ws).encode("utf-8")
        if len(joined_b) == sum(map(len, ws)) + len(ws) - 1:  # all ASCII: 1 byte per char
            lens = list(map(len, ws))
        else:
            lens = [len(w.encode("utf-8")) for w in ws]
        starts = [0] * len(ws)
        pos = 0
        for i, ln in enumerate(lens):
            starts[i] = pos
            pos += ln + 1
        return [joined_b[starts[i] : starts[i + n - 1] + lens[i + n - 1]] for i in range(len(ws) - n + 1)]

    # -- signatures ----------------------------------------------------------------------------

    def sign(self, texts: Sequence[str]) -> npt.NDArray[Any]:
        """MinHash signatures of many texts.

        Args:
            texts: The texts.

        Returns:
            Array of shape ``(len(texts), num_perm)``, dtype uint32 for ``"affine32"`` and uint64
            otherwise (datasketch's dtypes). Row i equals ``datasketch.MinHash(num_perm=...,
            seed=..., hashfunc=self.hashfunc, scheme=...)`` updated with ``self.shingles(texts[i])``;
            a text without words gets datasketch's empty value (all ``2**32 - 1`` for the 32-bit
            schemes).
        """
        if isinstance(texts, str):
            raise TypeError("sign() takes a sequence of texts; for one text use sign([text])")
        out = np.full((len(texts), self.num_perm), self.empty_value, dtype=self.dtype)
        batches = []
        start = 0
        while start < len(texts):
            end, size = start, 0
            while end < len(texts) and (end == start or size + len(texts[end]) <= self.batch_chars):
                size += len(texts[end])
                end += 1
            batches.append((start, end))
            start = end
        if self.threads < 2 or len(batches) < 2:
            for start, end in batches:
                self._minimize(*self._hash_batch(texts[start:end]), out[start:end])
            return out
        # Two-stage pipeline: this thread tokenises and hashes batch k+1 (mostly under the GIL)
        # while a worker runs the permutations of batch k (numpy, which releases the GIL).
        with ThreadPoolExecutor(max_workers=self.threads - 1) as pool:
            pending: deque[Future[None]] = deque()
            for start, end in batches:
                hashes, doc = self._hash_batch(texts[start:end])
                while len(pending) >= self.threads:
                    pending.popleft().result()
                pending.append(pool.submit(self._minimize, hashes, doc, out[start:end]))
            for fut in pending:
                fut.result()
        return out

    def _hash_batch(self, texts: Sequence[str]) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
        """Shingle hashes of a batch and the document (row) of each, in row order."""
        ws = _Words(texts, need_cpos=self.mode == "char")
        counts = np.diff(ws.doc_words)
        if self.mode == "word":
            doc, lo, hi = _windows(ws.doc_words[:-1], counts, self.ngram)
            s, e = ws.word_start[lo], ws.word_end[hi]
        else:
            first_c = np.zeros(len(counts), dtype=np.int64)
            end_c = np.zeros(len(counts), dtype=np.int64)
            has = counts > 0
            first_c[has] = ws.word_cstart[ws.doc_words[:-1][has]]
            end_c[has] = ws.word_cend[ws.doc_words[1:][has] - 1]
            doc, lo, hi = _windows(first_c, end_c - first_c, self.ngram)
            s, e = ws.cpos[lo], ws.cpos[hi + 1]
        return self._hash_ranges(ws.buf, s, e), doc

    def shingle_hashes(self, texts: Sequence[str]) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
        """The hashes of the shingles of many texts, before the permutations: ``(hashes, rows)``,
        shingles in text order and texts in order (``rows[i]`` is the text of ``hashes[i]``).

        ``hashes[rows == i]`` are ``self.hashfunc`` of ``self.shingles(texts[i])``, in order (with
        datasketch's dtypes, as :meth:`sign` hashes them); for exact comparisons of shingle sets.
        """
        if isinstance(texts, str):
            raise TypeError("shingle_hashes() takes a sequence of texts")
        if not texts:
            return np.zeros(0, dtype=self.dtype), np.zeros(0, dtype=np.int64)
        return self._hash_batch(texts)

    def sign_shingles(self, shingle_lists: Sequence[Sequence[bytes]]) -> npt.NDArray[Any]:
        """MinHash signatures of pre-computed shingle lists (one row per list).

        Row i equals datasketch's MinHash with ``self.hashfunc`` updated with ``shingle_lists[i]``.
        """
        out = np.full((len(shingle_lists), self.num_perm), self.empty_value, dtype=self.dtype)
        lengths = np.fromiter((len(s) for s in shingle_lists), dtype=np.int64, count=len(shingle_lists))
        flat = [sh for shs in shingle_lists for sh in shs]
        if not flat:
            return out
        doc = np.repeat(np.arange(len(shingle_lists), dtype=np.int64), lengths)
        if self.hash == "poly64":
            sizes = np.fromiter(map(len, flat), dtype=np.int64, count=len(flat))
            ends = np.cumsum(sizes)
            buf = np.frombuffer(b"".join(flat), dtype=np.uint8)
            hashes = self._finish_hash(_poly64_ranges(buf, ends - sizes, ends))
        else:
            hashes = self._hash_list(flat)
        self._minimize(hashes, doc, out)
        return out

    def minhash(self, text: str) -> Any:
        """A :class:`datasketch.MinHash` of ``text`` (for interoperability), computed by :meth:`sign`."""
        from datasketch import MinHash

        return MinHash(
            num_perm=self.num_perm,
            seed=self.seed,
            hashfunc=self.hashfunc,
            hashvalues=self.sign([text])[0],
            scheme=self.scheme,
        )

    # -- internals -----------------------------------------------------------------------------

    def _finish_hash(self, h64: npt.NDArray[np.uint64]) -> npt.NDArray[Any]:
        if self.scheme == "affine64":
            return h64
        return (h64 & _U64(_M32)).astype(_U32 if self.scheme == "affine32" else _U64)

    def _hash_list(self, items: list[bytes]) -> npt.NDArray[Any]:
        dtype = _U32 if self.scheme == "affine32" else _U64
        return np.fromiter(map(self.hashfunc, items), dtype=dtype, count=len(items))

    def _hash_ranges(
        self, buf: npt.NDArray[np.uint8], s: npt.NDArray[np.int64], e: npt.NDArray[np.int64]
    ) -> npt.NDArray[Any]:
        if self.hash == "poly64":
            return self._finish_hash(_poly64_ranges(buf, s, e))
        raw = buf.tobytes()
        return self._hash_list([raw[i:j] for i, j in zip(s.tolist(), e.tolist(), strict=True)])

    def _minimize(self, hashes: npt.NDArray[Any], doc: npt.NDArray[np.int64], out: npt.NDArray[Any]) -> None:
        """``out[d] = min(out[d], min over i with doc[i] == d of permute(hashes[i]))``; doc sorted."""
        n = len(hashes)
        if n == 0:
            return
        hv: npt.NDArray[Any]
        if self.scheme == "affine32":
            hv = _fmix32(hashes.astype(_U32, copy=False))
        elif self.scheme == "affine64":
            hv = _fmix64(hashes.astype(_U64, copy=False))
        else:
            hv = hashes.astype(_U64, copy=False)
        a, b = self._a, self._b
        chunk = self._chunk
        buf = np.empty((self.num_perm, min(chunk, n)), dtype=self.dtype)
        for c0 in range(0, n, chunk):
            c1 = min(n, c0 + chunk)
            h = hv[c0:c1].reshape(1, -1)
            d = doc[c0:c1]
            x = buf[:, : c1 - c0]
            np.multiply(a, h, out=x)
            np.add(x, b, out=x)
            if self.scheme == "legacy":
                # datasketch: ((a * h + b) mod 2^64) mod (2^61 - 1), truncated to 32 bits.
                np.remainder(x, _MERSENNE, out=x)
                np.bitwise_and(x, _U64(_M32), out=x)
            seg = np.flatnonzero(np.concatenate(([True], d[1:] != d[:-1])))
            mins = np.minimum.reduceat(x, seg, axis=1).T
            rows = d[seg]
            np.minimum(out[rows], mins, out=mins)
            out[rows] = mins


# ---------------------------------------------------------------------------------------------
# Similarity and LSH parameters
# ---------------------------------------------------------------------------------------------


def jaccard(sig_a: npt.ArrayLike, sig_b: npt.ArrayLike) -> float:
    """Jaccard similarity estimated from two signatures: the fraction of equal positions.

    Same estimator as ``datasketch.MinHash.jaccard`` (Broder 1997): for one random permutation,
    P[min h(A) = min h(B)] = |A ∩ B| / |A ∪ B|.

    Raises:
        ValueError: If the signatures have different shapes or are empty.
    """
    a, b = np.asarray(sig_a), np.asarray(sig_b)
    if a.shape != b.shape or a.ndim != 1 or a.size == 0:
        raise ValueError(f"signatures must be 1-d of equal non-zero length, got {a.shape} and {b.shape}")
    return float(np.count_nonzero(a == b)) / float(a.size)


def lsh_params(
    threshold: float,
    num_perm: int,
    false_positive_weight: float = 0.5,
    false_negative_weight: float = 0.5,
) -> tuple[int, int]:
    """Bands and rows for MinHash LSH, the same optimisation as datasketch's ``_optimal_param``.

    Banding (Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, §3.4): the signature
    is cut into ``b`` bands of ``r`` rows; two documents become candidates when all ``r`` rows
    of at least one band agree. A signature row agrees with probability ``s`` (the Jaccard
    similarity), so::

        P(candidate | s) = 1 - (1 - s**r) ** b

    an S-curve whose steepest point, the effective threshold, is near ``(1 / b) ** (1 / r)``.
    For a target threshold ``t`` we pick ``(b, r)`` with ``b * r <= num_perm`` minimising::

        w_fp * integral_0^t P(candidate | s) ds  +  w_fn * integral_t^1 (1 - P(candidate | s)) ds

    i.e. the area of false positives below ``t`` plus the area of false negatives above it,
    scanning ``b = 1..num_perm`` and ``r = 1..num_perm // b`` in datasketch's order and keeping
    the first minimum. Both integrands are polynomials in ``s`` of degree ``b * r <=
    num_perm``, so Gauss-Legendre quadrature with ``num_perm // 2 + 1`` nodes is exact (datasketch
    uses scipy's adaptive quadrature; the results agree, see the tests).

    Example: ``lsh_params(0.8, 128) == (9, 13)``: 9 bands of 13 rows, P(candidate | 0.8) ≈ 0.94,
    P(candidate | 0.5) ≈ 0.001.

    Args:
        threshold: Target Jaccard similarity, in (0, 1).
        num_perm: Signature length.
        false_positive_weight: Weight of the false positive area.
        false_negative_weight: Weight of the false negative area; the weights sum to 1.

    Returns:
        ``(bands, rows)``.

    Raises:
        ConfigError: If an argument is out of range.
    """
    if not isinstance(threshold, (int, float)) or not 0.0 < float(threshold) < 1.0:
        raise ConfigError(
            f"threshold must be a Jaccard similarity strictly between 0 and 1, got {threshold!r}"
        )
    num_perm = _require_int("num_perm", num_perm, 2, 1 << 12, "pass e.g. num_perm=128")
    weights = (false_positive_weight, false_negative_weight)
    if any(not 0.0 <= w <= 1.0 for w in weights) or abs(sum(weights) - 1.0) > 1e-9:
        raise ConfigError(f"LSH weights must be in [0, 1] and sum to 1, got {weights!r}; e.g. (0.5, 0.5)")
    t = float(threshold)
    bs, rs = zip(*[(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], strict=True)
    b_arr = np.array(bs, dtype=np.float64)[:, None]
    r_arr = np.array(rs, dtype=np.float64)[:, None]
    nodes, wts = np.polynomial.legendre.leggauss(num_perm // 2 + 1)

    def area(lo: float, hi: float, negative: bool) -> npt.NDArray[np.float64]:
        s = lo + (hi - lo) * (nodes + 1.0) / 2.0
        miss = (1.0 - s[None, :] ** r_arr) ** b_arr  # P(not candidate | s)
        f = miss if negative else 1.0 - miss
        return np.asarray((f * wts[None, :]).sum(axis=1) * (hi - lo) / 2.0)

    error = area(0.0, t, False) * false_positive_weight + area(t, 1.0, True) * false_negative_weight
    best = int(np.argmin(error))
    return int(bs[best]), int(rs[best])
