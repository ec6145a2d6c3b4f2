"""Text normalisation and tokenisation shared by every stage and by the MinHash signer.

The same normalisation must be used wherever two texts are compared, so it lives here once.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import regex

__all__ = ["WORD_RE", "char_classes", "normalize", "words"]

#: A word: a run of letters, digits or marks, with inner apostrophes/hyphens kept ("don't", "e-mail").
WORD_RE = regex.compile(r"[\p{L}\p{N}\p{M}]+(?:['’\-][\p{L}\p{N}\p{M}]+)*")


def normalize(text: str) -> str:
    """NFKC, case-folded, typographic apostrophes unified, whitespace collapsed.

    >>> normalize("Norway’s  PRIME\u00a0Minister")
    "norway's prime minister"
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The normalised words of ``text`` (punctuation dropped).

    >>> words("Norway’s minister, co-chair, met Smith.")
    ["norway's", 'minister', 'co-chair', 'met', 'smith']
    """
    return list(_words(text))


#: Texts whose words are remembered. Every stage and every fixed-point pass asks
#: for the same blocks again; the cache is per process and bounded.
CACHE_SIZE = 1 << 15


@lru_cache(maxsize=CACHE_SIZE)
def _words(text: str) -> tuple[str, ...]:
    return tuple(WORD_RE.findall(normalize(text)))


#: A token as written (letters, digits, apostrophes, hyphens), for counting names across blocks.
TOKEN_RE = regex.compile(r"[\p{L}\p{N}'’\-]+")


@lru_cache(maxsize=CACHE_SIZE)
def raw_tokens(text: str) -> tuple[str, ...]:
    """Tokens of ``text`` exactly as written (``TOKEN_RE.findall(text)``)."""
    return tuple(TOKEN_RE.findall(text))


@lru_cache(maxsize=CACHE_SIZE)
def tokens(text: str) -> tuple[str, ...]:
    """Tokens of ``text`` as written, typographic apostrophes unified (case kept)."""
    # Both apostrophes are token characters, so unifying them after tokenising gives the tokens
    # of the unified text (and the text is tokenised once for both functions).
    raw = raw_tokens(text)
    if "’" not in text:
        return raw
    return tuple(t.replace("’", "'") for t in raw)


@lru_cache(maxsize=CACHE_SIZE)
def token_counts(text: str) -> Counter[str]:
    """:func:`tokens` counted. The Counter is shared between callers: read it, never change it."""
    return Counter(tokens(text))


_CAP_TOKEN = regex.compile(r"\b[\p{Lu}][\p{L}\p{M}'’\-]+\b")


@lru_cache(maxsize=CACHE_SIZE)
def names(text: str) -> tuple[str, ...]:
    """Capitalised tokens that are not the first word of a sentence (apostrophes unified).

    >>> names("Yesterday the Mayor of Springfield met Ann Lee. She agreed.")
    ('Mayor', 'Springfield', 'Ann', 'Lee')
    """
    out = []
    for m in _CAP_TOKEN.finditer(text):
        # The last character before the token that str.rstrip() would keep, if any.
        j = m.start() - 1
        while j >= 0 and text[j].isspace():
            j -= 1
        if j >= 0 and text[j] not in ".!?:\"“'‘(":
            out.append(m.group().replace("’", "'"))
    return tuple(out)


# Each ASCII character mapped to one byte naming its class: upper- and lower-case letter, digit,
# whitespace, anything else (built with the str methods themselves, so the counts agree).
_ASCII_CLASS = (
    bytes(
        ord(
            "u"
            if c.isupper()
            else "l"
            if c.isalpha()
            else "d"
            if c.isdigit()
            else "s"
            if c.isspace()
            else "o"
        )
        for c in map(chr, range(128))
    )
    + b"o" * 128
)  # (bytes.translate wants 256 entries; only ASCII bytes are translated)
assert all(
    (chr(i).isalnum() == (chr(i).isalpha() or chr(i).isdigit()))
    and not (chr(i).isalpha() and chr(i).isdigit())
    for i in range(128)
)
_NON_ASCII = regex.compile(r"[^\x00-\x7f]+")


@lru_cache(maxsize=CACHE_SIZE)
def char_classes(text: str) -> tuple[int, int, int, int, int]:
    """How many characters of ``text`` are letters, alphanumeric, whitespace, digits and upper
    case (``str.isalpha``, ``isalnum``, ``isspace``, ``isdigit``, ``isupper``), counted without a
    Python call per character: the ASCII ones through a byte translation table, the others (few in
    most texts) one by one."""
    if text.isascii():
        ascii_part, rest = text.encode("ascii"), ""
    else:
        ascii_part, rest = text.encode("ascii", "ignore"), "".join(_NON_ASCII.findall(text))
    classes = ascii_part.translate(_ASCII_CLASS)
    upper, lower, digit = classes.count(b"u"), classes.count(b"l"), classes.count(b"d")
    alpha = upper + lower
    alnum = alpha + digit
    space = classes.count(b"s")
    if rest:
        alpha += sum(map(str.isalpha, rest))
        alnum += sum(map(str.isalnum, rest))
        space += sum(map(str.isspace, rest))
        digit += sum(map(str.isdigit, rest))
        upper += sum(map(str.isupper, rest))
    return alpha, alnum, space, digit, upper


def content_stems(ws: Sequence[str], stop: frozenset[str]) -> frozenset[str]:
    """Content words of a block (longer than two letters, not stopwords, not numbers), cut to five
    letters so that inflections meet ("approves"/"approved"): the vocabulary the coherence signals
    of the offtopic stage, the teaser model and the title guard compare."""
    return frozenset(w[:5] for w in ws if len(w) > 2 and w not in stop and not w.isdigit())


@lru_cache(maxsize=CACHE_SIZE)
def content_of(text: str, stop: frozenset[str]) -> frozenset[str]:
    """:func:`content_stems` of a text's words (remembered)."""
    return content_stems(words(text), stop)
