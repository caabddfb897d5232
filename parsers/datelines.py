"""The dateline that opens a news story, whatever the agency or outlet:

    SEOUL, Nov. 18 (Yonhap) --              SEOUL, SOUTH KOREA (AP) —
    Pyongyang, September 14 (KCNA) --       (SEOUL, South Korea) —
    VOSTOCHNY SPACEPORT /Amur Region/, September 13. /TASS/.
    Seoul, Jan 10 (EFE).-                   TOKYO --        TOKYO:        Seoul:

A place, maybe its country or state, maybe a month and day, maybe the agency, then a
dash (or a colon, or TASS's full stop). A place in capitals is a dateline by its look; a
place in title case ("Seoul") could open any sentence, so it needs a date and an agency,
or a colon right after one to three words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.stamps import MONTH_NAME, MONTHS

_CAPS_WORD = r"[A-Z][A-Z.'&-]+"
_CAPS_PLACE = rf"{_CAPS_WORD}(?:[ /]{_CAPS_WORD}){{0,3}}"
_TITLE_WORD = rf"(?!{MONTH_NAME}\b)[A-Z][a-z]+(?:-[A-Za-z][a-z]+)*\.?"
_TITLE_PLACE = rf"{_TITLE_WORD}(?:[ /]{_TITLE_WORD}){{0,2}}"
_DATELINE = re.compile(
    rf"^(?P<open>\()?"
    rf"(?P<city>{_CAPS_PLACE}|{_TITLE_PLACE})"
    rf"(?:\s*/[A-Z][^/]{{1,40}}/)?"  # TASS names the region between slashes
    rf"(?:,\s*(?P<region>(?!{MONTH_NAME}\b)(?:{_CAPS_PLACE}|{_TITLE_PLACE})))?"
    rf"(?(open)\))"
    rf"(?:,?\s+(?P<date>{MONTH_NAME}\.?\s+(?P<day>\d{{1,2}}))\.?)?"
    rf"(?:\s*\((?P<agency>[A-Za-z][A-Za-z0-9 .&'-]{{0,30}})\)"
    rf"|\s*/(?P<slashed>[A-Z][A-Za-z-]{{1,20}})/)?"
    rf"(?P<sep>\s*(?:--|\u2014|\u2013|\.-|-(?=\s))|\s*:|(?<=/)\.)"
    rf"[\s\u00a0]*"
)
_SENTENCE_OPENERS = "0123456789\"'\u201c\u2018("
# Words that stand before a colon in page furniture ("Photo: ...", "Source: ..."), not places.
_LABELS = frozenset(
    """photo photos photograph image picture video source sources date editor update updated
    posted published written note related read watch listen file caption credit by breaking
    exclusive analysis opinion editorial explainer comment correction summary live warning
    tags topics share""".split()
)


@dataclass(frozen=True, slots=True)
class Dateline:
    text: str  # as printed, without the dash: "SEOUL, Nov. 18 (Yonhap)"
    place: str  # the place as printed, country or state included: "SEOUL, SOUTH KOREA"
    city: str  # its first part: "SEOUL"
    month: int | None
    day: int | None
    agency: str | None  # the credit in the dateline: "Yonhap", "AP", "TASS"


def split_dateline(paragraph: str) -> tuple[Dateline | None, str]:
    """(dateline, the paragraph after it); (None, paragraph) when it opens without one."""
    match = _DATELINE.match(paragraph)
    if match is None:
        return None, paragraph
    rest = paragraph[match.end() :].strip()
    agency = match["agency"] or match["slashed"]
    if not _accepted(match, agency, rest):
        return None, paragraph
    text = paragraph[match.start("city") : match.start("sep")].strip()
    if match["open"]:
        text = text.replace(")", "", 1).strip()
    month = day = None
    if match["date"]:
        month = MONTHS.get(match["date"].split()[0].rstrip(".").lower())
        day = int(match["day"])
    place = f"{match['city']}, {match['region']}" if match["region"] else match["city"]
    return Dateline(text, place, match["city"], month, day, agency), rest


def is_bare_dateline(line: str) -> bool:
    """'SEOUL, March 12 (Yonhap) --' alone on a line: the story goes on on the next one."""
    match = _DATELINE.match(line.strip())
    if match is None or match.end() < len(line.strip()):
        return False
    return _accepted(match, match["agency"] or match["slashed"], "The story")


def _accepted(match: re.Match[str], agency: str | None, rest: str) -> bool:
    city = match["city"]
    # The story must go on after the dateline, as a sentence does.
    if len(rest.split()) < 2 or not (rest[0].isupper() or rest[0] in _SENTENCE_OPENERS):
        return False
    if len(city.replace(" ", "").replace("/", "")) < 2:
        return False
    if match["slashed"] and match["sep"] != ".":
        return False
    if match["sep"] == "." and not match["slashed"]:
        return False
    if city.isupper():
        return True
    if match["open"] or (match["date"] and agency) or agency:
        return True
    colon = match["sep"].strip() == ":"
    return colon and len(city.split()) <= 3 and city.split()[0].lower() not in _LABELS
