"""The merge rule and what candidates are looked up by: a lookup never misses an event the
rule would accept, or resolution would change with the way reports are batched."""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from pathlib import Path

import pytest

from parsers.extraction.model import EventDate
from parsers.extraction.same_event import (
    EventRecord,
    could_fit,
    event_keys,
    fits,
    keys_of,
    kind_of,
    position,
    report_keys,
    state_of,
)
from tests.event_reports import ReportMaker, load_reports
from warehouse import Warehouse
from warehouse.resolution import resolve
from warehouse.resolution_store import SqlStore


def test_could_fit_holds_wherever_the_rule_accepts() -> None:
    """Over many random events and reports: `fits` implies `could_fit` for every report
    placed after the event's members (the only reports ever compared with it)."""
    rng = random.Random(11)
    maker = ReportMaker(rng)
    accepted = 0
    for trial in range(20_000):
        record = maker.report(f"r{trial}", 0)
        members = [
            dataclasses.replace(
                maker.report(f"m{trial}-{i}", 0),
                event_type=record.event_type,
                meeting_kind=record.meeting_kind,
                modality=record.modality,
            )
            for i in range(rng.randint(1, 4))
        ]
        if any(position(m) >= position(record) for m in members):
            continue
        if fits(state_of(members), record):
            accepted += 1
            assert could_fit(keys_of(members), record), (members, record)
    assert accepted > 500, "too few accepted pairs to say anything"


def test_could_fit_is_sharing_a_key() -> None:
    """The index keys say exactly what could_fit says: a lookup by keys misses nothing."""
    rng = random.Random(12)
    maker = ReportMaker(rng)
    agreed = 0
    for trial in range(20_000):
        record = maker.report(f"r{trial}", 0)
        members = [maker.report(f"m{trial}-{i}", 0) for i in range(rng.randint(1, 3))]
        keys = keys_of(members)
        shared = bool(set(report_keys(record)) & set(event_keys(keys)))
        assert shared == could_fit(keys, record), (keys, record)
        agreed += shared
    assert agreed > 2000, "too few events could fit to say anything"


def test_the_warehouse_lookup_finds_exactly_what_could_fit(tmp_path: Path) -> None:
    """Stored events found by SQL for a report = those `could_fit` accepts, of its kind."""
    rng = random.Random(5)
    maker = ReportMaker(rng)
    warehouse = Warehouse(tmp_path / "w.duckdb")
    articles = {f"a{i:03d}": maker.article(f"a{i:03d}") for i in range(60)}
    load_reports(warehouse, articles)
    resolve(warehouse, "run-1", "test")
    probes = [maker.report(f"p{i:03d}", 0) for i in range(150)]
    with warehouse.session(), warehouse.writer() as conn:
        store = SqlStore(conn)
        found = store.candidates(probes, 0, 10_000)
        keys = dict(conn.execute("SELECT event_key, kind FROM resolution_events").fetchall())
        members = store.members(list(keys))
    checked = 0
    for probe in probes:
        expected = {
            key
            for key, kind in keys.items()
            if kind == kind_of(probe) and could_fit(keys_of(members[key]), probe)
        }
        got = {c.event for c in found.get(probe.article_event_id, [])}
        assert got == expected, probe
        checked += len(expected)
    assert checked > 50, "the probes found too few events to say anything"


@pytest.mark.parametrize(
    ("event_date", "report_date", "agree"),
    [
        (EventDate(date(2024, 3, 12), "day"), EventDate(date(2024, 3, 12), "day"), True),
        (EventDate(date(2024, 3, 12), "day"), EventDate(date(2024, 3, 15), "day"), False),
        (EventDate(date(2024, 3, 12), "day"), EventDate(date(2024, 3, 1), "month"), True),
        (EventDate(date(2024, 3, 12), "day"), EventDate(date(2024, 4, 1), "month"), False),
        (EventDate(date(2024, 3, 1), "month"), EventDate(date(2024, 1, 1), "year"), True),
        (EventDate(date(2024, 3, 1), "month"), EventDate(date(2023, 1, 1), "year"), False),
    ],
)
def test_a_dated_report_is_compared_with_events_of_agreeing_dates(
    event_date: EventDate, report_date: EventDate, agree: bool
) -> None:
    event = EventRecord(
        "e", "a1", "WEAPONS_TEST", None, "asserted", event_date, "ref:east-sea", None,
        (("ref:north-korea", "source"),), frozenset(), "launch",
    )  # fmt: skip
    report = EventRecord(
        "r", "a2", "WEAPONS_TEST", None, "asserted", report_date, "ref:east-sea", None,
        (("ref:north-korea", "source"),), frozenset(), "launch",
    )  # fmt: skip
    assert could_fit(keys_of([event]), report) is agree


def test_a_report_of_a_known_day_is_not_looked_up_in_older_dated_events_by_two_actors() -> None:
    """Two actors tie an undated report from an article of a known day to a dated event
    only when that event is the article's recent news: years of dated events that share
    a pair (North Korea and the United States meet often) are not candidates for it, while
    undated events, recent ones and reports of an unknown day still find them."""
    pair = (("ref:north-korea", "participant"), ("ref:united-states", "participant"))
    years_ago = EventRecord(
        "e1", "a1", "MEETING", "talks", "asserted", EventDate(date(2019, 2, 27), "day"),
        None, None, pair, frozenset(), "talks in Hanoi",
    )  # fmt: skip
    report = EventRecord(
        "r1", "a9", "MEETING", "talks", "asserted", EventDate(None, "unknown"),
        None, None, pair, frozenset(), "the two sides held talks", reported=date(2024, 5, 2),
    )  # fmt: skip
    last_week = dataclasses.replace(
        years_ago, article_event_id="e2", date=EventDate(date(2024, 4, 29), "day")
    )
    undated = dataclasses.replace(years_ago, article_event_id="e3", date=EventDate(None, "unknown"))
    unknown_day = dataclasses.replace(report, reported=None)

    def shares_a_key(event: EventRecord, record: EventRecord) -> bool:
        return bool(set(report_keys(record)) & set(event_keys(keys_of([event]))))

    assert not fits(state_of([years_ago]), report)
    assert not could_fit(keys_of([years_ago]), report)
    assert not shares_a_key(years_ago, report)
    for event, record in ((last_week, report), (undated, report), (years_ago, unknown_day)):
        assert fits(state_of([event]), record), (event, record)
        assert could_fit(keys_of([event]), record) and shares_a_key(event, record)
