"""HTML records: main-text extraction with trafilatura, before the same stages as plain text.

trafilatura already drops navigation, footers and most comment sections; what it leaves in
(teasers, related links, captions, bylines, prompts) is what the stages are for. Its output has one
paragraph per line, which is what :mod:`dedupe.segment` expects.
"""

from __future__ import annotations

from .config import HtmlConfig

__all__ = ["extract_text"]


def extract_text(html: str, cfg: HtmlConfig) -> str:
    """The main text of ``html`` (empty string if trafilatura finds none)."""
    import trafilatura

    if not html.strip():
        return ""
    out = trafilatura.extract(
        html,
        include_comments=cfg.include_comments,
        include_tables=cfg.include_tables,
        favor_precision=cfg.favor == "precision",
        favor_recall=cfg.favor == "recall",
        deduplicate=False,
    )
    return out or ""
