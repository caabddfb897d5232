"""Pure extraction of entities, quotes and events from parsed articles."""

from parsers.extraction.extract import Extractor, extractor_version
from parsers.extraction.model import (
    ArticleEntity,
    ArticleEvent,
    EventDate,
    Extraction,
    Mention,
    Quote,
)

__all__ = [
    "ArticleEntity",
    "ArticleEvent",
    "EventDate",
    "Extraction",
    "Extractor",
    "Mention",
    "Quote",
    "extractor_version",
]
