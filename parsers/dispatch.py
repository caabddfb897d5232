"""From raw bytes to an Article: decode, recognize the outlet from the text, parse.

Two doors: parse_document for saved files (text or HTML, with an optional sidecar),
parse_page for fetched pages (HTML, with what the fetcher and the sources file know).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date, datetime
from urllib.parse import urlsplit

from parsers import generic_html, generic_text, voa_html, yonhap_html, yonhap_wire
from parsers.control_chars import markup_without_controls, removal_note
from parsers.decode import DecodedText, clean_text, decode_document
from parsers.layout import page_blocks
from parsers.model import Article, ParseError
from parsers.outlets import Outlet, outlet_by_key, outlet_of_url
from parsers.publication import dated
from parsers.sidecar import Sidecar

PageParser = Callable[[str, str | None, str | None], Article]
"""(html, url, source) -> Article; url and source are the caller's, None when unknown."""


def _outlet(parse: Callable[[str, str | None], Article]) -> PageParser:
    # An outlet's parser names its own source; only the generic one needs to be told.
    return lambda html, url, _source: parse(html, url)


# The names a sources file may give in its `parser` field.
PAGE_PARSERS: dict[str, PageParser] = {
    yonhap_html.PARSER: _outlet(yonhap_html.parse_html),
    voa_html.PARSER: _outlet(voa_html.parse_html),
    yonhap_wire.PARSER: _outlet(yonhap_wire.parse_wire),
    "generic": generic_html.parse_generic,
}

# Most specific first; a page no outlet claims goes to the generic extractor.
_RECOGNIZERS: tuple[tuple[Callable[[str], bool], str], ...] = (
    (yonhap_html.recognize_html, yonhap_html.PARSER),
    (voa_html.recognize_html, voa_html.PARSER),
    (yonhap_wire.recognize_wire, yonhap_wire.PARSER),
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
        return _saved_page(decoded, sidecar)
    blocks = page_blocks(decoded.text)
    if not blocks:
        raise ParseError("no text after decoding")
    named = _named_outlet(sidecar)
    article = generic_text.parse(blocks, outlet_hint=named)
    published_at, published_date, notes = _settle_time(article, sidecar)
    settled = dataclasses.replace(
        article,
        # The sidecar names the source as a sources file does; the text fills in.
        source=sidecar.source
        or (named.key if named else None)
        or _known(article.source)
        or _host(sidecar.url)
        or "unknown",
        url=article.url or sidecar.url,
        published_at=published_at,
        published_date=published_date,
        language=sidecar.language or article.language,
        replacement_chars=decoded.replacement_chars,
        repairs=decoded.repairs + article.repairs + notes,
    )
    return dated(settled)


def _settle_time(
    article: Article, sidecar: Sidecar
) -> tuple[datetime | None, date | None, tuple[str, ...]]:
    """The text is the better witness; the sidecar fills only what the text lacks. A
    sidecar time on another day than the text prints is not taken, and the note says so."""
    if article.published_at is not None or sidecar.published_at is None:
        return article.published_at, article.published_date, ()
    if article.published_date in (None, sidecar.published_at.date()):
        return sidecar.published_at, sidecar.published_at.date(), ()
    note = (
        f"the sidecar's published_at {sidecar.published_at.isoformat()} is not on the day "
        f"the text prints ({article.published_date.isoformat()}): the text's day is kept"
    )
    return None, article.published_date, (note,)


def parse_page(
    page: bytes | str,
    *,
    url: str | None = None,
    parser: str | None = None,
    source: str | None = None,
    declared_encoding: str | None = None,
) -> Article:
    """Parse one fetched article page. Raises ParseError with a reason a user can act on.

    `parser` is a name from PAGE_PARSERS (a sources file's `parser` field), or None to
    recognize the outlet from the markup, falling back to the generic extractor; an
    unknown name raises ValueError, a configuration mistake rather than a bad page.
    `declared_encoding` is the charset of the HTTP Content-Type: it wins over the page's
    <meta charset>, as it does in browsers. `url` and `source` win over what the page
    says: the sources file names the `source` of every feed, whatever parser reads it.
    """
    if parser is not None and parser not in PAGE_PARSERS:
        known = ", ".join(sorted(PAGE_PARSERS))
        raise ValueError(f"unknown page parser {parser!r}; known parsers are {known}")
    if isinstance(page, bytes):
        decoded = decode_document(page, declared_encoding)
    else:
        decoded = clean_text(page)  # decoded already, by the HTTP client
    article = _parse_page(decoded, parser=parser, url=url, source=source)
    return dated(dataclasses.replace(article, source=source or article.source))


def _parse_page(
    decoded: DecodedText, *, parser: str | None, url: str | None, source: str | None
) -> Article:
    html, removed = markup_without_controls(decoded.text)
    notes = (removal_note(removed),) if removed else ()
    name = parser or next((name for recognize, name in _RECOGNIZERS if recognize(html)), "generic")
    article = PAGE_PARSERS[name](html, url, source)
    return dataclasses.replace(
        article,
        url=url or article.url,
        # Decoding repairs came first; the parser's notes (times that disagree) follow.
        repairs=decoded.repairs + notes + article.repairs,
    )


def _saved_page(decoded: DecodedText, sidecar: Sidecar) -> Article:
    """A saved article page: the outlet's own page parser, else the generic extractor.

    As for saved text, the page is the better witness: the sidecar's source and time
    fill only what the page lacks.
    """
    article = _parse_page(decoded, parser=None, url=sidecar.url, source=sidecar.source)
    return dated(
        dataclasses.replace(
            article,
            published_at=article.published_at or sidecar.published_at,
            language=sidecar.language or article.language,
        )
    )


def _named_outlet(sidecar: Sidecar) -> Outlet | None:
    """The outlet a sidecar names, by its source name or by the URL's domain."""
    return outlet_by_key(sidecar.source) or outlet_of_url(sidecar.url)


def _known(source: str) -> str | None:
    return None if source == "unknown" else source


def _host(url: str | None) -> str | None:
    if not url:
        return None
    return (urlsplit(url).hostname or "").removeprefix("www.") or None
