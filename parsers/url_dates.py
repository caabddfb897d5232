"""The publication day a news address carries in itself.

Many outlets stamp an article's address with the day it went out: as path parts
(`/2019/06/20/`, `/2020/jun/16/`, `/2017-09/05/`), or as one compact run of digits that
opens an article number (`AEN20200616008251325`, `20230913_33`, `ud=20180612000793`).
When a page or a saved text prints no date of its own, that stamp is the best witness of
its day. (htmldate reads only the separated form, so it would miss the compact stamps.)
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

_MONTH_WORDS = {
    word: number
    for number, word in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# Year, month and day: either separated (single digits allowed, the day ending the
# number), or compact, two digits each (a slash may part month from day), where the
# stamp may open a longer article number but is never the tail of one.
_NUMERIC = re.compile(
    rf"(?<!\d){_YEAR}(?:"
    r"[/_.-](?P<month>0?[1-9]|1[0-2])[/_.-](?P<day>0?[1-9]|[12]\d|3[01])(?!\d)"
    r"|(?P<cmonth>0[1-9]|1[0-2])/?(?P<cday>0[1-9]|[12]\d|3[01]))"
)
_WORDED = re.compile(
    rf"(?<!\d){_YEAR}/(?P<month>[a-z]{{3}})[a-z]*/(?P<day>[0-3]?\d)(?!\d)", re.IGNORECASE
)


def day_in_url(url: str | None) -> date | None:
    """The day a news address is stamped with, or None when it carries none.

    Only the path and the query are read (a host name's digits are no date), and the
    first stamp that makes a real calendar day wins.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # an address too malformed to split carries no usable stamp
        return None
    where = f"{parts.path}?{parts.query}"
    for found in _WORDED.finditer(where):
        month = _MONTH_WORDS.get(found["month"][:3].lower())
        if month is not None and (day := real_day(int(found["year"]), month, int(found["day"]))):
            return day
    for found in _NUMERIC.finditer(where):
        month, day_part = found["month"] or found["cmonth"], found["day"] or found["cday"]
        if day := real_day(int(found["year"]), int(month), int(day_part)):
            return day
    return None


def real_day(year: int, month: int, day: int) -> date | None:
    """The calendar day, or None when there is no such day (February 30)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None
