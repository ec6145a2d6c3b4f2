"""The shape of a line: how many words it has, whether it ends like a sentence, whether it is a
headline, a label or a paragraph of prose.

Every stage asks these questions; they are answered here once. Where two stages genuinely ask
different questions (a headline may end with "?" for the off-topic rules but not for the teaser
model; the line model's feature counts a closing quote as a sentence end), the difference is a
named :class:`SentenceEnd` variant below, documented with the reason it exists: behaviour that a
shipped model or a measured rule depends on does not change silently.

Scripts written without spaces (Japanese, Chinese, Thai): :func:`word_count` and the variants
the boilerplate, off-topic and teaser stages and the shipped models depend on count a whole
sentence there as one "word" and do not take "。" for a sentence end. The duplicate stages, which
compare lines of every script, use the script-aware answers instead: :func:`units` and
:func:`unit_count` (one unit per character of a script without spaces) and :func:`sentences`
(which ends a sentence at "。" too). Making the other stages script-aware is a change to this module (and a
retrained model) alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

import regex

from .text import CACHE_SIZE, words

__all__ = [
    "FEATURE_END",
    "FULL_STOP_END",
    "LABEL_PUNCT_END",
    "SENTENCE_END",
    "TIGHT_SENTENCE_END",
    "TITLE_FULL_STOP_END",
    "SentenceEnd",
    "is_headline",
    "is_label",
    "is_prose",
    "is_sentence_end",
    "sentences",
    "spaced",
    "split_words",
    "unit_count",
    "units",
    "word_count",
]


def split_words(text: str) -> list[str]:
    """Words as written: runs of characters between whitespace (``text.split()``).

    >>> split_words("Council approves the budget, 12-3")
    ['Council', 'approves', 'the', 'budget,', '12-3']
    """
    return text.split()


def word_count(text: str) -> int:
    """How many words :func:`split_words` finds.

    >>> word_count("Council approves the budget, 12-3")
    5
    """
    return len(text.split())


#: Scripts written without spaces between words: a character is the unit of comparison there.
#: (Korean is written with spaces; its words are words.)
UNSPACED_SCRIPTS: Final = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}"
_UNSPACED_CHAR = regex.compile(f"[{UNSPACED_SCRIPTS}]")


@lru_cache(maxsize=CACHE_SIZE)
def spaced(text: str) -> str:
    """``text`` with every character of a script written without spaces set apart by spaces, so
    that :func:`dedupe.text.words` gives one word per character there (and the words elsewhere).

    The MinHash signers of the duplicate stages are given this text: their word n-grams are then
    character n-grams in Chinese or Japanese and word n-grams elsewhere, and the signatures stay
    those of datasketch for the same shingles.

    >>> spaced("Tokyo 市は")
    'Tokyo  市  は '
    """
    if text.isascii() or not _UNSPACED_CHAR.search(text):
        return text
    return _UNSPACED_CHAR.sub(lambda m: f" {m.group()} ", text)


@lru_cache(maxsize=CACHE_SIZE)
def _units(text: str) -> tuple[str, ...]:
    return tuple(words(spaced(text)))


def units(text: str) -> list[str]:
    """Script-aware words: :func:`dedupe.text.words` (normalised, punctuation dropped), with each
    character of a script written without spaces a unit of its own.

    >>> units("Tokyo 市は発表した。")
    ['tokyo', '市', 'は', '発', '表', 'し', 'た']
    """
    return list(_units(text))


def unit_count(text: str) -> int:
    """The number of :func:`units` of ``text``: words, or characters in scripts without spaces.

    >>> unit_count("市は発表した。"), word_count("市は発表した。")
    (6, 1)
    """
    return len(_units(text))


#: Closing quotes and brackets that may follow a sentence's final mark (``He left."``).
CLOSERS = "\"'”’»)\\]"


@dataclass(frozen=True)
class SentenceEnd:
    """One way of saying "this line ends like a sentence".

    The line ends with one of ``marks``, then optionally characters of ``closers`` (a regex
    character-class body), with whitespace allowed between the mark and the closers if
    ``space_before_closers`` and after them if ``space_after_closers``.

    Attributes:
        name: What the variant is for (shown in docs and errors).
        marks: Final marks, as a regex character-class body.
        closers: Closing characters allowed after the mark, as a regex character-class body;
            empty for none.
        space_before_closers: Whitespace may stand between the mark and the closers.
        space_after_closers: Whitespace may follow the closers (trailing whitespace).
    """

    name: str
    marks: str
    closers: str = ""
    space_before_closers: bool = True
    space_after_closers: bool = True
    pattern: regex.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        source = f"[{self.marks}]"
        end = "$"
        if self.closers:
            source += (r"\s*" if self.space_before_closers else "") + f"[{self.closers}]*"
            if self.space_after_closers:
                source += r"\s*"
            else:
                end = r"\Z"  # nothing after the closers, not even a final newline
        else:
            source += r"\s*"
        object.__setattr__(self, "pattern", regex.compile(source + end))

    def __call__(self, text: str) -> bool:
        return self.pattern.search(text) is not None


#: A sentence of prose: ".", "!", "?" or "…", then closing quotes or brackets.
SENTENCE_END = SentenceEnd("sentence", ".!?…", CLOSERS)
#: The teaser model's variant: the closers must follow the mark directly (``Done. "`` is not a
#: sentence end). The shipped teaser model (``data/teaser_model.json``) was trained on it.
TIGHT_SENTENCE_END = SentenceEnd("tight_sentence", ".!?…", CLOSERS, space_before_closers=False)
#: A full stop only: a headline may end with "?" or "!" ("Who pays for the bridge?"), not with ".".
FULL_STOP_END = SentenceEnd("full_stop", ".…", CLOSERS)
#: The headline test of the labels-above-the-headline pass: a full stop, then closing quotes or
#: brackets (not "]") and nothing after them.
TITLE_FULL_STOP_END = SentenceEnd("title_full_stop", ".…", "\"”’'»)", space_after_closers=False)
#: What a label never ends with: any sentence punctuation, a colon or semicolon, or a closing
#: quote or bracket ("World Media" is a label, "World Media:" introduces something).
LABEL_PUNCT_END = SentenceEnd("label_punctuation", '.!?…:;"”»)')
#: The line model's ``ends_like_sentence`` feature: a final mark or quote (``data/quality_model.json``
#: was trained on it).
FEATURE_END = SentenceEnd("feature", '.!?"”“»')


def is_sentence_end(text: str, end: SentenceEnd = SENTENCE_END) -> bool:
    """True if ``text`` ends like a sentence in the sense of ``end`` (see the variants above).

    >>> is_sentence_end('He left."'), is_sentence_end("Who pays?", FULL_STOP_END)
    (True, False)
    """
    return end.pattern.search(text) is not None


#: Where a sentence ends inside a paragraph: after sentence-final punctuation and closing quotes,
#: before whitespace and an upper-case letter, a letter of a caseless script, a digit or an opening
#: quote, or straight after a full stop of a script without spaces. Abbreviations ("Mr.", "U.S.")
#: make a few extra splits, which only makes sentence-level matching slightly stricter.
_SENTENCE_SPLIT = regex.compile(
    r"(?<=[.!?…؟۔।॥][\"'”’»)\]]*)\s+(?=[\"'“‘«(\[]?[\p{Lu}\p{Lo}\p{N}])"
    r"|(?<=[。！？｡][」』”’）)]*)(?![」』”’）)])\s*(?=\S)"
)


@lru_cache(maxsize=CACHE_SIZE)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(s for s in (p.strip() for p in _SENTENCE_SPLIT.split(text)) if s)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, in every script (see :data:`_SENTENCE_SPLIT`).

    >>> sentences('He left. "Why?" she asked. 市は発表した。工事は来週始まる。')
    ['He left.', '"Why?" she asked.', '市は発表した。', '工事は来週始まる。']
    """
    return list(_sentences(text))


#: A headline has at least this many words (one or two are a label)...
HEADLINE_MIN_WORDS = 3
#: ...and at most this many (more is a sentence of prose).
HEADLINE_MAX_WORDS = 20


def is_headline(
    text: str,
    *,
    end: SentenceEnd = FULL_STOP_END,
    min_words: int = HEADLINE_MIN_WORDS,
    max_words: int = HEADLINE_MAX_WORDS,
) -> bool:
    """Headline-shaped: a few words that do not end like a sentence.

    >>> is_headline("Council approves the budget"), is_headline("The council approved it.")
    (True, False)
    """
    return min_words <= word_count(text) <= max_words and not end(text)


#: Characters a label never holds: table cells (``|Genitiv||der Lotterie|``), wiki markup and edit
#: links (``Substantiv, f[Bearbeiten]``), addresses. A line with them is a row of structured
#: content, not a kicker (lines development set: table rows of a dictionary page removed as labels).
_NOT_LABEL = regex.compile(r"[|\[\]{}<>=@/\\_#*+]")
_DIGIT = regex.compile(r"\d")


def is_label(text: str, max_words: int) -> bool:
    """A short line of words only: at most ``max_words`` words, no sentence punctuation at the end
    (:data:`LABEL_PUNCT_END`), no digits or markup, every word but at most one capitalised: a
    section label or kicker ("World Media", "Opinion").

    >>> is_label("World Media", 3), is_label("World media news today", 3)
    (True, False)
    """
    ws = text.split()
    if (
        not 0 < len(ws) <= max_words
        or LABEL_PUNCT_END(text)
        or _DIGIT.search(text)
        or _NOT_LABEL.search(text)
    ):
        return False
    return sum(w[:1].isupper() for w in ws) >= max(1, len(ws) - 1)


#: A paragraph of prose: at least this many words, ending like a sentence.
PROSE_PARAGRAPH_WORDS = 15


def is_prose(text: str, min_words: int = PROSE_PARAGRAPH_WORDS) -> bool:
    """A paragraph of prose: at least ``min_words`` words and a sentence end (:data:`SENTENCE_END`).

    >>> is_prose("The council approved the budget on Monday after a long debate about costs and roads.")
    True
    """
    return word_count(text) >= min_words and SENTENCE_END(text)
