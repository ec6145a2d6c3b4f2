"""Off-topic insertions: teasers of other articles scraped into the body.

Two shapes, two rules, both scored from named signals that go into the evidence, then the splice
detector as a named pass:

``offtopic.teaser`` (rule ``headline_blurb``)
    A headline-shaped line inside the body (short, no full stop at the end, not the document's
    first line) whose content words barely occur in the rest of the document, followed by a
    paragraph that is just as foreign: the headline and blurb of another article. Coherence is the
    share of a block's content words that occur elsewhere in the document. The article's own
    structure is left alone: an item of its lists (numbered, lettered, bulleted, ``Q:``/``A:``), a
    heading of the same form as two more in the body (an FAQ's questions, ``Myth: ...`` or ``Pro:
    ...`` headings), and the capitals of a title-case heading are no names (wcxb tune part: 53 of 78
    removals on trafilatura's text were the gold's own headings and paragraphs before these guards).

``offtopic.teaser`` (rule ``foreign_lede``)
    The lede of a different article on the *same* subject, left at the end of the page. Lexical
    coherence cannot see it (it shares the subject's vocabulary), so the discourse shape decides:
    a lede introduces its entities, so it re-introduces with full name and descriptor someone the
    article has long been calling by surname ("military strongman Jane Doe" after ten "Doe"s),
    defines acronyms the article never used, brings in many names the article never mentioned, and
    is one long sentence. Each signal has a weight; the block is removed when the sum reaches
    ``offtopic.score``, and only in the last blocks of a document long enough to have a body.

``offtopic.teaser`` (rule and pass ``splice_model``, :class:`SplicedPassage`)
    A passage of another article (its lede, or its headline and first sentence) anywhere in the
    body, same subject included: the learned detector of :mod:`dedupe.discourse` over discourse,
    position, shape, novelty and coherence signals, run on the blocks everything else kept. Its
    evidence names the signals that moved the score most. It took the single teasers over from
    the learned teaser model, which now only judges runs of headlines (``offtopic.model_min_run``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain

import regex

from ..config import Config
from ..rules.core import F
from ..shapes import FULL_STOP_END, HEADLINE_MAX_WORDS, is_headline, is_prose, word_count
from ..text import CACHE_SIZE, content_of, names, raw_tokens, token_counts, tokens
from . import Context, Pass, register
from .passes import length
from .teaser import ACRONYM_DEF_RE, introductions, learned_teasers

__all__ = ["OfftopicStage", "SplicedPassage"]

# Signal weights of the foreign-lede rule (sum compared with offtopic.score, default 1.0).
W_ACRONYM = 0.5  # defines an acronym the document never used before
W_REINTRODUCED = 0.5  # full name + descriptor for someone already named by surname
W_NOVEL_NAMES = 0.25  # most of its names are new to the document
W_LOW_COHERENCE = 0.25  # its content words barely occur in the document
W_LEDE_SHAPE = 0.25  # one long sentence
#: Only this many final blocks are examined for a foreign lede.
TAIL_BLOCKS = 2
#: Documents with fewer blocks have no body to be foreign to.
MIN_BLOCKS = 5
#: A block needs this many content words for its coherence to mean anything.
MIN_CONTENT_WORDS = 5
#: Headlines have at most this many words.
MAX_HEADLINE_WORDS = HEADLINE_MAX_WORDS
LEDE_MIN_WORDS = 25
# Headline-and-blurb rule weights.
W_PAIR_NOVEL_NAMES = 0.5  # required: the pair's names never occur in the rest of the document
W_PAIR_LOW_COHERENCE = 0.25  # per block of the pair sharing fewer content words than typical
W_PAIR_PUNCT = 0.25  # headline with a colon, exclamation or question mark
NOVEL_PAIR_NAMES = 0.75
#: A teaser is short: a blurb or a lede of more words than this, or holding more than this share
#: of the document's words, is never one (on two portal pages whose whole article sat in one
#: long line the rules removed the article itself).
MAX_TEASER_WORDS = 100
MAX_TEASER_SHARE = 0.3
#: A body with at least this many headline-shaped lines is structured by subheadings; there the
#: headline-and-blurb rule also needs the headline's punctuation signal.
STRUCTURED_SUBHEADS = 3
#: An item of the article's own list: numbered, lettered, a Q&A line or a bullet ("2. Name, ...",
#: "Q: ...", "- Doors: ...").
_ENUMERATED = regex.compile(r"^\s*(?:\(?\d{1,3}[.)]|[QA][.:)]|[IVX]{1,5}\.|[-–•·*▪])\s")
#: The form of a heading: a question, or a label and a colon ("Myth: ...", "Pro: ...").
_QUESTION = regex.compile(r"\?\W*$")
_LABELLED = regex.compile(r"^\W*[^\s:][^:]{0,40}:\s+\S")
#: A heading shares its form with this many other short lines of the body: the page's own
#: structure (an FAQ's questions, a list of myths or of pros and cons), not a teaser.
PARALLEL_HEADINGS = 2
#: A page of cards (a listing, an index, a product range): headline-shaped lines each followed by one
#: short summary, one after another. On a page where runs of at least :data:`CARD_RUN` such cards
#: hold at least :data:`CARD_PAGE_SHARE` of the blocks, a headline and its blurb inside such a run is
#: one of the page's items, whatever its subject, and the splice detector does not take it. Tune part
#: of wcxb, gold texts cleaned as plain text: the detector removed 44 genuine lines on listing,
#: collection, product and service pages, most of them such cards; in the gold of 8 of the 18 pages
#: they were on, cards hold 0.86 to 1.0 of the blocks, on articles 0.25 at the 90th percentile.
#: benchmarks/splice2.py --part tune --variants 1: teaser/random found 0.722 -> 0.710 (2 of 162),
#: other kinds unchanged; any run of three with no page share cost 0.722 -> 0.664, at share 0.5
#: 0.691.
CARD_RUN = 3
CARD_PAGE_SHARE = 0.8
#: A card's summary is short: one or two sentences (wcxb tune listings: median 24 words).
CARD_BLURB_MAX_WORDS = 60
#: A card is a headline and its summary, or those and a line of facts under them (a date, an
#: author, a price) of at most :data:`CARD_META_WORDS` words.
CARD_PERIODS = (2, 3)
CARD_META_WORDS = 8
#: A headline in title case (at least this share of its longer words capitalised) capitalises every
#: word: its capitals are not names.
TITLE_CASE_SHARE = 0.6
_LONG_WORD = regex.compile(r"[\p{L}][\p{L}'’\-]{3,}")
#: The headline-and-blurb rule needs all of these: names new to the document *and* both blocks
#: less coherent than typical. With only two of them it removed questions used as subheadings
#: on the portal development pages (30 of 38 removals there were article text).
PAIR_REQUIRED = frozenset({"novel_names", "headline_low_coherence", "blurb_low_coherence"})
#: "Less coherent than typical" means below this fraction of the document's median coherence.
LOW_RELATIVE_COHERENCE = 0.9
NOVEL_NAMES_SHARE = 0.5
#: A line opening with at most four words and a colon: a label ("Pro:", "Myth:", "17th Century:").
_LABEL_COLON = regex.compile(r"^\W*[^\s:]+(?:\s+[^\s:]+){0,3}:\s+\S")
#: A headline-shaped "Label: ..." line is one of the article's own when the document has at least
#: this many other such lines. On the tune part of benchmarks/splice2.py, the headline-and-blurb
#: rule's removals of genuine lines in clean documents were mostly such lines (listicles' "Con:
#: ...", "Myth: ...", glossaries, timelines) and bulleted items ("- Check: ...").
PARALLEL_LABELS = 1

#: A related-stories box is furniture of an article: a page whose words are less than this share
#: prose (:func:`dedupe.shapes.is_prose`) is a page of headlines or items, and its "Most read" or
#: "Top stories" box is more of its content. Tune part of wcxb, share of prose words in the gold:
#: articles median 0.87 (10th percentile 0.56); listings 0.38 (25th percentile 0.01), collections
#: 0.37, documentation 0.44. 0.5 cut the related boxes of the German pages of ``lines`` (removal F1
#: on the floor slice 0.731 -> 0.703, below its floor); at 0.25 they are caught again.
BOX_MIN_PROSE_SHARE = 0.25

#: A related-stories box lists at most this many headlines.
MAX_BOX_HEADLINES = 12

#: The label of a box of links to other articles ("Related", "More on this story", "Mehr zum
#: Thema"): the headline-shaped lines right under it are that box (see the offtopic stage).
#: "See also" is not one: it introduces cross-references of a reference text (on the tune part of
#: wcxb, trafilatura's text: 44 genuine documentation lines under it against 8 noise lines, and no
#: article's related box).
RELATED_LABEL = regex.compile(
    r"^\W*(?:related(?:\s+(?:articles?|stories|posts|news|content|links|topics|coverage|videos?|reading))?|"
    r"more\s+on\s+this\s+(?:story|topic)|more\s+(?:stories|news|articles)(?:\s+from\s+[^:]{1,40})?|"
    r"more\s+from\s+[^:]{1,40}|mehr\s+von\s+[^:]{1,40}|weitere\s+angebote|read\s+(?:also|next)|also\s+read|most\s+(?:read|popular|viewed|shared)|"
    r"top\s+stories|trending(?:\s+now)?|recommended(?:\s+(?:for\s+you|stories|articles|reading))?|"
    r"you\s+(?:may|might)\s+also\s+(?:like|enjoy|be\s+interested\s+in)|don'?t\s+miss|editor'?s\s+picks?|"
    r"mehr\s+zum\s+thema|weitere\s+artikel|auch\s+interessant|lesen\s+sie\s+auch|"
    r"das\s+könnte\s+sie\s+auch\s+interessieren|zum\s+thema|à\s+lire\s+aussi|lire\s+aussi|"
    r"sur\s+le\s+même\s+sujet|vous\s+aimerez\s+aussi|noticias\s+relacionadas|te\s+puede\s+interesar|"
    r"lee\s+también|leggi\s+anche|leia\s+também|lees\s+ook|"
    r"(?:latest|more|other|further|recent)\s+(?:news|stories|articles|headlines|posts|videos?)|"
    r"(?:neue|neueste|aktuelle|weitere|mehr|andere)\s+(?:nachrichten|news|artikel|beiträge|meldungen|videos?)|"
    r"(?:dernières|autres)\s+(?:actualités|informations|articles|vidéos)|"
    r"(?:últimas|otras|más)\s+(?:noticias|artículos)|(?:ultime|altre)\s+(?:notizie|news)|"
    r"topics|categories|archives?|popular\s+posts|"
    r"themen|kategorien|archiv|(?:interessante|weiterführende|weitere|related|useful|external|more)\s+links|links)\s*:?\s*$",
    F,
)
#: Embedded social posts: the attribution line of a tweet ("— Jane Doe (@janedoe) March 3, 2024")
#: and a post's picture link.


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _names(text: str) -> list[str]:
    """Capitalised tokens that are not the first word of a sentence."""
    return list(names(text))


def _title_case(text: str) -> bool:
    """Most longer words after the first capitalised ("Growth of Coffee Consumption in Europe")."""
    ws = _LONG_WORD.findall(text)[1:]
    return len(ws) >= 2 and sum(w[0].isupper() for w in ws) >= TITLE_CASE_SHARE * len(ws)


def _form(text: str) -> str | None:
    """The form of a heading that an article repeats: ``question``, ``labelled`` or None."""
    if _QUESTION.search(text):
        return "question"
    if _LABELLED.match(text):
        return "labelled"
    return None


# Per-text facts, remembered across stages, passes and documents (the caches are bounded). The
# Counters returned are shared: callers only read them.


_content_of = content_of


_tokens_of = token_counts  # tokens with typographic apostrophes unified (headline-and-blurb rule)


@lru_cache(maxsize=CACHE_SIZE)
def _raw_tokens_of(text: str) -> Counter[str]:
    """Tokens as written (the foreign-lede rule)."""
    return Counter(raw_tokens(text))


@lru_cache(maxsize=CACHE_SIZE)
def _is_headline(text: str) -> bool:
    """A few words without a full stop at the end (:func:`dedupe.shapes.is_headline`)."""
    return is_headline(text, max_words=MAX_HEADLINE_WORDS)


_TRUNCATED = regex.compile(r"(?:\.\.\.|…)\s*$")
_ARROW_END = regex.compile(r"[»›→]\s*$")
#: A dash and a name: the source of the quote or post above ("— Jane Doe (@jdoe) May 3, 2024"),
#: which belongs to it, not a teaser of another article.
_ATTRIBUTION = regex.compile(r"^\s*[—–―]\s*\p{Lu}")
_BULLET = regex.compile(r"^\s*[-–•·*»>]\s+\S")
#: A key of one to three words and its value: a specification, not another article's headline.
_KEY_VALUE = regex.compile(r"^\W*[\p{L}\p{N}][^\s:]*(?:\s+[^\s:]+){0,2}\s*:\s+\S")


def _is_card(texts: Sequence[str], p: int, period: int) -> bool:
    """A card of ``period`` lines at ``p``: a headline-shaped line of any length up to a headline's
    (a product's or a section's name may be one or two words), a short summary under it and, in a
    card of three lines, a short line of facts (a date, an author, a price) under that."""
    return (
        p + period <= len(texts)
        and is_headline(texts[p], min_words=1)
        and not is_headline(texts[p + 1], min_words=1)
        and 0 < word_count(texts[p + 1]) <= CARD_BLURB_MAX_WORDS
        and (period == 2 or 0 < word_count(texts[p + 2]) <= CARD_META_WORDS)
    )


def card_runs(texts: Sequence[str]) -> set[int]:
    """Positions of the lines of every run of at least :data:`CARD_RUN` cards of one shape, one right
    under the other (a page's list of items, not a passage spliced into prose).

    >>> card_runs(["Prose opens the page, long enough to be a paragraph of its own here.",
    ...            "First item", "Its summary in one sentence.",
    ...            "Second item headline", "Its summary in one sentence.",
    ...            "Third item headline", "Its summary in one sentence."])
    {1, 2, 3, 4, 5, 6}
    """
    n = len(texts)
    out: set[int] = set()
    for period in CARD_PERIODS:
        card = [_is_card(texts, p, period) for p in range(n)]
        after = [0] * (n + period)  # cards from p on, one right under the other
        for p in range(n - 1, -1, -1):
            after[p] = after[p + period] + 1 if card[p] else 0
        for p in range(n):
            if card[p] and (p < period or not card[p - period]) and after[p] >= CARD_RUN:
                out.update(range(p, p + period * after[p]))
    return out


def _prose_share(ctx: Context) -> float:
    """Share of the words of the pass's blocks that stand in prose blocks."""
    counts = [(word_count(b.text), is_prose(b.text)) for b in ctx.blocks]
    total = sum(n for n, _ in counts)
    return sum(n for n, prose in counts if prose) / total if total else 0.0


@lru_cache(maxsize=CACHE_SIZE)
def _is_box_item(text: str) -> bool:
    """A line of a links box: headline-shaped, a headline cut short ("Boreal refuges key to..."),
    or a short link with a trailing arrow ("Conservation »")."""
    n = word_count(text)
    if text.rstrip().endswith(":"):
        return False  # introduces what follows: the box has ended
    if _KEY_VALUE.match(text):
        return False  # "Memory: 8 GB", "- OS: Windows 10": a row of specifications, not a headline
    if _is_headline(text):
        return True
    if 3 <= n <= MAX_HEADLINE_WORDS and _TRUNCATED.search(text):
        return True
    if 2 <= n <= MAX_HEADLINE_WORDS and _BULLET.match(text) and not FULL_STOP_END(text):
        return True  # a bulleted link: "- Google-Themenspecial"
    return 1 <= n <= 6 and bool(_ARROW_END.search(text))


@register("offtopic")
class OfftopicStage:
    name = "offtopic"

    def __init__(self, config: Config) -> None:
        self.cfg = config.offtopic
        self.splice = SplicedPassage(config)

    def run(self, ctx: Context) -> None:
        self._related_box(ctx)
        alive = ctx.alive()
        if len(alive) < MIN_BLOCKS:
            return
        stop = ctx.stopwords
        content = {k: _content_of(ctx.blocks[k].text, stop) for k in alive}
        df: Counter[str] = Counter(chain.from_iterable(content.values()))
        # Content words of a single block: shared with no other block.
        once = {w for w, n in df.items() if n == 1}
        plain: dict[int, float | None] = {}

        def coherence(k: int, exclude: tuple[int, ...] = ()) -> float | None:
            mine = content[k]
            if len(mine) < MIN_CONTENT_WORDS:
                return None
            if not exclude:
                c = plain.get(k)
                if c is None:
                    # df[w] - 1 > 0 for the words not in `once`
                    c = plain[k] = len(mine - once) / len(mine)
                return c
            removed: Counter[str] = Counter()
            for e in exclude:
                removed.update(content[e])
            shared = sum(1 for w in mine if df[w] - removed[w] - 1 > 0)
            return shared / len(mine)

        sizes = {k: length(ctx, k) for k in alive}
        total = sum(sizes.values())
        short = {
            k
            for k in alive
            if sizes[k] <= min(MAX_TEASER_WORDS, MAX_TEASER_SHARE * total)
            and not _ATTRIBUTION.match(ctx.blocks[k].text)
        }
        self._headline_blurb(ctx, alive, coherence, short, content)
        self._foreign_lede(ctx, [k for k in alive if ctx.decisions[k] is None], coherence, short)
        if self.cfg.model_threshold is not None:
            learned_teasers(
                ctx,
                [k for k in alive if ctx.decisions[k] is None],
                short,
                self.cfg.model_threshold,
                self.cfg.model_min_run,
            )
        if self.splice.applies(ctx):
            self.splice.run(ctx)

    def _related_box(self, ctx: Context) -> None:
        """Headline-shaped lines right under a "Related"/"Mehr zum Thema" label: a box of links to
        other articles (rule ``related_box``). Judged on every block of the pass, so the label
        counts whether or not the boilerplate stage removed it."""
        n = len(ctx.blocks)
        # A box of other articles' headlines sits beside an article: below the first paragraph of
        # prose. Above it (or on a page without prose) the headlines are the page: a listing.
        lede = next((k for k in range(n) if is_prose(ctx.blocks[k].text)), n)
        if _prose_share(ctx) < BOX_MIN_PROSE_SHARE:
            return  # a page of headlines (a listing, an index): its boxes are more of the same
        for k in range(lede + 1, n - 1):
            if len(ctx.blocks[k].text) > 80 or not RELATED_LABEL.match(ctx.blocks[k].text):
                continue
            run: list[int] = []
            bulleted: bool | None = None
            j = k + 1
            while j < n and len(run) < MAX_BOX_HEADLINES:
                if ctx.decisions[j] is None:
                    text = ctx.blocks[j].text
                    if not _is_box_item(text):
                        break
                    # The items of one box share their marker: a line without the bullet the
                    # first item had (or with one it had not) is the next thing on the page.
                    marked = _BULLET.match(text) is not None
                    if bulleted is None:
                        bulleted = marked
                    elif marked != bulleted:
                        break
                    run.append(j)
                j += 1
            if run:
                # The box's label goes with it (the boilerplate stage may have taken it already).
                ctx.remove(
                    k, "offtopic.teaser", self.name, rule="related_box", part="label", box_size=len(run)
                )
            for j in run:
                ctx.remove(
                    j,
                    "offtopic.teaser",
                    self.name,
                    rule="related_box",
                    part="item",
                    label=[ctx.doc_id, ctx.blocks[k].index],
                    label_text=ctx.blocks[k].text.strip(),
                    box_size=len(run),
                )

    def _headline_blurb(
        self,
        ctx: Context,
        alive: list[int],
        coherence: object,
        short: set[int],
        content: dict[int, frozenset[str]],
    ) -> None:
        """A headline-shaped line plus the paragraph after it, both foreign to the document.

        Foreign means: the names they use (capitalised words other than a sentence's first) are
        new to the rest of the document, and their content words are shared with it less than
        those of a typical block are.
        """
        coh = coherence  # typed loosely to keep the closure simple
        # Pages built of heading + paragraph pairs (listicles, Q&A, FAQs) are structured that way:
        # there every pair looks like a teaser. Count the body's headline-shaped lines.
        subheads = sum(1 for k in alive[1:] if _is_headline(ctx.blocks[k].text))
        structured = subheads >= STRUCTURED_SUBHEADS
        # Lines opening with a short label and a colon ("Pro: ...", "Myth: ...", "17th Century:
        # ...") in parallel: the document's own structure (a listicle, a glossary, a timeline).
        labelled: int | None = None  # counted when first needed
        tokens_all: Counter[str] | None = None  # built when first needed
        typical = sorted(c for c in (coh(k) for k in alive) if c is not None)  # type: ignore[operator]
        median = typical[len(typical) // 2] if typical else 0.0
        # The article's own lede: the first paragraph of prose. A "headline" above it is the
        # title's furniture (a "Published: ... | Tags: ..." line), not another article's.
        lede = next((k for k in alive if is_prose(ctx.blocks[k].text)), None)
        forms = Counter(
            f
            for k in alive
            if word_count(ctx.blocks[k].text) <= MAX_HEADLINE_WORDS and (f := _form(ctx.blocks[k].text))
        )
        for i, k in enumerate(alive[:-1]):
            if i == 0 or not _is_headline(ctx.blocks[k].text) or ctx.blocks[k].text.rstrip().endswith(":"):
                # A line ending with a colon introduces what follows: same article.
                continue
            if ctx.blocks[alive[i - 1]].text.rstrip().endswith(":"):
                continue  # introduced by the line above ("Updating your system:"): the article's
            if lede is not None and alive[i + 1] <= lede and content[alive[i + 1]] & content[alive[0]]:
                continue  # the pair is the article's head and lede: the lede takes up the title
            if _BULLET.match(ctx.blocks[k].text):
                continue  # "- Check: lights and brakes": an item of the article's own list
            if _LABEL_COLON.match(ctx.blocks[k].text):
                if labelled is None:
                    labelled = sum(1 for j in alive[1:] if _LABEL_COLON.match(ctx.blocks[j].text))
                if labelled - 1 >= PARALLEL_LABELS:
                    continue  # one of the article's parallel "Label: ..." lines
            if _ENUMERATED.match(ctx.blocks[k].text):
                continue  # "2. Name, ...", "Q. ...", "- Doors: ...": an item of the article's own list
            form = _form(ctx.blocks[k].text)
            if form is not None and forms[form] > PARALLEL_HEADINGS:
                continue  # one of the page's questions or labelled headings (an FAQ, pros and cons)
            nxt = alive[i + 1]
            if k not in short or nxt not in short:
                continue
            head, blurb = ctx.blocks[k].text, ctx.blocks[nxt].text
            if _is_headline(blurb):
                continue
            # Tokens of the rest of the document: the whole document's, minus this pair's.
            if tokens_all is None:
                # (the same counts as adding up the blocks' _tokens_of Counters)
                tokens_all = Counter(chain.from_iterable(tokens(ctx.blocks[j].text) for j in alive))
            tk, tn = _tokens_of(head), _tokens_of(blurb)
            # A title-case headline capitalises every word: only the blurb's capitals are names.
            names = (
                [] if _title_case(head) else _names(head) + [w for w in head.split()[1:2] if w[:1].isupper()]
            )
            names += _names(blurb)
            names = [n for n in names if n.casefold() not in ctx.stopwords]
            signals: dict[str, float] = {}
            rest = tokens_all
            if (
                len(names) >= 2
                and sum(rest[n] - tk[n] - tn[n] <= 0 for n in names) / len(names) >= NOVEL_PAIR_NAMES
            ):
                signals["novel_names"] = W_PAIR_NOVEL_NAMES
            ch = coh(k, (nxt,))  # type: ignore[operator]
            cb = coh(nxt, (k,))  # type: ignore[operator]
            if ch is not None and ch < median * LOW_RELATIVE_COHERENCE:
                signals["headline_low_coherence"] = W_PAIR_LOW_COHERENCE
            if cb is not None and cb < median * LOW_RELATIVE_COHERENCE:
                signals["blurb_low_coherence"] = W_PAIR_LOW_COHERENCE
            if regex.search(r"[:!?]", head):
                signals["headline_punctuation"] = W_PAIR_PUNCT
            score = sum(signals.values())
            required = PAIR_REQUIRED | ({"headline_punctuation"} if structured else set())
            if score < self.cfg.score or not required.issubset(signals):
                continue
            ev = {
                "rule": "headline_blurb",
                "score": score,
                "threshold": self.cfg.score,
                "signals": sorted(signals),
                "median_coherence": round(median, 3),
            }
            ctx.remove(k, "offtopic.teaser", self.name, part="headline", coherence=_r(ch), **ev)
            ctx.remove(
                nxt,
                "offtopic.teaser",
                self.name,
                part="blurb",
                coherence=_r(cb),
                teaser_headline=ctx.blocks[k].index,
                **ev,
            )

    def _foreign_lede(self, ctx: Context, alive: list[int], coherence: object, short: set[int]) -> None:
        if len(alive) < MIN_BLOCKS:
            return
        coh = coherence
        for pos in range(max(1, len(alive) - TAIL_BLOCKS), len(alive)):
            k = alive[pos]
            if k not in short:
                continue
            text = ctx.blocks[k].text
            # Tokens of the blocks before this one (as if their texts were joined by spaces).
            before_tokens = _Before([_raw_tokens_of(ctx.blocks[j].text) for j in alive[:pos]])
            signals: dict[str, float] = {}
            for m in ACRONYM_DEF_RE.finditer(text):
                if before_tokens[m.group(1)] == 0:
                    signals["acronym_defined"] = W_ACRONYM
                    break
            for m in introductions(text):
                parts = m.group(2).split()
                if before_tokens[parts[-1]] >= 2 and m.group(1) not in ctx.stopwords:
                    signals["entity_reintroduced"] = W_REINTRODUCED
                    break
            names = _names(text)
            if names:
                novel = sum(before_tokens[n] == 0 for n in names) / len(names)
                if novel >= NOVEL_NAMES_SHARE:
                    signals["novel_names"] = W_NOVEL_NAMES
            c = coh(k)  # type: ignore[operator]
            if c is not None and c <= 2 * self.cfg.coherence:
                signals["low_coherence"] = W_LOW_COHERENCE
            if len(text.split()) >= LEDE_MIN_WORDS and len(regex.findall(r"[.!?](?:\s|$)", text)) <= 1:
                signals["lede_shape"] = W_LEDE_SHAPE
            score = sum(signals.values())
            if score >= self.cfg.score and len(signals) >= 2:
                ctx.remove(
                    k,
                    "offtopic.teaser",
                    self.name,
                    rule="foreign_lede",
                    score=score,
                    threshold=self.cfg.score,
                    signals=sorted(signals),
                )


class SplicedPassage(Pass):
    """A passage of another article spliced into the body: its lede paragraph, or its headline and
    first sentence as two lines, on another subject or on the same one, at the end or between two
    paragraphs. Lexical coherence alone cannot see a same-subject passage; the detector
    (:class:`dedupe.discourse.SpliceDetector`, gradient-boosted trees read from
    ``dedupe/data/splice_model.json``, trained by ``training/train_splice.py`` on passages spliced
    into the tune part of the development articles) also weighs how the passage opens (names and
    acronyms introduced again, who/what/when restated, words that open articles), where it sits
    (after a line that reads like a close; between neighbours that cohere with each other and not
    with it), its shape (a headline-shaped line and one summary sentence) and the names and numbers
    the rest of the article never mentions. It runs last, on the blocks everything else kept, and
    removes a block whose probability reaches ``offtopic.splice_threshold`` (a teaser's two lines
    together); the evidence gives the score, the threshold and the signals that moved it most."""

    name = "splice_model"
    stage = "offtopic"

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.threshold = config.offtopic.splice_threshold

    def applies(self, ctx: Context) -> bool:
        return self.threshold is not None

    def run(self, ctx: Context) -> None:
        from ..discourse import MIN_BLOCKS as SPLICE_MIN_BLOCKS
        from ..discourse import detector

        alive = ctx.alive()
        if len(alive) < SPLICE_MIN_BLOCKS or self.threshold is None:
            return
        texts = [ctx.blocks[k].text for k in alive]
        introduced: set[int] = set()
        forms = Counter(form for form in map(_form, texts) if form is not None)
        cards: set[int] | None = None
        for f in detector().detect(texts, ctx.stopwords, self.threshold):
            if cards is None:
                cards = card_runs(texts)
                if len(cards) < CARD_PAGE_SHARE * len(texts):
                    cards = set()  # a few cards in a page of prose: no page of cards
            if f.position in cards:
                continue  # one of the page's cards (a listing's headline and summary): its own item
            text = texts[f.position]
            form = _form(text)
            if _ENUMERATED.match(text) or (form is not None and forms[form] > PARALLEL_HEADINGS):
                continue  # "Q: ...", "2. ...", one of the page's parallel questions: the article's own item
            # A line ending with a colon introduces what follows (as for the headline-and-blurb
            # rule): the passage under it, and a blurb under a headline so introduced, are the
            # article's own.
            if texts[f.position - 1].rstrip().endswith(":") or (
                f.part == "blurb" and f.position - 1 in introduced
            ):
                introduced.add(f.position)
                continue
            self.remove(ctx, alive[f.position], "offtopic.teaser", **f.evidence())


class _Before:
    """Token counts of several blocks together, summed on demand (only a few are looked up)."""

    __slots__ = ("_counts", "_parts")

    def __init__(self, parts: list[Counter[str]]) -> None:
        self._parts = parts
        self._counts: dict[str, int] = {}

    def __getitem__(self, token: str) -> int:
        n = self._counts.get(token)
        if n is None:
            n = self._counts[token] = sum(p[token] for p in self._parts)
        return n
