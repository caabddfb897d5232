"""Events across articles: one real-world event reported twice is one event.

Reports are placed one at a time in a fixed order (`same_event.position`: the most
precise dates first). A dated report joins the first event, in the order events were
founded, that the rule (`same_event.fits`) accepts; an undated report joins the one event
the rule accepts, and none when it accepts several. A report that joins nothing founds an
event of its own. The order depends on the reports alone, so the outcome is a function of
the set of reports: the incremental resolver (`parsers/extraction/incremental.py`) places
only what a run changed and reaches the same events as `resolve_events` over everything.
"""

from __future__ import annotations

import hashlib
import heapq
from bisect import insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from parsers.extraction.model import PRECISION_RANK, EventDate
from parsers.extraction.same_event import (
    EventKeys,
    EventRecord,
    EventState,
    can_join_anything,
    event_keys,
    fits,
    keys_of,
    kind_of,
    position,
    report_keys,
)

__all__ = [
    "Decision",
    "EventRecord",
    "Placing",
    "ResolvedEvent",
    "decide",
    "place_all",
    "resolve_events",
]


@dataclass(frozen=True, slots=True)
class Decision:
    """Where a report goes: the event it joins (None: it founds one), and the events the
    rule accepted on the way (for an undated report, up to two: two mean several)."""

    joins: str | None
    accepted: tuple[str, ...]


def decide(record: EventRecord, candidates: Iterable[tuple[str, EventState]]) -> Decision:
    """Place one report among candidate events, given in the order they were founded.

    Candidates may be any superset of the events the rule accepts; they are read only as
    far as the decision needs (first fit for a dated report, a second fit for an undated
    one, or the end of the dated events after one fit), so a caller can page through a
    long list.
    """
    if not can_join_anything(record):
        return Decision(None, ())
    dated = record.date.value is not None
    accepted: list[str] = []
    accepted_dated = False
    for key, state in candidates:
        if not dated and accepted_dated and state.date.value is None:
            # Dated events are founded first: past them, the one dated event an undated
            # report fits is the happening it tells of; the undated events it also fits
            # are other reports that could not be dated (and may be of that very one).
            break
        if fits(state, record):
            accepted.append(key)
            accepted_dated = state.date.value is not None
            if dated or len(accepted) > 1:
                break
    if dated:
        return Decision(accepted[0] if accepted else None, tuple(accepted))
    # An undated report that fits several events fits none for sure.
    return Decision(accepted[0] if len(accepted) == 1 else None, tuple(accepted))


@dataclass(slots=True)
class ResolvedEvent:
    members: list[EventRecord]  # in placing order: the first founded the event
    state: EventState

    @property
    def event_id(self) -> str:
        """An id made from the founding report (the warehouse keeps ids stable instead)."""
        return "ev_" + hashlib.sha256(self.members[0].article_event_id.encode()).hexdigest()[:16]

    @property
    def articles(self) -> set[str]:
        return self.state.articles

    @property
    def date(self) -> EventDate:
        return self.state.date

    @property
    def place(self) -> str | None:
        """Where most reports say it happened (of as many, one in a country, then the first
        placed): one outlet's hotel or island is less often named than the city all the
        others give."""
        named = [(m.place, m.place_country is not None) for m in self.members if m.place]
        if not named:
            return None
        counts = Counter(place for place, _ in named)
        # Of places named as often, one in a country (a launch site) before open water.
        return max(named, key=lambda p: (counts[p[0]], p[1]))[0]

    @property
    def head(self) -> EventRecord:
        """The member with the most precise date names the event; of those, one that tells
        it happened before one that tells its plan (the event's modality is the head's)."""
        return max(
            self.members,
            key=lambda m: (
                PRECISION_RANK[m.date.precision],
                m.reality == "happened",
                -len(m.summary),
            ),
        )

    def actors(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for member in self.members:
            for entity_id, role in member.actors:
                merged.setdefault(entity_id, role)
        return merged


def resolved_from(members: Iterable[EventRecord]) -> ResolvedEvent:
    """An event from its members, whatever order they come in."""
    ordered = sorted(members, key=position)
    state = EventState.found(ordered[0])
    for member in ordered[1:]:
        state.absorb(member)
    return ResolvedEvent(ordered, state)


def resolve_events(records: Iterable[EventRecord]) -> list[ResolvedEvent]:
    """Every report placed, in memory: the reference the incremental resolver matches."""
    events: list[ResolvedEvent] = []
    # (kind, actor) -> events with that actor, in founding order: every tie needs a
    # shared actor, so these are all the candidates a report has.
    by_actor: dict[tuple[str, str], list[int]] = defaultdict(list)
    for record in sorted(records, key=position):
        kind = kind_of(record)
        pool = sorted({i for a in record.actor_ids for i in by_actor.get((kind, a), ())})
        decision = decide(record, ((str(i), events[i].state) for i in pool))
        if decision.joins is not None:
            index = int(decision.joins)
            events[index].members.append(record)
            events[index].state.absorb(record)
        else:
            index = len(events)
            events.append(ResolvedEvent([record], EventState.found(record)))
        for actor in record.actor_ids:
            entries = by_actor[(kind, actor)]
            if not entries or entries[-1] != index:
                entries.append(index)
    return events


@dataclass(slots=True)
class Placing:
    """Every report placed: the events by their key (founding report), and each report's
    decision."""

    events: dict[str, ResolvedEvent]
    decisions: dict[str, Decision]


def place_all(records: Iterable[EventRecord]) -> Placing:
    """Every report placed, in memory, looking candidates up by `same_event`'s keys as the
    warehouse does: fast enough for a kind's whole history (a rebuild places kind by kind).
    Same outcome as `resolve_events`."""
    events: dict[str, ResolvedEvent] = {}
    decisions: dict[str, Decision] = {}
    keys: dict[str, EventKeys] = {}
    # (kind, key) -> (founding position, event) of the events with that key, in order.
    by_key: dict[tuple[str, str], list[tuple[tuple[int, str], str]]] = defaultdict(list)
    for record in sorted(records, key=position):
        kind = record.kind
        found = in_founding_order(by_key.get((kind, k), ()) for k in report_keys(record))
        decision = decide(record, ((e, events[e].state) for e in found))
        decisions[record.article_event_id] = decision
        key = decision.joins or record.article_event_id
        if decision.joins is None:
            events[key] = ResolvedEvent([record], EventState.found(record))
        else:
            events[key].members.append(record)
            events[key].state.absorb(record)
            if brings_nothing(keys[key], record):
                continue
        old = keys.get(key)
        keys[key] = keys_of(events[key].members)
        entry = (events[key].members[0].position, key)
        known = set(event_keys(old)) if old else set()
        for k in event_keys(keys[key]):
            if k not in known:
                insort(by_key[(kind, k)], entry)
    return Placing(events, decisions)


def in_founding_order(lists: Iterable[Sequence[tuple[tuple[int, str], str]]]) -> Iterator[str]:
    """The events of several lists kept in founding order, merged lazily, each once: a
    decision reads only as far as it needs, however long a dense key's list."""
    last = None
    for _, event in heapq.merge(*lists):
        if event != last:
            last = event
            yield event


def brings_nothing(keys: EventKeys, record: EventRecord) -> bool:
    """A report joining an event with no actor, person or place its keys lack."""
    return (
        record.actor_ids <= keys.actors
        and record.people <= keys.people
        and (record.place is None or record.place in keys.places)
        and (record.place_country is None or record.place_country in keys.countries)
    )
