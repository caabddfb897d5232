"""From raw bytes to an Article: decode, recognize the outlet from the text, parse."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from urllib.parse import urlsplit

from parsers import generic_text, voa_text, yonhap_text
from parsers.blocks import split_blocks
from parsers.decode import decode_document
from parsers.model import Article, ParseError
from parsers.sidecar import Sidecar

# Most specific first: the first parser that recognizes the text wins.
_TEXT_PARSERS: tuple[tuple[Callable[[list[str]], bool], Callable[[list[str]], Article]], ...] = (
    (yonhap_text.recognize, yonhap_text.parse),
    (voa_text.recognize, voa_text.parse),
)


def parse_document(data: bytes, sidecar: Sidecar | None = None) -> Article:
    """Parse one saved article. Raises ParseError with a reason a user can act on."""
    sidecar = sidecar or Sidecar()
    decoded = decode_document(data, sidecar.encoding)
    blocks = split_blocks(decoded.text)
    if not blocks:
        raise ParseError("no text after decoding")
    for recognize, parse in _TEXT_PARSERS:
        if recognize(blocks):
            article = parse(blocks)
            break
    else:
        article = generic_text.parse(blocks, source=_source_from(sidecar))
    return dataclasses.replace(
        article,
        # The text is the better witness; the sidecar fills only what the text lacks.
        url=article.url or sidecar.url,
        published_at=article.published_at or sidecar.published_at,
        language=sidecar.language or article.language,
        replacement_chars=decoded.replacement_chars,
        repairs=decoded.repairs,
    )


def _source_from(sidecar: Sidecar) -> str:
    if sidecar.source:
        return sidecar.source
    if sidecar.url:
        host = urlsplit(sidecar.url).hostname or ""
        return host.removeprefix("www.") or "unknown"
    return "unknown"
