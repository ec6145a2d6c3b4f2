"""The stoplist guess: per-text remembered hits give the same answer as guessing over the words."""

from __future__ import annotations

from itertools import chain

from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.lang import GUESS_WORDS, guess_stoplist, guess_stoplist_texts
from dedupe.text import words

_VOCAB = ["the", "and", "der", "die", "und", "le", "la", "et", "el", "de", "council", "Haus", "maison", "río"]
texts = st.lists(st.lists(st.sampled_from(_VOCAB), max_size=60).map(" ".join), max_size=80)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_same_answer_as_the_word_stream(ts):
    assert guess_stoplist_texts(ts) == guess_stoplist(chain.from_iterable(words(t) for t in ts))


def test_the_word_limit_cuts_inside_a_text():
    german = " ".join(["der die und"] * 10)
    english = " ".join(["the and of"] * (GUESS_WORDS // 3 + 10))
    # The English block alone passes the limit: the German words after it are never looked at.
    assert guess_stoplist_texts([english, german])[0] == "English"
    assert guess_stoplist_texts([german * 100, english])[0] == "German"


def test_no_words_no_language():
    assert guess_stoplist_texts([]) == (None, frozenset())
    assert guess_stoplist_texts(["", "  "]) == (None, frozenset())
