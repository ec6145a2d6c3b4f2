"""What kind of page a document is, where it decides what the cleaner may remove.

One page type matters to the rules and passes today: a **thread**, a page whose text is a run of
posts or entries, each headed by a date stamp ("Dec 30, 2023", "11-29-2024, 09:03 AM", "by jdoe »
Wed Aug 28, 2019 12:22 am"), usually under the poster's name, from the top of the page: a forum
or Q&A thread, a blog's archive, a changelog, a list of dated news items. Its posts and their
stamps are the content, so the passes that remove readers' comments, datelines and the labels
above a headline leave a thread alone. The readers' comments under an article still go: an article
starts with a long text (the article) that the posts under it do not match in length.

The test looks at the text only (the same for plain text and for text extracted from HTML), never
at a site's name:

1. *Stamps*: lines of at most :data:`STAMP_MAX_WORDS` words that are a date and time with at most a
   name around them (:func:`is_stamp`).
2. *Same template*: a thread's stamps are printed by one template, so they have the same shape
   (:func:`stamp_shape`: digits, month and weekday names and other words reduced to placeholders);
   at least :data:`THREAD_MIN_POSTS` stamps share the shape of the first one.
3. *From the top*: at most :data:`THREAD_LEAD_WORDS` words stand before the first stamp (a title,
   a name line); an article has its headline, standfirst and body there.
4. *Not an article with comments*: the first post is not both longer than
   :data:`ARTICLE_MIN_WORDS` words and :data:`ARTICLE_RATIO` times longer than the median later
   post (an article dated at the top, then short readers' comments dated the same way).

Measured on the tune part of wcxb (``benchmarks/datasplit.py``), gold texts: every forum page whose
posts carry a stamp (33 of 75; the others print no stamp and nothing here applies), blog archives
and dated listings, no article page with readers' comments. Forum threads have opening posts of up
to 1,048 words and up to 13 times the median reply; an article over its comments in trafilatura's
extraction had 1,717 words, 156 times. When in doubt the page is a thread: keeping an article's
comments costs a little precision, emptying a thread loses its content.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from .rules.core import REGEX_TIMEOUT, F
from .rules.table import DATE_ANCHOR, DATE_TOKEN, is_dateline
from .rules.vocab import MONTHS, WEEKDAYS

__all__ = [
    "ARTICLE_MIN_WORDS",
    "ARTICLE_RATIO",
    "STAMP_MAX_WORDS",
    "THREAD_LEAD_WORDS",
    "THREAD_MIN_POSTS",
    "Thread",
    "find_thread",
    "is_stamp",
    "stamp_shape",
]

#: A stamp is short: a date, a time and at most a name and a few connecting words.
STAMP_MAX_WORDS = 12
#: Words a stamp may hold besides the date tokens and a leading "by" (a poster's name).
STAMP_MAX_OTHER_WORDS = 3
#: A thread has an opening post and at least two more with the same stamp.
THREAD_MIN_POSTS = 3
#: Words before the first stamp of a thread: a title and the poster's name (forum golds of the tune
#: part: 0 to 2 words; blog archives and dated listings up to 35).
THREAD_LEAD_WORDS = 40
#: An article with readers' comments: the first "post" (the article) has at least this many words...
ARTICLE_MIN_WORDS = 500
#: ...and this many times the words of the median later post.
ARTICLE_RATIO = 20.0

_NAMES = regex.compile(rf"\b(?:{MONTHS}|{WEEKDAYS})\b", F)
_DIGITS = regex.compile(r"\d+")
_WORDS = regex.compile(r"[^\W\d_]+")
_LETTER = regex.compile(r"\p{L}")
#: A stamp printed with the poster's name: "by jdoe » Wed Aug 28, 2019 12:22 am", "jdoe | 3 May 2024".
_BY = regex.compile(r"^\W*(?:posted\s+)?by\s+", F)
#: A sentence ends with a full stop after a word ("... met on Dec 30, 2023 to vote.").
_SENTENCE = regex.compile(r"\p{L}[.!?]\W*$")


def stamp_shape(line: str) -> str:
    """The template a stamp was printed from: month and weekday names become ``M``, digit runs
    ``0``, other words ``a``.

    >>> stamp_shape("Dec 30, 2023"), stamp_shape("Jul 9, 2022"), stamp_shape("11-29-2024, 09:03 AM")
    ('M 0, 0', 'M 0, 0', '0-0-0, 0:0 a')
    """
    s = _NAMES.sub("\x00", line)
    s = _DIGITS.sub("0", s)
    s = _WORDS.sub("a", s).replace("\x00", "M")
    return " ".join(s.split())


def is_stamp(line: str) -> bool:
    """A post's date stamp: a dateline (:func:`dedupe.rules.table.is_dateline`), or a date with at
    most :data:`STAMP_MAX_OTHER_WORDS` other words (a name, "by", "posted"), in at most
    :data:`STAMP_MAX_WORDS` words.

    >>> is_stamp("Dec 30, 2023"), is_stamp("by jdoe » Wed Aug 28, 2019 12:22 am")
    (True, True)
    >>> is_stamp("The council met on Dec 30, 2023 to vote.")
    False
    """
    n = len(line.split())
    if n == 0 or n > STAMP_MAX_WORDS:
        return False
    if is_dateline(line):
        return True
    if (
        not DATE_ANCHOR.search(line, timeout=REGEX_TIMEOUT)
        or not _DIGITS.search(line)
        or _SENTENCE.search(line, timeout=REGEX_TIMEOUT)
    ):
        return False
    rest = [
        w for w in DATE_TOKEN.sub(" ", _BY.sub(" ", line), timeout=REGEX_TIMEOUT).split() if _LETTER.search(w)
    ]
    return len(rest) <= STAMP_MAX_OTHER_WORDS


@dataclass(frozen=True)
class Thread:
    """A page of posts (see the module docstring).

    Attributes:
        stamps: Positions (in the texts given to :func:`find_thread`) of the stamps that head the
            posts, all of one shape.
        shape: Their :func:`stamp_shape`.
        first_post_words: Words of the first post (its stamp to the next).
        median_post_words: Median words of the later posts.
    """

    stamps: tuple[int, ...]
    shape: str
    first_post_words: int
    median_post_words: float


@lru_cache(maxsize=256)
def _find(texts: tuple[str, ...]) -> Thread | None:
    lead = 0
    first = None
    for i, t in enumerate(texts):
        if is_stamp(t):
            first = i
            break
        lead += len(t.split())
        if lead > THREAD_LEAD_WORDS:
            return None
    if first is None:
        return None
    shape = stamp_shape(texts[first])
    stamps = tuple(
        i for i in range(first, len(texts)) if stamp_shape(texts[i]) == shape and is_stamp(texts[i])
    )
    if len(stamps) < THREAD_MIN_POSTS:
        return None
    bounds = [*stamps, len(texts)]
    posts = [sum(len(t.split()) for t in texts[a:b]) for a, b in itertools.pairwise(bounds)]
    median = statistics.median(posts[1:])
    if posts[0] >= ARTICLE_MIN_WORDS and posts[0] >= ARTICLE_RATIO * max(median, 1.0):
        return None
    return Thread(stamps=stamps, shape=shape, first_post_words=posts[0], median_post_words=median)


def find_thread(texts: Sequence[str]) -> Thread | None:
    """The :class:`Thread` the blocks ``texts`` form, or None if they are not a page of posts.

    >>> posts = ["jdoe", "Dec 30, 2023", "Any plans for the new year?", "rroe", "Dec 30, 2023",
    ...          "Fewer purchases.", "kpoe", "Dec 31, 2023", "Same here."]
    >>> find_thread(posts).stamps
    (1, 4, 7)
    """
    return _find(tuple(texts))
