"""Golden test: every line of the five seed articles is kept or removed as seeds/gold.json says.

Per document, lines labelled title/keep are kept and boilerplate/duplicate/offtopic removed. In
corpus mode (files in name order), a kept line whose ``also_in`` names an earlier file is removed
too, as a cross-document duplicate pointing at that file's line.
"""

from __future__ import annotations

import pytest

import dedupe

KEEP = {"title", "keep"}
REASON_PREFIX = {"boilerplate": "boilerplate.", "duplicate": "duplicate.within", "offtopic": "offtopic."}


def _cases(gold, corpus):
    for d in gold:
        for i, line in enumerate(d["lines"]):
            yield d["file"], i, line


def _results(gold, seed_texts, corpus):
    cleaner = dedupe.Cleaner()
    docs = [dedupe.Document(id=d["file"], text=seed_texts[d["file"]]) for d in gold]
    if corpus:
        return {r.id: r for r in cleaner.clean_many(docs)}
    return {doc.id: cleaner.clean(doc) for doc in docs}


@pytest.mark.parametrize("corpus", [False, True], ids=["single", "corpus"])
def test_every_gold_line(gold, seed_texts, corpus):
    results = _results(gold, seed_texts, corpus)
    wrong = []
    total = 0
    for d in gold:
        res = results[d["file"]]
        assert [b.text for b in res.blocks] == [x["line"].strip() for x in d["lines"]]
        for i, line in enumerate(d["lines"]):
            total += 1
            dec = res.decisions[i]
            label = line["label"]
            also = line.get("also_in")
            if corpus and label in KEEP and also:
                want_kept, want_reason = False, "duplicate.corpus"
            else:
                want_kept = label in KEEP
                want_reason = None if want_kept else REASON_PREFIX[label]
            ok = dec.kept == want_kept and (want_reason is None or dec.reason.startswith(want_reason))
            if ok and label == "duplicate":
                # The removed copy points at the line it duplicates.
                ok = dec.evidence["duplicate_of"] == [d["file"], line["duplicate_of"]]
            if ok and want_reason == "duplicate.corpus":
                src_file, src_line = also.split(":")
                src = next(g["file"] for g in gold if g["file"].startswith(src_file))
                ok = dec.evidence["duplicate_of"] == [src, int(src_line)]
            if not ok:
                wrong.append((d["file"], i, label, dec.reason, dict(dec.evidence), line["line"][:60]))
    assert total == 90
    assert not wrong, "\n".join(map(str, wrong))


def test_clean_text_is_kept_lines_verbatim(gold, seed_texts):
    for d in gold:
        res = dedupe.clean(seed_texts[d["file"]], doc_id=d["file"])
        kept = [x["line"].strip() for x in d["lines"] if x["label"] in KEEP]
        assert res.text == "\n\n".join(kept)


def test_removed_spans_point_into_the_source(gold, seed_texts):
    for d in gold:
        src = seed_texts[d["file"]]
        res = dedupe.clean(src, doc_id=d["file"])
        for span in res.removed:
            assert src[span["start"] : span["end"]] == res.blocks[span["block"]].text
            assert span["reason"] and span["stage"]


def test_explain_names_every_removal(gold, seed_texts):
    res = dedupe.clean(seed_texts["003_797bc3d8dcbf117b.txt"], doc_id="003")
    text = res.explain()
    assert text.count("DROP") == sum(not d.kept for d in res.decisions)
    assert "offtopic.teaser" in text and "duplicate.within" in text
