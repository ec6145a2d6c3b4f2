"""Signer: bit-identity with datasketch (hypothesis), shingles, LSH parameters, errors."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash
from datasketch.lsh import _optimal_param
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedupe.errors import ConfigError
from dedupe.minhash import HASHES, Signer, _Words, jaccard, lsh_params, poly64
from dedupe.text import words

# Text that exercises the tokenizer: letters of several scripts, combining marks, digits,
# apostrophes (straight and typographic), hyphens, punctuation, odd whitespace, surrogates.
_PIECES = st.sampled_from(
    [
        *"abcdeXYZ019 \t\n'’-—.,!?ß",
        "\u00e9",
        "e\u0301",
        "ﬁ",
        "Σ",
        "ς",
        "東",
        "京",
        "ไ",
        "\u00a0",
        "①",
        "\ud800",
        "𝔘",
    ]
)
texts = st.one_of(st.lists(_PIECES, max_size=80).map("".join), st.text(max_size=60))
text_lists = st.lists(texts, min_size=1, max_size=6)

SIGNERS = {
    (scheme, h, mode, n): Signer(num_perm=32, seed=7, ngram=n, hash=h, scheme=scheme, mode=mode)
    for scheme in ("affine32", "legacy", "affine64")
    for h in HASHES
    for mode, n in (("word", 1), ("word", 3), ("char", 2))
}


def datasketch_row(signer: Signer, text: str) -> MinHash:
    m = MinHash(num_perm=signer.num_perm, seed=signer.seed, hashfunc=signer.hashfunc, scheme=signer.scheme)
    for sh in signer.shingles(text):
        m.update(sh)
    return m


@pytest.mark.parametrize("key", sorted(SIGNERS), ids=lambda k: "-".join(map(str, k)))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=text_lists)
def test_sign_is_bit_identical_to_datasketch(key: tuple[str, str, str, int], batch: list[str]) -> None:
    signer = SIGNERS[key]
    sigs = signer.sign(batch)
    assert sigs.shape == (len(batch), signer.num_perm)
    for i, text in enumerate(batch):
        expected = datasketch_row(signer, text).hashvalues
        assert sigs.dtype == expected.dtype
        np.testing.assert_array_equal(sigs[i], expected)
    np.testing.assert_array_equal(signer.sign_shingles([signer.shingles(t) for t in batch]), sigs)


@settings(max_examples=150, deadline=None)
@given(batch=text_lists)
def test_batched_tokenizer_equals_text_words(batch: list[str]) -> None:
    ws = _Words(batch, need_cpos=True)
    buf = ws.buf.tobytes()
    for d, text in enumerate(batch):
        got = [
            buf[ws.word_start[i] : ws.word_end[i]].decode("utf-8")
            for i in range(ws.doc_words[d], ws.doc_words[d + 1])
        ]
        assert got == words(text)


def test_default_signer_matches_datasketch_defaults_with_sha1() -> None:
    # hash="sha1" reproduces a stock datasketch.MinHash() (sha1_hash32, affine32, seed 1).
    signer = Signer(hash="sha1")
    text = "The quick brown fox jumps over the lazy dog near the river bank today."
    m = MinHash()
    for sh in signer.shingles(text):
        m.update(sh)
    np.testing.assert_array_equal(signer.sign([text])[0], m.hashvalues)


def test_default_hash_is_the_vectorised_one() -> None:
    signer = Signer()
    assert (signer.hash, signer.scheme, signer.num_perm, signer.seed, signer.ngram) == (
        "poly64",
        "affine32",
        128,
        1,
        5,
    )
    assert signer.hashfunc(b"abc") == poly64(b"abc") & 0xFFFFFFFF


def test_shingles_word_and_char() -> None:
    s = Signer(ngram=3)
    assert s.shingles("Egypt’s president, al-Sisi, met Haftar.") == [
        b"egypt's president al-sisi",
        b"president al-sisi met",
        b"al-sisi met haftar",
    ]
    assert s.shingles("Two words") == [b"two words"]
    assert s.shingles("") == [] and s.shingles(" ,;! ") == []
    c = Signer(ngram=2, mode="char")
    assert c.shingles("東京都") == ["東京".encode(), "京都".encode()]
    assert c.shingles("a b") == [b"a ", b" b"]
    assert c.shingles("x") == [b"x"]


def test_empty_text_gets_datasketch_empty_value() -> None:
    for scheme in ("affine32", "legacy", "affine64"):
        s = Signer(num_perm=16, scheme=scheme)
        sig = s.sign(["", "...", "hello world"])
        empty = MinHash(num_perm=16, scheme=scheme).hashvalues
        np.testing.assert_array_equal(sig[0], empty)
        np.testing.assert_array_equal(sig[1], empty)
        assert not np.array_equal(sig[2], empty)


def test_batches_do_not_change_results() -> None:
    texts = [f"document number {i} " + "shared words here and there " * (i % 7) for i in range(300)]
    small = Signer(batch_chars=100)
    np.testing.assert_array_equal(small.sign(texts), Signer().sign(texts))
    assert Signer().sign([]).shape == (0, 128)


def test_long_text_spanning_chunks() -> None:
    text = " ".join(f"w{i}" for i in range(20000))
    s = Signer(num_perm=16, seed=3)
    np.testing.assert_array_equal(s.sign([text])[0], datasketch_row(s, text).hashvalues)


def test_minhash_interop_and_jaccard() -> None:
    s = Signer()
    a = "the cat sat on the mat and looked at the dog in the garden all day long"
    b = a.replace("garden", "yard")
    ma, mb = s.minhash(a), s.minhash(b)
    assert isinstance(ma, MinHash)
    sa, sb = s.sign([a, b])
    assert jaccard(sa, sb) == pytest.approx(ma.jaccard(mb))
    assert jaccard(sa, sa) == 1.0
    LeanMinHash(ma)  # datasketch accepts our MinHash
    with pytest.raises(ValueError, match="equal"):
        jaccard(sa, sb[:10])


def test_estimated_jaccard_tracks_true_jaccard() -> None:
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(5000)]
    base = list(rng.choice(vocab, 400))
    edited = base[:300] + list(rng.choice(vocab, 100))
    s = Signer(num_perm=256, ngram=1)
    true = len(set(base) & set(edited)) / len(set(base) | set(edited))
    sa, sb = s.sign([" ".join(base), " ".join(edited)])
    assert abs(jaccard(sa, sb) - true) < 0.1


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95])
@pytest.mark.parametrize("num_perm", [16, 64, 128, 256])
def test_lsh_params_match_datasketch(threshold: float, num_perm: int) -> None:
    assert lsh_params(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def test_lsh_params_weights_match_datasketch() -> None:
    assert lsh_params(0.8, 128, 0.3, 0.7) == _optimal_param(0.8, 128, 0.3, 0.7)
    assert lsh_params(0.8, 128) == (9, 13)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_perm": 0}, "num_perm"),
        ({"num_perm": "128"}, "num_perm must be an int"),
        ({"seed": -1}, "seed"),
        ({"ngram": 0}, "ngram"),
        ({"hash": "md5"}, "hash must be one of"),
        ({"scheme": "affine16"}, "scheme must be one of"),
        ({"mode": "token"}, "mode must be 'word' or 'char'"),
    ],
)
def test_signer_rejects_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Signer(**kwargs)  # type: ignore[arg-type]


def test_lsh_params_rejects_bad_arguments() -> None:
    with pytest.raises(ConfigError, match="threshold"):
        lsh_params(1.5, 128)
    with pytest.raises(ConfigError, match="weights"):
        lsh_params(0.8, 128, 0.6, 0.6)


def test_sign_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError, match="sequence"):
        Signer().sign("a text")  # type: ignore[arg-type]


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(batch=text_lists)
def test_sign_bit_identical_long_run(batch: list[str]) -> None:
    for signer in (Signer(), Signer(hash="xxh3", scheme="legacy"), Signer(mode="char", ngram=3)):
        sigs = signer.sign(batch)
        for i, text in enumerate(batch):
            np.testing.assert_array_equal(sigs[i], datasketch_row(signer, text).hashvalues)


def test_threads_do_not_change_results() -> None:
    texts = [f"text {i} " + "some more words in a row " * (i % 11) for i in range(400)]
    np.testing.assert_array_equal(
        Signer(threads=2, batch_chars=500).sign(texts), Signer(threads=1).sign(texts)
    )


@pytest.mark.parametrize("scheme", ["affine32", "legacy", "affine64"])
@pytest.mark.parametrize(("num_perm", "seed"), [(1, 0), (16, 1), (128, 1), (256, 12345)])
def test_permutations_are_datasketchs(scheme: str, num_perm: int, seed: int) -> None:
    # The signer draws the permutations itself (no datasketch import at run time); they must be
    # datasketch's, value for value.
    s = Signer(num_perm=num_perm, seed=seed, scheme=scheme)
    proto = MinHash(num_perm=num_perm, seed=seed, scheme=scheme)
    a, b = np.asarray(proto.permutations)
    np.testing.assert_array_equal(s._a.ravel(), a.astype(s.dtype))
    np.testing.assert_array_equal(s._b.ravel(), b.astype(s.dtype))
    assert s.empty_value == int(proto.hashvalues[0])


def test_signing_does_not_import_datasketch() -> None:
    import subprocess
    import sys

    code = (
        "import sys, dedupe; from dedupe import Cleaner, Config, Document; "
        "from dedupe.config import CorpusConfig; "
        "list(Cleaner(Config(corpus=CorpusConfig(enabled=True))).clean_many(['a b c d e f g h i j', 'x y'])); "
        "print('datasketch' in sys.modules, 'scipy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
