"""dedupe.shapes: the shape tests every stage shares.

Each variant of "ends like a sentence" replaced a pattern a stage held of its own; the property
tests pin each variant to that pattern (written out here as it was), so moving them changed no
decision. Boundary cases show what each variant is for.
"""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.shapes import (
    FEATURE_END,
    FULL_STOP_END,
    LABEL_PUNCT_END,
    SENTENCE_END,
    TIGHT_SENTENCE_END,
    TITLE_FULL_STOP_END,
    is_headline,
    is_label,
    is_prose,
    is_sentence_end,
    split_words,
    word_count,
)

# The patterns the stages held before (boilerplate, offtopic, teaser, quality, duplicates).
_BEFORE = {
    SENTENCE_END: lambda t: regex.search(r"[.!?…]\s*[\"'”’»)\]]*\s*$", t) is not None,
    TIGHT_SENTENCE_END: lambda t: regex.search(r"[.!?…][\"'”’»)\]]*\s*$", t) is not None,
    FULL_STOP_END: lambda t: regex.search(r"[.…]\s*[\"'”’»)\]]*\s*$", t) is not None,
    TITLE_FULL_STOP_END: lambda t: regex.search(r"[.…]\s*$", t.rstrip("\"”’'»)")) is not None,
    LABEL_PUNCT_END: lambda t: regex.search(r"[.!?…:;\"”»)]\s*$", t) is not None,
    FEATURE_END: lambda t: regex.search(r"[.!?\"”“»]\s*$", t) is not None,
}

_TAILS = st.text(alphabet=".!?…:;\"'”’“»)] ]\t\nab1-|", max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12), _TAILS)
def test_each_variant_is_the_pattern_it_replaced(head, tail):
    text = head + tail
    for end, before in _BEFORE.items():
        assert is_sentence_end(text, end) == before(text), (end.name, text)


def test_what_the_variants_are_for():
    assert is_sentence_end('He left."') and is_sentence_end("He left. ”")
    assert not is_sentence_end("He left. ”", TIGHT_SENTENCE_END)
    assert is_sentence_end("Who pays?") and not is_sentence_end("Who pays?", FULL_STOP_END)
    assert not is_sentence_end('Done." ', TITLE_FULL_STOP_END) and is_sentence_end(
        'Done."', TITLE_FULL_STOP_END
    )
    assert is_sentence_end("World Media:", LABEL_PUNCT_END) and not is_sentence_end("World Media:")
    assert is_sentence_end('He said "no"', FEATURE_END) and not is_sentence_end('He said "no"')


def test_words_headlines_labels_prose():
    assert split_words("  Council  approves\tit ") == ["Council", "approves", "it"]
    assert word_count("") == 0 and word_count("a b c") == 3
    # A headline: 3 to 20 words, not ending with a full stop (a question is one).
    assert is_headline("Who pays for the bridge?")
    assert not is_headline("Who pays for the bridge?", end=TIGHT_SENTENCE_END)
    assert not is_headline("Two words") and is_headline("Three words here")
    assert is_headline(" ".join(["w"] * 20)) and not is_headline(" ".join(["w"] * 21))
    # A label: few capitalised words, no sentence punctuation, digits or markup.
    assert is_label("World Media", 3) and is_label("Opinion", 3)
    assert not is_label("World Media News Today", 3)
    assert not is_label("Page 3", 3) and not is_label("|Genitiv|", 3) and not is_label("Dear readers:", 3)
    assert not is_label("world media", 3) and is_label("World media", 3)
    # Prose: 15 words or more, ending like a sentence.
    sentence = "The council approved the budget on Monday after a long debate about the costs of roads."
    assert word_count(sentence) == 16 and is_prose(sentence)
    assert not is_prose(sentence[:-1]) and not is_prose("The council approved the budget.")
