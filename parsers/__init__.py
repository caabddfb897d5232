"""Pure parsing: bytes in, frozen Articles out. No network, no database, no Prefect."""

from parsers.dispatch import parse_document
from parsers.model import Article, Paragraph, ParseError
from parsers.sidecar import Sidecar, parse_sidecar

__all__ = ["Article", "Paragraph", "ParseError", "Sidecar", "parse_document", "parse_sidecar"]
