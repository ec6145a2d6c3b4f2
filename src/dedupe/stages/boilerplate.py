"""Boilerplate: the lines a page template puts around an article.

The stage runs in three steps, as jusText does, each visible in the decisions:

1. **Context-free rules** (:data:`dedupe.rules.RULES`, one table of records): every block gets the
   verdict of the first rule that takes it, from its words, punctuation and shape alone.
2. **Context-sensitive passes** (:mod:`dedupe.stages.passes`): first the *overrides*
   (:attr:`BoilerplateStage.OVERRIDES`), which keep a block against its context-free verdict when
   its place in the document says it is content; the remaining verdicts are then applied; then the
   *passes* (:attr:`BoilerplateStage.PASSES`), which remove what only the context shows.
3. **The learned line model** (:class:`dedupe.stages.quality.QualityPass`), last of the passes.

A removal names its ``rule`` (and, for a pass, ``removed_by``); a block kept by an override carries
``cf_reason``, ``cf_rule`` and ``kept_by`` (see :meth:`dedupe.CleanResult.explain`).
``docs/algorithm.md`` describes every rule and pass.
"""

from __future__ import annotations

from typing import ClassVar

from ..config import Config
from ..rules import classify_line
from . import Context, Pass, register
from .passes import (
    AuthorBio,
    CaptionOnPhotoPage,
    CommentSection,
    DatelinePosition,
    LabelsAroundHeadline,
    LinkDenseRows,
    Override,
    TagBoxes,
)
from .quality import QualityPass

__all__ = ["BoilerplateStage", "classify_line"]


@register("boilerplate")
class BoilerplateStage:
    """Context-free rules per block, then the named context-sensitive passes, then the line model."""

    name = "boilerplate"

    #: Overrides of context-free verdicts, in order (the first that keeps a block names itself).
    OVERRIDES: ClassVar[tuple[type[Override], ...]] = (DatelinePosition, CaptionOnPhotoPage)
    #: Context-sensitive passes, in the order they run; the learned line model comes last.
    PASSES: ClassVar[tuple[type[Pass], ...]] = (
        LinkDenseRows,
        LabelsAroundHeadline,
        TagBoxes,
        CommentSection,
        AuthorBio,
        QualityPass,
    )

    def __init__(self, config: Config) -> None:
        self.overrides = [o(config) for o in self.OVERRIDES]
        self.passes = [p(config) for p in self.PASSES]

    def run(self, ctx: Context) -> None:
        verdicts = {k: hit for k in ctx.alive() if (hit := classify_line(ctx.blocks[k].text)) is not None}
        kept: dict[int, str] = {}
        for override in self.overrides:
            for k in override.keeps(ctx, verdicts):
                kept.setdefault(k, override.name)
        for k, (reason, rule) in verdicts.items():
            if k in kept:
                ctx.keep(k, kept[k], cf_reason=reason, cf_rule=rule)
            else:
                ctx.remove(k, reason, self.name, rule=rule)
        for p in self.passes:
            if p.applies(ctx):
                p.run(ctx)
