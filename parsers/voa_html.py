"""A VOA English article page (www.voanews.com/a/...), 2024 template, as saved HTML.

<div class="category"><a>USA</a></div>
<h1 class="title pg-title">Title</h1>
<time datetime="2024-04-28T03:00:00-04:00">                  <- US Eastern offset
<li class="links__item">By <a>Associated Press</a></li>        <- one item per author
<div id="article-content"><div class="wsw">
  <span class="dateline">AUBURN, Wash. —&nbsp;</span>         <- dateline before the first <p>
  <p>...</p> <h2>subhead</h2> <p>...</p>
  <div class="wsw__embed"><figure>...<figcaption>             <- photos, related links, players
<script type="application/ld+json">{"datePublished": "2024-04-28 07:00:00Z", ...}
"""

from __future__ import annotations

import re
from datetime import datetime

from bs4 import BeautifulSoup, Tag

from parsers.blocks import collapse, split_dateline
from parsers.html_common import (
    declared_hosts,
    has_ancestor,
    json_ld,
    make_soup,
    meta_content,
    page_url,
    parse_timestamp,
    replacement_chars,
    text_of,
)
from parsers.model import Article, Paragraph, ParseError

PARSER = "voa_html"
PARSER_VERSION = "1"

_HOSTS = frozenset({"www.voanews.com", "voanews.com"})
_BY = re.compile(r"^By:?\s+", re.IGNORECASE)
_TRAILING_DASH = re.compile(r"[\s\u00a0]*(?:--|\u2014|\u2013)?[\s\u00a0]*$")
_SUBHEADS = frozenset({"h2", "h3", "h4"})
# Embeds inside the text hold photos (whose captions we keep), "Related" link boxes,
# share buttons and players (which we do not).
_EMBED_CLASSES = frozenset({"wsw__embed", "media-block-wrap", "share", "sticky-share"})
_NOT_TEXT_TAGS = frozenset({"aside", "figure", "form", "nav", "script", "style", "ul", "ol"})
_WIDGET_HEADINGS = frozenset({"related", "share", "see also", "also read"})


def recognize_html(data: str) -> bool:
    return bool(_HOSTS & declared_hosts(data)) or (
        'id="article-content"' in data and "voanews.com" in data
    )


def parse_html(html: str, url: str | None = None) -> Article:
    soup = make_soup(html)
    title = _title(soup)
    body = soup.select_one("#article-content .wsw")
    if body is None:
        raise ParseError("VOA page without body paragraphs (no #article-content .wsw element)")

    paragraphs = _body(body)
    dateline = place = None
    marker = body.select_one("span.dateline")
    if marker is not None and (shown := _TRAILING_DASH.sub("", text_of(marker))):
        dateline, place = _split_dateline(shown)
        paragraphs = _drop_repeated_dateline(paragraphs, shown)
    if not any(p.kind == "body" for p in paragraphs):
        raise ParseError("VOA page without body paragraphs (#article-content .wsw is empty)")

    ld = next((o for o in json_ld(soup) if "datePublished" in o), {})
    return Article(
        source="voa",
        title=title,
        section=_section(soup, ld),
        byline=_byline(soup),
        dateline=dateline,
        dateline_place=place,
        published_at=_published_at(soup, ld),
        paragraphs=tuple(paragraphs),
        url=url or page_url(soup),
        replacement_chars=replacement_chars([title, *(p.text for p in paragraphs)]),
        parser=PARSER,
        parser_version=PARSER_VERSION,
    )


def _title(soup: BeautifulSoup) -> str:
    heading = soup.select_one("h1.title.pg-title") or soup.select_one("h1.pg-title")
    title = text_of(heading) if isinstance(heading, Tag) else ""
    title = title or meta_content(soup, "og:title") or ""
    if not title:
        raise ParseError("VOA page without a title (no h1.title.pg-title or og:title)")
    return title


def _body(body: Tag) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    seen_captions: set[str] = set()
    for element in body.find_all(["p", "figcaption", *_SUBHEADS]):
        if element.name == "figcaption":
            caption = text_of(element.select_one(".caption") or element)
            if caption and caption not in seen_captions:
                seen_captions.add(caption)
                paragraphs.append(Paragraph("caption", caption))
            continue
        if has_ancestor(element, body, _NOT_TEXT_TAGS, _EMBED_CLASSES):
            continue
        text = text_of(element)
        if not text:
            continue  # the template leaves empty <p> between blocks
        if element.name in _SUBHEADS:
            if text.casefold() not in _WIDGET_HEADINGS:
                paragraphs.append(Paragraph("subhead", text))
            continue
        paragraphs.append(Paragraph("body", text))
    return paragraphs


def _split_dateline(shown: str) -> tuple[str, str]:
    """'AUBURN, Wash.' -> ('AUBURN, Wash.', 'AUBURN'), with the shared dateline rules."""
    dateline, place, _ = split_dateline(f"{shown} \u2014 x")
    if dateline and place:
        return dateline, place
    # Not in the capitals the wires use: the place is still what comes before the comma.
    return shown, shown.split(",")[0].strip()


def _drop_repeated_dateline(paragraphs: list[Paragraph], shown: str) -> list[Paragraph]:
    """Some pages print the dateline in the span and again at the start of the first <p>."""
    repeated = re.compile(re.escape(shown) + r"\s*(?:--|\u2014|\u2013)\s*")
    for index, paragraph in enumerate(paragraphs):
        if paragraph.kind == "body":
            if match := repeated.match(paragraph.text):
                paragraphs[index] = Paragraph("body", paragraph.text[match.end() :])
            break
    return [p for p in paragraphs if p.text]


def _byline(soup: BeautifulSoup) -> str | None:
    """'By <a>Associated Press</a>' items -> 'Associated Press'; several authors joined by ', '."""
    scope = soup.select_one(".publishing-details") or soup
    names = []
    for item in scope.select("li.links__item"):
        link = item.select_one("a.links__item-link")
        name = _BY.sub("", text_of(link if link is not None else item))
        if name and name not in names:
            names.append(name)
    return ", ".join(names) or None


def _section(soup: BeautifulSoup, ld: dict) -> str | None:
    if isinstance(section := ld.get("articleSection"), str) and section.strip():
        return collapse(section)
    shown = soup.select_one(".category a")
    return (text_of(shown) or None) if shown is not None else None


def _published_at(soup: BeautifulSoup, ld: dict) -> datetime | None:
    """The visible time, which carries the US Eastern offset; JSON-LD (UTC) when it is absent.

    Both name the same instant on the pages seen; the <time> element is preferred
    because it keeps the offset the newsroom wrote in.
    """
    shown = soup.select_one(".published time[datetime]") or soup.select_one("time[datetime]")
    visible = parse_timestamp(str(shown.get("datetime"))) if shown is not None else None
    declared = ld.get("datePublished")
    return visible or parse_timestamp(declared if isinstance(declared, str) else None)
