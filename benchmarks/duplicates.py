"""Repeats: pasted copies removed, structural repeats kept, edited copies found across documents.

Usage (from the repository root)::

    .venv/bin/python benchmarks/duplicates.py                      # tune and measure parts
    .venv/bin/python benchmarks/duplicates.py --parts tune --show 20
    .venv/bin/python benchmarks/duplicates.py --json out/duplicates.json

Real labelled copies are rare in the development sets, so this benchmark makes them, the way copies
get into scraped text, with a seeded generator (``--seed``), into human article bodies: the gold
texts of ``wcxb`` (article pages, their ``title`` as the first line unless one of the first three
lines resembles it already), ``portal`` and ``dragnet``
(``<data>/README.md``), each split into its ``tune`` and ``measure`` part by
``benchmarks/datasplit.py`` (figures are reported per part: rules are tuned on ``tune`` only).
Every line is labelled: an original line of the body is *genuine*, an injected one carries its
kind. Nothing generated here is written into the repository (dragnet is AGPL).

Within a document (each body on its own, stage ``duplicates`` only):

``run`` / ``run_short``
    a run of 2-6 consecutive paragraphs copied verbatim further down (``run_short``: the run holds
    a line of fewer than three words or without end punctuation, a product name or a heading);
``run_cjk``
    the same in Chinese and Japanese bodies (synthetic: the development sets hold no page in those
    scripts), whose lines end in '。' or are headings;
``typo`` / ``add`` / ``drop`` / ``clause``
    one paragraph of 12+ words copied further down with one typo, one word added, one word
    dropped, or one clause replaced by words of another article;
``merge``
    two adjacent paragraphs fused into one, further down;
``title_exact`` / ``title_affix``
    the title repeated in the lower half, as it is or with a site name after or before it
    (``Title | Site``, ``Title - Site``, ``Title – Site``, ``Site :: Title``).

Pages whose genuine structure repeats (all lines genuine; ``structure/<kind>``): interviews with
the same question label or the same question before each answer, recipe cards, job listings, a
table of contents followed by its sections, parallel sentences, templated blurbs. They are built
from templates with the generator's seed; every line of them must stay.

Across documents (the bodies of a part in a seeded order, stages ``duplicates`` and ``corpus``):
paragraphs of an earlier document copied into a later one, from the most similar earlier document
(``similar``: most content words in common) or from a random one (``random``), verbatim or with
the edits above, for paragraphs of 12+ words (``12+``) and of 15-30 words (``15-30``); some
documents take 30-50% of an earlier document's lines verbatim (``x_partial``; ``x_partial_short``
for lines under six words, which corpus mode does not match by design: they are reported but not
in the F1), their other lines new. Whole documents: a few documents are near copies of an earlier one (a typo, a line dropped or
added, a site name after the title; word 5-gram Jaccard >= 0.8 by construction); they must be
flagged with ``duplicate_of`` (the partial copies must not be).

Figures: per kind the share of injected lines removed (recall); per group the removal precision,
recall and F1 and the share of genuine lines removed ("genuine lost"). A line of a body that
repeats an earlier line of the same body exactly is a copy already in the gold, or structure the
gold does not tell apart: it is not scored, and "repeats removed" counts how many of them went.
Peers on the same input in the same run:

``datasketch``
    datasketch's ``MinHashLSH`` (threshold 0.5, 128 permutations) over paragraphs, word 3-gram
    shingles (a line of fewer than three words is one shingle), first occurrence kept: a paragraph
    is removed when a retrieved earlier paragraph's estimated Jaccard reaches 0.5 (within a
    document: one index per document; across documents: one index for the corpus). Whole
    documents: ``MinHashLSH(threshold=0.8)`` over word 5-grams of the document, datatrove's and
    NeMo Curator's setting;
``exact``
    a line is removed when its normalised text (``dedupe.text.normalize``) was seen before; a
    document when its whole normalised text was.

The index memory of corpus mode is ``CorpusIndex.nbytes`` over the paragraphs it holds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex as re

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

from datasplit import split_of  # noqa: E402

DATA_FILES = {
    "portal": "portal/portal.jsonl.gz",
    "dragnet": "dragnet/dragnet.jsonl.gz",
    "wcxb": "wcxb/wcxb-dev.jsonl.gz",
}
WITHIN_KINDS = (
    "run",
    "run_short",
    "run_cjk",
    "typo",
    "add",
    "drop",
    "clause",
    "merge",
    "title_exact",
    "title_affix",
)
EDITS = ("verbatim", "typo", "add", "drop", "clause")
SOURCES = ("similar", "random")
#: Lines shorter than this are not matched across documents by design (dedupe's corpus.min_words:
#: "No other details were immediately available." recurs in unrelated articles); copies of them
#: are reported apart (``x_partial_short``) and left out of the across-documents F1.
CORPUS_MIN_WORDS = 6
UNSCORED = ("x_partial_short",)
BUCKETS = ("12+", "15-30")
STRUCTURE_KINDS = (
    "interview_label",
    "interview_question",
    "recipe_cards",
    "job_listings",
    "toc_sections",
    "parallel_sentences",
    "templated_blurbs",
)
#: Words an edit may add (adverbs and adjectives an editor slips in).
ADD_WORDS = (
    "also", "still", "now", "very", "really", "just", "recently", "already", "largely", "reportedly",
    "new", "major", "local", "former", "several", "only", "even", "quickly", "finally", "widely",
)  # fmt: skip
SITES = (
    "The Daily Ledger", "Metro Post", "Tech Notes", "Harbor Times", "Northside News", "The Courier",
    "Field Guide", "Open Kitchen", "City Wire", "Weekend Review", "Market Watch Today", "Signal",
)  # fmt: skip
AFFIX_FORMS = ("{t} | {s}", "{t} - {s}", "{t} – {s}", "{s} :: {t}", "{s} | {t}")
_END_PUNCT = re.compile(r"[.!?…。！？]['\"”’)\]]*$")
#: A word as a reader counts it: letters and digits, with inner apostrophes and hyphens ("it's").
_WORD = re.compile(r"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*")
_LETTERS = re.compile(r"\p{L}{4,}")


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def norm(text: str) -> str:
    return " ".join(words(text))


# ---------------------------------------------------------------------------------------------
# Bodies
# ---------------------------------------------------------------------------------------------


@dataclass
class Body:
    id: str
    group: str  # "wcxb/article", "portal", "dragnet", "cjk/zh", "cjk/ja"
    part: str
    lines: list[str]
    has_title: bool
    site: str


@dataclass
class Doc:
    """A generated document: its lines, each genuine (kind None) or injected (its kind)."""

    id: str
    group: str
    part: str
    lines: list[str] = field(default_factory=list)
    kinds: list[str | None] = field(default_factory=list)
    repeated: list[bool] = field(default_factory=list)  # genuine line repeating an earlier one
    near_copy_of: str | None = None
    partial_of: str | None = None
    used: set[str] = field(default_factory=set)  # keys of lines already copied (each is copied once)

    def add(self, line: str, kind: str | None, repeated: bool = False) -> None:
        self.lines.append(line)
        self.kinds.append(kind)
        self.repeated.append(repeated)

    def insert(self, pos: int, line: str, kind: str) -> None:
        self.lines.insert(pos, line)
        self.kinds.insert(pos, kind)
        self.repeated.insert(pos, False)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _clean_lines(text: str) -> list[str]:
    out = []
    for line in re.split(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+", text):
        line = line.strip()
        if line:
            out.append(line)
    return out


def _site_of(set_name: str, rec: dict[str, Any], rng: random.Random) -> str:
    host = str(rec.get("domain") or "")
    if not host and rec.get("url"):
        host = re.sub(r"^https?://(www\.)?", "", str(rec["url"])).split("/")[0]
    if host:
        name = host.removeprefix("www.").split(".")[0]
        return rng.choice([name.capitalize(), host.removeprefix("www."), name.upper() + " News"])
    return rng.choice(SITES)


def _resembles(a: str, b: str) -> bool:
    """Half the words of one are in the other (a page title and the article's own headline)."""
    x, y = set(words(a)), set(words(b))
    return bool(x and y) and len(x & y) >= 0.5 * min(len(x), len(y))


def load_bodies(data: Path, parts: Sequence[str]) -> list[Body]:
    out = []
    for set_name in ("wcxb", "portal", "dragnet"):
        with gzip.open(data / DATA_FILES[set_name], "rt", encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                if set_name == "wcxb" and rec.get("page_type") != "article":
                    continue
                part = split_of(set_name, rec)
                if part not in parts:
                    continue
                lines = _clean_lines(rec["gold_text"])
                rng = random.Random(f"site:{rec['id']}")
                has_title = False
                title = " ".join((rec.get("title") or "").split())
                if set_name == "wcxb" and title and not any(_resembles(title, line) for line in lines[:3]):
                    lines.insert(0, title)
                    has_title = True
                elif lines and len(words(lines[0])) <= 20 and not _END_PUNCT.search(lines[0]):
                    has_title = True
                if len(lines) < 4:
                    continue
                group = "wcxb/article" if set_name == "wcxb" else set_name
                out.append(Body(rec["id"], group, part, lines, has_title, _site_of(set_name, rec, rng)))
    return out


# Synthetic bodies in scripts written without spaces (the development sets hold none): a local news
# story in Chinese and in Japanese, sentences ending in '。', headings without.
ZH_SENTENCES = (
    "市政府周二宣布，将在明年春季前完成老城区供水管网的全面改造。",
    "据当地官员介绍，这项工程总投资约为十二亿元，预计惠及三十万居民。",
    "部分居民表示，施工期间的临时停水安排应当至少提前一周通知。",
    "专家认为，管网老化是近年来城市漏损率居高不下的主要原因。",
    "工程指挥部负责人说，施工将分片进行，尽量减少对交通的影响。",
    "去年夏天，城东地区曾因主管道破裂停水近两天。",
    "市人大代表在会上建议，将改造进度定期向社会公开。",
    "交通部门将在主要路口增派人员，引导过往车辆绕行。",
    "供水公司承诺，停水超过十二小时的区域将安排送水车。",
    "一些商户担心，道路开挖会影响节假日期间的客流。",
    "区政府表示，将为受影响的小微企业提供一定的租金减免。",
    "这是本市近二十年来规模最大的一次基础设施更新。",
    "施工单位已于上月完成招标，首批工人将于下周进场。",
    "环保部门提醒，施工产生的噪音不得在夜间十点后继续。",
    "有居民在社交媒体上留言，希望工程能如期完工。",
    "市政府还计划同步更换部分路段的燃气管道和通信线缆。",
    "据悉，新管网采用耐腐蚀材料，设计使用寿命超过五十年。",
    "相关部门表示，将设立热线电话，及时回应市民的投诉和建议。",
)
ZH_HEADINGS = ("工程进度", "居民反应", "专家观点", "交通安排", "下一步计划", "资金来源", "记者手记")
JA_SENTENCES = (
    "市は火曜日、旧市街の水道管を来年春までに全面的に更新すると発表した。",
    "担当者によると、総事業費は約百二十億円で、約三十万人の住民が恩恵を受ける見込みだ。",
    "一部の住民は、工事期間中の断水について一週間前には知らせてほしいと話している。",
    "専門家は、配管の老朽化が近年の漏水率の高さの主な原因だと指摘する。",
    "工事は地区ごとに分けて行われ、交通への影響を最小限に抑えるという。",
    "昨年の夏には、東部地域で本管が破裂し、二日近く断水が続いた。",
    "市議会では、工事の進み具合を定期的に公表するよう求める声が上がった。",
    "主要な交差点には誘導員が配置され、車両の迂回を案内する。",
    "水道局は、十二時間を超える断水の地域には給水車を派遣すると約束した。",
    "商店の中には、道路の掘削が連休中の客足に響くと心配する声もある。",
    "区は、影響を受ける小規模事業者に対して家賃の一部を補助する方針だ。",
    "市にとって、この二十年で最大規模のインフラ更新となる。",
    "施工業者は先月の入札で決まり、来週から作業員が現場に入る。",
    "夜十時以降の騒音を伴う作業は禁止されると環境部局は説明した。",
    "交流サイトには、予定通りの完成を願う住民の書き込みが相次いだ。",
    "市はガス管や通信ケーブルの一部も同時に取り替える計画だ。",
    "新しい水道管は腐食に強い素材を使い、五十年以上の使用を想定している。",
    "市は専用の相談窓口を設け、住民からの苦情や要望に応じるとしている。",
)
JA_HEADINGS = ("工事の進み具合", "住民の声", "専門家の見方", "交通への影響", "今後の予定", "財源", "記者の目")


def cjk_bodies(n: int, seed: int, part: str) -> list[Body]:
    out = []
    for lang, sents, heads in (("zh", ZH_SENTENCES, ZH_HEADINGS), ("ja", JA_SENTENCES, JA_HEADINGS)):
        for i in range(n):
            rng = random.Random(f"cjk:{seed}:{part}:{lang}:{i}")
            body = rng.sample(list(sents), rng.randint(7, 11))
            for h in rng.sample(list(heads), 2):
                body.insert(rng.randint(1, len(body) - 1), h)
            title = rng.choice(sents).rstrip("。")[:18]
            out.append(Body(f"cjk-{lang}-{part}-{i}", f"cjk/{lang}", part, [title, *body], True, "新闻网"))
    return out


# ---------------------------------------------------------------------------------------------
# Edits
# ---------------------------------------------------------------------------------------------


def typo(text: str, rng: random.Random) -> str | None:
    toks = text.split(" ")
    spots = [(i, m) for i, t in enumerate(toks) for m in _LETTERS.finditer(t)]
    if not spots:
        return None
    i, m = rng.choice(spots)
    w = m.group()
    j = rng.randrange(1, len(w) - 1)
    op = rng.choice(("swap", "delete", "double", "replace"))
    if op == "swap" and w[j] != w[j + 1]:
        new = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif op == "delete":
        new = w[:j] + w[j + 1 :]
    elif op == "double":
        new = w[:j] + w[j] + w[j:]
    else:
        c = rng.choice([c for c in "aeioustrnl" if c != w[j].lower()])
        new = w[:j] + c + w[j + 1 :]
    toks[i] = toks[i][: m.start()] + new + toks[i][m.end() :]
    return " ".join(toks)


def add_word(text: str, rng: random.Random) -> str | None:
    toks = text.split(" ")
    if len(toks) < 3:
        return None
    toks.insert(rng.randrange(1, len(toks)), rng.choice(ADD_WORDS))
    return " ".join(toks)


def drop_word(text: str, rng: random.Random) -> str | None:
    toks = text.split(" ")
    spots = [i for i, t in enumerate(toks) if _WORD.search(t) and 0 < i < len(toks) - 1]
    if len(toks) < 4 or not spots:
        return None
    del toks[rng.choice(spots)]
    return " ".join(toks)


def replace_clause(text: str, donor: str, rng: random.Random) -> str | None:
    """A clause (words between commas, else a quarter of the words) replaced by donor words."""
    toks = text.split(" ")
    n = len(toks)
    cap = max(2, min(12, round(0.3 * n)))
    spans = []
    start = 0
    for i, t in enumerate(toks):
        if t.endswith((",", ";", ":")) or i == n - 1:
            if 2 <= i + 1 - start <= cap:
                spans.append((start, i + 1))
            start = i + 1
    if spans:
        a, b = rng.choice(spans)
    else:
        size = max(2, min(cap, round(rng.uniform(0.2, 0.3) * n)))
        a = rng.randrange(0, n - size + 1)
        b = a + size
    dtoks = [t.strip(".,;:!?\"'()“”") for t in donor.split(" ")]
    dtoks = [t for t in dtoks if t]
    size = max(2, b - a + rng.choice((-1, 0, 0, 1)))
    if len(dtoks) < size:
        return None
    s = rng.randrange(0, len(dtoks) - size + 1)
    new = dtoks[s : s + size]
    tail = re.search(r"[.,;:!?…\"'”’)]+$", toks[b - 1])
    if tail:
        new[-1] += tail.group()
    out = " ".join(toks[:a] + new + toks[b:])
    return out if norm(out) != norm(text) else None


def edit(kind: str, text: str, donor: str, rng: random.Random) -> str | None:
    if kind == "verbatim":
        return text
    if kind == "typo":
        return typo(text, rng)
    if kind == "add":
        return add_word(text, rng)
    if kind == "drop":
        return drop_word(text, rng)
    return replace_clause(text, donor, rng)


# ---------------------------------------------------------------------------------------------
# Within a document
# ---------------------------------------------------------------------------------------------


def _genuine_doc(body: Body, built: bool = False) -> Doc:
    """The body as a document of genuine lines; unless the page was ``built`` here (every line of
    it genuine by construction), a line repeating an earlier one exactly is marked ``repeated``."""
    doc = Doc(body.id, body.group, body.part)
    seen: set[str] = set()
    for line in body.lines:
        key = norm(line)
        doc.add(line, None, not built and bool(key) and key in seen)
        seen.add(key)
    return doc


def _later(doc: Doc, after: int, rng: random.Random, far: bool = False) -> int:
    lo = after + 1
    if far:
        lo = max(lo, len(doc.lines) // 2)
    return rng.randint(min(lo, len(doc.lines)), len(doc.lines))


def _genuine_positions(doc: Doc) -> list[int]:
    """Original lines not copied yet (a line is the source of one copy at most)."""
    return [i for i, k in enumerate(doc.kinds) if k is None and norm(doc.lines[i]) not in doc.used]


def inject_within(doc: Doc, body: Body, kind: str, donors: Sequence[str], rng: random.Random) -> bool:
    """Inject one copy of ``kind`` into ``doc``; False if the body offers no place for it."""
    lines = doc.lines
    gen = _genuine_positions(doc)
    if kind in ("run", "run_short", "run_cjk"):
        length = rng.randint(2, 6)
        free = set(gen)
        starts = [
            i
            for i in gen
            if i + length <= len(lines)
            and all(i + t in free for t in range(length))
            and (body.has_title is False or i > 0)
        ]
        if kind == "run_short":
            starts = [
                i
                for i in starts
                if any(
                    len(words(lines[i + t])) < 3 or not _END_PUNCT.search(lines[i + t]) for t in range(length)
                )
            ]
        if not starts:
            return False
        s = rng.choice(starts)
        run = lines[s : s + length]
        doc.used.update(norm(line) for line in run)
        p = _later(doc, s + length - 1, rng)
        for t, line in enumerate(run):
            doc.insert(p + t, line, kind)
        return True
    if kind in ("typo", "add", "drop", "clause"):
        cands = [i for i in gen if len(words(lines[i])) >= 12 and not (body.has_title and i == 0)]
        rng.shuffle(cands)
        for i in cands[:10]:
            new = edit(kind, lines[i], rng.choice(donors), rng)
            if new is not None and norm(new) != norm(lines[i]):
                doc.used.add(norm(lines[i]))
                doc.insert(_later(doc, i, rng), new, kind)
                return True
        return False
    if kind == "merge":
        cands = [
            i
            for i in gen
            if i + 1 < len(lines)
            and i + 1 in gen
            and min(len(words(lines[i])), len(words(lines[i + 1]))) >= 5
            and not (body.has_title and i == 0)
        ]
        if not cands:
            return False
        i = rng.choice(cands)
        doc.used.update((norm(lines[i]), norm(lines[i + 1])))
        doc.insert(_later(doc, i + 1, rng), lines[i] + " " + lines[i + 1], kind)
        return True
    if kind in ("title_exact", "title_affix"):
        if not body.has_title or len(lines) < 6 or norm(lines[0]) in doc.used:
            return False
        title = lines[0]
        doc.used.add(norm(title))
        if kind == "title_exact":
            doc.insert(_later(doc, 2, rng, far=True), title, kind)
        else:
            line = rng.choice(AFFIX_FORMS).format(t=title, s=body.site)
            doc.insert(_later(doc, 1, rng), line, kind)
        return True
    raise ValueError(kind)


def make_within(bodies: Sequence[Body], seed: int) -> list[Doc]:
    donors = [
        line for b in bodies for line in b.lines if len(words(line)) >= 8 and not b.group.startswith("cjk")
    ]
    docs = []
    kinds = [k for k in WITHIN_KINDS if k != "run_cjk"]
    for body in bodies:
        rng = random.Random(f"within:{seed}:{body.id}")
        doc = _genuine_doc(body)
        cjk = body.group.startswith("cjk")
        pool = ["run_cjk", "run_cjk", "title_exact"] if cjk else list(kinds)
        for _ in range(rng.randint(1, 3)):
            for _attempt in range(4):
                kind = rng.choice(pool)
                if inject_within(doc, body, kind, donors, rng):
                    if kind.startswith("title"):  # one title repeat per page
                        pool = [k for k in pool if not k.startswith("title")] or pool
                    break
        docs.append(doc)
    return docs


# ---------------------------------------------------------------------------------------------
# Pages whose genuine structure repeats
# ---------------------------------------------------------------------------------------------

_PEOPLE = ("Maria Lopez", "James Chen", "Aisha Okafor", "Tom Becker", "Priya Nair", "Lena Sorensen",
           "David Kim", "Sofia Rossi", "Omar Haddad", "Grace Miller", "Kenji Watanabe", "Elena Petrova")  # fmt: skip
_JOBS = ("chef", "architect", "nurse", "teacher", "engineer", "farmer", "pilot", "designer", "librarian")
_ANSWERS = (
    "I start every morning by reading the news, then I walk to work because it clears my head.",
    "Honestly, it was my grandmother who got me interested; she ran a small bakery for forty years.",
    "The hardest part is the paperwork, not the work itself, and nobody warns you about that.",
    "We moved here in 2015 and it took a couple of years before the neighbourhood felt like home.",
    "I would tell my younger self to ask more questions and to worry less about looking clever.",
    "Most days end late, but I try to keep Sundays free for my family and the garden.",
    "There is a small cafe near the station that makes the best cheese scones in the county.",
    "I learned more from the projects that failed than from the ones that won prizes.",
    "Right now I am reading a history of the railways, which is more exciting than it sounds.",
    "Technology changed everything for us, mostly for the better, though the meetings got longer.",
    "If I could change one thing it would be the cost of training, which keeps good people out.",
    "My first job paid almost nothing, but the people there taught me how to do things properly.",
)
_QUESTIONS = (
    "What does a typical working day look like for you?",
    "How did you get started in this line of work?",
    "What advice would you give someone starting out today?",
    "Where is your favourite place to eat in town?",
    "What are you reading at the moment?",
)
_DISHES = ("Lemon chicken traybake", "Spiced lentil soup", "Mushroom risotto", "Prawn stir-fry",
           "Tomato and feta pasta", "Sweet potato curry", "Herb omelette", "Beef and bean chilli")  # fmt: skip
_INGREDIENTS = ("2 eggs", "1 tbsp olive oil", "Salt and pepper to taste", "1 onion, finely chopped",
                "2 garlic cloves, crushed", "400g tin chopped tomatoes", "200g rice", "1 tsp ground cumin",
                "A handful of fresh parsley", "500ml vegetable stock", "1 lemon, juiced", "100g spinach",
                "2 tbsp soy sauce", "300g pasta", "1 red chilli, sliced")  # fmt: skip
_STEPS = (
    "Heat the oil in a {pan} over a medium heat and cook the {a} for {n} minutes until soft.",
    "Add the {a} and the {b}, stir well and cook for another {n} minutes.",
    "Pour in the {b}, bring to the boil, then simmer gently for {m} minutes.",
    "Stir through the {a} until it is warmed through, then season the {b} to taste.",
    "Serve the {dish} straight away with the {a} and {side}.",
    "Roast the {a} in the hot oven for {m} minutes, turning everything halfway through.",
    "Whisk the {a} with a pinch of salt and pour it over the {b} in the {pan}.",
)
_PANS = ("large pan", "frying pan", "wok", "casserole dish", "roasting tin", "saucepan")
_SIDES = ("crusty bread", "a green salad", "steamed rice", "warm flatbreads", "boiled potatoes")
_TEAMS = ("growing", "friendly", "busy", "award-winning", "small", "regional")
_DUTIES = (
    "you will report to the operations manager and work closely with suppliers",
    "experience is welcome but full training is given",
    "the role includes some weekend work on a rota",
    "you will need a full driving licence",
    "the successful candidate will start in the new year",
)
_TOWNS = ("Leeds", "Bristol", "Manchester", "London", "Glasgow", "Cardiff", "Remote")
_ROLES = ("Data analyst", "Warehouse supervisor", "Junior developer", "Customer support adviser",
          "Marketing assistant", "Site engineer", "Finance officer", "Care worker")  # fmt: skip
_TOPICS = ("Background", "How the scheme works", "Who can apply", "Costs and funding", "What happens next",
           "Reaction", "Timeline", "Further reading")  # fmt: skip
_PROSE = (
    "The scheme was first proposed three years ago, after a review found that most applications took "
    "more than six months to process.",
    "Applicants fill in a short online form and are told within four weeks whether they qualify.",
    "Anyone who has lived in the area for at least a year can apply, whatever their income.",
    "The council has set aside two million pounds for the first year, with more promised if demand is high.",
    "A pilot will run in two districts from the spring before the scheme opens across the city.",
    "Local businesses welcomed the plan, although some said the deadline was too tight.",
    "Officials said they would publish figures on take-up every three months.",
    "Critics argue that the money would be better spent on the existing advice service.",
)


def _interview(rng: random.Random, same_question: bool) -> list[str]:
    people = rng.sample(list(_PEOPLE), rng.randint(4, 6))
    lines = [rng.choice(("Meet the people who keep our town running", "Five locals on work and life"))]
    lines.append(
        "We asked people who work in the town centre about their jobs, their habits and their advice."
    )
    q = rng.choice(_QUESTIONS)
    answers = rng.sample(list(_ANSWERS), len(people) * (1 if same_question else 2))
    for i, p in enumerate(people):
        lines.append(f"{p}, {rng.choice(_JOBS)}")
        if same_question:
            lines.append(q)
            lines.append(answers[i])
        else:
            for j, qq in enumerate(rng.sample(list(_QUESTIONS), 2)):
                lines.append("Q:")
                lines.append(qq)
                lines.append("A:")
                lines.append(answers[2 * i + j])
    return lines


def _recipes(rng: random.Random) -> list[str]:
    lines = ["Weeknight dinners in under an hour", "Four recipes that use what is already in the cupboard."]
    for dish in rng.sample(list(_DISHES), rng.randint(3, 5)):
        lines += [dish, f"Prep time: {rng.choice((5, 10, 15))} minutes", f"Cook time: {rng.randrange(15, 65, 5)} minutes",
                  f"Serves: {rng.choice((2, 3, 4, 6, 8))}", "Ingredients"]  # fmt: skip
        items = rng.sample(list(_INGREDIENTS), rng.randint(4, 7))
        lines += items
        lines.append("Method")
        names = [
            re.sub(r"^[\d\w]*\d\w*\s+(tin\s+|tbsp\s+|tsp\s+)?", "", i).split(",")[0].lower() for i in items
        ]
        for step in rng.sample(list(_STEPS), rng.randint(3, 4)):
            a, b = rng.sample(names, 2)
            lines.append(step.format(pan=rng.choice(_PANS), a=a, b=b, n=rng.randint(2, 9), m=rng.randint(10, 45),
                                     dish=dish.lower(), side=rng.choice(_SIDES)))  # fmt: skip
    return lines


def _jobs(rng: random.Random) -> list[str]:
    lines = ["Jobs this week", "New vacancies from employers across the region, updated every Monday."]
    for role in rng.sample(list(_ROLES), rng.randint(4, 6)):
        lines += [
            role,
            f"Location: {rng.choice(_TOWNS)}",
            f"Salary: £{rng.randrange(22, 48)},000 a year",
            f"Contract: {rng.choice(('Full time', 'Part time', 'Fixed term'))}",
            f"We are looking for a {role.lower()} to join our {rng.choice(_TEAMS)} team in "
            f"{rng.choice(_TOWNS[:-1])}; {rng.choice(_DUTIES)}.",
            "Apply now",
        ]
    return lines


def _toc(rng: random.Random) -> list[str]:
    topics = rng.sample(list(_TOPICS), rng.randint(4, 6))
    lines = ["A guide to the new housing grant", "Contents", *topics]
    prose = list(_PROSE)
    rng.shuffle(prose)
    for t in topics:
        lines.append(t)
        lines += [prose.pop() if prose else rng.choice(_ANSWERS) for _ in range(rng.randint(1, 2))]
    return lines


_PARALLEL = (
    ("A function type is covariant in its return type: if Cat is a subtype of Animal, then a function "
     "returning Cat is a subtype of a function returning Animal.",
     "A function type is contravariant in its parameter type: if Cat is a subtype of Animal, then a "
     "function taking Animal is a subtype of a function taking Cat."),
    ("The northern route is 45 kilometres long and takes about three hours on foot from the car park.",
     "The southern route is 52 kilometres long and takes about four hours on foot from the village."),
    ("In the first round, each player draws two cards and may keep one of them for the rest of the game.",
     "In the second round, each player draws three cards and must discard one of them before the end."),
    ("Mutable lists can be changed after they are created, which makes them useful for collecting results.",
     "Immutable tuples cannot be changed after they are created, which makes them useful as dictionary keys."),
    ("On weekdays the museum opens at nine in the morning and closes at five in the afternoon.",
     "On weekends the museum opens at ten in the morning and closes at six in the evening."),
    ("Arrays in Java are covariant, so an array of strings can be passed where an array of objects is expected.",
     "Generic lists in Java are invariant, so a list of strings cannot be passed where a list of objects is expected."),
)  # fmt: skip


def _parallel(rng: random.Random) -> list[str]:
    lines = ["Two sides of the same rule", "Some things are easiest to learn side by side."]
    prose = rng.sample(list(_PROSE), len(_PROSE))
    for a, b in rng.sample(list(_PARALLEL), rng.randint(3, 5)):
        lines += [a, b] if rng.random() < 0.7 else [a, prose.pop(), b]
    return lines


_BLURB = "{name} is a {level} researcher in the {dept} department, where {pron} studies {topic} for {use}."
_LEVELS = ("senior", "junior", "visiting", "postdoctoral", "principal")
_DEPTS = ("chemistry", "physics", "biology", "geography", "computer science", "economics")
_STUDY = (("catalysts", "clean fuels"), ("lasers", "medical imaging"), ("soil microbes", "crop yields"),
          ("river flows", "flood planning"), ("compilers", "embedded systems"), ("labour markets", "policy"))  # fmt: skip


def _blurbs(rng: random.Random) -> list[str]:
    lines = ["Meet the team", "Our researchers work across six departments."]
    for name in rng.sample(list(_PEOPLE), rng.randint(4, 7)):
        topic, use = rng.choice(_STUDY)
        lines.append(name)
        lines.append(_BLURB.format(name=name.split()[0], level=rng.choice(_LEVELS), dept=rng.choice(_DEPTS),
                                   pron=rng.choice(("she", "he", "they")), topic=topic, use=use))  # fmt: skip
    return lines


def make_structure(n: int, seed: int, part: str) -> list[Doc]:
    makers: dict[str, Callable[[random.Random], list[str]]] = {
        "interview_label": lambda r: _interview(r, False),
        "interview_question": lambda r: _interview(r, True),
        "recipe_cards": _recipes,
        "job_listings": _jobs,
        "toc_sections": _toc,
        "parallel_sentences": _parallel,
        "templated_blurbs": _blurbs,
    }
    docs = []
    for kind in STRUCTURE_KINDS:
        for i in range(n):
            rng = random.Random(f"structure:{seed}:{part}:{kind}:{i}")
            body = Body(
                f"structure-{kind}-{part}-{i}", f"structure/{kind}", part, makers[kind](rng), True, ""
            )
            docs.append(_genuine_doc(body, built=True))
    return docs


# ---------------------------------------------------------------------------------------------
# Across documents
# ---------------------------------------------------------------------------------------------


def _content(lines: Sequence[str]) -> frozenset[str]:
    return frozenset(w for line in lines for w in words(line) if len(w) > 3)


def shingles5(text: str) -> set[str]:
    ws = words(text)
    return {" ".join(ws[i : i + 5]) for i in range(max(1, len(ws) - 4))}


def jaccard5(a: str, b: str) -> float:
    x, y = shingles5(a), shingles5(b)
    return len(x & y) / len(x | y) if x | y else 1.0


def _near_copy(doc: Doc, rng: random.Random) -> list[str] | None:
    for _attempt in range(6):
        lines = list(doc.lines)
        for op in rng.sample(["typo", "drop", "add", "title"], rng.randint(1, 3)):
            if op == "typo":
                i = rng.randrange(len(lines))
                lines[i] = typo(lines[i], rng) or lines[i]
            elif op == "drop" and len(lines) > 4:
                del lines[rng.randrange(1, len(lines))]
            elif op == "add":
                lines.append(rng.choice(("This article has been updated.", "Updated at 10:42 GMT.",
                                         "Share this story with a friend.")))  # fmt: skip
            elif op == "title":
                lines[0] = lines[0] + " | " + rng.choice(SITES)
        a, b = "\n".join(doc.lines), "\n".join(lines)
        if len(words(a)) >= 80 and jaccard5(a, b) >= 0.85:
            return lines
    return None


def make_corpus(bodies: Sequence[Body], seed: int, part: str) -> list[Doc]:
    rng = random.Random(f"corpus:{seed}:{part}")
    order = [b for b in bodies if b.part == part and not b.group.startswith("cjk")]
    rng.shuffle(order)
    donors = [line for b in order for line in b.lines if len(words(line)) >= 8]
    docs: list[Doc] = []
    originals: list[Doc] = []
    contents: list[frozenset[str]] = []
    seen: set[str] = set()  # lines of the bodies so far: a line of a later body found there is a repeat
    for body in order:
        doc = _genuine_doc(body)
        doc.repeated = [rep or norm(line) in seen for line, rep in zip(doc.lines, doc.repeated)]
        seen.update(norm(line) for line in body.lines)
        if len(originals) >= 10 and rng.random() < 0.06:
            src = rng.choice(originals)
            lines = _near_copy(src, rng)
            if lines is not None:
                near = Doc(f"{src.id}#copy{len(docs)}", src.group, part, near_copy_of=src.id)
                for line in lines:
                    near.add(line, "doc_copy")
                docs.append(near)
        if len(originals) >= 10 and rng.random() < 0.04:
            src = rng.choice(originals)
            keep = [i for i in range(len(src.lines)) if src.kinds[i] is None]
            take = sorted(rng.sample(keep, max(2, round(len(keep) * rng.uniform(0.3, 0.5)))))
            for i in take:
                short = len(words(src.lines[i])) < CORPUS_MIN_WORDS
                doc.insert(
                    rng.randint(1, len(doc.lines)), src.lines[i], "x_partial_short" if short else "x_partial"
                )
            doc.partial_of = src.id
        elif len(originals) >= 10 and rng.random() < 0.45:
            mine = _content(body.lines)
            for _ in range(rng.randint(1, 2)):
                source = rng.choice(SOURCES)
                if source == "similar":
                    k = max(range(len(originals)), key=lambda j: len(mine & contents[j]))
                    src = originals[k]
                else:
                    src = rng.choice(originals)
                bucket = rng.choice(BUCKETS)
                lo, hi = (12, 10_000) if bucket == "12+" else (15, 30)
                cands = [
                    i
                    for i in range(len(src.lines))
                    if src.kinds[i] is None and lo <= len(words(src.lines[i])) <= hi and not src.repeated[i]
                ]
                if not cands:
                    continue
                kind = rng.choice(EDITS)
                new = edit(kind, src.lines[rng.choice(cands)], rng.choice(donors), rng)
                if new is None:
                    continue
                doc.insert(rng.randint(1, len(doc.lines)), new, f"x/{source}/{kind}/{bucket}")
        docs.append(doc)
        originals.append(doc)
        contents.append(_content(body.lines))
    return docs


# ---------------------------------------------------------------------------------------------
# Systems
# ---------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    removed: dict[str, list[bool]]  # doc id -> per line
    flagged: dict[str, str | None]  # doc id -> the earlier doc it is a near copy of
    seconds: float
    bytes_per_paragraph: float | None = None


def _blocks_match(doc: Doc, res: Any) -> None:
    if [b.text for b in res.blocks] != doc.lines:
        raise AssertionError(f"{doc.id}: blocks and lines differ")
    if res.notes.get("error"):  # a stage that fails passes the document through: say so loudly
        raise AssertionError(f"{doc.id}: {res.notes['error']}")


def run_ours_within(docs: Sequence[Doc]) -> Outcome:
    import dedupe

    cleaner = dedupe.Cleaner(dedupe.Config(stages=("duplicates",)))
    t0 = time.perf_counter()
    removed = {}
    for doc in docs:
        res = cleaner.clean(dedupe.Document(id=doc.id, text=doc.text))
        _blocks_match(doc, res)
        removed[doc.id] = [not d.kept for d in res.decisions]
    return Outcome(removed, {}, time.perf_counter() - t0)


def run_ours_corpus(docs: Sequence[Doc]) -> Outcome:
    import dedupe

    cleaner = dedupe.Cleaner(dedupe.Config(stages=("duplicates", "corpus")))
    state = cleaner.new_corpus_state()
    t0 = time.perf_counter()
    removed: dict[str, list[bool]] = {}
    flagged: dict[str, str | None] = {}
    for doc in docs:
        res = cleaner.complete(cleaner.prepare(dedupe.Document(id=doc.id, text=doc.text)), state)
        _blocks_match(doc, res)
        removed[doc.id] = [not d.kept for d in res.decisions]
        dup = res.notes.get("duplicate_of")
        flagged[doc.id] = dup["id"] if isinstance(dup, dict) else None
    seconds = time.perf_counter() - t0
    per = None
    if state is not None:
        idx = state.index
        nbytes = getattr(idx, "nbytes", None)
        n = getattr(idx, "paragraphs", None)
        if nbytes is not None and n:
            per = nbytes / n
        state.close()
    return Outcome(removed, flagged, seconds, per)


def _shingles3(text: str) -> list[bytes]:
    ws = words(text)
    if len(ws) < 3:
        return [" ".join(ws).encode()] if ws else []
    return [" ".join(ws[i : i + 3]).encode() for i in range(len(ws) - 2)]


class _Datasketch:
    def __init__(self, threshold: float = 0.5) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=128)
        self.sigs: dict[int, Any] = {}

    def seen(self, text: str) -> bool:
        from datasketch import MinHash

        sh = _shingles3(text)
        if not sh:
            return False
        m = MinHash(num_perm=128)
        m.update_batch(sh)
        for key in self.lsh.query(m):
            if self.sigs[key].jaccard(m) >= self.threshold:
                return True
        key = len(self.sigs)
        self.sigs[key] = m
        self.lsh.insert(key, m)
        return False


def run_datasketch(docs: Sequence[Doc], corpus: bool) -> Outcome:
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    removed = {}
    flagged: dict[str, str | None] = {}
    shared = _Datasketch()
    doc_lsh = MinHashLSH(threshold=0.8, num_perm=128)
    for doc in docs:
        idx = shared if corpus else _Datasketch()
        removed[doc.id] = [idx.seen(line) for line in doc.lines]
        if corpus:
            m = MinHash(num_perm=128)
            m.update_batch([s.encode() for s in shingles5(doc.text)])
            hits = doc_lsh.query(m)
            flagged[doc.id] = min(hits) if hits else None
            if not hits:
                doc_lsh.insert(doc.id, m)
    return Outcome(removed, flagged, time.perf_counter() - t0)


def run_exact(docs: Sequence[Doc], corpus: bool) -> Outcome:
    from dedupe.text import normalize

    t0 = time.perf_counter()
    removed = {}
    flagged: dict[str, str | None] = {}
    seen_lines: set[str] = set()
    seen_docs: dict[str, str] = {}
    for doc in docs:
        seen = seen_lines if corpus else set()
        flags = []
        for line in doc.lines:
            key = normalize(line)
            flags.append(key in seen)
            seen.add(key)
        removed[doc.id] = flags
        if corpus:
            key = normalize(doc.text)
            flagged[doc.id] = seen_docs.get(key)
            seen_docs.setdefault(key, doc.id)
    return Outcome(removed, flagged, time.perf_counter() - t0)


# ---------------------------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------------------------


@dataclass
class Tally:
    injected: Counter[str] = field(default_factory=Counter)
    caught: Counter[str] = field(default_factory=Counter)
    genuine: Counter[str] = field(default_factory=Counter)
    lost: Counter[str] = field(default_factory=Counter)
    repeated: Counter[str] = field(default_factory=Counter)  # pre-existing exact repeats (not scored)
    repeated_removed: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[str, str, str]] = field(default_factory=list)

    def prf(self) -> tuple[float, float, float]:
        """Precision, recall and F1 over the injected kinds (but :data:`UNSCORED`)."""
        inj = sum(v for k, v in self.injected.items() if k not in UNSCORED)
        tp = sum(v for k, v in self.caught.items() if k not in UNSCORED)
        fp = sum(self.lost.values())
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / inj if inj else 1.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0


def score_lines(docs: Sequence[Doc], out: Outcome, kind_of: Callable[[str], str] = lambda k: k) -> Tally:
    t = Tally()
    for doc in docs:
        if doc.near_copy_of is not None:
            continue
        for line, kind, rep, gone in zip(
            doc.lines, doc.kinds, doc.repeated, out.removed[doc.id], strict=True
        ):
            if kind is None and rep:
                t.repeated[doc.group] += 1
                t.repeated_removed[doc.group] += gone
            elif kind is None:
                t.genuine[doc.group] += 1
                if gone:
                    t.lost[doc.group] += 1
                    t.examples.append(("lost", doc.id, line))
            else:
                k = kind_of(kind)
                t.injected[k] += 1
                t.caught[k] += gone
                if not gone:
                    t.examples.append((f"missed {k}", doc.id, line))
    return t


def score_docs(docs: Sequence[Doc], out: Outcome) -> tuple[float, float, int, int]:
    tp = fp = fn = 0
    for doc in docs:
        flag = out.flagged.get(doc.id)
        if doc.near_copy_of is not None:
            if flag == doc.near_copy_of:
                tp += 1
            else:
                fn += 1
                fp += flag is not None
        elif flag is not None:
            fp += 1
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, tp + fn, fp


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [
        [f"{v:.3f}" if isinstance(v, float) else str(v) for v in r] for r in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
        for r in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _genuine_rows(tallies: dict[str, Tally]) -> list[list[Any]]:
    groups = sorted({g for t in tallies.values() for g in [*t.genuine, *t.repeated]})
    rows = []
    for g in [*groups, "all"]:
        row: list[Any] = [g]
        for t in tallies.values():
            n = t.genuine[g] if g != "all" else sum(t.genuine.values())
            lost = t.lost[g] if g != "all" else sum(t.lost.values())
            rep = t.repeated[g] if g != "all" else sum(t.repeated.values())
            rep_gone = t.repeated_removed[g] if g != "all" else sum(t.repeated_removed.values())
            row.append(f"{lost}/{n} = {_pct(lost / n if n else 0.0)}")
            row.append(f"{rep_gone}/{rep}")
        rows.append(row)
    return rows


def _genuine_headers(systems: Sequence[str]) -> list[str]:
    return ["group", *(h for s in systems for h in (f"{s}: lost", "repeats removed"))]


def _recall(t: Tally, kinds: Sequence[str]) -> str:
    """``caught/injected = recall`` of the kinds ``kinds`` together."""
    inj = sum(t.injected[k] for k in kinds)
    got = sum(t.caught[k] for k in kinds)
    return f"{got}/{inj} = {got / inj if inj else 0:.3f}"


def _prf_row(tallies: dict[str, Tally]) -> list[str]:
    return [
        "precision / recall / F1",
        *("{:.3f} / {:.3f} / {:.3f}".format(*t.prf()) for t in tallies.values()),
    ]


def report_part(part: str, results: dict[str, Any]) -> str:
    systems = list(results["within"])
    out = [f"=== part: {part} ==="]
    w: dict[str, Tally] = results["within"]
    out.append(f"\nWithin a document ({results['n_within']} documents; stage duplicates)")
    rows = [
        [k, *(_recall(t, [k]) for t in w.values())]
        for k in WITHIN_KINDS
        if any(t.injected[k] for t in w.values())
    ]
    rows.append(_prf_row(w))
    out.append(_table(["kind (recall)", *systems], rows))
    out.append(
        "\nGenuine lines lost within a document (by group; structure/* pages have no copies). Lines of a"
        "\nbody that repeat an earlier line of it exactly are not scored (the gold does not say whether"
        "\nthey are structure or pasted copies): 'repeats removed' counts them apart."
    )
    out.append(_table(_genuine_headers(systems), _genuine_rows(w)))
    x: dict[str, Tally] = results["across"]
    out.append(
        f"\nAcross documents ({results['n_corpus']} documents in input order; stages duplicates, corpus)"
    )
    rows = []
    for edit_kind in EDITS:
        for bucket in BUCKETS:
            for source in SOURCES:
                k = f"x/{source}/{edit_kind}/{bucket}"
                if any(t.injected[k] for t in x.values()):
                    rows.append([f"{edit_kind} {bucket} {source}", *(_recall(t, [k]) for t in x.values())])
        agg = [f"x/{s}/{edit_kind}/{b}" for s in SOURCES for b in BUCKETS]
        rows.append([f"{edit_kind} (all 12+)", *(_recall(t, agg) for t in x.values())])
    for k in ("x_partial", "x_partial_short"):
        rows.append([k, *(_recall(t, [k]) for t in x.values())])
    rows.append(_prf_row(x))
    out.append(_table(["kind (recall)", *systems], rows))
    out.append(
        "\nGenuine lines lost across documents (lines found exactly in the same body or an earlier one"
        "\napart, as above: sites repeat their own paragraphs)"
    )
    out.append(_table(_genuine_headers(systems), _genuine_rows(x)))
    d = results["docs"]
    out.append("\nWhole documents (near copies flagged with duplicate_of)")
    out.append(_table(["", *systems], [
        ["precision", *(d[s][0] for s in systems)],
        ["recall", *(d[s][1] for s in systems)],
        ["near copies / false flags", *(f"{d[s][2]} / {d[s][3]}" for s in systems)],
    ]))  # fmt: skip
    t = results["seconds"]
    out.append("\nSeconds (within + across)")
    out.append(_table(["", *systems], [["seconds", *(f"{t[s]:.1f}" for s in systems)]]))
    if results.get("bytes_per_paragraph") is not None:
        out.append(f"\nCorpus index memory: {results['bytes_per_paragraph']:.1f} bytes per indexed paragraph")
    return "\n".join(out)


def evaluate(
    bodies: Sequence[Body], part: str, seed: int, n_structure: int, n_cjk: int, systems: Sequence[str]
) -> dict[str, Any]:
    mine = [b for b in bodies if b.part == part]
    within_docs = make_within([*mine, *cjk_bodies(n_cjk, seed, part)], seed) + make_structure(
        n_structure, seed, part
    )
    corpus_docs = make_corpus(mine, seed, part)
    runners_w: dict[str, Callable[[], Outcome]] = {
        "dedupe": lambda: run_ours_within(within_docs),
        "datasketch": lambda: run_datasketch(within_docs, corpus=False),
        "exact": lambda: run_exact(within_docs, corpus=False),
    }
    runners_x: dict[str, Callable[[], Outcome]] = {
        "dedupe": lambda: run_ours_corpus(corpus_docs),
        "datasketch": lambda: run_datasketch(corpus_docs, corpus=True),
        "exact": lambda: run_exact(corpus_docs, corpus=True),
    }
    outcomes_w = {s: runners_w[s]() for s in systems}
    outcomes_x = {s: runners_x[s]() for s in systems}
    return {
        "n_within": len(within_docs),
        "n_corpus": len(corpus_docs),
        "within": {s: score_lines(within_docs, o) for s, o in outcomes_w.items()},
        "across": {s: score_lines(corpus_docs, o) for s, o in outcomes_x.items()},
        "docs": {s: score_docs(corpus_docs, o) for s, o in outcomes_x.items()},
        "seconds": {s: outcomes_w[s].seconds + outcomes_x[s].seconds for s in outcomes_w},
        "bytes_per_paragraph": outcomes_x["dedupe"].bytes_per_paragraph,
    }


def _summary(results: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for phase in ("within", "across"):
        for s, t in results[phase].items():
            p, r, f = t.prf()
            out[f"{phase}/{s}"] = {
                "precision": p,
                "recall": r,
                "f1": f,
                "genuine_lost": sum(t.lost.values()) / max(1, sum(t.genuine.values())),
                "recall_by_kind": {k: t.caught[k] / t.injected[k] for k in sorted(t.injected)},
            }
    out["docs"] = {s: {"precision": v[0], "recall": v[1]} for s, v in results["docs"].items()}
    out["bytes_per_paragraph"] = results["bytes_per_paragraph"]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--parts", default="tune,measure", help="comma-separated: tune, measure")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--structure", type=int, default=12, help="pages of each structure kind per part")
    ap.add_argument("--cjk", type=int, default=12, help="Chinese and Japanese bodies each, per part")
    ap.add_argument("--systems", default="dedupe,datasketch,exact", help="comma-separated systems to run")
    ap.add_argument("--show", type=int, default=0, help="print this many missed copies and lost lines")
    ap.add_argument("--json", type=Path, help="write the summary figures as JSON")
    args = ap.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    bodies = load_bodies(args.data, parts)
    summary = {}
    for part in parts:
        systems = [s for s in args.systems.split(",") if s]
        results = evaluate(bodies, part, args.seed, args.structure, args.cjk, systems)
        print(report_part(part, results))
        print()
        summary[part] = _summary(results)
        if args.show:
            for phase in ("within", "across"):
                ex = results[phase]["dedupe"].examples
                by: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
                for what, doc_id, line in ex:
                    by[what].append((doc_id, line))
                for what, items in sorted(by.items()):
                    print(f"-- {phase}: {what} ({len(items)})")
                    for doc_id, line in items[: args.show]:
                        print(f"   {doc_id}: {line[:140]}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
