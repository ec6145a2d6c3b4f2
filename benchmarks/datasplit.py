"""The one split of the development data into a part we tune on and a part we only measure on.

Every benchmark, training script and floor uses this module, so the split is made once:

- ``wcxb``: by a hash of the page's ``domain`` (pages of one site never straddle the split, so a
  rule or a model fitted to a site's template cannot score on that site's held-out pages);
- ``portal``: by a hash of the URL's host (CleanEval pages without a usable URL by their id);
- ``dragnet``: by a hash of the id (the set has no URLs);
- ``lines``: the set's own ``split`` field (``train`` is tuned on; ``dev`` and ``test`` are held out).

About a fifth of each set is ``measure``: figures on it are the ones reported in issue notes. Never
train a model, pick a threshold or write a rule from a ``measure`` page; look at them only in aggregate.

    >>> split_of("wcxb", {"domain": "example.com"}) in ("tune", "measure")
    True
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

__all__ = ["MEASURE", "SALT", "TUNE", "domain_of", "split_of"]

TUNE = "tune"
MEASURE = "measure"
#: Changing the salt re-draws the split: never do it (figures before and after would not compare).
SALT = "dedupe-split-2026"
#: One key in this many goes to the measured part (20%).
MEASURE_ONE_IN = 5


def domain_of(set_name: str, rec: dict[str, Any]) -> str:
    """The key a record is split by: its site where the set says it, else its id."""
    if set_name == "wcxb":
        return str(rec.get("domain") or rec["id"])
    if set_name == "portal":
        host = urlsplit(rec.get("url") or "").hostname or ""
        # The CleanPortalEval ids name their site section ("bbc.co.uk_news_03"): pages of one site
        # stay together even where the URL is missing.
        rid = str(rec["id"])
        if not host and rid.startswith("CleanPortalEval/"):
            host = rid.split("/", 1)[1].rsplit("_", 1)[0]
        return host.removeprefix("www.") or rid
    return str(rec["id"])


def _bucket(key: str) -> int:
    return int(hashlib.sha1(f"{SALT}:{key}".encode()).hexdigest()[:8], 16) % MEASURE_ONE_IN


def split_of(set_name: str, rec: dict[str, Any]) -> str:
    """``"tune"`` or ``"measure"`` for a record of ``set_name`` (``lines``: train is tune)."""
    if set_name == "lines":
        return TUNE if rec.get("split") == "train" else MEASURE
    return MEASURE if _bucket(domain_of(set_name, rec)) == 0 else TUNE
