"""Off-topic insertions at scale: passages of other articles spliced into human article bodies.

Usage (from the repository root)::

    .venv/bin/python benchmarks/splice2.py                      # release and dedupe, tune and measure
    .venv/bin/python benchmarks/splice2.py --variants 2 --show 10 --part tune
    .venv/bin/python benchmarks/splice2.py --wirings            # also the ablation rows

This replaces ``benchmarks/splice.py`` as the measure of issue 21; that script stays as it was
(its figures are pinned in ``benchmarks/floors.json`` and its history stays comparable), but its
split (a hash of the article id) is not the project's split and its insertions are few and of
three fixed shapes, so new work is measured here.

**Receivers** are the human gold texts of article pages: ``wcxb`` pages with ``page_type ==
"article"`` (the gold has no title; half the receivers, chosen by a hash of the id, get the page's
``title`` as their first line, as a scraped record often has it), the news pages of ``portal``
(CleanPortalEval) and ``dragnet``. An article needs at least ``MIN_PROSE`` prose paragraphs.

**Insertions**: into each receiver one passage from another article of the *same part* of the
split (``benchmarks/datasplit.py``: donors and receivers never cross it), one of

=========  ==============================================================================
kind       ``lede``: the donor's lede paragraph (its first prose paragraph, cut to its leading
           sentences past ``MAX_LEDE_WORDS``); ``teaser``: the donor's headline and its first
           sentence, as two lines
source     ``similar``: the most similar other article (TF-IDF cosine of the whole texts, same
           part), the same subject; ``random``: any other article of the part
position   ``end``: after the last line; ``middle``: between two paragraphs (after a line that
           ends like a sentence, never before the second line)
=========  ==============================================================================

Each receiver appears ``--variants`` times (default 4), each time in a different one of ten slots:
the eight kind × source × position cells and two *controls* (no insertion: 20%), so every cell
gets the same number of documents and a receiver never gets the same cell twice. Everything is
seeded by the article id, the variant and ``--seed``.

**Figures**, per part and per cell, for each system, all run end to end in the same run on the same
documents: ``release`` is the current release's stages (the off-topic rules and the learned teaser
model at 0.98, no splice detector: what ``main`` cleans with); ``dedupe`` is this tree's default
(the off-topic rules, the teaser model on runs of headlines only, and the splice detector,
:class:`dedupe.stages.offtopic.SplicedPassage`); ``--wirings`` adds ``both`` (the teaser model on
single headlines too), ``rules`` (the rules alone) and ``detector`` (the detector alone):

- ``found``: share of the inserted lines removed (by any stage);
- ``whole``: share of insertions removed entirely;
- ``lost``: share of the genuine (gold) lines removed by any stage, ``off`` by an off-topic
  decision (reason ``offtopic.*``);
- ``emptied``: documents left without any genuine line.

The targets of issue 21 are on the measured part: teaser ≥ 0.90 found (random), ≥ 0.75 (similar);
lede ≥ 0.80 (random), ≥ 0.50 (similar); genuine lines lost to off-topic ≤ 0.3%; controls ≤ 0.2%.

``generate()`` is also the source of the detector's training data (``training/train_splice.py``,
tune part only). Nothing generated here is written into the repository (dragnet is AGPL).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import regex as re

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
DEFAULT_CACHE = Path.home() / ".cache" / "dedupe-splice"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from datasplit import MEASURE, TUNE, domain_of, split_of  # noqa: E402

SETS = ("wcxb", "portal", "dragnet")
DATA_FILES = {
    "portal": "portal/portal.jsonl.gz",
    "dragnet": "dragnet/dragnet.jsonl.gz",
    "wcxb": "wcxb/wcxb-dev.jsonl.gz",
}
KINDS = ("teaser", "lede")
SOURCES = ("random", "similar")
POSITIONS = ("end", "middle")
CELLS: tuple[tuple[str, str, str], ...] = tuple((k, s, p) for k in KINDS for s in SOURCES for p in POSITIONS)
#: Ten slots per receiver: the eight cells and two controls (20% of the documents are clean).
SLOTS: tuple[tuple[str, str, str] | None, ...] = (*CELLS, None, None)
CONTROL = "control"

#: An article has at least this many prose paragraphs (a body to insert into).
MIN_PROSE = 3
#: ... and at most this many lines (longer golds are listings, not articles).
MAX_LINES = 250
#: A prose paragraph: at least this many words, ending like a sentence.
PROSE_WORDS = 15
#: The lede is looked for among the first lines of the donor.
LEDE_WITHIN = 6
#: A lede paragraph longer than this is cut to its leading sentences (a teaser shows the start).
MAX_LEDE_WORDS = 80
#: The first sentence of a teaser has at least this many words (else the second one joins it).
MIN_SENTENCE_WORDS = 8
#: Two articles this similar (TF-IDF cosine) are copies of one page, not two stories.
COPY_SIMILARITY = 0.9

_SENT = re.compile(r"(?<=[.!?][\"”’)]?)\s+(?=[\"“‘(]?[\p{Lu}\p{N}])")
_ENDS = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_DIGITS = re.compile(r"\d{1,2}[:/,]\s?\d{2}")
_WORD = re.compile(r"[\p{L}\p{N}]+")
# A line of the text as the cleaner segments it (dedupe.segment): any of these ends a line.
_LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")


# ---------------------------------------------------------------------------------------- articles


@dataclass(frozen=True)
class Article:
    """A human article body and the passages it can give as a donor."""

    id: str
    set: str
    part: str
    domain: str
    lines: tuple[str, ...]  # the receiver's lines (the title first where it has one)
    headline: str | None  # its headline, for a teaser
    lede: str | None  # its lede paragraph
    sentence: str | None  # the first sentence of its lede, for a teaser


def _lines(text: str) -> list[str]:
    return [x.strip() for x in _LINE_BREAKS.split(text) if x.strip()]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.split(text) if s.strip()]


def _is_prose(p: str) -> bool:
    return len(p.split()) >= PROSE_WORDS and bool(_ENDS.search(p))


def _is_headline(line: str) -> bool:
    n = len(line.split())
    letters = [w for w in line.split() if w.isalpha()]
    return (
        3 <= n <= 20 and line[-1:] not in ".:;," and len(letters) >= 3 and not _DIGITS.search(line)
    )


def _lede_of(lines: Sequence[str]) -> tuple[str | None, str | None]:
    """The lede paragraph (cut past MAX_LEDE_WORDS) and its first sentence."""
    for p in lines[:LEDE_WITHIN]:
        if not _is_prose(p):
            continue
        sents = _sentences(p)
        if not sents:
            return None, None
        lede = p
        if len(p.split()) > MAX_LEDE_WORDS:
            take: list[str] = []
            for s in sents:
                if take and len(" ".join([*take, s]).split()) > MAX_LEDE_WORDS:
                    break
                take.append(s)
            lede = " ".join(take)
        first = sents[0]
        if len(first.split()) < MIN_SENTENCE_WORDS and len(sents) > 1:
            first = f"{first} {sents[1]}"
        if len(first.split()) < MIN_SENTENCE_WORDS or len(first.split()) > MAX_LEDE_WORDS:
            first = None  # type: ignore[assignment]
        return lede, first
    return None, None


def _key(*parts: object) -> int:
    return int(hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def iter_records(data: Path, name: str) -> Iterator[dict[str, Any]]:
    with gzip.open(data / DATA_FILES[name], "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def load_articles(data: Path = DEFAULT_DATA, sets: Sequence[str] = SETS) -> list[Article]:
    """The receivers and donors of every set, in file order."""
    out: list[Article] = []
    for name in sets:
        for rec in iter_records(data, name):
            if name == "wcxb" and rec.get("page_type") != "article":
                continue
            if name == "portal" and not str(rec["id"]).startswith("CleanPortalEval/"):
                continue  # cleaneval-dev: general web pages (forums, shops), not articles
            text = rec["gold_text"]
            lines = _lines(text)
            if sum(map(_is_prose, lines)) < MIN_PROSE or len(lines) > MAX_LINES:
                continue
            if name == "wcxb":
                title = " ".join(str(rec.get("title") or "").split())
                headline = title if _is_headline(title) else None
                if title and _key("title", rec["id"]) % 2 == 0:
                    lines = [title, *lines]
                lede, sentence = _lede_of(_lines(text))
            else:
                headline = lines[0] if _is_headline(lines[0]) else None
                lede, sentence = _lede_of(lines[1:] if headline else lines)
            out.append(
                Article(
                    id=str(rec["id"]),
                    set=name,
                    part=split_of(name, rec),
                    domain=domain_of(name, rec),
                    lines=tuple(lines),
                    headline=headline,
                    lede=lede,
                    sentence=sentence,
                )
            )
    return out


def similarity_matrix(articles: Sequence[Article]) -> np.ndarray:
    """TF-IDF cosine of every pair of articles (log term frequency, smoothed idf, words of 3+
    letters that are not numbers); the diagonal is -1."""
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, a in enumerate(articles):
        counts = Counter(
            w.casefold() for w in _WORD.findall(" ".join(a.lines)) if len(w) > 2 and not w.isdigit()
        )
        for w, c in counts.items():
            rows.append(i)
            cols.append(vocab.setdefault(w, len(vocab)))
            vals.append(1.0 + math.log(c))
    from scipy.sparse import csr_matrix

    m = csr_matrix((vals, (rows, cols)), shape=(len(articles), len(vocab)))
    df = np.bincount(m.indices, minlength=len(vocab))
    idf = np.log((1 + len(articles)) / (1 + df)) + 1.0
    m = m.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    m = csr_matrix(m.multiply(1.0 / norms[:, None]))
    sim = np.asarray((m @ m.T).todense())
    np.fill_diagonal(sim, -1.0)
    return sim


# ------------------------------------------------------------------------------------- generation


@dataclass
class Spliced:
    """A receiver with (or, for a control, without) one inserted passage; lines are labelled."""

    id: str
    receiver: str
    set: str
    part: str
    kind: str  # "teaser", "lede" or "control"
    source: str  # "similar", "random" or ""
    position: str  # "end", "middle" or ""
    donor: str | None
    similarity: float | None
    lines: list[str]
    inserted: list[bool] = field(default_factory=list)

    @property
    def cell(self) -> str:
        return CONTROL if self.kind == CONTROL else f"{self.kind}/{self.source}/{self.position}"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _passage(a: Article, kind: str) -> list[str] | None:
    if kind == "lede":
        return [a.lede] if a.lede else None
    return [a.headline, a.sentence] if a.headline and a.sentence else None


def generate(
    data: Path = DEFAULT_DATA,
    variants: int = 4,
    seed: int = 0,
    parts: Sequence[str] = (TUNE, MEASURE),
    sets: Sequence[str] = SETS,
    articles: Sequence[Article] | None = None,
    pool_of: Callable[[Article], str] | None = None,
) -> Iterator[Spliced]:
    """The spliced documents of ``parts``: every receiver ``variants`` times (at most ten), each time
    in another slot (see the module docstring). ``seed`` draws other slots, donors and positions.

    Donors come from the receiver's own part; ``pool_of`` narrows that to the articles of the
    same pool (the training script's folds: an article's lede never scores a fold it trained)."""
    arts = list(articles) if articles is not None else load_articles(data, sets)
    pools: dict[str, list[Article]] = defaultdict(list)
    for a in arts:
        if a.part in parts:
            pools[a.part if pool_of is None else f"{a.part}:{pool_of(a)}"].append(a)
    for _, pool in sorted(pools.items(), key=lambda kv: (parts.index(kv[1][0].part), kv[0])):
        sim = similarity_matrix(pool)
        for i, a in enumerate(pool):
            start = _key("slot", seed, a.id) % len(SLOTS)
            for v in range(min(variants, len(SLOTS))):
                slot = SLOTS[(start + v) % len(SLOTS)]
                rng = random.Random(f"splice2:{seed}:{a.id}:{v}")
                doc = _splice(a, i, pool, sim, slot, rng)
                doc.id = f"{a.id}#{seed}.{v}"
                yield doc


def _splice(
    a: Article,
    i: int,
    pool: list[Article],
    sim: np.ndarray,
    slot: tuple[str, str, str] | None,
    rng: random.Random,
) -> Spliced:
    lines = list(a.lines)
    base = Spliced("", a.id, a.set, a.part, CONTROL, "", "", None, None, lines, [False] * len(lines))
    if slot is None:
        return base
    kind, source, position = slot
    own = set(lines)
    usable = [
        j
        for j in range(len(pool))
        if j != i and sim[i, j] < COPY_SIMILARITY and (p := _passage(pool[j], kind)) and not own & set(p)
    ]
    if not usable:
        return base
    j = max(usable, key=lambda j: sim[i, j]) if source == "similar" else rng.choice(usable)
    passage = _passage(pool[j], kind)
    assert passage is not None
    if position == "end":
        at = len(lines)
    else:
        # Between two paragraphs: after a line that ends like a sentence, with a line after it.
        gaps = [g for g in range(2, len(lines)) if _ENDS.search(lines[g - 1])]
        at = rng.choice(gaps or list(range(1, len(lines))))
    lines[at:at] = passage
    inserted = [False] * len(a.lines)
    inserted[at:at] = [True] * len(passage)
    return Spliced(
        "", a.id, a.set, a.part, kind, source, position, pool[j].id, round(float(sim[i, j]), 3), lines, inserted
    )


# ------------------------------------------------------------------------------------- evaluation


@dataclass
class Outcome:
    """What one system did to one spliced document, line by line."""

    removed: list[bool]
    offtopic: list[bool]  # removed by an off-topic decision
    notes: list[str] = field(default_factory=list)  # per line: the reason (or "")


def release_outcome(doc: Spliced, result: Any) -> Outcome:
    """Map a ``CleanResult`` of ``doc.text`` back onto the document's lines."""
    blocks, decisions = result.blocks, result.decisions
    if len(blocks) != len(doc.lines):  # cannot happen: the lines are the cleaner's own segmentation
        raise AssertionError(f"{doc.id}: {len(blocks)} blocks for {len(doc.lines)} lines")
    removed = [not d.kept for d in decisions]
    off = [not d.kept and str(d.reason).startswith("offtopic") for d in decisions]
    notes = ["" if d.kept else f"{d.reason}:{d.evidence.get('rule', '')}" for d in decisions]
    return Outcome(removed, off, notes)


class ReleaseCache:
    """Outcomes of one system on disk, keyed by the text and a hash of the library's code and models
    (``src/dedupe``; for a system without the splice detector, without the detector's own files):
    re-running the benchmark to try a detector does not clean 4,000 documents again."""

    #: The splice detector's own files: changing them does not change a system without it.
    DETECTOR_FILES = ("discourse.py", "splice_model.json")

    def __init__(self, root: Path | None, tag: str = "release", detector: bool = False) -> None:
        self.path: Path | None = None
        self.data: dict[str, Any] = {}
        if root is None:
            return
        h = hashlib.sha1()
        src = REPO_ROOT / "src" / "dedupe"
        for p in sorted(src.rglob("*")):
            if p.is_file() and p.suffix in (".py", ".json") and (detector or p.name not in self.DETECTOR_FILES):
                h.update(p.relative_to(src).as_posix().encode() + b"\0" + p.read_bytes())
        self.path = root / f"{tag}-{h.hexdigest()[:16]}.json.gz"
        if self.path.is_file():
            with gzip.open(self.path, "rt", encoding="utf-8") as f:
                self.data = json.load(f)
        self.dirty = False

    dirty = False

    def get(self, doc: Spliced, clean: Callable[[str], Any]) -> Outcome:
        key = hashlib.sha1(doc.text.encode("utf-8")).hexdigest()
        hit = self.data.get(key)
        if hit is None:
            out = release_outcome(doc, clean(doc.text))
            self.data[key] = [out.removed, out.offtopic, out.notes]
            self.dirty = True
            return out
        return Outcome(*hit)

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with gzip.open(tmp, "wt", encoding="utf-8") as f:
            json.dump(self.data, f)
        tmp.replace(self.path)


def tally(docs: Sequence[Spliced], outcomes: Sequence[Outcome]) -> dict[str, Counter[str]]:
    """Counts per cell (and ``all``, ``inserted``, per kind × source): documents, inserted lines and
    insertions, found, genuine lines and lost, emptied documents."""
    t: dict[str, Counter[str]] = defaultdict(Counter)
    for d, o in zip(docs, outcomes):
        keys = [d.cell, "all"]
        if d.kind != CONTROL:
            keys += ["inserted", f"{d.kind}/{d.source}", d.kind]
        ins = [r for r, x in zip(o.removed, d.inserted) if x]
        gen_removed = [r for r, x in zip(o.removed, d.inserted) if not x]
        gen_off = [r for r, x in zip(o.offtopic, d.inserted) if not x]
        for key in keys:
            c = t[key]
            c["docs"] += 1
            c["ins_lines"] += len(ins)
            c["found"] += sum(ins)
            c["insertions"] += bool(ins)
            c["whole"] += bool(ins) and all(ins)
            c["genuine"] += len(gen_removed)
            c["lost"] += sum(gen_removed)
            c["lost_off"] += sum(gen_off)
            c["emptied"] += bool(gen_removed) and all(gen_removed)
    return t


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:6.2f}" if b else "     -"


def _share(a: int, b: int) -> str:
    return f"{a / b:6.3f}" if b else "     -"


ROW_ORDER = (*(f"{k}/{s}/{p}" for k, s, p in CELLS), *(f"{k}/{s}" for k in KINDS for s in SOURCES),
             "inserted", CONTROL, "all")  # fmt: skip


def table(title: str, systems: dict[str, dict[str, Counter[str]]]) -> str:
    """One table: a row per cell and system (found, whole, lost %, lost to off-topic %, emptied)."""
    head = (
        f"{'cell':22} {'system':10} {'docs':>5} {'ins':>5} {'found':>6} {'whole':>6} "
        f"{'lost%':>6} {'off%':>6} {'empty':>5}"
    )
    out = [f"== {title}", head, "-" * len(head)]
    for row in ROW_ORDER:
        for name, t in systems.items():
            c = t.get(row)
            if not c:
                continue
            out.append(
                f"{row:22} {name:10} {c['docs']:5} {c['insertions']:5} {_share(c['found'], c['ins_lines'])} "
                f"{_share(c['whole'], c['insertions'])} {_pct(c['lost'], c['genuine'])} "
                f"{_pct(c['lost_off'], c['genuine'])} {c['emptied']:5}"
            )
        if row in (ROW_ORDER[len(CELLS) - 1], ROW_ORDER[len(CELLS) + len(KINDS) * len(SOURCES) - 1]):
            out.append("")
    return "\n".join(out)


TARGETS = {
    # (row, figure): (target, at least?)
    ("teaser/random", "found"): (0.90, True),
    ("teaser/similar", "found"): (0.75, True),
    ("lede/random", "found"): (0.80, True),
    ("lede/similar", "found"): (0.50, True),
    ("all", "lost_off_pct"): (0.3, False),
    (CONTROL, "lost_off_pct"): (0.2, False),
}


def figures(t: dict[str, Counter[str]]) -> dict[str, float]:
    """The headline figures of one system on one part (what the floors pin)."""
    out: dict[str, float] = {}
    for row in (*(f"{k}/{s}" for k in KINDS for s in SOURCES), "inserted"):
        c = t[row]
        out[f"{row}.found"] = c["found"] / max(1, c["ins_lines"])
    for row in ("all", CONTROL):
        c = t[row]
        out[f"{row}.lost_off_pct"] = 100 * c["lost_off"] / max(1, c["genuine"])
        out[f"{row}.lost_pct"] = 100 * c["lost"] / max(1, c["genuine"])
        out[f"{row}.emptied"] = float(c["emptied"])
    return out


def targets_report(name: str, t: dict[str, Counter[str]]) -> str:
    f = figures(t)
    parts = []
    for (row, fig), (target, at_least) in TARGETS.items():
        v = f[f"{row}.{fig}"]
        ok = v >= target if at_least else v <= target
        unit = "%" if fig.endswith("pct") else ""
        parts.append(f"{row} {fig} {v:.3f}{unit} {'>=' if at_least else '<='} {target}{unit} {'MET' if ok else 'not met'}")
    return f"targets ({name}): " + "; ".join(parts)


def systems(threshold: float | None = None, all_wirings: bool = False) -> dict[str, Any]:
    """The systems compared, each a :class:`dedupe.Config` (see the module docstring);
    ``threshold`` replaces the detector's (``offtopic.splice_threshold``)."""
    import dedupe
    from dedupe.config import OFFTOPIC_MODEL_THRESHOLD, OFFTOPIC_SPLICE_THRESHOLD

    oc = dedupe.OfftopicConfig
    thr = OFFTOPIC_SPLICE_THRESHOLD if threshold is None else threshold
    out = {
        "release": dedupe.Config(
            offtopic=oc(model_threshold=OFFTOPIC_MODEL_THRESHOLD, model_min_run=1, splice_threshold=None)
        ),
        "dedupe": dedupe.Config(offtopic=oc(splice_threshold=thr)),
    }
    if all_wirings:
        out["both"] = dedupe.Config(offtopic=oc(model_min_run=1, splice_threshold=thr))
        out["rules"] = dedupe.Config(offtopic=oc(model_threshold=None, splice_threshold=None))
        out["detector"] = dedupe.Config(offtopic=oc(score=math.inf, model_threshold=None, splice_threshold=thr))
    return out


def clear_caches(module: Any = None) -> None:
    """Empty the bounded ``functools.lru_cache`` s (those keyed by text) of ``module`` (default: of
    every loaded ``dedupe`` module); the unbounded ones hold models and stopword lists, loaded once
    per process."""
    mods = [module] if module is not None else [m for n, m in list(sys.modules.items()) if n.startswith("dedupe")]
    for mod in mods:
        for value in list(vars(mod).values()):
            info = getattr(value, "cache_info", None)
            if callable(info) and info().maxsize is not None and getattr(value, "__module__", "") == mod.__name__:
                value.cache_clear()


def measure_cost(docs: Sequence[Spliced], rounds: int = 5) -> str:
    """Cost per input byte of plain-text cleaning (each receiver once, as the first of its spliced
    documents), the best of ``rounds`` rounds per text: ``without`` (this tree's default without the
    splice detector), ``dedupe`` (with it: the difference is what the detector adds) and ``release``; and the
    detector alone on the blocks the stages before it kept (its own caches cleared, the text caches
    of the stages before it warm, as they are when the off-topic stage runs)."""
    import dedupe
    from dedupe import discourse
    from dedupe.lang import guess_stoplist_texts

    first: dict[str, Spliced] = {}
    for d in docs:
        first.setdefault(d.receiver, d)
    texts = [d.text for d in first.values()]
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    configs = systems()
    configs["without"] = dedupe.Config(offtopic=dedupe.OfftopicConfig(splice_threshold=None))
    cleaners = {name: dedupe.Cleaner(configs[name]) for name in ("without", "dedupe", "release")}
    det = discourse.detector()
    # CPU time of this process, each text through every system in turn, the best of the rounds per
    # text and system: the machine is shared, and load that drifts during a run must not favour a
    # system measured at a quiet moment. Every cache of the library is emptied before each run
    # (a text is new to a pipeline that cleans it).
    best: dict[str, list[float]] = {name: [math.inf] * len(texts) for name in ("detector", *cleaners)}
    for _ in range(rounds):
        for i, text in enumerate(texts):
            clear_caches()
            res = cleaners["without"].clean(text)
            kept = [b.text for b, dec in zip(res.blocks, res.decisions) if dec.kept]
            stop = guess_stoplist_texts([b.text for b in res.blocks])[1]  # the pipeline has it
            clear_caches(discourse)
            t0 = time.process_time()
            det.detect(kept, stop)
            best["detector"][i] = min(best["detector"][i], time.process_time() - t0)
            for name, cleaner in cleaners.items():
                clear_caches()
                t0 = time.process_time()
                cleaner.clean(text)
                best[name][i] = min(best[name][i], time.process_time() - t0)
    per = {k: 1e6 * sum(v) / n_bytes for k, v in best.items()}
    return (
        f"cost (us per input byte, {len(texts)} texts, {n_bytes / 1e6:.2f} MB of plain text, CPU time, best of "
        f"{rounds} per text; budget: the detector adds at most 0.1): without the detector "
        f"{per['without']:.3f}, dedupe {per['dedupe']:.3f} (detector added {per['dedupe'] - per['without']:+.3f}), "
        f"detector alone {per['detector']:.3f}; release {per['release']:.3f} "
        f"(dedupe {per['dedupe'] - per['release']:+.3f})"
    )


def seed_docs(seeds_dir: Path = REPO_ROOT / "seeds") -> list[Spliced]:
    """Same story, for real: the five seed articles report one event. Their gold lines (title and
    text) are the receivers; each gets every other seed's lede (its first paragraph of prose) and
    teaser (its title and that paragraph's first sentence), at the end and in the middle."""
    gold = json.loads((seeds_dir / "gold.json").read_text(encoding="utf-8"))
    bodies = []
    for g in gold:
        lines = [x["line"].strip() for x in g["lines"] if x["label"] in ("title", "keep")]
        title = next((x["line"].strip() for x in g["lines"] if x["label"] == "title"), None)
        lede = next((x for x in lines[1:] if _is_prose(x)), None)
        bodies.append((g["file"], lines, title, lede))
    out = []
    for rid, lines, _, _ in bodies:
        out.append(Spliced(f"seeds/{rid}", rid, "seeds", "seeds", CONTROL, "", "", None, None, list(lines), [False] * len(lines)))
        for did, _, title, lede in bodies:
            if did == rid or lede is None:
                continue
            sents = _sentences(lede)
            for kind, passage in (("lede", [lede]), ("teaser", [title, sents[0]] if title and sents else [])):
                if not passage or set(passage) & set(lines):
                    continue
                for position, at in (("end", len(lines)), ("middle", len(lines) // 2)):
                    new = lines[:at] + passage + lines[at:]
                    ins = [False] * at + [True] * len(passage) + [False] * (len(lines) - at)
                    out.append(Spliced(f"seeds/{rid}+{did}/{kind}/{position}", rid, "seeds", "seeds", kind, "similar", position, did, None, new, ins))
    return out


def seed_check(configs: dict[str, Any]) -> str:
    """Each system on the five seeds as they are: the gold's off-topic lines must go, and no other
    line may go by an off-topic decision."""
    import dedupe

    gold = json.loads((REPO_ROOT / "seeds" / "gold.json").read_text(encoding="utf-8"))
    out = ["the seeds as they are (gold off-topic lines must go; no other line by an off-topic decision):"]
    for name, config in configs.items():
        cleaner = dedupe.Cleaner(config)
        missed, wrong, found = [], [], 0
        for g in gold:
            res = cleaner.clean((REPO_ROOT / "seeds" / g["file"]).read_text(encoding="utf-8"))
            for k, x in enumerate(g["lines"]):
                d = res.decisions[k]
                if x["label"] == "offtopic":
                    found += not d.kept
                    if d.kept:
                        missed.append(f"    missed {g['file'][:3]}:{k} {res.blocks[k].text[:70]}")
                elif not d.kept and d.reason.startswith("offtopic"):
                    wrong.append(f"    WRONG  {g['file'][:3]}:{k} [{x['label']}] {d.evidence} :: {res.blocks[k].text[:60]}")
        n_off = sum(x["label"] == "offtopic" for g in gold for x in g["lines"])
        verdict = "exact" if not missed and not wrong else "NOT exact"
        out.append(f"  {name:9} off-topic lines removed {found}/{n_off}, other lines by off-topic {len(wrong)}: {verdict}")
        out.extend(missed + wrong)
    return "\n".join(out)


#: The fixed slice the floors are measured on: the measured part, one document per receiver.
FLOOR_SLICE = {"variants": 1, "seed": 0}


def floor_figures(data: Path = DEFAULT_DATA) -> dict[str, float]:
    """What ``tests/test_quality_floors.py`` pins: the headline figures of ``dedupe`` (this tree's
    default) on :data:`FLOOR_SLICE` of the measured part (about 200 documents, a few seconds)."""
    import dedupe

    docs = list(generate(data, FLOOR_SLICE["variants"], FLOOR_SLICE["seed"], parts=(MEASURE,)))
    outcomes = [release_outcome(d, dedupe.clean(d.text)) for d in docs]
    return {f"splice2.measure.{key}": value for key, value in figures(tally(docs, outcomes)).items()}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--variants", type=int, default=4, help="documents per receiver (at most 10)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--part", choices=(TUNE, MEASURE, "both"), default="both")
    ap.add_argument("--wirings", action="store_true", help="also the rows both, rules and detector")
    ap.add_argument("--threshold", type=float, default=None, help="the detector's threshold (default: the config's)")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="outcomes cache ('' for none)")
    ap.add_argument("--show", type=int, default=0, help="print this many missed/false examples per system")
    ap.add_argument("--json", type=Path, default=None, help="write the figures as JSON here")
    ap.add_argument("--no-cost", action="store_true", help="skip the cost measurement")
    args = ap.parse_args(argv)
    if str(REPO_ROOT / "src") not in sys.path:
        sys.path.insert(0, str(REPO_ROOT / "src"))
    import dedupe

    parts = (TUNE, MEASURE) if args.part == "both" else (args.part,)
    t0 = time.perf_counter()
    arts = load_articles(args.data)
    docs = list(generate(args.data, args.variants, args.seed, parts, articles=arts))
    seeds = seed_docs()
    print(
        f"{len(arts)} articles ("
        + ", ".join(f"{p} {sum(a.part == p for a in arts)}" for p in (TUNE, MEASURE))
        + f"); {len(docs)} documents, {sum(d.kind != CONTROL for d in docs)} with an insertion "
        f"(variants {args.variants}, seed {args.seed}); made in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    root = args.cache if str(args.cache) else None
    configs = systems(args.threshold, args.wirings)
    runners = {
        name: (
            ReleaseCache(root, f"{name}-{config.offtopic.splice_threshold}", config.offtopic.splice_threshold is not None),
            dedupe.Cleaner(config).clean,
        )
        for name, config in configs.items()
    }
    everything = docs + seeds
    outcomes: dict[str, list[Outcome]] = {name: [] for name in configs}
    for n, d in enumerate(everything):
        for name, (cache, clean) in runners.items():
            outcomes[name].append(cache.get(d, clean))
        if n % 500 == 499:
            print(f"  {n + 1} documents", file=sys.stderr)
            for cache, _ in runners.values():
                cache.save()
    for cache, _ in runners.values():
        cache.save()
    report: dict[str, Any] = {}
    for part in (*parts, "seeds"):
        idx = [i for i, d in enumerate(everything) if d.part == part]
        sub = [everything[i] for i in idx]
        tallies = {name: tally(sub, [outs[i] for i in idx]) for name, outs in outcomes.items()}
        title = "seeds, same story: each seed's lede and teaser in every other seed" if part == "seeds" else part
        print(table(f"splice2/{title} ({len({d.receiver for d in sub})} receivers)", tallies))
        if part != "seeds":
            for name, t in tallies.items():
                print(targets_report(name, t))
                report[f"{part}.{name}"] = figures(t)
        print()
        for name, outs in outcomes.items():
            shown = 0
            for i in idx:
                d, o = everything[i], outs[i]
                for line, ins, rem, note in zip(d.lines, d.inserted, o.removed, o.notes):
                    if shown >= args.show:
                        break
                    if ins and not rem:
                        print(f"MISSED {name} [{d.cell}] {d.id}: {line[:140]}")
                        shown += 1
                    elif not ins and rem and note.startswith("offtopic"):
                        print(f"FALSE  {name} [{d.cell}] {d.id}: {line[:140]} ({note[:160]})")
                        shown += 1
    print(seed_check(configs))
    if not args.no_cost:
        print(measure_cost([d for d in docs if d.part == parts[-1]]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
