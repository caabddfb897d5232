"""Any article page without a parser of its own, read with trafilatura's main-text extraction.

A new feed then works on its first day, with whatever the page offers: title, author,
section, body paragraphs and subheads (trafilatura drops photos, so no captions), and
a published time only from tags that write a full timestamp with its offset:
meta article:published_time, JSON-LD datePublished, itemprop datePublished, <time
datetime>. A bare date stays None rather than becoming midnight: midnight in which
zone would put the story on the wrong day in Seoul or in Washington.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from importlib.metadata import version
from urllib.parse import urlsplit

import trafilatura
from bs4 import BeautifulSoup, Tag
from lxml.etree import _Element

from parsers.blocks import (
    byline_names,
    collapse,
    is_wire_trailer,
    split_dateline,
    split_editor_note,
    strip_wire_end,
)
from parsers.html_common import (
    canonical_url,
    is_page_metadata,
    json_ld,
    make_soup,
    meta_content,
    page_url,
    replacement_chars,
    settle_published_at,
    text_of,
    timestamp_claim,
)
from parsers.model import Article, Paragraph, ParseError

PARSER = "generic_html"
# What trafilatura keeps changes between its releases, so its version is part of ours.
PARSER_VERSION = f"1+trafilatura{version('trafilatura')}"

# Separators between a headline and the site's name in <title> and og:title.
_TITLE_SEPARATORS = (" | ", " - ", " \u2013 ", " \u2014 ", " :: ", " \u00b7 ")
# Less text than the shortest wire flash ("X fires a missile, officials said.") is a menu
# or a cookie notice that trafilatura settled for, not an article.
MIN_BODY_CHARS = 80
# trafilatura parses the whole page itself (with lxml); the soup holds only what the
# fields below read: the head's tags, h1 (a title when trafilatura has none), <time>,
# <article> for "article time[datetime]", and [itemprop=datePublished]. Each is kept
# whole; the rest of the page is never built.
_KEPT_TAGS = frozenset({"h1", "time", "article"})


class _Reads:
    """make_soup's `wanted` for this parser; it also notes the <html> tag's attributes.

    <html> holds the whole page, so it is not kept: its lang is taken as lxml reports
    the tag, the first one, as soup.find("html") would give it.
    """

    def __init__(self) -> None:
        self.root: Mapping[str, str] | None = None

    def __call__(self, name: str, attrs: Mapping[str, str]) -> bool:
        if name == "html":
            if self.root is None:
                self.root = dict(attrs)
            return False
        return (
            name in _KEPT_TAGS
            or is_page_metadata(name, attrs)
            or "datePublished" in attrs.get("itemprop", "")
        )


def parse_generic(html: str, url: str | None = None, source: str | None = None) -> Article:
    """An Article from any page; `url` and `source` are the caller's and win over the page's."""
    reads = _Reads()
    soup = make_soup(html, reads)
    url = url or page_url(soup)
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
    )
    if document is None or document.body is None:
        raise ParseError("no article body found on the page (trafilatura found no main text)")

    title = _title(soup, document.title, document.sitename)
    blocks = _blocks(document.body, title)
    editor_note, blocks = _editor_note(blocks)
    byline, blocks = _byline(blocks, document.author, document.sitename)
    blocks = _without_trailer(blocks)
    dateline = place = None
    if blocks and blocks[0].kind == "body":
        dateline, place, first = split_dateline(blocks[0].text)
        blocks[0] = Paragraph("body", first)
    body_chars = sum(len(p.text) for p in blocks if p.kind == "body")
    if body_chars < MIN_BODY_CHARS:
        raise ParseError(
            f"no article body found on the page ({body_chars} characters of main text, "
            f"fewer than the {MIN_BODY_CHARS} of the shortest story)"
        )

    published_at, time_notes = _published_at(soup)
    return Article(
        source=source or _host(url) or "unknown",
        title=title,
        section=_section(soup, document.categories),
        byline=byline,
        dateline=dateline,
        dateline_place=place,
        editor_note=editor_note,
        published_at=published_at,
        paragraphs=tuple(blocks),
        url=url or document.url,
        canonical_url=canonical_url(soup, url or document.url),
        language=_language(reads.root),
        replacement_chars=replacement_chars([title, *(p.text for p in blocks)]),
        repairs=time_notes,
        parser=PARSER,
        parser_version=PARSER_VERSION,
    )


def _title(soup: BeautifulSoup, extracted: str | None, sitename: str | None) -> str:
    """trafilatura's title (og:title, <title>, h1), without the site's name after it."""
    title = collapse(extracted or "")
    if not title and isinstance(heading := soup.find("h1"), Tag):
        title = text_of(heading)
    if sitename:
        for separator in _TITLE_SEPARATORS:
            head, found, tail = title.rpartition(separator)
            if found and head and tail.casefold() == collapse(sitename).casefold():
                title = head.strip()
                break
    if not title:
        raise ParseError("no title found on the page (no og:title, <title> or h1)")
    return title


def _blocks(body: _Element, title: str) -> list[Paragraph]:
    """trafilatura's main text as paragraphs: <head> is a subhead, list items are text."""
    blocks: list[Paragraph] = []
    for element in body:
        if element.tag == "list":
            texts = [_text(item) for item in element.iter("item")]
            blocks.extend(Paragraph("body", text) for text in texts if text)
            continue
        text = _text(element)
        if not text or text.casefold() == title.casefold():
            continue  # the headline, when the page repeats it inside the article
        if element.tag == "head":
            # An h1 that is not the title is still a heading inside the article.
            blocks.append(Paragraph("subhead", text))
        else:
            blocks.append(Paragraph("body", text))
    return blocks


def _text(element: _Element) -> str:
    """Text of one element of trafilatura's tree; its <lb/> (a <br>) counts as a space."""
    parts = [element.text or ""]
    for child in element:
        parts.append(" " if child.tag == "lb" else _text(child))
        parts.append(child.tail or "")
    return collapse("".join(parts))


def _editor_note(blocks: list[Paragraph]) -> tuple[str | None, list[Paragraph]]:
    """Syndicated wire copy keeps its "(ATTN: ...)" note to editors: a field, not text."""
    if not blocks or blocks[0].kind != "body":
        return None, blocks
    note, rest = split_editor_note(blocks[0].text)
    if note is None:
        return None, blocks
    return note, ([Paragraph("body", rest)] if rest else []) + blocks[1:]


def _byline(
    blocks: list[Paragraph], author: str | None, sitename: str | None
) -> tuple[str | None, list[Paragraph]]:
    """The page's author; a "By ..." first paragraph is a byline, not text, either way."""
    byline = collapse((author or "").replace(";", ","))
    if byline.casefold() == collapse(sitename or "").casefold() or "://" in byline:
        byline = ""  # the publisher standing in for an author is no byline
    if blocks and blocks[0].kind == "body" and (names := byline_names(blocks[0].text)):
        return byline or names, blocks[1:]
    return byline or None, blocks


def _without_trailer(blocks: list[Paragraph]) -> list[Paragraph]:
    """Wire copy ends with "kim@yna.co.kr (END)": the sign-off, whoever republishes it."""
    while blocks and blocks[-1].kind == "body" and is_wire_trailer(blocks[-1].text):
        blocks = blocks[:-1]
    if blocks and blocks[-1].kind == "body":
        last = strip_wire_end(blocks[-1].text)
        blocks = blocks[:-1] + ([Paragraph("body", last)] if last else [])
    return blocks


def _published_at(soup: BeautifulSoup) -> tuple[datetime | None, tuple[str, ...]]:
    """The first full timestamp in the order pages are usually right; disagreements noted."""
    ld = next((o for o in json_ld(soup) if "datePublished" in o), {})
    itemprop = soup.find(attrs={"itemprop": "datePublished"})
    shown = (
        soup.select_one("time[pubdate][datetime]")
        or soup.select_one("article time[datetime]")
        or soup.select_one("time[datetime]")
    )
    return settle_published_at(
        [
            timestamp_claim(
                "meta article:published_time", meta_content(soup, "article:published_time")
            ),
            timestamp_claim("JSON-LD datePublished", ld.get("datePublished")),
            timestamp_claim(
                "itemprop datePublished",
                (itemprop.get("content") or itemprop.get("datetime"))
                if isinstance(itemprop, Tag)
                else None,
            ),
            timestamp_claim("<time datetime>", shown.get("datetime") if shown else None),
        ]
    )


def _section(soup: BeautifulSoup, categories: list[str] | None) -> str | None:
    if section := meta_content(soup, "article:section"):
        return section
    ld = next((o for o in json_ld(soup) if "articleSection" in o), {})
    named = ld.get("articleSection")
    if isinstance(named, list):
        named = next((n for n in named if isinstance(n, str) and n.strip()), None)
    if isinstance(named, str) and named.strip():
        return collapse(named)
    return next((collapse(c) for c in categories or () if c and c.strip()), None)


def _language(root: Mapping[str, str] | None) -> str:
    """The page's <html lang> ("en-US" -> "en"); English, the project's default, without one."""
    declared = str(root.get("lang") or "") if root is not None else ""
    return declared.strip().replace("_", "-").split("-")[0].lower() or "en"


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
