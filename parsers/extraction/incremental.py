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

import heapq
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Protocol

from parsers.extraction.resolve import Decision, brings_nothing, decide
from parsers.extraction.same_event import (
    EventKeys,
    EventRecord,
    EventState,
    event_keys,
    fits,
    keys_of,
    keys_with,
    kind_of,
    position,
    report_keys,
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


@dataclass(frozen=True, slots=True)
class Affected:
    """A stored report a change may concern: `involved` the events it joined or accepted
    that changed before its turn; `could_fit` the changed events that may fit it now (by
    keys); `event_rank` the date rank of its event's founder, `accepted_ranks` those of the
    events its decision accepted (None: not known)."""

    record: EventRecord
    placed: Placed
    involved: frozenset[str]
    could_fit: frozenset[str]
    event_rank: int
    accepted_ranks: tuple[int | None, ...]


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

    def events_by_keys(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], list[Candidate]]:
        """Per (kind, key) of `same_event.event_keys`: every stored event with it, in
        founding order."""

    def affected_by(self, changes: Sequence[Changed], exclude: Collection[str]) -> list[Affected]:
        """Stored reports placed after a change whose decision it could alter: those in
        the changed event or accepting it, and those the event `could_fit` now (undated
        ones only when they had fitted at most one event, or the event is dated)."""


@dataclass(slots=True)
class Outcome:
    placements: dict[str, tuple[EventRecord, Placement]]  # every report placed again
    removed: set[str]
    # Every event whose members changed: its members now, or None when it is gone.
    events: dict[str, list[EventRecord] | None]
    previous: dict[str, Placed]  # where the re-placed and removed reports were before
    rounds: int = 0


# How much a lookup reads at once; none changes what is decided, only how many
# statements a run issues. Each report's first candidates come in one statement for all
# the reports of a pass (FIRST_PAGE each); a report that reads past them gets the rest of
# its keys' events, and the members of its next candidates in slices that double from
# MEMBERS_AHEAD up to MEMBERS_AHEAD_MAX. Adding 100 articles at 100,000, resolution took
# 6.0-6.2 s with 16 and 256, 5.4-5.6 s with 64 and 1,024 (128 or 2,048: no better); at
# 5,000 the same 0.9 s either way.
FIRST_PAGE = 64
MEMBERS_AHEAD = 1024
MEMBERS_AHEAD_MAX = 8192


def place_changes(store: Store, added: Sequence[EventRecord], removed: Collection[str]) -> Outcome:
    """Place new and changed reports (`added`) and take removed ones out."""
    removed = set(removed) - {r.article_event_id for r in added}
    previous = store.placed({r.article_event_id for r in added} | removed)
    affected = {r.article_event_id: r for r in added}
    changed_contents = set(affected)
    cache = _Lookups(store)
    rounds = 0
    walk: _Walk | None = None
    asked: dict[tuple[str, str], Changed] = {}
    while True:
        rounds += 1
        # Each pass after the first keeps the decisions of the pass before that read
        # nothing it changed (`_Walk.decided_alike`).
        walk = _Walk(cache, affected, removed, previous, walk)
        walk.run()
        changes = walk.changes(changed_contents)
        # The stored reports a change unaltered since the pass before could move were
        # asked about then, and stay put: what they read is as it was, unless the event
        # diverged. Only the other changes are asked about (a report moves when any event
        # it reads would move it, so the part asked before adds nothing).
        fresh = [
            c for c in changes if asked.get((c.event, c.kind)) != c or c.event in walk.diverged
        ]
        asked = {(c.event, c.kind): c for c in changes}
        more = [
            (a.record, a.placed)
            for a in store.affected_by(fresh, set(affected) | removed)
            if walk.would_move(a)
        ]
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
    # Per (kind, key): every stored event with it, in founding order.
    by_key: dict[tuple[str, str], list[Candidate]] = field(default_factory=dict)
    # Per report placed in the run: its record and its keys. Each pass asks for the keys
    # of every report it places, and `same_event.report_keys`'s small cache keeps too few
    # for a run that places thousands (asked for in the same order every pass, none was
    # still there: at 100,000 articles 42,000 computations of undated reports' pairs).
    keys: dict[str, tuple[EventRecord, tuple[str, ...]]] = field(default_factory=dict)

    def report_keys(self, record: EventRecord) -> tuple[str, ...]:
        kept = self.keys.get(record.article_event_id)
        if kept is None or kept[0] is not record:
            kept = (record, report_keys(record))
            self.keys[record.article_event_id] = kept
        return kept[1]

    def prefetch(self, records: Sequence[EventRecord]) -> None:
        wanted = [r for r in records if r.article_event_id not in self.candidates]
        if wanted:
            found = self.store.candidates(wanted, 0, FIRST_PAGE)
            for record in wanted:
                page = found.get(record.article_event_id, [])
                self.candidates[record.article_event_id] = (page, len(page) == FIRST_PAGE)
        # Only candidates founded before the report's turn: it never reads further. The
        # reports of an earlier pass had theirs loaded then.
        self.load_members(
            {
                c.event
                for r in wanted
                for c in _before(self.candidates[r.article_event_id][0], r.position)
            }
            | {r.article_event_id for r in wanted}
        )

    def more_candidates(self, record: EventRecord) -> bool:
        """Every candidate of one report, past its first page; False when there was none.

        Fetched key by key and kept: the reports that need more than a first page share
        their dense keys (North Korea and the United States in a meeting), each read once.
        """
        page, more = self.candidates[record.article_event_id]
        if not more:
            return False
        keys = [(record.kind, key) for key in self.report_keys(record)]
        missing = [k for k in keys if k not in self.by_key]
        if missing:
            self.by_key.update(self.store.events_by_keys(missing))
        merged = {c.event: c for k in keys for c in self.by_key.get(k, ())}
        have = {p.event for p in page}
        rest = sorted(
            (c for c in merged.values() if c.event not in have), key=attrgetter("position")
        )
        self.candidates[record.article_event_id] = (page + rest, False)
        return bool(rest)

    def members_ahead(
        self, candidates: Sequence[Candidate], start: int, count: int, turn: Position
    ) -> None:
        """Members of the next `count` candidates a report may read (founded before its
        `turn`), loaded in one go."""
        ahead = _before(candidates[start : start + count], turn)
        if any(c.event not in self.stored_members for c in ahead):
            self.load_members([c.event for c in ahead])

    def load_members(self, events: Collection[str]) -> None:
        missing = [e for e in events if e not in self.stored_members]
        if missing:
            found = self.store.members(missing)
            for event in missing:
                self.stored_members[event] = found.get(event, [])


@dataclass(slots=True)
class _Prefix:
    """An event's state over `members[:end]` of one kind, as of when `members` held
    `size` reports (a report placed in it since makes it stale); `foreign`: the first
    member of the kind founds another event, so the key has no event of this kind."""

    members: list[EventRecord]
    size: int
    end: int
    state: EventState | None
    foreign: bool


class _Walk:
    """One pass over the affected reports in placing order."""

    def __init__(
        self,
        lookups: _Lookups,
        affected: dict[str, EventRecord],
        removed: set[str],
        previous: dict[str, Placed],
        earlier: _Walk | None = None,
    ) -> None:
        self.lookups = lookups
        self.affected = affected
        self.removed = removed
        self.previous = previous
        # The pass before this one (over fewer affected reports), whose decisions stand
        # where they read nothing this pass changed.
        self.earlier = earlier
        # Stored memberships that no longer hold: reports placed again, or gone.
        self.excluded = set(affected) | removed
        self.placed_here: dict[str, list[EventRecord]] = defaultdict(list)
        self.placement: dict[str, Placement] = {}
        # Kept from the pass before: it may hold more keys than the events have now (a
        # report that left one), which only adds candidates `decide` then turns down.
        self.touched = (
            earlier.touched if earlier is not None else _TouchedIndex(lookups.report_keys)
        )
        # Members of the events read so far, in placing order.
        self.sorted_members: dict[str, list[EventRecord]] = {}
        # Per (event, kind): the state of the members before the last turn that read it.
        self.states: dict[tuple[str, str], _Prefix] = {}
        # Events whose members before the current turn differ from the earlier pass's,
        # by every (kind, key) they are found by in either pass.
        self.diverged: set[str] = set()
        self.diverged_by_key: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.decisions = 0  # reports decided in this pass (the others kept their place)
        self.founders: dict[str, EventRecord | None] = {}  # read after the walk

    def run(self) -> None:
        ordered = sorted(self.affected.values(), key=_POSITION)
        self.lookups.prefetch(ordered)
        earlier = self.earlier
        for record in ordered:
            report_id = record.article_event_id
            placement = earlier.placement.get(report_id) if earlier is not None else None
            if placement is None or not self.decided_alike(record, placement):
                decision: Decision = decide(record, self._candidates(record))
                placement = Placement(decision.joins or report_id, decision.accepted)
                self.decisions += 1
            event = placement.event
            self.placed_here[event].append(record)
            if event in self.sorted_members:
                insort(self.sorted_members[event], record, key=_POSITION)
            self.placement[report_id] = placement
            self.touched.add(event, record, self.members(event))
            if earlier is not None:
                self._note_divergence(record, placement)
        self.earlier = None  # read only during the pass

    # -- what the pass before decided alike --------------------------------------------
    def decided_alike(self, record: EventRecord, before: Placement) -> bool:
        """Whether the earlier pass's decision stands: every event whose members before
        this turn differ between the passes fits the report in both or in neither.

        A decision is a function of which events fit the report at its turn, in founding
        order (`decide`); an event whose members before the turn are the same in both
        passes is in the same state in both, and one that fits in either pass shares a key
        with the report by that pass's members (keys only grow with members).
        """
        if not self.diverged:
            return True
        kind, turn = record.kind, record.position
        events = {e for e in (before.event, *before.accepted) if e in self.diverged}
        for key in self.lookups.report_keys(record):
            events.update(self.diverged_by_key.get((kind, key), ()))
        events.discard(record.article_event_id)  # its own: nothing of it before its turn
        earlier = self.earlier
        assert earlier is not None
        for event in events:
            now = self.state_before(event, kind, turn)
            then = earlier.state_before(event, kind, turn)
            if (now is not None and fits(now, record)) != (then is not None and fits(then, record)):
                return False
        return True

    def _note_divergence(self, record: EventRecord, placement: Placement) -> None:
        """Mark the events whose members differ from the earlier pass's from this turn on:
        the report's event then and now, when they differ (a report placed again for the
        first time was in its stored event)."""
        earlier = self.earlier
        assert earlier is not None
        report_id = record.article_event_id
        before = earlier.placement.get(report_id)
        if before is not None:
            moved = before.event != placement.event
            events = (before.event, placement.event)
        else:
            stored = self.previous[report_id]
            moved = (
                stored.placement.event != placement.event
                or stored.position != record.position
                or stored.kind != record.kind
            )
            events = (stored.placement.event, placement.event)
        if moved:
            for event in events:
                if event not in self.diverged:
                    self.diverged.add(event)
                    self._register_keys(event, earlier.final_members_any(event))
                    self._register_keys(event, self.final_members_any(event))
        if placement.event in self.diverged:
            # Its keys grow with every member that joins it in this pass.
            members = self.members(placement.event)
            self._register_keys(placement.event, [m for m in members if m.kind == record.kind])

    def _register_keys(self, event: str, members: Sequence[EventRecord]) -> None:
        by_kind: dict[str, list[EventRecord]] = defaultdict(list)
        for member in members:
            by_kind[member.kind].append(member)
        for kind, same_kind in by_kind.items():
            for key in event_keys(keys_of(same_kind)):
                self.diverged_by_key[(kind, key)].add(event)

    # -- what a report is compared with ------------------------------------------------
    def members(self, event: str) -> list[EventRecord]:
        """The event's members now (stored ones still there, and those placed in this
        walk), in placing order."""
        found = self.sorted_members.get(event)
        if found is None:
            stored = [
                m
                for m in self.lookups.stored_members.get(event, ())
                if m.article_event_id not in self.excluded
            ]
            found = sorted(stored + self.placed_here.get(event, []), key=_POSITION)
            self.sorted_members[event] = found
        return found

    def state_before(self, event: str, kind: str, turn: Position) -> EventState | None:
        """The event as it stood before this turn; None if it was not founded yet.

        A key names the event its report founds in that report's kind; members of another
        kind under the key are left from before the report changed, and leave this run.
        """
        members = self.members(event)
        end = bisect_left(members, turn, key=_POSITION)
        # Reports come in placing order, so the next turn that reads this event mostly
        # reads a longer prefix of the same members: go on from the state built last time
        # (a state is only read by `fits` before the next call, never kept).
        cached = self.states.get((event, kind))
        if cached is not None and cached.members is members and cached.size == len(members):
            if cached.end == end:
                return cached.state
            start, state = (cached.end, cached.state) if cached.end < end else (0, None)
        else:
            start, state = 0, None
        if cached is not None and start and cached.foreign:
            return None  # its first member of this kind founds another event
        foreign = False
        for member in members[start:end]:
            if member.kind != kind:
                continue
            if state is None:
                if member.article_event_id != event:
                    foreign = True
                    break
                state = EventState.found(member)
            else:
                state.absorb(member)
        self.states[(event, kind)] = _Prefix(members, len(members), end, state, foreign)
        return None if foreign else state

    def _candidates(self, record: EventRecord) -> Iterator[tuple[str, EventState]]:
        """Stored candidates and events touched in this walk, merged in founding order."""
        turn = record.position
        kind = record.kind
        touched = self.touched.candidates(kind, record)
        upcoming = next(touched, None)
        seen: set[str] = set()
        index = 0
        # A report that reads far (a dense key, no fit) loads ever larger slices: each
        # load is one statement over the stored reports, whatever its size.
        ahead = MEMBERS_AHEAD
        while True:
            page, _ = self.lookups.candidates[record.article_event_id]
            if index >= len(page):
                if self.lookups.more_candidates(record):
                    continue
                break
            candidate = page[index]
            founded = candidate.position
            if founded >= turn:
                break  # founded after this report: nothing further existed yet
            if candidate.event not in self.lookups.stored_members:
                self.lookups.members_ahead(page, index, ahead, turn)
                ahead = min(ahead * 2, MEMBERS_AHEAD_MAX)
            index += 1
            while upcoming is not None and upcoming[0] < founded:
                yield from self._state_of(upcoming[1], kind, turn, seen)
                upcoming = next(touched, None)
            # A touched event is read as it is now, through the touched index.
            if candidate.event not in self.touched.position:
                yield from self._state_of(candidate.event, kind, turn, seen)
        while upcoming is not None and upcoming[0] < turn:
            yield from self._state_of(upcoming[1], kind, turn, seen)
            upcoming = next(touched, None)

    def _state_of(
        self, event: str, kind: str, turn: Position, seen: set[str]
    ) -> Iterator[tuple[str, EventState]]:
        if event in seen:
            return
        seen.add(event)
        state = self.state_before(event, kind, turn)
        if state is not None:
            yield event, state

    def would_move(self, affected: Affected) -> bool:
        """Whether a change alters a stored report's decision: an event it joined or
        accepted no longer fits it, or a changed event now fits it where its decision
        reads it (before the event a dated report joined; as one more fit of an undated
        report that had at most one, or as a dated fit of an undated report)."""
        record, placement = affected.record, affected.placed.placement
        self.lookups.load_members(affected.involved | affected.could_fit)
        for event in affected.involved:
            if event == record.article_event_id:
                continue  # its own event: nothing in it comes before its founder
            state = self.state_before(event, record.kind, record.position)
            if state is None or not fits(state, record):
                return True
            if self._founder_moved(event):
                # It still fits, but comes elsewhere in founding order (or became dated,
                # which an undated report reads first): the decision reads it anew.
                return True
        for event in affected.could_fit - set(placement.accepted):
            founder = self._founder(event)
            if founder is None:
                continue  # gone
            if not _read_by(affected, founder):
                continue
            state = self.state_before(event, record.kind, record.position)
            if state is not None and fits(state, record):
                return True
        return False

    def _founder(self, event: str) -> EventRecord | None:
        """The report founding the event, among its members after the walk (None: it is
        gone); asked once per event after the walk, when members no longer change."""
        if event not in self.founders:
            found = next((m for m in self.members(event) if m.article_event_id == event), None)
            self.founders[event] = found
        return self.founders[event]

    def _founder_moved(self, event: str) -> bool:
        """Whether the report founding the event was placed again at another turn (its
        date's precision changed with its contents)."""
        before, now = self.previous.get(event), self.affected.get(event)
        return before is not None and now is not None and before.position != now.position

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
        members = self.final_members_any(event)
        if not members or members[0].article_event_id != event:
            return None
        return list(members)

    def final_members_any(self, event: str) -> list[EventRecord]:
        """Every report under the event's key after the run, in placing order."""
        if event not in self.lookups.stored_members:
            self.lookups.load_members([event])
            self.sorted_members.pop(event, None)  # read before its stored members came
        return self.members(event)


class _TouchedIndex:
    """The events a walk placed reports in, found by the keys the warehouse finds stored
    ones by (`same_event.report_keys` against `event_keys`), over every member they have
    now: a superset of any earlier state, which `decide` then reads as of its turn."""

    def __init__(self, report_keys: Callable[[EventRecord], tuple[str, ...]]) -> None:
        self.report_keys = report_keys
        # (kind, key) -> (founding position, event) of touched events with it, in order.
        self.by_key: dict[tuple[str, str], list[tuple[Position, str]]] = defaultdict(list)
        self.position: dict[str, Position] = {}
        self.keys: dict[str, EventKeys] = {}
        # Per event: the kind its keys are of, and the turn of its first member of it.
        self.first: dict[str, tuple[str, Position]] = {}

    def add(self, event: str, record: EventRecord, members: Sequence[EventRecord]) -> None:
        kind = record.kind
        known = self.keys.get(event)
        if known is not None and brings_nothing(known, record):
            return
        first = self.first.get(event)
        if (
            known is not None
            and first is not None
            and first[0] == kind
            and first[1] < record.position
        ):
            # Under the same first member (the founder: an event whose founder left is
            # gone, and read as such), the keys grow by the newcomer's and keep its date.
            keys = keys_with(known, record)
            place = self.position[event]
        else:
            same_kind = [m for m in members if m.kind == kind]
            founder = next((m for m in same_kind if m.article_event_id == event), None)
            place = self.position.setdefault(event, founder.position if founder else (0, event))
            keys = keys_of(same_kind)
            self.first[event] = (kind, min(m.position for m in same_kind))
        self.keys[event] = keys
        had = set(event_keys(known)) if known is not None else set()
        for key in event_keys(keys):
            if key not in had:
                insort(self.by_key[(kind, key)], (place, event))

    def candidates(self, kind: str, record: EventRecord) -> Iterator[tuple[Position, str]]:
        """(founding position, event), in founding order, each once."""
        last = None
        merged = heapq.merge(*(self.by_key.get((kind, k), ()) for k in self.report_keys(record)))
        for entry in merged:
            if entry[1] != last:
                last = entry[1]
                yield entry


def _read_by(affected: Affected, founder: EventRecord) -> bool:
    """Whether a stored decision reads an event founded by `founder` when it is placed
    again with the same events before (`decide` reads in founding order and stops early).

    A dated report stops at the event it joined. An undated one stops at its second fit,
    and, once it fits a dated event, at the first undated event (dated events are all
    founded before undated ones): a changed event past those is never read.
    """
    record, placement = affected.record, affected.placed.placement
    if record.date.value is not None:
        founded = placement.event == record.article_event_id
        return founded or founder.position < (-affected.event_rank, placement.event)
    ranks = [rank for rank in affected.accepted_ranks if rank is not None]
    if len(ranks) < len(affected.accepted_ranks):
        return True  # an accepted event no longer stored: read
    if len(ranks) == 2 and founder.position > (-ranks[1], placement.accepted[1]):
        return False
    return not (ranks and ranks[0] > 0 and founder.date.value is None)


def _before(candidates: Sequence[Candidate], turn: Position) -> Sequence[Candidate]:
    """The candidates (in founding order) founded before `turn`."""
    end = bisect_left(candidates, turn, key=_POSITION)
    return candidates[:end]


_POSITION = attrgetter("position")
