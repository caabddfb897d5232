"""A VOA English article page (www.voanews.com/a/...), 2024 template, as saved HTML.

<div class="category"><a>USA</a></div>
<h1 class="title pg-title">Title</h1>
<time datetime="2024-04-28T03:00:00-04:00">April 28, 2024 3:00 AM</time>   <- US Eastern
<li class="links__item">By <a>Associated Press</a></li>        <- one item per author
<div class="cover-media"><figure>...<figcaption>               <- the lead photo, above the text
<div id="article-content"><div class="wsw">
  <span class="dateline">AUBURN, Wash. —&nbsp;</span>         <- dateline before the first <p>
  <p>...</p> <h2>subhead</h2> <p>...</p>
  <div class="wsw__embed"><figure>...<figcaption>             <- photos, related links, players
<script type="application/ld+json">{"datePublished": "2024-04-28 07:00:00Z", ...}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, Tag

from parsers.blocks import collapse, split_dateline
from parsers.html_common import (
    TimeClaim,
    canonical_url,
    class_among,
    declared_hosts,
    has_ancestor,
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

PARSER = "voa_html"
# 2: the lead photo's caption kept; page times cross-checked, disagreements in repairs.
PARSER_VERSION = "2"
# The newsroom's zone: the <time> element writes its offset, and a UTC-only time is
# shown in it too, so that VOA times read the same whichever tag they came from.
US_EASTERN = ZoneInfo("America/New_York")

_HOSTS = frozenset({"www.voanews.com", "voanews.com"})
_BY = re.compile(r"^By:?\s+", re.IGNORECASE)
_TRAILING_DASH = re.compile(r"[\s\u00a0]*(?:--|\u2014|\u2013)?[\s\u00a0]*$")
_SUBHEADS = frozenset({"h2", "h3", "h4"})
# Embeds inside the text hold photos (whose captions we keep), "Related" link boxes,
# share buttons and players (which we do not).
_EMBED_CLASSES = frozenset({"wsw__embed", "media-block-wrap", "share", "sticky-share"})
_NOT_TEXT_TAGS = frozenset({"aside", "figure", "form", "nav", "script", "style", "ul", "ol"})
_WIDGET_HEADINGS = frozenset({"related", "share", "see also", "also read"})
_VISIBLE_TIME = re.compile(r"(?P<date>[A-Z][a-z]+ \d{1,2}, \d{4}) (?P<clock>\d{1,2}:\d{2} [AP]M)")
# What parse_html reads; the rest of the page (menus, scripts, lists of other stories)
# is never built. Each is kept whole, with what the selectors below look for inside it.
_KEPT_TAGS = frozenset({"h1", "time"})  # h1.pg-title; time[datetime], wherever it is
_KEPT_ID = "article-content"  # #article-content .wsw: the text
_KEPT_CLASSES = frozenset(
    {
        "cover-media",  # .cover-media figcaption: the lead photo's caption
        "publishing-details",  # .publishing-details li.links__item: the byline
        "links__item",  # li.links__item anywhere, when there are no .publishing-details
        "category",  # .category a: the section
        "published",  # .published time[datetime]
    }
)


def recognize_html(data: str) -> bool:
    return bool(_HOSTS & declared_hosts(data)) or (
        'id="article-content"' in data and "voanews.com" in data
    )


def parse_html(html: str, url: str | None = None) -> Article:
    soup = make_soup(html, _wanted)
    title = _title(soup)
    body = soup.select_one("#article-content .wsw")
    if body is None:
        raise ParseError("VOA page: no article body found (no #article-content .wsw element)")

    seen_captions: set[str] = set()
    paragraphs = [*_lead_caption(soup, seen_captions), *_body(body, seen_captions)]
    dateline = place = None
    marker = body.select_one("span.dateline")
    if marker is not None and (shown := _TRAILING_DASH.sub("", text_of(marker))):
        dateline, place = _split_dateline(shown)
        paragraphs = _drop_repeated_dateline(paragraphs, shown)
    if not any(p.kind == "body" for p in paragraphs):
        raise ParseError("VOA page: no article body found (#article-content .wsw is empty)")

    ld = next((o for o in json_ld(soup) if "datePublished" in o), {})
    published_at, time_notes = _published_at(soup, ld)
    return Article(
        source="voa",
        title=title,
        section=_section(soup, ld),
        byline=_byline(soup),
        dateline=dateline,
        dateline_place=place,
        published_at=published_at,
        paragraphs=tuple(paragraphs),
        url=url or page_url(soup),
        canonical_url=canonical_url(soup, url),
        replacement_chars=replacement_chars([title, *(p.text for p in paragraphs)]),
        repairs=time_notes,
        parser=PARSER,
        parser_version=PARSER_VERSION,
    )


def _wanted(name: str, attrs: Mapping[str, str]) -> bool:
    return (
        name in _KEPT_TAGS
        or is_page_metadata(name, attrs)
        or attrs.get("id") == _KEPT_ID
        or class_among(attrs, _KEPT_CLASSES)
    )


def _title(soup: BeautifulSoup) -> str:
    heading = soup.select_one("h1.title.pg-title") or soup.select_one("h1.pg-title")
    title = text_of(heading) if isinstance(heading, Tag) else ""
    title = title or meta_content(soup, "og:title") or ""
    if not title:
        raise ParseError("VOA page: no title found (no h1.title.pg-title or og:title)")
    return title


def _lead_caption(soup: BeautifulSoup, seen_captions: set[str]) -> list[Paragraph]:
    """The caption of the photo between the title and the text, when the lead is a photo."""
    figcaption = soup.select_one(".cover-media figcaption")
    return _caption(figcaption, seen_captions) if figcaption is not None else []


def _caption(figcaption: Tag, seen_captions: set[str]) -> list[Paragraph]:
    """A photo's caption, unless an earlier photo carried the same words."""
    caption = text_of(figcaption.select_one(".caption") or figcaption)
    if not caption or caption in seen_captions:
        return []
    seen_captions.add(caption)
    return [Paragraph("caption", caption)]


def _body(body: Tag, seen_captions: set[str]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    for element in body.find_all(["p", "figcaption", *_SUBHEADS]):
        if element.name == "figcaption":
            paragraphs.extend(_caption(element, seen_captions))
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


def _published_at(soup: BeautifulSoup, ld: dict) -> tuple[datetime | None, tuple[str, ...]]:
    """The <time datetime> (US Eastern offset), checked against JSON-LD (UTC) and the clock text.

    All three name the same instant on the pages seen. The <time> element is preferred
    because it keeps the offset the newsroom wrote in; a disagreement is noted in repairs.
    """
    shown = soup.select_one(".published time[datetime]") or soup.select_one("time[datetime]")
    published_at, notes = settle_published_at(
        [
            timestamp_claim(
                "<time datetime>", shown.get("datetime") if shown else None, US_EASTERN
            ),
            timestamp_claim(
                "meta article:published_time", meta_content(soup, "article:published_time")
            ),
            timestamp_claim("JSON-LD datePublished", ld.get("datePublished")),
            TimeClaim("the time shown", _clock_text(shown), explicit_offset=False),
        ]
    )
    return (published_at.astimezone(US_EASTERN) if published_at else None), notes


def _clock_text(shown: Tag | None) -> datetime | None:
    """'April 28, 2024 3:00 AM', the wall-clock time printed in the <time> element."""
    match = _VISIBLE_TIME.search(text_of(shown)) if shown is not None else None
    if not match:
        return None
    try:
        moment = datetime.strptime(f"{match['date']} {match['clock']}", "%B %d, %Y %I:%M %p")
    except ValueError:
        return None
    return moment.replace(tzinfo=US_EASTERN)
