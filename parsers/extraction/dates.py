"""Resolving the dates a sentence speaks of against the article's publication time.

"on Saturday" in a story of Monday 2019-10-07 (Seoul time) is 2019-10-05; "February's
summit" is 2019-02; "in June 2018" is 2018-06. Without a publication time, anything
relative stays unresolved: never today.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from parsers.extraction.model import UNKNOWN_DATE, EventDate
from parsers.publication import FULL_DATE as _FULL_DATE
from parsers.publication import MONTH_CUE as _MONTH_CUE
from parsers.publication import MONTH_DAY as _MONTH_DAY
from parsers.publication import MONTH_NAMES as _MONTH_NAMES
from parsers.publication import full_dates
from parsers.publication import month_number as _month

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_YEAR = re.compile(rf"\b(?P<month>{_MONTH_NAMES})\s+(?:of\s+)?(?P<year>\d{{4}})\b")
# A month alone, but not "May" the verb: require a preposition or a possessive.
_MONTH_ALONE = re.compile(
    rf"(?:\b(?i:in|since|until|by|last|early|late|mid-?|during)\s+(?P<a>{_MONTH_NAMES})\b"
    rf"|\b(?P<b>{_MONTH_NAMES})['\u2019]s\b)"
)
# "August last year", "in March of this year": the month of the year named.
_MONTH_OF_YEAR = re.compile(
    rf"\b(?P<month>{_MONTH_NAMES})\s+(?:of\s+)?(?P<which>last|this|next)\s+year\b"
)
_WEEKDAY = re.compile(r"\b(?P<day>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
# "in 2016", "in early 2016", "since 2017" (which rules read as a start, not as the
# event's own time unless a clause describes the year: "since 2017, when it fired").
_YEAR = re.compile(
    r"\b(?:in|since)\s+(?:(?:early|late|mid)[-\s]+)?(?P<year>(?:19|20)\d{2})\b", re.IGNORECASE
)
# A month or a year naming a thing: "the April summit", "a 2019 summit", "the 2018
# military agreement".
_MONTH_OF_THING = re.compile(
    rf"\b(?:the|an?|this|that|its|their|his|her)\s+(?P<month>{_MONTH_NAMES})\s+(?=[a-z])"
)
_NAMING_DETERMINER = re.compile(r"\b(?:the|its|their|this|that)\s+$", re.IGNORECASE)
_NAME_FOLLOWS = re.compile(r"\s+[A-Z][a-z]")
_YEAR_OF_THING = re.compile(
    r"\b(?:the|an?|this|that|its|their|his|her)\s+(?P<year>(?:19|20)\d{2})\s+(?=[a-z])"
)
# Parts of the article's own day.
_SAME_DAY = ("tonight", "this morning", "this afternoon", "this evening")
_RELATIVE = re.compile(
    r"\b(?P<word>today|yesterday|tomorrow|last\s+month|last\s+year|this\s+month|this\s+year"
    r"|earlier\s+this\s+month|next\s+month|"
    + "|".join(part.replace(" ", r"\s+") for part in _SAME_DAY)
    + r")\b",
    re.IGNORECASE,
)
# "three months ago", "a week ago", "two years earlier": a span back from the article's
# day. "Earlier" counts back from the news the article tells, which a day or a week may
# separate from its day: only months and years are counted with it.
_SPAN_BACK = re.compile(
    r"\b(?P<count>an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
    r"\s+(?P<unit>day|week|month|year)s?\s+(?P<way>ago|earlier)\b",
    re.IGNORECASE,
)
_COUNTS = {
    word: number
    for number, word in enumerate(
        "one two three four five six seven eight nine ten eleven twelve".split(), start=1
    )
} | {"a": 1, "an": 1}
_FUTURE = re.compile(
    r"\b(?:will|plans?\s+to|next|(?:is|are)\s+(?:set|due|slated)\s+to)\b", re.IGNORECASE
)
# "is scheduled to arrive on Tuesday" looks ahead; "was (originally) scheduled to arrive
# late Tuesday", in an article of Wednesday, tells of the Tuesday just gone.
_PLAN = re.compile(
    r"\b(?P<past>(?:was|were|had)\s+(?:\w+ly\s+)?)?(?:planned|scheduled)\b", re.IGNORECASE
)


# Each pattern is tried only when the sentence holds a word it needs: a pattern that
# cannot match adds nothing, so skipping it changes nothing, and most sentences hold no
# month, weekday, relative day or year at all.
# Every relative expression holds one of these (in the lowercased sentence): "yesterday"
# without its "s", which case-insensitive matching also finds as a long s (U+017F).
_RELATIVE_WORDS = (
    *("today", "terday", "tomorrow", "month", "year"),
    *(part.split()[-1] for part in _SAME_DAY),
)

# Dates are read only in a sentence with one of these cues (lowercased). Every
# case-sensitive pattern holds one; the case-insensitive relative pattern could match odd
# spellings (with a long s, U+017F) that hold none, so it is tried only where a cue stands.
_CUE_WORDS = (
    *("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    *("today", "yesterday", "tomorrow", *_SAME_DAY),
)
_CUE_PHRASE = re.compile(r"(?:last|this)\s+(?:month|year)|next\s+month")
_YEAR_CUE = re.compile(r"\b(?:19|20)\d\d\b")


def _has_cue(lowered: str) -> bool:
    """Whether the lowercased sentence holds a cue (a word above, a phrase or a year)."""
    if any(word in lowered for word in _CUE_WORDS):
        return True
    if ("month" in lowered or "year" in lowered) and _CUE_PHRASE.search(lowered):
        return True
    return ("19" in lowered or "20" in lowered) and _YEAR_CUE.search(lowered) is not None


_DATE_GROUPS = frozenset({"a", "b", "month", "day", "year", "word", "meal", "part"})


def resolve_dates(
    sentence: str,
    published: date | datetime | None,
    *,
    exact: bool = True,
    told: date | None = None,
    named: frozenset[date] = frozenset(),
) -> list[tuple[int, EventDate]]:
    """(position, date) of each time expression in the sentence, in the order they stand.

    `published` is the article's day (or its publication time, read in the outlet's zone):
    what "on Saturday" and "last month" count from. `told` is the day the sentences just
    before this one tell of, if any: the day "after lunch" and "later in the day" are on
    when this sentence names none. `named` are the days the whole text names by date:
    which of two days a weekday may be, when the text says.
    """
    anchor = published.date() if isinstance(published, datetime) else published

    def future(match: re.Match[str]) -> bool:
        # "will meet on Tuesday": the tense of the clause the expression sits in, not of
        # the sentence ("denounced on Tuesday ... and warned that the allies will pay").
        clause = sentence[: match.start()].rsplit(",", 1)[-1]
        if _FUTURE.search(clause[-50:]):
            return True
        plans = list(_PLAN.finditer(clause))
        return bool(plans) and plans[-1]["past"] is None

    found: list[tuple[int, EventDate]] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], value: EventDate) -> None:
        if any(match.start() < e and s < match.end() for s, e in taken):
            return
        taken.append(match.span())
        # Where the date itself stands, after any preposition the pattern needs ("since
        # February"): what the date hangs on in the parse starts there.
        starts = [
            match.start(name)
            for name, text in match.groupdict().items()
            if text is not None and name in _DATE_GROUPS
        ]
        found.append((min(starts) if starts else match.start(), value))

    if _MONTH_CUE.search(sentence):
        for m in _FULL_DATE.finditer(sentence):
            add(m, _safe_date(int(m["year"]), _month(m["month"]), int(m["day"]), "day"))
        for m in _MONTH_YEAR.finditer(sentence):
            add(m, _safe_date(int(m["year"]), _month(m["month"]), 1, "month"))
        if anchor is not None and "year" in sentence:
            for m in _MONTH_OF_YEAR.finditer(sentence):
                year = anchor.year + {"last": -1, "this": 0, "next": 1}[m["which"]]
                add(m, _safe_date(year, _month(m["month"]), 1, "month"))
        for m in _MONTH_DAY.finditer(sentence):
            month, day = _month(m["month"]), int(m["day"])
            # "will uphold the April 27 Panmunjom Declaration": what a name calls by its
            # day was made on the last such day, whatever the clause looks forward to.
            in_a_name = _NAMING_DETERMINER.search(sentence[: m.start()]) and _NAME_FOLLOWS.match(
                sentence, m.end()
            )
            ahead = future(m) and not in_a_name
            add(m, _nearest_year(anchor, month, day, "day", ahead))
        for m in _MONTH_ALONE.finditer(sentence):
            month = _month(m["a"] or m["b"])
            add(m, _nearest_year(anchor, month, 1, "month", future(m)))
        for m in _MONTH_OF_THING.finditer(sentence):
            add(m, _nearest_year(anchor, _month(m["month"]), 1, "month", future(m)))
    if "day" in sentence:  # every weekday name ends in it
        for m in _WEEKDAY.finditer(sentence):
            weekday = _WEEKDAYS.index(m["day"].lower())
            add(m, _weekday(anchor, weekday, future(m), exact, named))
    lowered = sentence.lower()
    if any(word in lowered for word in _RELATIVE_WORDS) and _has_cue(lowered):
        for m in _RELATIVE.finditer(sentence):
            add(m, _relative(anchor, " ".join(m["word"].lower().split())))
    if not found and ("ago" in lowered or "earlier" in lowered):
        # Only where the sentence names no date of its own: "six years ago, on April 27,
        # 2018" has a better one.
        for m in _SPAN_BACK.finditer(sentence):
            back = _span_back(anchor, m)
            if back is not None:
                add(m, back)
    if " day" in lowered:
        for m in _IN_THE_DAY.finditer(sentence):
            day = _day_told_before(found, m.start(), told) or anchor
            if day is not None:
                add(m, EventDate(day, "day"))
    if any(word in lowered for word in _PART_OF_DAY_WORDS):
        for m in _PART_OF_DAY.finditer(sentence):
            # Not the article's day: "after lunch" in a story of the next morning is
            # still the day the story tells of.
            day = _day_told_before(found, m.start(), told)
            if day is not None:
                add(m, EventDate(day, "day"))
    if "19" in sentence or "20" in sentence:
        for m in _YEAR.finditer(sentence):
            add(m, EventDate(date(int(m["year"]), 1, 1), "year"))
        for m in _YEAR_OF_THING.finditer(sentence):
            add(m, EventDate(date(int(m["year"]), 1, 1), "year"))
    return sorted(found)


def _safe_date(year: int, month: int, day: int, precision: str) -> EventDate:
    try:
        return EventDate(date(year, month, day), precision)
    except ValueError:
        return UNKNOWN_DATE


def _nearest_year(
    anchor: date | None, month: int, day: int, precision: str, future: bool
) -> EventDate:
    """The month (and day) in the year that puts it closest before (or after) the anchor."""
    if anchor is None:
        return EventDate(None, "unknown", month_hint=month)
    year = anchor.year
    if not future and (month, day if precision == "day" else 1) > (anchor.month, anchor.day):
        year -= 1
    if future and (month, day) < (anchor.month, anchor.day if precision == "day" else 1):
        year += 1
    return _safe_date(year, month, day, precision)


def _weekday(
    anchor: date | None,
    weekday: int,
    future: bool,
    exact: bool = True,
    named: frozenset[date] = frozenset(),
) -> EventDate:
    if anchor is None:
        return UNKNOWN_DATE
    if not exact:
        back = (anchor.weekday() - weekday) % 7
        ahead = (weekday - anchor.weekday()) % 7
        step = -back if back <= ahead else ahead
        return EventDate(anchor + timedelta(days=step), "day")
    if future:
        # "will hold a summit on Wednesday" in a Wednesday's paper: that day (a week on
        # is "next Wednesday").
        delta = (weekday - anchor.weekday()) % 7
        return EventDate(anchor + timedelta(days=delta), "day")
    delta = (anchor.weekday() - weekday) % 7
    if delta == 0 and anchor - timedelta(days=7) in named:
        # "vetoed it Thursday" in a Thursday's paper that also names "March 28", the
        # Thursday before: the day the text names.
        delta = 7
    return EventDate(anchor - timedelta(days=delta), "day")


def named_days(texts: Iterable[str], anchor: date | None) -> frozenset[date]:
    """The days a text names by month and day ("on March 28", "Jan. 16, 2024"), a month
    and day without a year taken in the year before the anchor."""
    texts = list(texts)
    found = set(full_dates(texts))
    for text in texts:
        if not _MONTH_CUE.search(text):
            continue
        for m in _MONTH_DAY.finditer(text):
            day = _nearest_year(anchor, _month(m["month"]), int(m["day"]), "day", False)
            if day.value is not None:
                found.add(day.value)
    return frozenset(found)


# "held talks Tuesday night and condemned the launch earlier in the day": the day the
# sentence tells of, else the day the sentences before it tell of, else the article's.
_IN_THE_DAY = re.compile(r"\b(?:earlier|later)\s+(?:in\s+the|that)\s+day\b", re.IGNORECASE)
# A meal or a part of a day with no day of its own ("after lunch, the two leaders will hold
# talks", "in the afternoon they visited a factory"): the day the text is telling of.
_PART_OF_DAY = re.compile(
    r"\b(?:(?:after|before|over|at|during)\s+(?:a\s+|the\s+)?(?P<meal>breakfast|lunch|luncheon|dinner)"
    r"|(?:in\s+the|that|later\s+in\s+the)\s+(?P<part>morning|afternoon|evening))\b",
    re.IGNORECASE,
)
_PART_OF_DAY_WORDS = ("breakfast", "lunch", "dinner", "morning", "afternoon", "evening")


def _day_told_before(
    found: list[tuple[int, EventDate]], position: int, told: date | None
) -> date | None:
    """The last day the sentence names before `position`; else, when it names no day
    after it either ("at a dinner on Tuesday" has its own), the day told before it."""
    days = [(start, v) for start, v in found if v.precision == "day"]
    before = [item for item in days if item[0] < position]
    if before:
        return max(before, key=lambda item: item[0])[1].value
    return None if days else told


def _span_back(anchor: date | None, found: re.Match[str]) -> EventDate | None:
    unit, way = found["unit"].lower(), found["way"].lower()
    if anchor is None or (way == "earlier" and unit in ("day", "week")):
        return None
    raw = found["count"].lower()
    count = int(raw) if raw.isdigit() else _COUNTS[raw]
    if unit in ("day", "week"):
        return EventDate(anchor - timedelta(days=count * (7 if unit == "week" else 1)), "day")
    if unit == "month":
        months = anchor.year * 12 + anchor.month - 1 - count
        return EventDate(date(months // 12, months % 12 + 1, 1), "month")
    return EventDate(date(anchor.year - count, 1, 1), "year")


def _relative(anchor: date | None, word: str) -> EventDate:
    if anchor is None:
        return UNKNOWN_DATE
    first = anchor.replace(day=1)
    if word == "today" or word in _SAME_DAY:
        return EventDate(anchor, "day")
    if word == "yesterday":
        return EventDate(anchor - timedelta(days=1), "day")
    if word == "tomorrow":
        return EventDate(anchor + timedelta(days=1), "day")
    if word in ("this month", "earlier this month"):
        return EventDate(first, "month")
    if word == "last month":
        return EventDate((first - timedelta(days=1)).replace(day=1), "month")
    if word == "next month":
        return EventDate((first + timedelta(days=32)).replace(day=1), "month")
    if word == "last year":
        return EventDate(date(anchor.year - 1, 1, 1), "year")
    return EventDate(date(anchor.year, 1, 1), "year")
