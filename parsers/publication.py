"""The day an article appeared, when no time printed with it says so.

What "on Thursday" is read against, and what resolution counts an article's news from.
In order: the day the article prints (with or without a time); else its dateline's day
("SEOUL, June 16 (Yonhap)"), in the year the day its address is stamped with or a full
date in the text tells; else the day its address is stamped with. Pure and light (no
model), so parsing settles what the address tells before anything is stored.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from datetime import date

from parsers.model import Article
from parsers.stamps import MONTHS
from parsers.url_dates import day_in_url, real_day

# Month names as sentences print them: abbreviations only with their full stop, so that
# "May" stays a month but "Mar" in a name does not become one.
MONTH_NAMES = (
    r"January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.|Feb\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\."
)
FULL_DATE = re.compile(rf"\b(?P<month>{MONTH_NAMES})\s+(?P<day>\d{{1,2}}),\s+(?P<year>\d{{4}})\b")
MONTH_DAY = re.compile(rf"\b(?P<month>{MONTH_NAMES})\s+(?P<day>\d{{1,2}})\b(?!,\s+\d{{4}})")
MONTH_CUE = re.compile(MONTH_NAMES)  # a month name, spelled as the month patterns spell it
# A dateline's day: there a month may be abbreviated without its stop ("Seoul, Jan 10
# (EFE)"), as no name in a dateline is.
DATELINE_MONTH_DAY = re.compile(
    rf"\b(?P<month>{MONTH_NAMES}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b)"
    r"\s+(?P<day>\d{1,2})\b"
)


def month_number(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def publication_day(article: Article) -> date | None:
    """The day the article appeared, as far as it and its address tell; None when not."""
    if article.published_date is not None:
        return article.published_date
    if article.published_at is not None:
        return article.published_at.date()
    stamped = _stamped(article)
    texts = (p.text for p in article.paragraphs)
    return dateline_day(article.dateline, texts, stamped) or stamped


def dated(article: Article) -> Article:
    """The article with the day it appeared filled in, when its address is stamped with
    it (the dateline, when it has a day, says which day near the stamp). A year guessed
    from the dates a text names is good enough to read "on Thursday" by, but is not
    stored as the day the article appeared: a page's chrome may print the day it was
    viewed."""
    if article.published_date is not None:
        return article
    stamped = _stamped(article)
    if stamped is None:
        return article
    day = dateline_day(article.dateline, (), stamped) or stamped
    return dataclasses.replace(article, published_date=day)


def _stamped(article: Article) -> date | None:
    return day_in_url(article.url) or day_in_url(article.canonical_url)


def full_dates(texts: Iterable[str]) -> Iterator[date]:
    """The dates a text prints in full, with their year ("on Jan. 16, 2024")."""
    for text in texts:
        if not MONTH_CUE.search(text):
            continue
        for m in FULL_DATE.finditer(text):
            found = real_day(int(m["year"]), month_number(m["month"]), int(m["day"]))
            if found is not None:
                yield found


def latest_full_date(texts: Iterable[str]) -> date | None:
    """The latest date a text prints in full."""
    return max(full_dates(texts), default=None)


def dateline_month(dateline: str | None) -> int | None:
    """The month of a dateline's day, with or without its year ("VOSTOCHNY SPACEPORT,
    September 13. /TASS/"): the month of the news even when the year is not known."""
    found = DATELINE_MONTH_DAY.search(dateline) if dateline else None
    return month_number(found["month"]) if found else None


def dateline_day(
    dateline: str | None, texts: Iterable[str], stamped: date | None = None
) -> date | None:
    """The day of a dateline printed without its year ("Pyongyang, June 13 (KCNA)").

    Its year is the one that puts it nearest the day the article's address is `stamped`
    with, when it has one (a stamp may be a day off the dateline, written in another time
    zone); else the first that puts it on or after the latest full date the text names: a
    report is written after what it reports. None when neither gives a year.
    """
    if not dateline:
        return None
    found = DATELINE_MONTH_DAY.search(dateline)
    if found is None:
        return None
    month, day = month_number(found["month"]), int(found["day"])
    if stamped is not None:
        years = range(stamped.year - 1, stamped.year + 2)
        candidates = [d for y in years if (d := real_day(y, month, day)) is not None]
        return min(candidates, key=lambda d: abs((d - stamped).days), default=None)
    texts = list(texts)
    latest = latest_full_date(texts) or latest_year_named(texts)
    if latest is None:
        return None
    return real_day(latest.year + ((month, day) < (latest.month, latest.day)), month, day)


# A year a text tells of as past or present: "in 2018", "since late 2023", "early 2024".
_YEAR_TOLD = re.compile(
    r"\b(?:(?P<part>early|mid|late)[-\s]+|(?:in|since)\s+(?:(?P<part2>early|mid|late)[-\s]+)?)"
    r"(?P<year>(?:19|20)\d{2})\b",
    re.IGNORECASE,
)
# Where in its year "early", "mid" and "late" put a time, as the first day of a month.
_PART_OF_YEAR = {"early": 1, "mid": 6, "late": 10}


def latest_year_named(texts: Iterable[str]) -> date | None:
    """The latest time a text names only by its year ("since late 2023": 2023-10-01),
    for a dateline without its year when no full date says more."""
    latest = None
    for text in texts:
        for m in _YEAR_TOLD.finditer(text):
            part = (m["part"] or m["part2"] or "").lower()
            found = date(int(m["year"]), _PART_OF_YEAR.get(part, 1), 1)
            if latest is None or found > latest:
                latest = found
    return latest
