"""Placing only what changed, with the outcome of placing everything.

`resolve.resolve_events` places every report in a fixed order. A run that adds, changes
or removes a few reports re-places those, and then every stored report whose decision
could read something that moved: a report placed after the change that joined, or was
accepted by, an event whose members changed (`Changed.since`), or that the changed event
could now fit. Those are looked up (`Store.affected_by`), placed again in order, and the
lookup repeats until it finds nothing new. Everything else keeps its place, which is
exactly where placing everything would put it: its decision read nothing that changed.

An event is known by the report that founded it (its key); a report is compared with an
event as the event stood just before the report's turn (the members placed before it).
Pure: the store (`warehouse/resolution.py`) answers the lookups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from parsers.extraction.resolve import Decision, decide
from parsers.extraction.same_event import (
    RANK,
    EventKeys,
    EventRecord,
    EventState,
    could_fit,
    keys_of,
    kind_of,
    position,
)

Position = tuple[int, str]


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a report was placed: its event's key, and the events the rule accepted."""

    event: str
    accepted: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Placed:
    """A stored report's place, and its turn in the placing order when it was placed."""

    article_event_id: str
    kind: str
    rank: int
    placement: Placement

    @property
    def position(self) -> Position:
        return (-self.rank, self.article_event_id)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored event a report could fit: its key and its founder's date rank."""

    event: str
    rank: int

    @property
    def position(self) -> Position:
        return (-self.rank, self.event)


@dataclass(frozen=True, slots=True)
class Changed:
    """An event whose members changed from `since` on; `keys` None: it is gone."""

    event: str
    kind: str
    since: Position
    keys: EventKeys | None


class Store(Protocol):
    """What the walk asks of stored resolution state."""

    def placed(self, ids: Collection[str]) -> dict[str, Placed]:
        """The stored places of these reports (also of reports removed since)."""

    def members(self, events: Collection[str]) -> dict[str, list[EventRecord]]:
        """The stored members of these events that still exist, with current contents."""

    def candidates(
        self, records: Sequence[EventRecord], skip: int, limit: int
    ) -> dict[str, list[Candidate]]:
        """Per report, stored events that `could_fit` it by their stored keys, in founding
        order, from the `skip`-th on, at most `limit`."""

    def affected_by(
        self, changes: Sequence[Changed], exclude: Collection[str]
    ) -> list[tuple[EventRecord, Placed]]:
        """Stored reports placed after a change whose decision it could alter: those in
        the changed event or accepting it, and those the event `could_fit` now (undated
        ones only when they had fitted at most one event)."""


@dataclass(slots=True)
class Outcome:
    placements: dict[str, tuple[EventRecord, Placement]]  # every report placed again
    removed: set[str]
    # Every event whose members changed: its members now, or None when it is gone.
    events: dict[str, list[EventRecord] | None]
    previous: dict[str, Placed]  # where the re-placed and removed reports were before
    rounds: int = 0


FIRST_PAGE = 16


def place_changes(store: Store, added: Sequence[EventRecord], removed: Collection[str]) -> Outcome:
    """Place new and changed reports (`added`) and take removed ones out."""
    removed = set(removed) - {r.article_event_id for r in added}
    previous = store.placed({r.article_event_id for r in added} | removed)
    affected = {r.article_event_id: r for r in added}
    changed_contents = set(affected)
    cache = _Lookups(store)
    rounds = 0
    while True:
        rounds += 1
        walk = _Walk(cache, affected, removed, previous)
        walk.run()
        changes = walk.changes(changed_contents)
        more = store.affected_by(changes, set(affected) | removed)
        if not more:
            return Outcome(
                {i: (affected[i], p) for i, p in walk.placement.items()},
                removed,
                {event: walk.final_members(event) for event in {c.event for c in changes}},
                previous,
                rounds,
            )
        for record, placed in more:
            affected[record.article_event_id] = record
            previous[record.article_event_id] = placed


@dataclass(slots=True)
class _Lookups:
    """Answers of the store, kept for the whole run: stored state does not change in it."""

    store: Store
    stored_members: dict[str, list[EventRecord]] = field(default_factory=dict)
    # Per report: the candidates fetched so far, and whether there are more.
    candidates: dict[str, tuple[list[Candidate], bool]] = field(default_factory=dict)

    def prefetch(self, records: Sequence[EventRecord]) -> None:
        wanted = [r for r in records if r.article_event_id not in self.candidates]
        if wanted:
            found = self.store.candidates(wanted, 0, FIRST_PAGE)
            for record in wanted:
                page = found.get(record.article_event_id, [])
                self.candidates[record.article_event_id] = (page, len(page) == FIRST_PAGE)
        self.load_members(
            {c.event for r in records for c in self.candidates[r.article_event_id][0]}
            | {r.article_event_id for r in records}
        )

    def more_candidates(self, record: EventRecord) -> bool:
        """Fetch the next page for one report; False when there was no more."""
        page, more = self.candidates[record.article_event_id]
        if not more:
            return False
        limit = max(FIRST_PAGE, len(page)) * 4
        found = self.store.candidates([record], len(page), limit).get(record.article_event_id, [])
        self.candidates[record.article_event_id] = (page + found, len(found) == limit)
        self.load_members({c.event for c in found})
        return bool(found)

    def load_members(self, events: Collection[str]) -> None:
        missing = [e for e in events if e not in self.stored_members]
        if missing:
            found = self.store.members(missing)
            for event in missing:
                self.stored_members[event] = found.get(event, [])


class _Walk:
    """One pass over the affected reports in placing order."""

    def __init__(
        self,
        lookups: _Lookups,
        affected: dict[str, EventRecord],
        removed: set[str],
        previous: dict[str, Placed],
    ) -> None:
        self.lookups = lookups
        self.affected = affected
        self.removed = removed
        self.previous = previous
        # Stored memberships that no longer hold: reports placed again, or gone.
        self.excluded = set(affected) | removed
        self.placed_here: dict[str, list[EventRecord]] = defaultdict(list)
        self.placement: dict[str, Placement] = {}
        self.touched_by_kind: dict[str, set[str]] = defaultdict(set)

    def run(self) -> None:
        ordered = sorted(self.affected.values(), key=position)
        self.lookups.prefetch(ordered)
        for record in ordered:
            decision: Decision = decide(record, self._candidates(record))
            event = decision.joins or record.article_event_id
            self.placed_here[event].append(record)
            self.placement[record.article_event_id] = Placement(event, decision.accepted)
            self.touched_by_kind[kind_of(record)].add(event)

    # -- what a report is compared with ------------------------------------------------
    def members(self, event: str) -> list[EventRecord]:
        stored = [
            m
            for m in self.lookups.stored_members.get(event, ())
            if m.article_event_id not in self.excluded
        ]
        return stored + self.placed_here.get(event, [])

    def state_before(self, event: str, kind: str, turn: Position) -> EventState | None:
        """The event as it stood before this turn; None if it was not founded yet.

        A key names the event its report founds in that report's kind; members of another
        kind under the key are left from before the report changed, and leave this run.
        """
        earlier = sorted(
            (m for m in self.members(event) if position(m) < turn and kind_of(m) == kind),
            key=position,
        )
        if not earlier or earlier[0].article_event_id != event:
            return None
        state = EventState.found(earlier[0])
        for member in earlier[1:]:
            state.absorb(member)
        return state

    def _candidates(self, record: EventRecord) -> Iterator[tuple[str, EventState]]:
        """Stored candidates and events touched in this walk, merged in founding order."""
        turn = position(record)
        kind = kind_of(record)
        touched = []
        for event in self.touched_by_kind.get(kind, ()):
            members = [m for m in self.members(event) if position(m) < turn and kind_of(m) == kind]
            if members and could_fit(keys_of(members), record):
                touched.append((_event_position(event, members), event))
        touched.sort()
        touched_keys = {event for _, event in touched}
        seen: set[str] = set()
        index = 0
        while True:
            page, _ = self.lookups.candidates[record.article_event_id]
            if index >= len(page):
                if self.lookups.more_candidates(record):
                    continue
                break
            candidate = page[index]
            index += 1
            if candidate.position >= turn:
                break  # founded after this report: nothing further existed yet
            while touched and touched[0][0] < candidate.position:
                yield from self._state_of(touched.pop(0)[1], kind, turn, seen)
            if candidate.event not in touched_keys:
                yield from self._state_of(candidate.event, kind, turn, seen)
        for _, event in touched:
            yield from self._state_of(event, kind, turn, seen)

    def _state_of(
        self, event: str, kind: str, turn: Position, seen: set[str]
    ) -> Iterator[tuple[str, EventState]]:
        if event in seen:
            return
        seen.add(event)
        state = self.state_before(event, kind, turn)
        if state is not None:
            yield event, state

    # -- what moved ------------------------------------------------------------------------
    def changes(self, changed_contents: set[str]) -> list[Changed]:
        # Keyed by kind too: a report whose contents changed kind founds another event
        # under the same key, and the old kind's event is gone.
        since: dict[tuple[str, str], Position] = {}

        def mark(event: str, kind: str, turn: Position) -> None:
            key = (event, kind)
            if key not in since or turn < since[key]:
                since[key] = turn

        for report_id in self.removed:
            old = self.previous.get(report_id)
            if old is not None:
                mark(old.placement.event, old.kind, old.position)
        for report_id, placement in self.placement.items():
            record = self.affected[report_id]
            old = self.previous.get(report_id)
            turn = position(record)
            moved = (
                old is None
                or old.placement.event != placement.event
                or old.position != turn
                or old.kind != kind_of(record)
                or report_id in changed_contents
            )
            if not moved:
                continue
            if old is not None:
                mark(old.placement.event, old.kind, min(old.position, turn))
            mark(placement.event, kind_of(record), turn)
        changes = []
        for event, kind in sorted(since):
            members = self.final_members(event)
            keys = keys_of(members) if members and kind_of(members[0]) == kind else None
            changes.append(Changed(event, kind, since[(event, kind)], keys))
        return changes

    def final_members(self, event: str) -> list[EventRecord] | None:
        """The event's members after the run; None when its founder no longer founds it."""
        self.lookups.load_members([event])
        members = sorted(self.members(event), key=position)
        if not members or members[0].article_event_id != event:
            return None
        return members


def _event_position(event: str, members: Sequence[EventRecord]) -> Position:
    founder = next((m for m in members if m.article_event_id == event), None)
    rank = RANK[founder.date.precision] if founder is not None else 0
    return (-rank, event)
