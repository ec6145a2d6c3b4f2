"""Stages: small named objects with one method, ``run(ctx)``, that attach decisions to blocks.

A stage only looks at blocks no earlier stage removed, and never edits text. The registry maps the
names used by the CLI (``--stages``), reports and statistics to the stage classes.

The registry is open. The stage modules of this package register themselves when imported
(:func:`load_stages` imports every module of the package); a stage from another distribution is
found through the entry-point group ``dedupe.stages``::

    # pyproject.toml of the other distribution
    [project.entry-points."dedupe.stages"]
    profanity = "my_package.stages:ProfanityStage"

The entry point's name is the stage name; the object is a class (or factory) taking the
:class:`~dedupe.config.Config` and returning a :class:`Stage`. It may set an ``order`` attribute
(a number: the built-in stages are 10, 20, 30, 40; the default 100 runs after them) and should
declare the reasons it emits with :func:`dedupe.reasons.register`. ``Config(stages=(...,
"profanity"))`` then runs it; a stage without a config section of its own reads what it needs
from the :class:`~dedupe.config.Config` it is given.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol

from ..config import STAGE_ORDER, Config
from ..lang import guess_stoplist_texts
from ..model import KEPT, Block, Decision
from ..text import words

__all__ = [
    "ENTRY_POINT_GROUP",
    "REGISTRY",
    "Context",
    "Pass",
    "Stage",
    "build_stages",
    "load_stages",
    "register",
    "stage_order",
]

log = logging.getLogger(__name__)

#: Entry-point group through which other distributions add stages.
ENTRY_POINT_GROUP = "dedupe.stages"


@dataclass
class Context:
    """One pass over one document: the blocks still in play and the decisions taken so far.

    ``blocks[k].index`` is the block's index in the original document (evidence always refers to
    original indices); ``k`` is its position in this pass.
    """

    doc_id: str
    blocks: list[Block]
    config: Config
    corpus: Any = None
    #: The text was extracted from HTML by trafilatura (which already judged the page's layout).
    from_html: bool = False
    #: Link density of the table rows extracted from HTML, by block index (``Block.index``, so it
    #: holds across passes); empty for plain text. See :func:`dedupe.html.row_link_density`.
    link_density: Mapping[int, float] = field(default_factory=dict)
    #: The HTML page declares itself a thread (:func:`dedupe.html.is_thread_page`): its posts and
    #: replies are its content. Always False for plain text.
    declared_thread: bool = False
    decisions: list[Decision | None] = field(default_factory=list)
    #: Blocks a context-sensitive pass kept against their context-free verdict, by position: the
    #: evidence of that override (``cf_reason``, ``cf_rule``, ``kept_by``), carried into the
    #: block's final decision whether it stays or a later pass removes it after all.
    overrides: dict[int, dict[str, Any]] = field(default_factory=dict)
    _words: dict[int, list[str]] = field(default_factory=dict)
    _stop: tuple[str | None, frozenset[str]] | None = None

    def __post_init__(self) -> None:
        if not self.decisions:
            self.decisions = [None] * len(self.blocks)

    def words(self, k: int) -> list[str]:
        """Normalised words of the block at position ``k`` (cached)."""
        w = self._words.get(k)
        if w is None:
            w = self._words[k] = words(self.blocks[k].text)
        return w

    @property
    def language(self) -> str | None:
        return self._stoplist()[0]

    @property
    def stopwords(self) -> frozenset[str]:
        return self._stoplist()[1]

    def _stoplist(self) -> tuple[str | None, frozenset[str]]:
        if self._stop is None:
            self._stop = guess_stoplist_texts(b.text for b in self.blocks)
        return self._stop

    def alive(self) -> list[int]:
        """Positions of the blocks no stage has removed yet."""
        return [k for k, d in enumerate(self.decisions) if d is None]

    def remove(self, k: int, reason: str, stage: str, **evidence: Any) -> None:
        """Remove the block at position ``k`` (a block already removed keeps its first decision).
        An override recorded by :meth:`keep` is added to the evidence."""
        if self.decisions[k] is None:
            override = self.overrides.get(k)
            if override:
                evidence = {**evidence, **override}
            self.decisions[k] = Decision(kept=False, reason=reason, stage=stage, evidence=evidence)

    def keep(self, k: int, by: str, **evidence: Any) -> None:
        """Record that pass ``by`` keeps the block at ``k`` against the context-free verdict given
        in ``evidence`` (``cf_reason``, ``cf_rule``)."""
        if self.decisions[k] is None:
            self.overrides[k] = {**evidence, "kept_by": by}

    def final(self, k: int) -> Decision:
        """The decision of the block at ``k`` after the pass: its removal, or kept (with the
        override that kept it, if any)."""
        d = self.decisions[k]
        if d is not None:
            return d
        override = self.overrides.get(k)
        return KEPT if not override else Decision(kept=True, reason=KEPT.reason, stage="", evidence=override)


class Stage(Protocol):
    name: str

    def run(self, ctx: Context) -> None: ...


class Pass:
    """A named step inside a stage (jusText's context-sensitive passes): one observation, one
    ``run(ctx)``. Its removals carry ``removed_by`` (the pass's name) in their evidence, its
    overrides ``kept_by``; ``docs/algorithm.md`` shows its name and docstring.

    Subclasses set :attr:`name` and implement :meth:`run`; :meth:`applies` says whether the pass
    runs on this document (a configuration switch, HTML input...).
    """

    #: The pass's stable name (snake_case), written into the evidence.
    name: ClassVar[str] = ""
    #: The stage its decisions are credited to.
    stage: ClassVar[str] = ""

    def __init__(self, config: Config) -> None:
        self.config = config

    def applies(self, ctx: Context) -> bool:
        return True

    def run(self, ctx: Context) -> None:
        raise NotImplementedError

    def remove(self, ctx: Context, k: int, reason: str, **evidence: Any) -> None:
        """Remove block ``k`` as this pass (``removed_by`` is added to the evidence)."""
        ctx.remove(k, reason, self.stage, **evidence, removed_by=self.name)


REGISTRY: dict[str, Callable[[Config], Stage]] = {}
#: Where each registered stage runs: lower first (see :func:`stage_order`).
ORDER: dict[str, float] = {}
#: Where the built-in stages run (:data:`dedupe.config.STAGE_ORDER`: 10, 20, 30, 40)...
BUILTIN_ORDER = {name: 10.0 * (i + 1) for i, name in enumerate(STAGE_ORDER)}
#: ...and a stage that does not say: after them.
DEFAULT_ORDER = 100.0


def register(name: str, order: float | None = None) -> Callable[[type], type]:
    """Class decorator: register a stage under ``name``, run at ``order`` (lower first; the
    built-in stages keep the order of :data:`~dedupe.config.STAGE_ORDER`)."""

    def deco(cls: type) -> type:
        cls.name = name  # type: ignore[attr-defined]
        REGISTRY[name] = cls
        ORDER[name] = order if order is not None else BUILTIN_ORDER.get(name, DEFAULT_ORDER)
        return cls

    return deco


_loaded = False


def load_stages() -> Mapping[str, Callable[[Config], Stage]]:
    """Import every stage module of this package and every ``dedupe.stages`` entry point (once),
    and return the registry."""
    global _loaded
    if _loaded:
        return REGISTRY
    _loaded = True
    for mod in pkgutil.iter_modules(__path__):
        if not mod.name.startswith("_"):
            importlib.import_module(f"{__name__}.{mod.name}")
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in REGISTRY:
            log.warning("stage %r from entry point %s ignored: the name is taken", ep.name, ep.value)
            continue
        try:
            factory = ep.load()
        except Exception as e:  # a broken plugin must not break the built-in stages
            log.warning("stage %r from entry point %s could not be loaded: %s", ep.name, ep.value, e)
            continue
        REGISTRY[ep.name] = factory
        ORDER[ep.name] = float(getattr(factory, "order", DEFAULT_ORDER))
    return REGISTRY


def stage_order() -> tuple[str, ...]:
    """Every registered stage name, in the order the stages run."""
    load_stages()
    return tuple(sorted(REGISTRY, key=lambda n: (ORDER[n], n)))


def build_stages(config: Config, *, corpus: bool) -> list[Stage]:
    """Instantiate the configured stages in order; ``corpus`` is left out unless in corpus mode."""
    load_stages()
    out = []
    for name in config.stages:
        if name == "corpus" and not corpus:
            continue
        sub = getattr(config, name, None)
        if sub is not None and getattr(sub, "enabled", True) is False:
            continue
        stage = REGISTRY[name](config)
        if not getattr(stage, "name", None):
            stage.name = name
        out.append(stage)
    return out
