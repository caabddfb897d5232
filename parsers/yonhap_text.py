"""Text of a Yonhap English article page (en.yna.co.kr), as copied from a browser.

Go to Contents Go to Navigation              <- site chrome
(News Focus) N. Korea employs ...            <- series/version labels, then the title
North Korea 11:12 October 07, 2019           <- section and Seoul time
(ATTN: ADDS comments in para 5)              <- editors' note, on versions after the first
By Song Sang-ho                              <- byline
SEOUL, Oct. 7 (Yonhap) -- North Korea ...    <- dateline opens the first paragraph
<photo caption printed twice, ending "(Yonhap)">
Send Feedback / How can we improve? / ...    <- feedback widget
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from parsers.blocks import (
    byline_names,
    is_wire_trailer,
    split_dateline,
    split_editor_note,
    split_labels,
    strip_wire_end,
)
from parsers.model import Article, Paragraph, ParseError

PARSER = "yonhap_text"
# 2: the editors' note kept; a sign-off of several addresses, or addresses and "(END)"
# on one line, recognized.
PARSER_VERSION = "2"
SEOUL = ZoneInfo("Asia/Seoul")

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_TIME_LINE = re.compile(
    rf"^(?P<section>.*?)\s*(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}}) "
    rf"(?P<month>{_MONTHS}) (?P<day>\d{{1,2}}), (?P<year>\d{{4}})$"
)
_YONHAP_DATELINE = re.compile(r"^[A-Z][A-Z .'/&-]+, [A-Z][a-z]{2,8}\.? \d{1,2} \(Yonhap\) ")
_CAPTION_CREDIT = re.compile(r"\((?:Yonhap|Yonhap [A-Za-z ]+|[A-Z][A-Za-z ]+/Yonhap)\)$")


def recognize(blocks: list[str]) -> bool:
    head = blocks[:12]
    # The dateline is the outlet's signature (an editors' note may run into it); a page
    # cut before the first paragraph still has the section-and-time line under the title.
    return any(_YONHAP_DATELINE.match(split_editor_note(b)[1]) for b in head) or any(
        _TIME_LINE.match(b) for b in head[1:3]
    )


def parse(blocks: list[str]) -> Article:
    blocks = [b for b in blocks if not is_wire_trailer(b)]
    if not blocks:
        raise ParseError("Yonhap page text with nothing but site chrome")

    title, labels = _split_labels(blocks[0])
    section = published_at = None
    position = 1
    # Header lines come in a fixed order but any of them may be missing.
    if position < len(blocks) and (match := _TIME_LINE.match(blocks[position])):
        section = match.group("section") or None
        published_at = _seoul_time(match)
        position += 1
    editor_note, byline, rest = _note_and_byline(blocks[position:])

    body_blocks = [b for b in (strip_wire_end(b) for b in rest) if b]
    dateline = place = None
    if body_blocks:
        dateline, place, first = split_dateline(body_blocks[0])
        body_blocks[0] = first
    paragraphs = _classify(body_blocks)
    if not any(p.kind == "body" for p in paragraphs):
        raise ParseError("Yonhap page text: no article body found after the headline")
    return Article(
        source="yonhap",
        title=title,
        label=", ".join(labels) or None,
        section=section,
        published_at=published_at,
        byline=byline,
        dateline=dateline,
        dateline_place=place,
        editor_note=editor_note,
        paragraphs=tuple(paragraphs),
        parser=PARSER,
        parser_version=PARSER_VERSION,
    )


def _split_labels(line: str) -> tuple[str, list[str]]:
    """'(LEAD) (News Focus) Title' -> ('Title', ['LEAD', 'News Focus'])."""
    line, labels = split_labels(line)
    if not line:
        raise ParseError("Yonhap page text whose first line is only labels, no title")
    return line, labels


def _note_and_byline(blocks: list[str]) -> tuple[str | None, str | None, list[str]]:
    """The editors' note and the byline that open the story, in either order; and the rest.

    The site prints the note before the byline. A note hard-wrapped into the dateline
    paragraph leaves that paragraph behind as the first of the rest.
    """
    editor_note = byline = None
    rest = list(blocks)
    while rest:
        note, remainder = split_editor_note(rest[0])
        if note is not None and editor_note is None:
            editor_note = note
            rest = [remainder, *rest[1:]] if remainder else rest[1:]
        elif byline is None and (names := byline_names(rest[0])):
            byline = names
            rest = rest[1:]
        else:
            break
    return editor_note, byline, rest


def _seoul_time(match: re.Match[str]) -> datetime:
    stamp = f"{match['year']} {match['month']} {match['day']} {match['hour']}:{match['minute']}"
    return datetime.strptime(stamp, "%Y %B %d %H:%M").replace(tzinfo=SEOUL)


def _classify(blocks: list[str]) -> list[Paragraph]:
    """Body paragraphs and captions; the page prints each caption twice, keep it once."""
    paragraphs: list[Paragraph] = []
    seen_captions: set[str] = set()
    for index, text in enumerate(blocks):
        repeated = index + 1 < len(blocks) and blocks[index + 1] == text
        if repeated or _CAPTION_CREDIT.search(text) or text in seen_captions:
            if text not in seen_captions:
                seen_captions.add(text)
                paragraphs.append(Paragraph("caption", text))
            continue
        paragraphs.append(Paragraph("body", text))
    return paragraphs
