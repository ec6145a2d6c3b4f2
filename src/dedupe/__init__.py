"""dedupe: clean scraped news and web text, and say why each paragraph went.

>>> import dedupe
>>> result = dedupe.clean("Title of the story\\nFollow us on Twitter: @example\\nThe story itself.")
>>> print(result.text)
Title of the story
<BLANKLINE>
The story itself.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

from .config import (
    STAGE_ORDER,
    BoilerplateConfig,
    Config,
    CorpusConfig,
    DuplicateConfig,
    HtmlConfig,
    OfftopicConfig,
)
from .errors import ConfigError, DedupeError, IndexFormatError, InputFileError
from .model import Block, CleanResult, Decision, Document
from .pipeline import Cleaner, clean, clean_html

try:
    __version__ = version("dedupe-text")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "STAGE_ORDER",
    "Block",
    "BoilerplateConfig",
    "CleanResult",
    "Cleaner",
    "Config",
    "ConfigError",
    "CorpusConfig",
    "Decision",
    "DedupeError",
    "Document",
    "DuplicateConfig",
    "HtmlConfig",
    "IndexFormatError",
    "InputFileError",
    "OfftopicConfig",
    "__version__",
    "clean",
    "clean_html",
]
