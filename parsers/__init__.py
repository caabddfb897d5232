"""Pure parsing: bytes in, frozen Articles out. No network, no database, no Prefect."""

from parsers.dispatch import PAGE_PARSERS, parse_document, parse_page
from parsers.model import Article, Paragraph, ParseError
from parsers.sidecar import Sidecar, parse_sidecar

__all__ = [
    "PAGE_PARSERS",
    "Article",
    "Paragraph",
    "ParseError",
    "Sidecar",
    "parse_document",
    "parse_page",
    "parse_sidecar",
]
