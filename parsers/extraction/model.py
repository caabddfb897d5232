"""What extraction makes of one article: entities, mentions, quotes, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True)
class ArticleEntity:
    """An entity as one article knows it; `key` is stable across articles.

    Reference actors have key 'ref:<id>'; people and organizations found only in the
    text have 'txt:<name key>' so that the same name in two articles is one entity.
    """

    key: str
    name: str
    type: str
    country: str | None = None
    wikidata: str | None = None
    surfaces: set[str] = field(default_factory=set)
    role: str | None = None
    affiliation: str | None = None  # key of an ORG entity
    # Words that describe the entity in this article ("negotiator", "leader"),
    # used to tell apart two people who share a surname.
    descriptors: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Mention:
    entity: str
    paragraph_seq: int
    sentence: int
    start: int
    end: int
    surface: str
    # Named inside a longer name ("Japan" in "Ministry of Foreign Affairs of Japan"):
    # the article names it, but the words act as the longer name.
    nested: bool = False


@dataclass(frozen=True, slots=True)
class Quote:
    speaker: str | None  # entity key
    speaker_text: str | None
    text: str
    paragraph_seq: int
    partial: bool


# How precise a date is, least to most ('unknown' is no date).
PRECISION_RANK = {"unknown": 0, "year": 1, "month": 2, "day": 3}


@dataclass(frozen=True, slots=True)
class EventDate:
    value: date | None
    precision: str  # 'day', 'month', 'year', 'unknown'
    # A month named without an anchor ("in February" in an undated story): not a date,
    # but enough to keep two events of different months apart.
    month_hint: int | None = None

    def label(self) -> str:
        if self.value is None:
            return "unknown"
        return {
            "day": self.value.isoformat(),
            "month": self.value.isoformat()[:7],
            "year": self.value.isoformat()[:4],
        }[self.precision]


UNKNOWN_DATE = EventDate(None, "unknown")


@dataclass(slots=True)
class ArticleEvent:
    event_type: str
    trigger: str
    modality: str
    date: EventDate
    place: str | None  # entity key
    actors: dict[str, str]  # entity key -> role
    mentions: list[tuple[int, int]]  # (paragraph_seq, sentence)
    summary: str
    # For meetings: 'summit' (leaders meet) or 'talks' (delegations negotiate).
    kind: str | None = None


@dataclass
class Extraction:
    entities: dict[str, ArticleEntity]
    mentions: list[Mention]
    quotes: list[Quote]
    events: list[ArticleEvent]
