"""The normalized shape every parser produces, whatever the outlet or the format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

ParagraphKind = Literal["body", "caption", "subhead"]


class ParseError(ValueError):
    """The input cannot become an Article; the message says why, in words a user can act on."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    kind: ParagraphKind
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    source: str
    # None when the text prints no headline (a saved page may start at the dateline).
    title: str | None
    paragraphs: tuple[Paragraph, ...]
    parser: str
    parser_version: str
    label: str | None = None
    section: str | None = None
    byline: str | None = None
    dateline: str | None = None
    dateline_place: str | None = None
    # Yonhap's "(ATTN: ...)" note to editors, without the wrapper: what changed in this
    # version of a story (URGENT -> LEAD -> 2nd LD), which ties the versions together.
    editor_note: str | None = None
    # None when the document itself carries no date and time: never a file time, never
    # "now", never a time made up for a date printed alone.
    published_at: datetime | None = None
    # The day of publication, whenever the text gives it (with or without a time), else
    # its dateline's day or the day its address is stamped with (parsers/publication.py):
    # what "on Thursday" is read against. With published_at, its date in the outlet's zone.
    published_date: date | None = None
    # Where the article was found (the fetched URL, a sidecar's url), else what the page says.
    url: str | None = None
    # The address the page declares for itself (link rel=canonical, og:url): one story
    # fetched under two URLs, or saved to disk and fetched, is one article by it.
    canonical_url: str | None = None
    language: str = "en"
    # U+FFFD characters left in the text: information lost before it reached us.
    replacement_chars: int = 0
    # Human-readable notes of the repairs applied while decoding, and of conflicts the
    # parser settled (timestamps that disagree), so nothing is overruled silently.
    repairs: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.published_at is None:
            return
        day = self.published_at.date()
        if self.published_date is None:
            object.__setattr__(self, "published_date", day)
        elif self.published_date != day:
            raise ValueError(
                f"published_date {self.published_date} is not the day of published_at "
                f"{self.published_at.isoformat()}"
            )

    def texts(self, kind: ParagraphKind) -> list[str]:
        return [p.text for p in self.paragraphs if p.kind == kind]

    @property
    def body(self) -> list[str]:
        return self.texts("body")
