"""When two reports are one event: the merge rule, kept in this one place.

A report (one article's account of an event) joins an event when nothing they say
conflicts (type, kind of meeting, whether it happened or is only supposed or denied,
date at the coarser precision, month named without a year, place or its country) and
something ties them: the same place and a shared actor not of that place's country (a
state's own capital ties nothing to it), the same day and a shared actor,
two shared people, or, when either leaves the date open, two shared actors of two
parties (a leader and the state they lead are one). A report that leaves its date open
but names a place is tied to a dated event by that place, never by its actors alone: the
same two leaders met in Singapore and in Hanoi. A plan and what happened are one
event only on the day the plan was for ("Putin will sign the treaty on Wednesday",
"Putin signed it on Wednesday"). A report that
leaves its date open, in an article of a known day, is most often the article's news: it
cannot be of an event that began after the article appeared, and it is tied to a dated
event by its actors only when that event is recent news for the article (a week before
it at most) - Kim and Putin met more than once, but only once the week an article came
out. Everyone it names taking part, a shared person, or two shared actors tie it then. From an
article of an unknown day, a report of a kind there are few of (a nuclear test) is tied by one
shared actor. Two reports of one article never join one event: the article already said
they differ.

The event a report is compared with is what its reports so far make of it (`EventState`):
the date of its most precise report, the first place named, every actor.

Resolution looks candidates up by `could_fit`, a necessary condition of `fits` over keys a
warehouse can index (type, date window, actors, pairs of actors, place, country). Whoever
changes the rule keeps `could_fit` true wherever `fits` is: a lookup that misses an event
the rule would accept changes what is resolved (tests/test_same_event.py checks it).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

from parsers.extraction.merging import REALITY, dates_agree
from parsers.extraction.model import PRECISION_RANK, EventDate
from parsers.extraction.reference import default_reference

# Kinds of event a state has few of in its history (North Korea tested nuclear devices six
# times): a report of one that leaves its date open, from an article whose day is not
# known either, is tied to an event of that kind by one shared actor. `decide` still
# leaves it alone when it fits two dated ones.
FEW_OF_A_KIND = frozenset({"nuclear"})


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One article's report of one event, as resolution sees it."""

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
    reported: date | None = None  # the day the report's article appeared, when known
    # (actor, the side it acts for): a person, an agency and their state are one side
    # (the state's country code); an actor of no one country is its own side.
    sides: tuple[tuple[str, str], ...] = ()
    # Derived once: resolution reads them for every comparison.
    actor_ids: frozenset[str] = field(init=False, repr=False, compare=False)
    side_of: dict[str, str] = field(init=False, repr=False, compare=False)
    reality: str = field(init=False, repr=False, compare=False)
    kind: str = field(init=False, repr=False, compare=False)
    position: tuple[int, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "actor_ids", frozenset(e for e, _ in self.actors))
        object.__setattr__(self, "side_of", dict(self.sides))
        object.__setattr__(self, "reality", REALITY.get(self.modality, self.modality))
        object.__setattr__(self, "kind", _kind(self))
        object.__setattr__(self, "position", _position(self))


def kind_of(record: EventRecord) -> str:
    """Reports of different kinds never join: type, kind of meeting, and whether it happened
    (or is planned to) or is only supposed or denied."""
    return record.kind


def kind_from(event_type: str, meeting_kind: str | None, modality: str) -> str:
    # Kinds partition what resolution compares: a summit and working talks, or what is
    # only supposed and what happened, are never compared (talks of the same two leaders
    # joining their summit was measured: no gain on the dev set, twice the cost of
    # resolving 100 new articles at 20,000). A plan is compared with what happened:
    # `compatible` lets it join only on the day it was planned for.
    reality = REALITY.get(modality, modality)
    return f"{event_type}|{meeting_kind or ''}|{_PLAN_OR_FACT.get(reality, reality)}"


# A plan and its happening are one kind: the day the plan named decides (`compatible`).
_PLAN_OR_FACT = {"planned": "happened"}


def _kind(record: EventRecord) -> str:
    return kind_from(record.event_type, record.meeting_kind, record.modality)


def position(record: EventRecord) -> tuple[int, str]:
    """The order reports are placed in: the most precise dates first, then by id.

    Dated reports found the events that undated ones then join. The order depends on the
    reports alone, never on when they arrived, so any batching resolves alike.
    """
    return record.position


def _position(record: EventRecord) -> tuple[int, str]:
    return (-PRECISION_RANK[record.date.precision], record.article_event_id)


def can_join_anything(record: EventRecord) -> bool:
    """An undated report with one actor, no place and no article date has nothing that
    could tie it, unless it is of a kind there are few of."""
    return (
        record.date.value is not None
        or bool(record.place)
        or len(record.actors) >= 2
        or record.reported is not None
        or (_one_of_few(record) and bool(record.actors))
    )


# How long after an event an article still reports it as its news, in days; and the day
# an outlet's date may run ahead of where the event happened (time zones).
RECENT_DAYS = 7
_AHEAD = timedelta(days=1)


def recent(event_date: EventDate, reported: date | None) -> bool:
    """The event, dated to the day, is news of the days before the article appeared."""
    if reported is None or event_date.value is None or event_date.precision != "day":
        return False
    return reported - timedelta(days=RECENT_DAYS) <= event_date.value <= reported + _AHEAD


def _after_the_article(event_date: EventDate, record: EventRecord) -> bool:
    """What an article tells as done began before the article appeared."""
    return (
        record.reported is not None
        and record.reality == "happened"
        and event_date.value is not None
        and event_date.value > record.reported + _AHEAD
    )


@dataclass(slots=True)
class EventState:
    """An event as its reports so far make it: what the next report is compared with."""

    date: EventDate
    place: str | None
    place_country: str | None
    month_hint: int | None
    articles: set[str] = field(default_factory=set)
    actor_ids: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)
    realities: set[str] = field(default_factory=set)  # planned, happened, or both

    @classmethod
    def found(cls, record: EventRecord) -> EventState:
        return cls(
            record.date,
            record.place,
            record.place_country,
            record.date.month_hint,
            {record.article_id},
            set(record.actor_ids),
            set(record.people),
            {record.reality},
        )

    def absorb(self, record: EventRecord) -> None:
        self.articles.add(record.article_id)
        self.realities.add(record.reality)
        self.actor_ids.update(record.actor_ids)
        self.people.update(record.people)
        if PRECISION_RANK[record.date.precision] > PRECISION_RANK[self.date.precision]:
            self.date = record.date
        if self.place is None and record.place is not None:
            self.place, self.place_country = record.place, record.place_country
        self.month_hint = self.month_hint or record.date.month_hint


def state_of(members: Collection[EventRecord]) -> EventState:
    """The state members in placing order make; the first member founded the event."""
    ordered = sorted(members, key=position)
    state = EventState.found(ordered[0])
    for member in ordered[1:]:
        state.absorb(member)
    return state


def fits(event: EventState, record: EventRecord) -> bool:
    """The rule: the report may join the event."""
    return (
        record.article_id not in event.articles
        and compatible(event, record)
        and tied(event, record)
    )


def compatible(event: EventState, record: EventRecord) -> bool:
    if record.reality not in event.realities and not _same_day(event.date, record.date):
        return False  # a plan and what happened: one event only on the planned day
    if not dates_agree(event.date, record.date):
        return False
    if record.date.value is None and _after_the_article(event.date, record):
        return False
    hint = record.date.month_hint
    known_month = event.date.value is not None and event.date.precision in ("day", "month")
    if hint and known_month and event.date.value.month != hint:  # type: ignore[union-attr]
        return False
    if hint and event.month_hint and hint != event.month_hint:
        return False
    if event.place and record.place and event.place != record.place:
        # Places of one country agree; so does a sea or region of no one country.
        if event.place_country is None or record.place_country is None:
            return True
        return event.place_country == record.place_country
    return True


def _same_day(x: EventDate, y: EventDate) -> bool:
    return x.precision == y.precision == "day" and x.value == y.value


@functools.cache
def _capitals() -> frozenset[str]:
    """The places (entity ids) that are a state's capital."""
    actors = default_reference().actors.values()
    return frozenset(f"ref:{actor.id}" for actor in actors if actor.capital_of)


def sides(actors: Collection[str], record: EventRecord) -> set[str]:
    """The parties among `actors` (actors of the record): Kim Jong Un, KCNA and North
    Korea are one party, Kim Jong Un and Vladimir Putin two."""
    return {record.side_of.get(actor, actor) for actor in actors}


def tied(event: EventState, record: EventRecord) -> bool:
    shared = event.actor_ids & record.actor_ids
    people = event.people & record.people
    same_place = bool(
        event.place
        and record.place
        and (
            event.place == record.place
            or (event.place_country and event.place_country == record.place_country)
        )
    )
    if same_place and sides(shared, record) - {record.place_country}:
        # A state's own capital ties nothing to it: North Korea does most things in
        # Pyongyang. One of the shared parties must be from elsewhere.
        return True
    if (
        record.date.value is None
        and shared
        and record.place is not None
        and record.place == event.place
        and record.place not in _capitals()
    ):
        # "blew up the liaison office in Kaesong", undated: the very place, when it is not
        # a capital (where a state does most things), ties a state's own deeds to it.
        return True
    if _same_day(record.date, event.date) and shared:
        return True
    if record.date.value is None and record.reported is not None and event.date.value is not None:
        # Undated, from an article of a known day: the actors tie it to the article's
        # recent news only.
        return (
            bool(shared)
            and recent(event.date, record.reported)
            and (len(shared) >= 2 or bool(people) or record.actor_ids <= event.actor_ids)
        )
    if _one_of_few(record) and shared:
        return True
    if record.date.value is None and record.place and event.date.value is not None:
        # "the summit in Singapore", undated: of the dated summits of the same two
        # leaders, it is the one where it says; who took part ties it to none.
        return False
    if len(people) >= 2:
        return True
    # When either leaves the date open, the actors alone tie only when two parties are
    # shared: a state and its leader, or a state and its news agency, are named in most
    # of its events, of any year.
    undated = record.date.value is None or event.date.value is None
    return undated and len(shared) >= 2 and len(sides(shared, record)) >= 2


# -- what candidates are looked up by -------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EventKeys:
    """What an event is indexed by: its founding date, and the union over its reports of
    actors, people, places and the places' countries."""

    date: EventDate
    actors: frozenset[str]
    people: frozenset[str]
    places: frozenset[str]
    countries: frozenset[str]
    few: bool = False  # of a kind there are few of (`FEW_OF_A_KIND`)


def keys_of(members: Collection[EventRecord]) -> EventKeys:
    founder = min(members, key=position)
    return EventKeys(
        founder.date,
        frozenset().union(*(m.actor_ids for m in members)),
        frozenset().union(*(m.people for m in members)),
        frozenset(m.place for m in members if m.place),
        frozenset(m.place_country for m in members if m.place_country),
        founder.meeting_kind in FEW_OF_A_KIND,
    )


def keys_with(keys: EventKeys, member: EventRecord) -> EventKeys:
    """`keys_of` the members of `keys` and one more placed after their founder (so the
    founding date stays): what an event is found by as it grows."""
    return dataclasses.replace(
        keys,
        actors=keys.actors | member.actor_ids,
        people=keys.people | member.people,
        places=(keys.places | {member.place}) if member.place else keys.places,
        countries=(
            (keys.countries | {member.place_country}) if member.place_country else keys.countries
        ),
    )


def could_fit(event: EventKeys, record: EventRecord) -> bool:
    """A necessary condition of `fits` (same kind assumed), over indexable keys only.

    Every way to tie needs a shared actor. A dated report is compared with events of
    agreeing dates (an undated event never precedes it): on the same day a shared actor
    may tie them, otherwise only a shared place or country with a shared actor, or two
    shared people. An undated report needs its place or country among the event's and one
    shared actor, or two shared actors (two shared people are two shared actors) with an
    undated event, or with a dated one when its article's day is unknown, or, from an
    article of a known day, one shared actor with an event of the days before; from an
    article of an unknown day, of a kind there are few of, one shared actor.
    """
    shared = len(event.actors & record.actor_ids)
    if shared == 0:
        return False
    place_shared = record.place is not None and (
        record.place in event.places
        or (record.place_country is not None and record.place_country in event.countries)
    )
    if record.date.value is None:
        # Two shared actors tie an undated report to a dated event only when its article's
        # day is unknown: from an article of a known day, a dated event must be its recent
        # news (or share its place), whatever actors they share.
        paired = shared >= 2 and (event.date.value is None or record.reported is None)
        few = _one_of_few(record) and event.few
        return paired or few or place_shared or recent(event.date, record.reported)
    if event.date.value is None or not dates_agree(event.date, record.date):
        return False
    if record.date.precision == "day" and event.date.precision == "day":
        return True
    return place_shared or len(event.people & record.people) >= 2


def _one_of_few(record: EventRecord) -> bool:
    """An undated report, from an article of an unknown day, of a kind there are few of."""
    return (
        record.date.value is None
        and record.reported is None
        and record.meeting_kind in FEW_OF_A_KIND
    )


# An event of a kind there are few of is also found by each actor alone.
_FEW = "few"


def actor_pairs(actor_ids: Collection[str]) -> list[tuple[str, str]]:
    return list(combinations(sorted(actor_ids), 2))


# The keys of recent reports and events: a placing asks again for those it just met. A
# small cache keeps those; 65,536 entries held every record they named (about 200 MB,
# more than the placing itself at 20,000 articles) for no gain in speed.
KEY_CACHE = 1 << 12


# Pairs of actors are filed apart for undated and dated events: a report from an article
# of a known day can be tied by two actors to an undated event only (a dated one must be
# the article's recent news), and a dense pair (North Korea and the United States) holds
# every dated event of years of history, which such a report would otherwise read through.
_PAIRS_DATED = "dated pair"
_PAIRS_UNDATED = ("pair",)
_PAIRS_ANY = ("pair", _PAIRS_DATED)


# `could_fit` as equality of keys, for an index: a report and an event of one kind share a
# key exactly when `could_fit` accepts them. A dated event is filed under its date and the
# periods holding it, and a dated report looks up the periods that agree with its date
# (parsers.extraction.merging.dates_agree): on one day with each actor, otherwise with what
# ties reports of different precision (a place or country with an actor, a pair of
# people). An undated report looks up pairs of its actors, its place and its country.
@functools.lru_cache(maxsize=KEY_CACHE)
def report_keys(record: EventRecord) -> tuple[str, ...]:
    """The keys a report looks events up by."""
    places = _places(record.place, record.place_country)
    if record.date.value is None:
        pairs = _PAIRS_UNDATED if record.reported is not None else _PAIRS_ANY
        return (
            *(f"{p}\t{a}\t{b}" for a, b in actor_pairs(record.actor_ids) for p in pairs),
            *_placed(places, record.actor_ids),
            *(
                f"day {d}\t{a}"
                for d in _recent_days(record.reported)
                for a in sorted(record.actor_ids)
            ),
            *(f"{_FEW}\t{a}" for a in sorted(record.actor_ids) if _one_of_few(record)),
        )
    keys = []
    for period in _date_lookups(record.date):
        if period.startswith("day "):
            keys += [f"{period}\t{a}" for a in sorted(record.actor_ids)]
        else:
            keys += [f"{period}\t{k}" for k in _ties(record.people, places, record.actor_ids)]
    return tuple(keys)


@functools.lru_cache(maxsize=KEY_CACHE)
def event_keys(keys: EventKeys) -> tuple[str, ...]:
    """The keys an event is found by."""
    places = [f"place {p}" for p in sorted(keys.places)]
    places += [f"country {c}" for c in sorted(keys.countries)]
    pair = _PAIRS_UNDATED[0] if keys.date.value is None else _PAIRS_DATED
    found = [f"{pair}\t{a}\t{b}" for a, b in actor_pairs(keys.actors)]
    if keys.few:
        found += [f"{_FEW}\t{a}" for a in sorted(keys.actors)]
    found += _placed(places, keys.actors)
    ties = _ties(keys.people, places, keys.actors)
    for period in _date_registrations(keys.date):
        if period.startswith("day "):
            found += [f"{period}\t{a}" for a in sorted(keys.actors)]
        else:
            found += [f"{period}\t{k}" for k in ties]
    return tuple(found)


def _places(place: str | None, country: str | None) -> list[str]:
    return ([f"place {place}"] if place else []) + ([f"country {country}"] if country else [])


def _placed(places: list[str], actors: Collection[str]) -> list[str]:
    return [f"{p}\t{a}" for p in places for a in sorted(actors)]


def _ties(people: Collection[str], places: list[str], actors: Collection[str]) -> list[str]:
    return [f"people\t{a}\t{b}" for a, b in actor_pairs(people)] + _placed(places, actors)


def _recent_days(reported: date | None) -> list[date]:
    """The days whose events are `recent` for an article of that day."""
    if reported is None:
        return []
    first = reported - timedelta(days=RECENT_DAYS)
    return [first + timedelta(days=n) for n in range((reported + _AHEAD - first).days + 1)]


def _date_registrations(day: EventDate) -> list[str]:
    value = day.value
    if value is None:
        return []
    if day.precision == "day":
        return [f"day {value}", f"in-month {value:%Y-%m}", f"in-year {value:%Y}"]
    if day.precision == "month":
        return [f"month {value:%Y-%m}", f"in-year {value:%Y}"]
    return [f"year {value:%Y}"]


def _date_lookups(day: EventDate) -> list[str]:
    value = day.value
    assert value is not None
    if day.precision == "day":
        return [f"day {value}", f"month {value:%Y-%m}", f"year {value:%Y}"]
    if day.precision == "month":
        return [f"in-month {value:%Y-%m}", f"month {value:%Y-%m}", f"year {value:%Y}"]
    return [f"in-year {value:%Y}", f"year {value:%Y}"]
