"""Every reason a decision can carry: a closed, documented set.

A removed block's ``reason`` is ``<stage>.<kind>``; a kept block's is ``kept``. Reports, statistics
and the CLI's ``--stats`` count decisions by these names, so they are stable: a new reason is added
here, with its one-line meaning, before any stage emits it (the test suite checks that every
reason emitted on the seeds and a generated corpus is in :data:`REASONS`, and that every rule of
the boilerplate table names one).

A third-party stage (see :mod:`dedupe.stages`) declares its own reasons with :func:`register`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["KEPT", "REASONS", "describe", "register"]

KEPT = "kept"

_REASONS: dict[str, str] = {
    KEPT: "the block is in the clean text",
    # boilerplate: the page template around the article (rules, passes, the line model)
    "boilerplate.reading_time": "a reading-time line ('2 min read')",
    "boilerplate.dateline": "a standalone date or time line, or a date label without its date",
    "boilerplate.translation_notice": "a note that the text was translated",
    "boilerplate.prompt": "the page asks the reader to act (follow, share, subscribe, comment, click)",
    "boilerplate.disclaimer": "a disclaimer, republication or update notice, or a legal imprint",
    "boilerplate.copyright": "a copyright line",
    "boilerplate.byline": "who wrote the article (byline, role, reporting credit, author bio)",
    "boilerplate.navigation": "navigation: pagination, breadcrumbs, menus, previous/next links",
    "boilerplate.links": "lists of links: tags, categories, social embeds, link-dense rows, tag boxes",
    "boilerplate.caption": "a photo caption or credit",
    "boilerplate.section_label": "a section label or kicker next to the headline",
    "boilerplate.comments": "the readers' comment section under the article",
    "boilerplate.low_quality": "the learned line model scores the line as page furniture",
    # duplicates
    "duplicate.within": "a copy of an earlier block of the same document",
    "duplicate.corpus": "a copy of a block of an earlier document (corpus mode)",
    # off-topic insertions
    "offtopic.teaser": "part of another article (teaser, related-stories box, foreign lede)",
}

#: Reason -> one-line meaning (read-only view; see :func:`register`).
REASONS: Mapping[str, str] = MappingProxyType(_REASONS)


def describe(reason: str) -> str:
    """The one-line meaning of ``reason``; raises KeyError for an unknown one."""
    return _REASONS[reason]


def register(reason: str, meaning: str) -> None:
    """Declare a reason of a third-party stage (``<stage>.<kind>``, snake_case).

    Raises:
        ValueError: if the name is malformed, or already declared with another meaning.
    """
    stage, _, kind = reason.partition(".")
    if not (stage and kind and reason.replace(".", "_").replace("_", "").isalnum() and reason.islower()):
        raise ValueError(f"a reason is '<stage>.<kind>' in snake_case, got {reason!r}")
    if _REASONS.get(reason, meaning) != meaning:
        raise ValueError(f"reason {reason!r} is already declared as {_REASONS[reason]!r}")
    _REASONS[reason] = meaning
