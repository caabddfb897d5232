"""Events across articles: one real-world event reported twice is one event.

Two article events are merged when nothing they say conflicts (type, kind of meeting,
whether it happened or is only planned or supposed, date at the coarser precision, place
or its country) and something ties them: the same place and a shared actor, the same day
and a shared actor, two shared people, or, for an event its article leaves undated, two
shared actors and no other candidate. Two events of one article are never merged here:
the article already said they differ.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from parsers.extraction.events import dates_agree
from parsers.extraction.model import EventDate


@dataclass(frozen=True, slots=True)
class EventRecord:
    article_event_id: str
    article_id: str
    event_type: str
    meeting_kind: str | None
    modality: str
    date: EventDate
    place: str | None
    place_country: str | None
    actors: tuple[tuple[str, str], ...]  # (entity_id, role)
    people: frozenset[str]
    summary: str


@dataclass(slots=True)
class ResolvedEvent:
    members: list[EventRecord]
    date: EventDate
    place: str | None
    place_country: str | None
    articles: set[str] = field(default_factory=set)
    month_hint: int | None = None
    # Kept up to date as members join: compared for every candidate record.
    actor_ids: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)

    @property
    def event_id(self) -> str:
        first = min(m.article_event_id for m in self.members)
        return "ev_" + hashlib.sha256(first.encode()).hexdigest()[:16]

    @property
    def head(self) -> EventRecord:
        """The member with the most precise date names the event."""
        return max(self.members, key=lambda m: (_RANK[m.date.precision], -len(m.summary)))

    def actors(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for member in self.members:
            for entity_id, role in member.actors:
                merged.setdefault(entity_id, role)
        return merged


_RANK = {"unknown": 0, "year": 1, "month": 2, "day": 3}
_MAX_UNDATED_CANDIDATES = 500
# What one outlet asserts another reports from sources: the same event. A plan, a
# hypothesis or a denial is another matter.
_REALITY = {"asserted": "happened", "reported": "happened"}


def resolve_events(records: list[EventRecord]) -> list[ResolvedEvent]:
    # Dated reports first, so that undated ones join events whose date is known.
    ordered = sorted(records, key=lambda r: (-_RANK[r.date.precision], r.article_event_id))
    clusters: list[ResolvedEvent] = []
    # (kind, period) -> clusters of that month or year: where a dated report looks.
    by_period: dict[tuple, list[int]] = defaultdict(list)
    # (kind, anchor) -> clusters sharing a place or an actor: where an undated one looks.
    by_anchor: dict[tuple, list[int]] = defaultdict(list)
    for record in ordered:
        kind = (
            record.event_type,
            record.meeting_kind,
            _REALITY.get(record.modality, record.modality),
        )
        dated = record.date.value is not None
        if dated:
            pool = _unique(
                i for key in _lookups(record.date) for i in by_period.get((*kind, key), ())
            )
        elif record.place or len(record.actors) >= 2:
            # The most recent candidates only: bounded work per report in a large
            # warehouse, where "North Korea" alone is an actor of thousands of events.
            pool = _unique(
                i
                for key in _anchor_keys(record)
                for i in by_anchor.get((*kind, key), [])[-_MAX_UNDATED_CANDIDATES:]
            )[-_MAX_UNDATED_CANDIDATES:]
        else:
            pool = []  # nothing could tie an undated report with one actor and no place
        fits: list[int] = []
        for i in pool:
            cluster = clusters[i]
            if (
                record.article_id not in cluster.articles
                and _compatible(cluster, record)
                and _tied(cluster, record)
            ):
                fits.append(i)
                if dated or len(fits) > 1:
                    break
        if not dated and len(fits) > 1:
            fits = []  # an undated report that fits several events fits none for sure
        if fits:
            position = fits[0]
            _absorb(clusters[position], record)
        else:
            position = len(clusters)
            clusters.append(
                ResolvedEvent(
                    [record],
                    record.date,
                    record.place,
                    record.place_country,
                    {record.article_id},
                    record.date.month_hint,
                    {entity_id for entity_id, _ in record.actors},
                    set(record.people),
                )
            )
            if dated:
                for key in _registrations(record.date):
                    by_period[(*kind, key)].append(position)
        for key in _anchor_keys(record):
            entries = by_anchor[(*kind, key)]
            if not entries or entries[-1] != position:
                entries.append(position)
    return clusters


def _unique(indexes: Iterable[int]) -> list[int]:
    return sorted(set(indexes))


# A dated cluster is filed under its own date and the periods that contain it; a dated
# report looks up only the clusters whose date can agree with its own.
def _registrations(value: EventDate) -> list[tuple]:
    day = value.value
    assert day is not None
    if value.precision == "day":
        return [("day", day), ("in-month", day.year, day.month), ("in-year", day.year)]
    if value.precision == "month":
        return [("month", day.year, day.month), ("in-year", day.year)]
    return [("year", day.year)]


def _lookups(value: EventDate) -> list[tuple]:
    day = value.value
    assert day is not None
    if value.precision == "day":
        return [("day", day), ("month", day.year, day.month), ("year", day.year)]
    if value.precision == "month":
        return [
            ("in-month", day.year, day.month),
            ("month", day.year, day.month),
            ("year", day.year),
        ]
    return [("in-year", day.year), ("year", day.year)]


def _anchor_keys(record: EventRecord) -> list[tuple]:
    keys: list[tuple] = []
    if record.place_country:
        keys.append(("country", record.place_country))
    if record.place:
        keys.append(("place", record.place))
    keys.extend(("actor", entity_id) for entity_id, _ in record.actors)
    return keys


def _compatible(cluster: ResolvedEvent, record: EventRecord) -> bool:
    if not dates_agree(cluster.date, record.date):
        return False
    hint = record.date.month_hint
    known_month = cluster.date.value is not None and cluster.date.precision in ("day", "month")
    if hint and known_month and cluster.date.value.month != hint:  # type: ignore[union-attr]
        return False
    if hint and cluster.month_hint and hint != cluster.month_hint:
        return False
    if cluster.place and record.place and cluster.place != record.place:
        # Places of one country agree; so does a sea or region of no one country.
        if cluster.place_country is None or record.place_country is None:
            return True
        return cluster.place_country == record.place_country
    return True


def _tied(cluster: ResolvedEvent, record: EventRecord) -> bool:
    shared = cluster.actor_ids & {entity_id for entity_id, _ in record.actors}
    people = cluster.people & record.people
    same_place = bool(
        cluster.place
        and record.place
        and (
            cluster.place == record.place
            or (cluster.place_country and cluster.place_country == record.place_country)
        )
    )
    if same_place and shared:
        return True
    if (
        record.date.precision == "day"
        and cluster.date.precision == "day"
        and record.date.value == cluster.date.value
        and shared
    ):
        return True
    if len(people) >= 2:
        return True
    undated = record.date.value is None or cluster.date.value is None
    return undated and len(shared) >= 2


def _absorb(cluster: ResolvedEvent, record: EventRecord) -> None:
    cluster.members.append(record)
    cluster.articles.add(record.article_id)
    cluster.actor_ids.update(entity_id for entity_id, _ in record.actors)
    cluster.people.update(record.people)
    if _RANK[record.date.precision] > _RANK[cluster.date.precision]:
        cluster.date = record.date
    if cluster.place is None and record.place is not None:
        cluster.place, cluster.place_country = record.place, record.place_country
    cluster.month_hint = cluster.month_hint or record.date.month_hint
