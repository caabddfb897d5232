"""Events across articles: one real-world event reported twice is one event.

Two article events are merged when nothing they say conflicts (type, kind of meeting,
modality, date at the coarser precision, place or its country) and something ties them:
the same place, the same day, two shared people, or, for an event its article leaves
undated, two shared actors and no other candidate. Two events of one article are never
merged here: the article already said they differ.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
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

    @property
    def event_id(self) -> str:
        first = min(m.article_event_id for m in self.members)
        return "ev_" + hashlib.sha256(first.encode()).hexdigest()[:16]

    @property
    def head(self) -> EventRecord:
        """The member with the most precise date names the event."""
        rank = {"unknown": 0, "year": 1, "month": 2, "day": 3}
        return max(self.members, key=lambda m: (rank[m.date.precision], -len(m.summary)))

    def actors(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for member in self.members:
            for entity_id, role in member.actors:
                merged.setdefault(entity_id, role)
        return merged


def resolve_events(records: list[EventRecord]) -> list[ResolvedEvent]:
    rank = {"day": 0, "month": 1, "year": 2, "unknown": 3}
    # Dated reports first, so that undated ones join events whose date is known.
    ordered = sorted(records, key=lambda r: (rank[r.date.precision], r.article_event_id))
    clusters: list[ResolvedEvent] = []
    index: dict[tuple, list[int]] = defaultdict(list)
    for record in ordered:
        kind = (record.event_type, record.meeting_kind, record.modality)
        candidates = {i for key in _anchor_keys(record) for i in index.get((*kind, *key), ())}
        fits = [
            i
            for i in sorted(candidates)
            if record.article_id not in clusters[i].articles
            and _compatible(clusters[i], record)
            and _tied(clusters[i], record)
        ]
        if record.date.value is None and len(fits) > 1:
            fits = []  # an undated report that fits several events fits none for sure
        if fits:
            cluster = clusters[fits[0]]
            _absorb(cluster, record)
            position = fits[0]
        else:
            cluster = ResolvedEvent(
                [record],
                record.date,
                record.place,
                record.place_country,
                {record.article_id},
                record.date.month_hint,
            )
            clusters.append(cluster)
            position = len(clusters) - 1
        for key in _anchor_keys(record):
            index[(*kind, *key)].append(position)
    return clusters


def _anchor_keys(record: EventRecord) -> list[tuple]:
    keys: list[tuple] = []
    if record.place_country:
        keys.append(("country", record.place_country))
    if record.place:
        keys.append(("place", record.place))
    if record.date.value is not None and record.date.precision == "day":
        keys.append(("day", record.date.value))
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
    actors = {entity_id for m in cluster.members for entity_id, _ in m.actors}
    shared = actors & {entity_id for entity_id, _ in record.actors}
    people = {p for m in cluster.members for p in m.people} & record.people
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
    rank = {"unknown": 0, "year": 1, "month": 2, "day": 3}
    if rank[record.date.precision] > rank[cluster.date.precision]:
        cluster.date = record.date
    if cluster.place is None and record.place is not None:
        cluster.place, cluster.place_country = record.place, record.place_country
    cluster.month_hint = cluster.month_hint or record.date.month_hint
