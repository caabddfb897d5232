"""From raw bytes to an Article: decode, recognize the outlet from the text, parse."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from parsers import generic_text, voa_html, voa_text, yonhap_html, yonhap_text
from parsers.blocks import split_blocks
from parsers.decode import decode_document
from parsers.model import Article, ParseError
from parsers.sidecar import Sidecar

# Most specific first: the first parser that recognizes the text wins.
_TEXT_PARSERS: tuple[tuple[Callable[[list[str]], bool], Callable[[list[str]], Article]], ...] = (
    (yonhap_text.recognize, yonhap_text.parse),
    (voa_text.recognize, voa_text.parse),
)


_HTML_PARSERS: tuple[tuple[Callable[[str], bool], Callable[..., Article]], ...] = (
    (yonhap_html.recognize_html, yonhap_html.parse_html),
    (voa_html.recognize_html, voa_html.parse_html),
)
_HTML_START = ("<!doctype html", "<html", "<head")
_CLOSING_TAG = re.compile(r"</(?:p|div|html|body|article|span)>", re.IGNORECASE)


def _looks_like_html(text: str) -> bool:
    """A page, or a fragment of one: markup first, and closing tags of text containers."""
    head = text.lstrip()[:100].lower()
    return head.startswith(_HTML_START) or (
        head.startswith("<") and _CLOSING_TAG.search(text, 0, 20000) is not None
    )


def parse_document(data: bytes, sidecar: Sidecar | None = None) -> Article:
    """Parse one saved article. Raises ParseError with a reason a user can act on."""
    sidecar = sidecar or Sidecar()
    decoded = decode_document(data, sidecar.encoding)
    if _looks_like_html(decoded.text):
        return _parse_page(decoded.text, sidecar, decoded.repairs)
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


def _parse_page(html: str, sidecar: Sidecar, repairs: tuple[str, ...]) -> Article:
    """A saved article page: the outlet's own page parser, or a clear refusal."""
    for recognize, parse in _HTML_PARSERS:
        if recognize(html):
            article = parse(html, url=sidecar.url)
            return dataclasses.replace(
                article,
                published_at=article.published_at or sidecar.published_at,
                language=sidecar.language or article.language,
                repairs=repairs,
            )
    raise ParseError(
        "an HTML page of an outlet without a page parser (Yonhap and VOA pages have one); "
        "save the article's text instead"
    )


def _source_from(sidecar: Sidecar) -> str:
    if sidecar.source:
        return sidecar.source
    if sidecar.url:
        host = urlsplit(sidecar.url).hostname or ""
        return host.removeprefix("www.") or "unknown"
    return "unknown"
