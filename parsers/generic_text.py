"""Article text as people save it from a page, whatever the outlet.

A saved page is the article with the site around it:

    site chrome            Accessibility links / Skip to main content / Advertisement
    section, date          Business / date 2019-07-01 / 14:06 November 18, 2022
    headline               (LEAD) N. Korea fires ... (labels split off)
    deck, byline, stamps   By Song Sang-ho / Published : Jun 12, 2018 - 16:46
    captions               ... shake hands in Pyongyang. (Yonhap)
    first paragraph        SEOUL, Nov. 18 (Yonhap) -- ...   (the dateline opens it)
    body                   paragraphs, subheads, captions
    trailer                kim@yna.co.kr / (END) / Source: ... / More From ... / links

Any part may be missing, doubled (a headline or caption printed twice) or run together
with the next. The story starts at its dateline, else at the first paragraph of prose
that is no caption and not the site speaking to its reader; the headline is the first
headline-shaped line above it. The story ends at a sign-off, the outlet's own credit, a
box of links, or where the saved text was cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, tzinfo
from zoneinfo import ZoneInfo

from parsers import lines
from parsers.blocks import (
    ADDRESS,
    looks_like_subhead,
    split_editor_note,
    strip_wire_end,
    unquote_heading,
)
from parsers.datelines import Dateline, is_bare_dateline, split_dateline
from parsers.model import Article, Paragraph, ParseError
from parsers.outlets import Outlet, outlet_named, outlet_of_address
from parsers.stamps import Stamp, find_stamps, strip_stamps

PARSER = "generic_text"
# 2: one parser for every outlet's saved text (the Yonhap and VOA layouts included): site
# chrome, stamps, captions, credits and trailers recognized by their shape.
PARSER_VERSION = "3"

# Credits, stamps, bylines and chrome are short lines; longer ones are paragraphs.
_SHORT_LINE = 200
# The header (headline, stamps, byline) stands within the first blocks of a page.
_HEAD_LIMIT = 25
_SCRIPT_ZONES = (
    (re.compile(r"[\uac00-\ud7a3]"), ZoneInfo("Asia/Seoul")),  # Hangul: a Korean site
    (re.compile(r"[\u3040-\u30ff]"), ZoneInfo("Asia/Tokyo")),  # kana: a Japanese site
)


@dataclass(slots=True)
class _Block:
    text: str
    kind: str
    outlets: tuple[Outlet, ...] = ()


@dataclass(slots=True)
class _Header:
    title: str | None = None
    labels: list[str] = field(default_factory=list)
    section: str | None = None
    byline: str | None = None
    editor_note: str | None = None
    stamps: list[Stamp] = field(default_factory=list)
    stamp_lines: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[Outlet] = field(default_factory=list)  # the page's or its wire's
    photo_credits: list[Outlet] = field(default_factory=list)


def parse(blocks: list[str], *, outlet_hint: Outlet | None = None) -> Article:
    """An Article from the blocks of a saved page (parsers.layout.page_blocks).

    `outlet_hint` is the outlet known from outside the text (a sidecar), whose zone
    reads a time printed without one.
    """
    items = _classify(blocks)
    if not items:
        raise ParseError("nothing but site chrome: no headline and no article text")
    _mark_captions(items)
    start = _body_start(items)
    if start is None:
        raise ParseError(
            "no article text found: no dateline and no paragraph of sentences "
            "(only headlines, links or site chrome)"
        )
    if items[start].kind == "dateline":
        _keep_prose_above_the_dateline(items[:start])
    header = _read_header(items[:start])
    dateline, paragraphs, trailer = _read_body(items[start:], header)
    if not any(p.kind == "body" for p in paragraphs):
        raise ParseError("no paragraph of article text after the headline")

    outlet = _outlet(header, dateline, trailer)
    zone = _zone(outlet_hint or outlet, header)
    # A page may print its date under the story instead ("Updated 9:21 PM GMT+9, ...").
    stamps = header.stamps or [
        s for b in items[start:] if b.kind == "stamp" for s in find_stamps(b.text)
    ]
    stamp, conflict = _publication_stamp(stamps, dateline)
    repairs = [conflict] if conflict else []
    body = [p.text for p in paragraphs if p.kind == "body"]
    if not trailer and not lines.ends_sentence(body[-1]):
        repairs.append(f"text cut off mid-sentence: the last paragraph ends {body[-1][-30:]!r}")
    return Article(
        source=outlet.key if outlet else "unknown",
        title=header.title,
        label=", ".join(header.labels) or None,
        section=header.section,
        byline=header.byline,
        dateline=dateline.text if dateline else None,
        dateline_place=dateline.place if dateline else None,
        editor_note=header.editor_note,
        published_at=stamp.instant(zone) if stamp else None,
        published_date=stamp.day if stamp else None,
        paragraphs=tuple(paragraphs),
        parser=PARSER,
        parser_version=PARSER_VERSION,
        repairs=tuple(repairs),
    )


# ----------------------------------------------------------------------- blocks


def _classify(blocks: list[str]) -> list[_Block]:
    items: list[_Block] = []
    blocks = _join_bare_datelines(blocks)
    for text in blocks:
        note, rest = split_editor_note(text)
        if note is not None:
            items.append(_Block(note, "note"))
            if not rest.strip():
                continue
            text = rest.strip()
        story = strip_wire_end(text) if "(END)" in text else text
        if story and story != text:
            # "... later this year. (END)": the last paragraph and the sign-off.
            items.extend((_kind(story), _Block(text[len(story) :].strip(), "wire_end")))
        else:
            items.append(_kind(text))
    return items


def _join_bare_datelines(blocks: list[str]) -> list[str]:
    """A dateline printed on a line of its own opens the paragraph under it."""
    joined: list[str] = []
    for text in blocks:
        if joined and is_bare_dateline(joined[-1]):
            joined[-1] = f"{joined[-1]} {text}"
        else:
            joined.append(text)
    return joined


def _kind(text: str) -> _Block:
    """What a block is, from its own shape; its neighbours are asked later."""
    if len(text) > _SHORT_LINE:
        return _long_kind(text)
    if lines.is_sign_off(text):
        return _Block(text, "wire_end")
    if lines.is_separator(text):
        return _Block(text, "separator")
    if lines.is_stamp_line(text):
        return _Block(text, "stamp", tuple(_field_outlets(text)))
    if (photo := lines.photo_credit_outlets(text)) is not None:
        return _Block(text, "photo_credit", tuple(photo))
    if (credit := lines.credit_outlets(text)) is not None:
        return _Block(text, "credit", tuple(credit))
    if (by := lines.byline(text)) is not None:
        return _Block(by[0], "byline", tuple(by[1]))
    if lines.is_chrome(text):
        return _Block(text, "list_heading" if lines.is_list_heading(text) else "chrome")
    return _long_kind(text)


def _long_kind(text: str) -> _Block:
    """Paragraph kinds: a long block is no credit, stamp, byline or piece of chrome."""
    if lines.opens_like_a_caption(text):
        return _Block(text, "caption")  # before datelines: "FILE - ..." is none
    dateline, rest = split_dateline(text)
    if dateline is not None and not (lines.is_heading(rest) and len(rest.split()) <= 12):
        # "UPDATE \u2013 North Korea blows up ...": a label before a headline, no dateline.
        return _Block(text, "dateline")
    if credit_text := lines.caption_credit(text):
        return _Block(text, "caption", tuple(lines.credited_outlets(credit_text)))
    if lines.is_prose(text):
        return _Block(text, "prose")
    if lines.is_heading(text):
        return _Block(text, "heading")
    return _Block(text, "other")


def _field_outlets(line: str) -> list[Outlet]:
    """Outlets a stamp line names: 'Source: Xinhua', 'Source: Pyongyang Times', 'Afp'."""
    found: list[Outlet] = []
    for field_text in (strip_stamps(f) for f in line.split("|")):
        name = re.sub(r"^source\s*:\s*", "", field_text.strip(), flags=re.IGNORECASE)
        outlet = outlet_named(name) if name else None
        if outlet is not None:
            found.append(outlet)
    return found


def _mark_captions(items: list[_Block]) -> None:
    """Captions known by their neighbours: a photo credit on the next line, the same text
    printed again (the image's text and its caption), or a copy cut short before it."""
    first_heading = next((b.text for b in items if b.kind == "heading"), None)
    counts: dict[str, int] = {}
    for item in items:
        counts[item.text] = counts.get(item.text, 0) + 1
    for index, item in enumerate(items):
        if item.kind not in ("prose", "heading", "other"):
            continue
        following = items[index + 1] if index + 1 < len(items) else None
        credited = following is not None and following.kind == "photo_credit"
        printed_twice = (
            counts[item.text] > 1 and item.text != first_heading and len(item.text.split()) > 5
        )
        if credited or printed_twice:
            item.kind = "caption"
        elif (
            following is not None
            and following.kind == "caption"
            and following.text.startswith(item.text)
            and following.text != item.text
        ):
            item.kind = "caption_copy"


def _body_start(items: list[_Block]) -> int | None:
    """Where the story begins: its dateline; else after a headline printed twice; else at
    the first paragraph of prose that is neither a caption nor the site's own voice."""
    limit = min(len(items), _HEAD_LIMIT)
    prose_run = 0
    for index in range(limit):
        kind = items[index].kind
        if kind == "dateline":
            return index
        prose_run = prose_run + 1 if kind == "prose" else 0
        if prose_run >= 2:
            break
    search_from = 0
    heading = next((i for i in range(limit) if items[i].kind == "heading"), None)
    if heading is not None:
        repeats = [i for i in range(heading + 1, limit) if items[i].text == items[heading].text]
        if repeats:
            search_from = repeats[-1] + 1
    for index in range(search_from, len(items)):
        item = items[index]
        if item.kind != "prose" or lines.addresses_reader(item.text):
            continue
        if lines.reads_like_a_caption(item.text) and _story_follows(items[index + 1 :]):
            item.kind = "caption"  # a photo's description under the headline, no credit
            continue
        return _after_deck(items, index)
    # A story too short for the prose test: the first sentence under the headline.
    for index in range(search_from, len(items)):
        item = items[index]
        sentence = item.kind in ("heading", "other") and lines.ends_sentence(item.text)
        if sentence and index != heading:
            return index
    return None


def _after_deck(items: list[_Block], index: int) -> int:
    """A sentence under the headline that a byline or a date follows before the next
    paragraph is the deck (the summary above the story): the story starts after them."""
    for later in range(index + 1, min(len(items), index + 12)):
        kind = items[later].kind
        if kind in ("prose", "dateline"):
            header_between = any(
                items[i].kind in ("byline", "stamp") for i in range(index + 1, later)
            )
            return later if header_between else index
        if kind not in _HEADER_KINDS:
            return index
    return index


# Blocks that may stand between a deck and the story.
_HEADER_KINDS = frozenset(
    {
        "byline",
        "stamp",
        "credit",
        "photo_credit",
        "chrome",
        "caption",
        "caption_copy",
        "other",
        "heading",
        "separator",
        "note",
    }
)


# ----------------------------------------------------------------------- header


def _read_header(items: list[_Block]) -> _Header:
    header = _Header()
    section_at = _section_index(items)
    title_at = _title_index(items, section_at)
    if section_at is not None:
        header.section = items[section_at].text
    if title_at is not None:
        _take_title(items[title_at].text, header)
    for index, item in enumerate(items):
        if item.kind == "stamp":
            header.stamps.extend(find_stamps(item.text))
            header.stamp_lines.append(item.text)
            header.credits.extend(item.outlets)
            remainder = strip_stamps(item.text)
            if header.section is None and _section_like(remainder) and not item.outlets:
                header.section = remainder
        elif item.kind == "note":
            header.editor_note = header.editor_note or item.text
        elif item.kind == "byline":
            header.byline = header.byline or item.text
            header.credits.extend(item.outlets)
        elif item.kind == "credit":
            header.credits.extend(item.outlets)
        elif item.kind == "photo_credit":
            header.photo_credits.extend(item.outlets)
        elif item.kind == "caption":
            if item.text not in header.captions:
                header.captions.append(item.text)
            header.photo_credits.extend(item.outlets)
        elif (
            item.kind in ("other", "heading")
            and title_at is not None
            and index > title_at
            and header.byline is None
            and lines.name_line(item.text)
            and _beside_a_credit(items, index)
        ):
            header.byline = lines.name_of_byline(item.text)
    return header


def _section_index(items: list[_Block]) -> int | None:
    """A section's name on its own line ('Business', 'Conflicts & War'), right above the
    headline or the story; not the last item of a menu ('Home / News / Sport')."""
    for index, item in enumerate(items):
        if item.kind != "other" or not _section_like(item.text):
            continue
        following = items[index + 1] if index + 1 < len(items) else None
        if following is not None and following.kind not in ("heading", "caption"):
            continue
        previous = items[index - 1] if index > 0 else None
        in_menu = previous is not None and previous.kind in ("other", "chrome")
        if in_menu and len(previous.text.split()) <= 3:
            continue  # a menu: one short line after another
        return index
    return None


def _title_index(items: list[_Block], section_at: int | None) -> int | None:
    """The headline: right under the section's name, else the first headline-shaped
    block above the story, else a short line of text there (a headline may end with a
    full stop). A site's motto above the section name is no headline."""
    below = section_at + 1 if section_at is not None else len(items)
    if below < len(items) and items[below].kind == "heading":
        return below
    for kinds, most in ((("heading",), 45), (("prose", "other"), 25)):
        for index, item in enumerate(items):
            count = len(item.text.split())
            if item.kind in kinds and 3 <= count <= most and not lines.addresses_reader(item.text):
                return index
    return None


def _take_title(text: str, header: _Header) -> None:
    stamps = find_stamps(text)
    if stamps:
        # A headline with its time on the same line: the time is a stamp.
        header.stamps.extend(stamps)
        header.stamp_lines.append(text)
        text = strip_stamps(text[: stamps[0].start] + " " + text[stamps[-1].end :])
    text, site = lines.split_site_name(text)
    header.credits.extend(site)
    text, labels = lines.split_heading_labels(text)
    text, program = lines.split_caps_heading(text)
    header.title = text
    header.labels.extend(labels)
    if program:
        header.section = program


def _section_like(text: str) -> bool:
    """'North Korea', 'Conflicts & War', 'Business': a few words naming a section."""
    count = len(text.split())
    if not 1 <= count <= 4 or re.search(r"[^\w\s&,'.-]", text):
        return False
    return not lines.is_chrome(text) and outlet_named(text) is None


def _beside_a_credit(items: list[_Block], index: int) -> bool:
    """A name line is a byline when a stamp, a credit or its own copy stands next to it."""
    neighbours = [items[i] for i in (index - 1, index + 1) if 0 <= i < len(items)]
    return any(
        n.kind in ("stamp", "credit", "byline")
        or n.text == items[index].text
        or lines.is_role_line(n.text)
        for n in neighbours
    )


# ------------------------------------------------------------------------- body


def _read_body(
    items: list[_Block], header: _Header
) -> tuple[Dateline | None, list[Paragraph], list[_Block]]:
    """(dateline, paragraphs, the trailer's blocks) of the story from its first block."""
    dateline, first = split_dateline(items[0].text)
    items = [_Block(first, "prose"), *items[1:]] if dateline else items
    paragraphs: list[Paragraph] = [Paragraph("caption", c) for c in header.captions]
    seen_captions = set(header.captions)
    kept: list[_Block] = []
    trailer: list[_Block] = []
    index = 0
    while index < len(items):
        item = items[index]
        if item.kind == "wire_end" or (item.kind == "credit" and kept):
            trailer = items[index:]
            break
        if item.kind == "list_heading" and not _story_follows(items[index + 1 :]):
            trailer = items[index:]
            break
        index += 1
        if item.kind in ("chrome", "list_heading", "separator", "stamp", "photo_credit", "note"):
            continue
        if item.kind in ("caption_copy", "credit"):
            continue
        if item.kind == "caption":
            header.photo_credits.extend(item.outlets)
            if item.text not in seen_captions:
                seen_captions.add(item.text)
                kept.append(item)
            continue
        kept.append(item)
    kept = _trim_tail(kept)
    for position, item in enumerate(kept):
        if item.kind == "caption":
            paragraphs.append(Paragraph("caption", item.text))
            continue
        following = _next_text(kept, position)
        is_subhead = any(p.kind == "body" for p in paragraphs) and looks_like_subhead(
            item.text, following
        )
        if is_subhead:
            paragraphs.append(Paragraph("subhead", unquote_heading(item.text)))
        else:
            paragraphs.append(Paragraph("body", item.text))
    return dateline, paragraphs, trailer


def _keep_prose_above_the_dateline(head: list[_Block]) -> None:
    """Sentences printed between the headline and the dateline describe the page's photo
    or video ("Foreign Minister X said ..."): kept with the captions, not lost with the
    site's furniture."""
    for item in head:
        if (
            item.kind == "prose"
            and lines.ends_sentence(item.text)
            and not lines.addresses_reader(item.text)
        ):
            item.kind = "caption"


def _story_follows(items: list[_Block]) -> bool:
    return any(b.kind in ("prose", "dateline") for b in items)


def _trim_tail(kept: list[_Block]) -> list[_Block]:
    """Drop what the site printed after the story: its words to the reader, and a list of
    links (three or more headline-shaped lines and nothing else at the end)."""
    while kept and kept[-1].kind != "caption" and lines.addresses_reader(kept[-1].text):
        kept.pop()
    run = 0
    for item in reversed(kept):
        if item.kind in ("heading", "other") and not lines.is_prose(item.text):
            run += 1
        else:
            break
    if run >= 3:
        kept = kept[:-run]
    return kept


def _next_text(kept: list[_Block], position: int) -> str | None:
    for item in kept[position + 1 :]:
        if item.kind != "caption":
            return item.text
    return None


# ------------------------------------------------------------ outlet and time


def _outlet(header: _Header, dateline: Dateline | None, trailer: list[_Block]) -> Outlet | None:
    """The outlet the page credits: its own credit lines first, then the wire of the
    dateline, then a reporter's address in the sign-off or the credit that ends it."""
    if header.credits:
        return header.credits[0]
    if dateline and dateline.agency and (outlet := outlet_named(dateline.agency)):
        return outlet
    for item in trailer:
        if item.kind == "credit" and item.outlets:
            return item.outlets[0]
        for address in ADDRESS.findall(item.text):
            if outlet := outlet_of_address(address):
                return outlet
    return None


def _zone(outlet: Outlet | None, header: _Header) -> tzinfo | None:
    """The zone of a time printed without one: the outlet's; else that of the agencies
    whose photos the page credits, when they agree; else the script of the page's own
    labels ('입력' is a Korean site's 'posted'); else none, and no time is kept."""
    if outlet is not None:
        return outlet.zone
    zones = {o.zone.key: o.zone for o in header.photo_credits}
    if len(zones) == 1:
        return next(iter(zones.values()))
    for pattern, zone in _SCRIPT_ZONES:
        if any(pattern.search(line) for line in header.stamp_lines):
            return zone
    return None


def _publication_stamp(
    stamps: list[Stamp], dateline: Dateline | None
) -> tuple[Stamp | None, str | None]:
    """The stamp that says when the story was published, and a note when printed
    publication dates disagree.

    Labelled publication stamps first, then unlabelled ones (a page also prints the day
    it was viewed: a stamp far from the dateline's day is not the story's), then an
    update as the last resort. A day-only stamp takes its time from another stamp of
    the same day.
    """
    if dateline and dateline.month and dateline.day:
        stamps = [s for s in stamps if _near_dateline(s.day, dateline)] or [
            s for s in stamps if s.role == "published"
        ]
    if not stamps:
        return None, None
    for role in ("published", "unlabeled", "updated"):
        group = [s for s in stamps if s.role == role]
        if group:
            break
    chosen = next((s for s in group if s.time is not None), group[0])
    if chosen.time is None:
        timed = [s for s in stamps if s.day == chosen.day and s.time and s.role != "updated"]
        if timed:
            chosen = timed[0]
    days = sorted({s.day for s in stamps if s.role == "published"})
    conflict = None
    if len(days) > 1:
        conflict = (
            f"publication dates disagree: {', '.join(d.isoformat() for d in days)}; "
            f"kept {chosen.day.isoformat()}"
        )
    return chosen, conflict


def _near_dateline(day: date, dateline: Dateline) -> bool:
    """Within a day of the dateline's month and day (a story filed before midnight)."""
    try:
        printed = date(day.year, dateline.month or 0, dateline.day or 0)
    except ValueError:
        return False
    return abs((printed - day).days) <= 1
