"""Printed dates and times of a page: "14:06 November 18, 2022", "Posted on : 2018-09-19
17:22 KST", "June 16, 2020 3:21 AM EDT", "Date: 16/01/2024", "입력 2019.08.23 (15:05)".

A stamp is a calendar day, maybe a time of day, maybe a zone, and what the page says it
is (published, updated, or nothing). Turning a stamp into an instant needs a zone: the
printed one, else the outlet's; without either the day is known and the time is not, and
no zone is ever assumed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

Role = Literal["published", "updated", "unlabeled"]

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# A month named or abbreviated as outlets print it ("Sept.", "Sep", "September").
MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_YEAR = r"(?:19|20)\d\d"
# Lookarounds keep a date from starting or ending inside a longer number or word.
_DATE = re.compile(
    rf"(?<![\d/.-])(?P<iy>{_YEAR})(?P<isep>[-./])(?P<im>\d{{1,2}})(?P=isep)(?P<id>\d{{1,2}})(?![\d/-])"
    rf"|(?<![\d/.-])(?P<sd>\d{{1,2}})/(?P<sm>\d{{1,2}})/(?P<sy>{_YEAR})(?![\d/-])"
    rf"|(?<![A-Za-z])(?P<mname>{MONTH_NAME})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?[,.]?\s+(?P<my>{_YEAR})(?!\d)"
    rf"|(?<![\d/.-])(?P<dd>\d{{1,2}})\s+(?P<dname>{MONTH_NAME})\.?,?\s+(?P<dy>{_YEAR})(?!\d)",
    re.IGNORECASE,
)

# Abbreviations outlets print after a time, with the zone each stands for. The offset
# is checked against the zone on that day: "EST" printed in July is taken as printed.
# "ET" and "PT" name the zone, summer or winter: its offset on that day is the one.
ZONE_ABBREVIATIONS: dict[str, tuple[str, int | None]] = {
    "ET": ("America/New_York", None),
    "PT": ("America/Los_Angeles", None),
    "KST": ("Asia/Seoul", 9 * 60),
    "JST": ("Asia/Tokyo", 9 * 60),
    "HKT": ("Asia/Hong_Kong", 8 * 60),
    "SGT": ("Asia/Singapore", 8 * 60),
    "MSK": ("Europe/Moscow", 3 * 60),
    "GMT": ("UTC", 0),
    "UTC": ("UTC", 0),
    "BST": ("Europe/London", 60),
    "CET": ("Europe/Paris", 60),
    "CEST": ("Europe/Paris", 2 * 60),
    "EST": ("America/New_York", -5 * 60),
    "EDT": ("America/New_York", -4 * 60),
    "CDT": ("America/Chicago", -5 * 60),
    "PST": ("America/Los_Angeles", -8 * 60),
    "PDT": ("America/Los_Angeles", -7 * 60),
    "AEST": ("Australia/Sydney", 10 * 60),
    "AEDT": ("Australia/Sydney", 11 * 60),
}
_ZONE = (
    r"(?P<zone>(?:GMT|UTC)\s?[+-]\s?\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}\b"
    rf"|\b(?:{'|'.join(ZONE_ABBREVIATIONS)})\b)"
)
# "14:06", "3:21 AM", "09:26:31", "(15:05)", "08.47 BST" (a dot only with a zone or am/pm).
_TIME = re.compile(
    r"(?<![\d:.])\(?(?P<hour>[012]?\d)(?P<tsep>[:.])(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?"
    r"(?![\d:])\)?"
    rf"(?:\s*(?P<ampm>[AaPp]\.?[Mm]\b\.?))?(?:\s*\(?{_ZONE}\)?)?"
)
# A weekday printed before the date is part of the stamp: "Tue 16 Jun 2020".
_WEEKDAY_BEFORE = re.compile(
    r"\b(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|sday|urday)?\.?,?\s*$",
    re.IGNORECASE,
)
# How close a time must stand to a date to be its time: "Jun 12, 2018 - 16:46".
_JOIN = re.compile(r"^[\s,.|(-]{0,4}(?:at\s+)?$")

_PUBLISHED = re.compile(
    r"(?:\b(?:published|posted|written|created|released|issued|date)\b|입력|登録)\s*(?:on|at)?\s*:?\s*$",
    re.IGNORECASE,
)
_UPDATED = re.compile(
    r"(?:\b(?:updated|modified|revised|edited)\b|수정|更新)\s*(?:on|at)?\s*:?\s*$",
    re.IGNORECASE,
)
_LABEL_WORDS = re.compile(
    r"(?:\b(?:first\s+published|last\s+updated|published|posted|written|created|released"
    r"|issued|updated|modified|revised|edited|date)\b(?:\s+(?:on|at))?|입력|수정|登録|更新)"
    r"\s*:?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Stamp:
    day: date
    time: time | None
    # The zone printed with the time, or None: the caller knows the outlet's.
    zone: tzinfo | None
    role: Role
    start: int
    end: int

    def instant(self, default_zone: tzinfo | None) -> datetime | None:
        """The moment printed, in the printed zone, else the given one; None without a
        time or without any zone (a wall-clock time alone could be off by a day)."""
        zone = self.zone or default_zone
        if self.time is None or zone is None:
            return None
        return datetime.combine(self.day, self.time, tzinfo=zone)


def find_stamps(text: str) -> list[Stamp]:
    """Every printed date in the text, with the time printed next to it, if any."""
    stamps: list[Stamp] = []
    times = list(_TIME.finditer(text))
    previous_end = 0
    for match in _DATE.finditer(text):
        day = _day(match)
        if day is None:
            continue
        start, end = match.start(), match.end()
        clock = zone = None
        after = next((t for t in times if t.start() >= end), None)
        before = next((t for t in reversed(times) if t.end() <= start), None)
        if after and _JOIN.match(text[end : after.start()]) and _plausible(after):
            clock, zone, end = _clock(after, day), _zone(after, day), after.end()
        elif (
            before
            and before.end() > previous_end
            and _JOIN.match(text[before.end() : start])
            and _plausible(before)
        ):
            clock, zone, start = _clock(before, day), _zone(before, day), before.start()
        if weekday := _WEEKDAY_BEFORE.search(text, previous_end, start):
            start = weekday.start()
        prefix = text[previous_end:start]
        role: Role = (
            "published"
            if _PUBLISHED.search(prefix)
            else "updated"
            if _UPDATED.search(prefix)
            else "unlabeled"
        )
        stamps.append(Stamp(day, clock, zone, role, start, end))
        previous_end = end
    return stamps


def strip_stamps(text: str) -> str:
    """The words of a line once its stamps and their labels are taken out."""
    for stamp in reversed(find_stamps(text)):
        text = f"{text[: stamp.start]} {text[stamp.end :]}"
    text = _LABEL_WORDS.sub(" ", text)
    # What separated the fields ("•", "|", "-") goes with them.
    return " ".join(word for word in text.split() if any(c.isalnum() for c in word))


def lone_time(text: str) -> bool:
    """A line that is only a clock time ('0:00', '14:06'): a stamp whose date is elsewhere."""
    match = _TIME.fullmatch(text.strip())
    return match is not None and _plausible(match)


def _day(match: re.Match[str]) -> date | None:
    if match["iy"]:
        year, month, day = int(match["iy"]), int(match["im"]), int(match["id"])
    elif match["sy"]:
        first, second, year = int(match["sd"]), int(match["sm"]), int(match["sy"])
        if first > 12:
            day, month = first, second  # 16/01/2024
        elif second > 12:
            month, day = first, second  # 01/16/2024
        elif first == second:
            day = month = first
        else:
            return None  # 03/04/2024: April 3 or March 4, the page does not say
    elif match["my"]:
        year, month, day = int(match["my"]), MONTHS[match["mname"].lower()], int(match["md"])
    else:
        year, month, day = int(match["dy"]), MONTHS[match["dname"].lower()], int(match["dd"])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _plausible(match: re.Match[str]) -> bool:
    hour = int(match["hour"])
    if match["tsep"] == "." and not (match["zone"] or match["ampm"]):
        return False  # "08.47" alone is as likely a number as a time
    return hour <= (12 if match["ampm"] else 23)


def _clock(match: re.Match[str], day: date) -> time:
    hour, minute = int(match["hour"]), int(match["minute"])
    if match["ampm"]:
        afternoon = match["ampm"][0] in "Pp"
        hour = hour % 12 + (12 if afternoon else 0)
    return time(hour, minute, int(match["second"] or 0))


def _zone(match: re.Match[str], day: date) -> tzinfo | None:
    printed = match["zone"]
    if not printed:
        return None
    if printed.upper() in ZONE_ABBREVIATIONS:
        name, minutes = ZONE_ABBREVIATIONS[printed.upper()]
        zone = ZoneInfo(name)
        noon = datetime.combine(day, time(12), tzinfo=zone)
        if minutes is None or noon.utcoffset() == timedelta(minutes=minutes):
            return zone
        return timezone(timedelta(minutes=minutes))
    digits = re.sub(r"^(?:GMT|UTC)", "", printed.replace(" ", ""))
    sign = -1 if digits.startswith("-") else 1
    digits = digits[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
