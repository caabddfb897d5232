"""A Yonhap English article page (en.yna.co.kr/view/AEN...), 2023 template, as saved HTML.

<header class="title-article01">
  <h1 class="tit">(2nd LD) N. Korea's Kim orders ...</h1>     <- labels, then the title
  <div class="info-con"><span class="txt"><strong>All News</strong> 11:12 April 19, 2023
<article class="story-news">
  <p>(ATTN: ADDS more details ...)</p>                         <- editors' note, not text
  <p>By Lee Haye-ah</p>                                        <- byline, when there is one
  <p> SEOUL, April 19 (Yonhap) -- North Korean leader ...</p>   <- dateline opens the text
  <figure>...<figcaption><p class="txt-desc">caption</p>
  <p> mlee@yna.co.kr<br/>(END)</p>                             <- wire trailer
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, Tag

from parsers.blocks import (
    byline_names,
    is_wire_trailer,
    split_dateline,
    split_editor_note,
    split_labels,
    strip_wire_end,
)
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

PARSER = "yonhap_html"
# 2: the editors' note kept; disagreeing page times reported in repairs.
PARSER_VERSION = "2"
SEOUL = ZoneInfo("Asia/Seoul")

_HOSTS = frozenset({"en.yna.co.kr", "m-en.yna.co.kr"})
_SITE_SUFFIX = re.compile(r"\s*\|\s*Yonhap News Agency\s*$")
# The header prints Seoul time to the minute: "11:12 April 19, 2023".
_VISIBLE_TIME = re.compile(r"(?P<clock>\d{1,2}:\d{2}) (?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})$")
# The header's section slot links to the all-news list on the 2023 template: not a section.
_NOT_A_SECTION = frozenset({"all news"})
# Inside the article element, only these hold something other than the story's text.
_WIDGET_TAGS = frozenset({"figure", "figcaption", "aside", "script", "style"})
_WIDGET_CLASSES = frozenset({"related-group", "related-zone", "keyword-zone", "comp-box"})
# What parse_html reads; the rest of the page (menus, scripts, lists of other stories)
# is never built. Each is kept whole: the header with its h1 and info line, the story.
_KEPT_ELEMENTS = {
    "header": frozenset({"title-article01"}),  # header.title-article01: h1, section, time
    "article": frozenset({"story-news"}),  # article.story-news: the text
}
# Any h1 (the title when the header is missing); any figcaption, so that a caption's
# find_parent("figcaption") sees the same ancestors as in the whole page.
_KEPT_TAGS = frozenset({"h1", "figcaption"})


def recognize_html(data: str) -> bool:
    # The story element is specific to the site; the declared URL covers a page whose
    # template changed, so that parse_html can say what went missing.
    return bool(_HOSTS & declared_hosts(data)) or (
        'class="story-news' in data and "yna.co.kr" in data
    )


def parse_html(html: str, url: str | None = None) -> Article:
    soup = make_soup(html, _wanted)
    title, labels = _title(soup)
    story = soup.select_one("article.story-news")
    if story is None:
        raise ParseError("Yonhap page: no article body found (no article.story-news element)")

    blocks, editor_note = _story_blocks(story)
    byline = None
    # The romanized byline is the first paragraph; meta[name=author] is the name in Hangul.
    if blocks and blocks[0].kind == "body" and (names := byline_names(blocks[0].text)):
        byline = names
        blocks = blocks[1:]
    dateline = place = None
    if blocks and blocks[0].kind == "body":
        dateline, place, first = split_dateline(blocks[0].text)
        blocks[0] = Paragraph("body", first)
    paragraphs = tuple(blocks)
    if not any(p.kind == "body" for p in paragraphs):
        raise ParseError("Yonhap page: no article body found (article.story-news is empty)")

    published_at, time_notes = _published_at(soup)
    return Article(
        source="yonhap",
        title=title,
        label=", ".join(labels) or None,
        section=_section(soup),
        byline=byline,
        dateline=dateline,
        dateline_place=place,
        editor_note=editor_note,
        published_at=published_at,
        paragraphs=paragraphs,
        url=url or page_url(soup),
        canonical_url=canonical_url(soup, url),
        replacement_chars=replacement_chars([title, *(p.text for p in paragraphs)]),
        repairs=time_notes,
        parser=PARSER,
        parser_version=PARSER_VERSION,
    )


def _wanted(name: str, attrs: Mapping[str, str]) -> bool:
    if name in _KEPT_TAGS or is_page_metadata(name, attrs):
        return True
    classes = _KEPT_ELEMENTS.get(name)
    return classes is not None and class_among(attrs, classes)


def _title(soup: BeautifulSoup) -> tuple[str, list[str]]:
    """'(LEAD) (News Focus) Title' -> ('Title', ['LEAD', 'News Focus'])."""
    heading = soup.select_one("header.title-article01 h1") or soup.find("h1")
    line = text_of(heading) if isinstance(heading, Tag) else ""
    if not line:
        line = _SITE_SUFFIX.sub("", meta_content(soup, "og:title") or "")
    line, labels = split_labels(line)
    if not line:
        missing = "only labels in its h1" if labels else "no h1 or og:title"
        raise ParseError(f"Yonhap page: no title found ({missing})")
    return line, labels


def _story_blocks(story: Tag) -> tuple[list[Paragraph], str | None]:
    """Body paragraphs and captions in page order, each caption once; the editors' note."""
    blocks: list[Paragraph] = []
    editor_note = None
    seen_captions: set[str] = set()
    for element in story.find_all("p"):
        classes = element.get("class") or ()
        if "txt-desc" in classes and element.find_parent("figcaption") is not None:
            # Several photos of one event often carry the same caption word for word.
            caption = text_of(element)
            if caption and caption not in seen_captions:
                seen_captions.add(caption)
                blocks.append(Paragraph("caption", caption))
            continue
        if classes or has_ancestor(element, story, _WIDGET_TAGS, _WIDGET_CLASSES):
            continue  # txt-link, txt-link02: links under a photo or video, not text
        note, text = split_editor_note(text_of(element))
        editor_note = editor_note or note
        text = strip_wire_end(text)
        if text and not is_wire_trailer(text):
            blocks.append(Paragraph("body", text))
    return blocks, editor_note


def _section(soup: BeautifulSoup) -> str | None:
    if section := meta_content(soup, "article:section"):
        return section
    shown = soup.select_one("header.title-article01 .info-con strong")
    name = text_of(shown) if isinstance(shown, Tag) else ""
    return name if name and name.casefold() not in _NOT_A_SECTION else None


def _published_at(soup: BeautifulSoup) -> tuple[datetime | None, tuple[str, ...]]:
    """The meta time (to the second, +09:00), checked against the Seoul time under the title.

    They can disagree when an update time is printed over the first one; the meta,
    written with its offset, is kept, and the disagreement is noted, not hidden.
    """
    ld = next((o for o in json_ld(soup) if "datePublished" in o), {})
    published_at, notes = settle_published_at(
        [
            timestamp_claim(
                "meta article:published_time", meta_content(soup, "article:published_time"), SEOUL
            ),
            timestamp_claim("JSON-LD datePublished", ld.get("datePublished"), SEOUL),
            TimeClaim("the time under the title", _visible_time(soup), explicit_offset=False),
        ]
    )
    # In the named zone, as the text parser gives it: the same offset, and a zone name.
    return (published_at.astimezone(SEOUL) if published_at else None), notes


def _visible_time(soup: BeautifulSoup) -> datetime | None:
    shown = soup.select_one("header.title-article01 .info-con .txt")
    if not isinstance(shown, Tag):
        return None
    match = _VISIBLE_TIME.search(text_of(shown))
    if not match:
        return None
    stamp = f"{match['date']} {match['clock']}"
    try:
        return datetime.strptime(stamp, "%B %d, %Y %H:%M").replace(tzinfo=SEOUL)
    except ValueError:
        return None  # "Febuary 30": a typo in the page is no time at all
