"""Resolution that pays for what is new: batches of articles resolved one run at a time
give the events one rebuild over all of them gives, and an event keeps its id as it grows."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from bench.world import fill
from flows.pipeline import default_extractor, derive_articles, ingest_batch, resolve_events
from parsers.extraction import incremental
from parsers.extraction.incremental import place_changes
from parsers.extraction.model import EventDate
from parsers.extraction.resolve import resolve_events as resolve_in_memory
from parsers.extraction.same_event import EventRecord
from tests.conftest import ROOT, SEEDS, SHARED, VOA_SEED, YONHAP_SEED
from tests.event_reports import ReportMaker, load_reports
from warehouse import Warehouse
from warehouse.resolution import resolve
from warehouse.resolution_store import SqlStore
from warehouse.schema import available_migrations
from warehouse.store import MEMORY_SETTING, string_table

PASSAGES = ROOT / "tests" / "passages"
DEV_TEXTS = SHARED / "dev" / "texts"


def real_texts() -> list[Path]:
    """Seeds, the test passages and (when ../shared has them) the dev texts."""
    paths = sorted(SEEDS.glob("*.txt")) + sorted(PASSAGES.glob("*.txt"))
    return paths + (sorted(DEV_TEXTS.glob("*.txt")) if DEV_TEXTS.is_dir() else [])


def derive(warehouse: Warehouse, paths: Sequence[Path], run_id: str, *, rebuild: bool = False):
    """Load, extract and resolve: only what is new, or (`rebuild`) everything again."""
    ingest_batch([str(p) for p in paths], warehouse, run_id)
    derive_articles(warehouse.articles_to_derive(default_extractor().version), warehouse)
    return resolve_events(warehouse, run_id, rebuild=rebuild)  # False: never rebuild


def events_up_to_ids(warehouse: Warehouse) -> set[tuple]:
    """Every event with its actors and mentions, without its id."""
    _, rows = warehouse.query(
        """
        WITH actors AS (
            SELECT event_id, list(entity_id || '/' || role ORDER BY entity_id) AS actors
            FROM event_actors GROUP BY event_id
        ),
        mentions AS (
            SELECT event_id, list(article_event_id || '@' || paragraph_seq || '.' || sentence
                                  ORDER BY article_event_id, paragraph_seq, sentence) AS mentions
            FROM event_mentions GROUP BY event_id
        )
        SELECT e.event_type, e.event_date, e.date_precision, e.place_entity_id, e.modality,
               e.summary, a.actors, m.mentions
        FROM events e LEFT JOIN actors a USING (event_id) JOIN mentions m USING (event_id)
        """
    )
    return {(*row[:6], tuple(row[6] or ()), tuple(row[7])) for row in rows}


def event_of(warehouse: Warehouse, report_id: str) -> str:
    _, rows = warehouse.query(
        f"SELECT DISTINCT event_id FROM event_mentions WHERE article_event_id = '{report_id}'"
    )
    assert len(rows) == 1, rows
    return rows[0][0]


def talks_report(report_id: str, article: str, when: EventDate) -> EventRecord:
    """North Korea's talks in Seoul, reported by `article`."""
    return EventRecord(
        article_event_id=report_id,
        article_id=article,
        event_type="MEETING",
        meeting_kind="talks",
        modality="asserted",
        date=when,
        place="ref:seoul",
        place_country="KOR",
        actors=(("ref:north-korea", "participant"),),
        people=frozenset(),
        summary=f"{report_id} talks",
    )


def talks_of_two(report_id: str, article: str, when: EventDate) -> EventRecord:
    """Talks of North Korea and the United States, no place named."""
    return dataclasses.replace(
        talks_report(report_id, article, when),
        place=None,
        place_country=None,
        actors=(("ref:north-korea", "participant"), ("ref:united-states", "participant")),
        sides=(("ref:north-korea", "PRK"), ("ref:united-states", "USA")),
    )


def test_five_incremental_batches_give_the_events_of_one_rebuild(tmp_path: Path) -> None:
    texts = real_texts()
    random.Random(3).shuffle(texts)
    batched = Warehouse(tmp_path / "batched.duckdb")
    for number in range(5):
        derive(batched, texts[number::5], f"run-{number}")
    whole = Warehouse(tmp_path / "whole.duckdb")
    derive(whole, texts, "rebuild", rebuild=True)
    events = events_up_to_ids(batched)
    assert len(events) > 100
    assert events == events_up_to_ids(whole)
    merged = batched.query(
        "SELECT count(*) FROM (SELECT event_id FROM event_mentions GROUP BY event_id"
        " HAVING count(DISTINCT article_id) > 1)"
    )[1][0][0]
    assert merged >= 10, "the texts should report some events more than once"


@pytest.mark.parametrize("pages", ["pages as set", "pages of two"])
@pytest.mark.parametrize("seed", range(6))
def test_any_batching_with_changes_and_removals_resolves_as_everything_at_once(
    tmp_path: Path, seed: int, pages: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random articles in random batches; between batches an article is re-derived with
    other events and another one vanishes. After every run the warehouse holds exactly
    the events of placing all current reports at once. With pages of two, reports read
    past their first candidates and load members slice by slice, as dense keys make them
    do in a long history (these small worlds never fill a page as set)."""
    if pages == "pages of two":
        monkeypatch.setattr(incremental, "FIRST_PAGE", 2)
        monkeypatch.setattr(incremental, "MEMBERS_AHEAD", 1)
        monkeypatch.setattr(incremental, "MEMBERS_AHEAD_MAX", 4)
    rng = random.Random(seed)
    maker = ReportMaker(rng)
    articles = {f"a{i:03d}": maker.article(f"a{i:03d}") for i in range(24)}
    order = list(articles)
    rng.shuffle(order)
    warehouse = Warehouse(tmp_path / "w.duckdb")
    current: dict = {}
    for number in range(5):
        batch = {a: articles[a] for a in order[number::5]}
        gone: list[str] = []
        earlier = [a for a in current if a not in batch]
        if number and len(earlier) > 2:
            changed, vanished = rng.sample(earlier, 2)
            batch[changed] = maker.article(changed, version=number)
            gone.append(vanished)
            del current[vanished]
        current.update(batch)
        load_reports(warehouse, batch, gone)
        resolve(warehouse, f"run-{number}", "test", rebuild=False)
        expected = resolve_in_memory([r for reports in current.values() for r in reports])
        _, rows = warehouse.query(
            "SELECT list(DISTINCT article_event_id ORDER BY article_event_id)"
            " FROM event_mentions GROUP BY event_id"
        )
        assert sorted(tuple(r[0]) for r in rows) == sorted(
            tuple(sorted(m.article_event_id for m in e.members)) for e in expected
        )
    # A rebuild (kind by kind, in memory) places them all the same way.
    before = warehouse.query("SELECT event_id, article_event_id FROM event_mentions ORDER BY ALL")
    resolve(warehouse, "rebuild", "test", rebuild=True)
    after = warehouse.query("SELECT event_id, article_event_id FROM event_mentions ORDER BY ALL")
    assert after == before


@pytest.mark.parametrize("first", [YONHAP_SEED, VOA_SEED], ids=["dated-first", "undated-first"])
def test_an_event_keeps_its_id_when_a_later_article_adds_a_mention(
    tmp_path: Path, first: Path
) -> None:
    """The Stockholm talks: Yonhap dates them, VOA does not. Whichever comes second joins
    the event the first made, and the event keeps its id (also when the newcomer's
    dated report now heads it)."""
    warehouse = Warehouse(tmp_path / "w.duckdb")
    derive(warehouse, [first], "run-1")
    placed_before = dict(
        warehouse.query("SELECT DISTINCT article_event_id, event_id FROM event_mentions")[1]
    )
    derive(warehouse, [VOA_SEED if first == YONHAP_SEED else YONHAP_SEED], "run-2")
    (talks,) = warehouse.query(
        "SELECT e.event_id, e.event_date::VARCHAR, e.run_id, list(DISTINCT m.article_event_id)"
        " FROM events e JOIN event_mentions m USING (event_id)"
        " WHERE e.event_type = 'MEETING' AND e.place_entity_id = 'ref:sweden'"
        " GROUP BY ALL HAVING count(DISTINCT m.article_id) = 2"
    )[1]
    event_id, day, run_id, reports = talks
    (earlier,) = [r for r in reports if r in placed_before]
    assert event_id == placed_before[earlier]
    assert (day, run_id) == ("2019-10-05", "run-2")


def test_a_rederived_article_leaves_its_events_and_the_others_keep_their_ids(
    tmp_path: Path,
) -> None:
    def report(article: str, index: int, **changes: object) -> EventRecord:
        launch = EventRecord(
            article_event_id=f"{article}-e{index}",
            article_id=article,
            event_type="WEAPONS_TEST",
            meeting_kind=None,
            modality="asserted",
            date=EventDate(None, "unknown"),
            place="ref:east-sea",
            place_country=None,
            actors=(("ref:north-korea", "source"), ("ref:united-states", "target")),
            people=frozenset(),
            summary=f"{article} {index}",
        )
        return dataclasses.replace(launch, **changes)

    warehouse = Warehouse(tmp_path / "w.duckdb")
    # The same launch in articles a, b and c; a also reports talks nobody else reports.
    talks = {"event_type": "MEETING", "place": "ref:hanoi", "place_country": "VNM"}
    load_reports(
        warehouse,
        {
            "a": [report("a", 0), report("a", 1, **talks)],
            "b": [report("b", 0)],
            "c": [report("c", 0)],
        },
    )
    resolve(warehouse, "run-1", "test", rebuild=False)
    launch_id, talks_id = event_of(warehouse, "a-e0"), event_of(warehouse, "a-e1")
    assert event_of(warehouse, "b-e0") == event_of(warehouse, "c-e0") == launch_id
    # Article a, derived again, now reports only a protest.
    protest = {"event_type": "PROTEST", "place": "ref:seoul", "place_country": "KOR"}
    load_reports(warehouse, {"a": [report("a", 0, **protest)]})
    resolve(warehouse, "run-2", "test", rebuild=False)
    assert event_of(warehouse, "b-e0") == event_of(warehouse, "c-e0") == launch_id
    _, rows = warehouse.query(f"SELECT count(*) FROM events WHERE event_id = '{talks_id}'")
    assert rows == [(0,)], "an event left with no mentions disappears"
    assert event_of(warehouse, "a-e0") not in (launch_id, talks_id)
    _, runs = warehouse.query("SELECT event_id, run_id FROM events ORDER BY ALL")
    assert (launch_id, "run-2") in runs, "the launch lost a mention in run 2"


def test_reports_of_an_event_whose_founder_changed_kind_are_placed_again(
    tmp_path: Path,
) -> None:
    """The founder of an event is derived again as another kind with a less precise
    date: the event it founded is gone, and its other reports find their place anew,
    as a resolution of everything at once would place them."""
    day = EventDate(date(2020, 6, 1), "day")

    def meeting(article: str, **changes: object) -> EventRecord:
        record = EventRecord(
            article_event_id=f"{article}-e0",
            article_id=article,
            event_type="MEETING",
            meeting_kind=None,
            modality="asserted",
            date=day,
            place="ref:seoul",
            place_country="KOR",
            actors=(("ref:moon-jae-in", "participant"),),
            people=frozenset({"ref:moon-jae-in"}),
            summary=f"{article} meeting",
        )
        return dataclasses.replace(record, **changes)

    warehouse = Warehouse(tmp_path / "w.duckdb")
    first = meeting("a")
    later = [meeting("b", place="ref:busan"), meeting("c", place="ref:busan")]
    load_reports(warehouse, {"a": [first], "b": [later[0]], "c": [later[1]]})
    resolve(warehouse, "run-1", "test", rebuild=False)
    assert event_of(warehouse, "b-e0") == event_of(warehouse, "a-e0")
    test = dataclasses.replace(
        first, event_type="WEAPONS_TEST", date=EventDate(date(2019, 2, 1), "month")
    )
    load_reports(warehouse, {"a": [test]})
    resolve(warehouse, "run-2", "test", rebuild=False)
    assert event_of(warehouse, "b-e0") == event_of(warehouse, "c-e0") != event_of(warehouse, "a-e0")
    expected = resolve_in_memory([test, *later])
    assert sorted(len(e.members) for e in expected) == [1, 2]


def test_an_undated_report_that_fitted_two_events_joins_one_that_becomes_dated(
    tmp_path: Path,
) -> None:
    """An undated report fits two undated events, so it joins neither; one of them is
    derived again with a year. The one dated event it fits is then the happening it tells
    of, and it joins that event, as a resolution of everything at once places it."""

    undated = EventDate(None, "unknown")
    # Two reports of one article (never one event), and a third article's report.
    first, second = talks_report("a-e0", "a", undated), talks_report("a-e1", "a", undated)
    third = talks_report("b-e0", "b", undated)
    warehouse = Warehouse(tmp_path / "w.duckdb")
    load_reports(warehouse, {"a": [first, second], "b": [third]})
    resolve(warehouse, "run-1", "test", rebuild=False)
    assert len({event_of(warehouse, r.article_event_id) for r in (first, second, third)}) == 3
    dated = dataclasses.replace(first, date=EventDate(date(2019, 1, 1), "year"))
    load_reports(warehouse, {"a": [dated, second]})
    resolve(warehouse, "run-2", "test", rebuild=False)
    expected = resolve_in_memory([dated, second, third])
    assert sorted(sorted(m.article_event_id for m in e.members) for e in expected) == [
        ["a-e0", "b-e0"],
        ["a-e1"],
    ]
    assert event_of(warehouse, "b-e0") == event_of(warehouse, "a-e0")
    assert event_of(warehouse, "a-e1") != event_of(warehouse, "a-e0")


def test_a_rebuild_keeps_the_ids_of_the_events_it_makes_again(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    texts = sorted(SEEDS.glob("*.txt")) + sorted(PASSAGES.glob("*.txt"))
    derive(warehouse, texts[:10], "run-1")
    derive(warehouse, texts[10:], "run-2")
    _, before = warehouse.query("SELECT event_id, summary FROM events ORDER BY ALL")
    rebuilt = resolve_events(warehouse, "rebuild", rebuild=True)
    _, after = warehouse.query("SELECT event_id, summary FROM events ORDER BY ALL")
    assert after == before
    assert rebuilt.new_events == [] and rebuilt.removed_events == 0
    assert warehouse.query("SELECT DISTINCT run_id FROM events")[1] == [("rebuild",)]


def test_a_rebuild_replaces_many_stored_rows_within_a_small_duckdb_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2,000 generated articles (11,000 reports, 127,000 lookup keys) resolved, then
    rebuilt with DuckDB held to 128 MB: emptying the tables row by row kept memory per
    replaced row until the commit and ran out of it ("failed to pin block"), as it did
    at 640 MB with 100,000 articles."""
    warehouse = Warehouse(tmp_path / "w.duckdb")
    fill(warehouse, 2000, "test")
    resolve(warehouse, "first", "test", rebuild=True)
    query = "SELECT event_id, article_event_id FROM event_mentions ORDER BY ALL"
    before = warehouse.query(query)
    monkeypatch.setenv(MEMORY_SETTING, "128MB")
    rebuilt = resolve(warehouse, "rebuild", "test", rebuild=True)
    assert warehouse.query(query) == before
    assert rebuilt.new_events == [] and rebuilt.removed_events == 0


def test_a_run_that_adds_nothing_writes_nothing(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    derive(warehouse, sorted(SEEDS.glob("*.txt")), "run-1")
    nothing = resolve_events(warehouse, "run-2")
    assert (nothing.reports, nothing.new_events, nothing.changed_events) == (0, [], 0)
    assert warehouse.query("SELECT DISTINCT run_id FROM events")[1] == [("run-1",)]


def test_the_timeline_shows_what_an_event_has_after_a_later_article_joins_it(
    tmp_path: Path,
) -> None:
    """event_timeline reads actors, outlets and article counts kept on the event's row:
    when VOA's report joins the Stockholm talks Yonhap made, the talks' row names both
    outlets and two articles, and every row says what the event's actors and mentions say."""
    warehouse = Warehouse(tmp_path / "w.duckdb")
    derive(warehouse, [YONHAP_SEED], "run-1")
    derive(warehouse, [VOA_SEED], "run-2")
    (talks,) = warehouse.query(
        "SELECT sources, articles FROM event_timeline"
        " WHERE event_type = 'MEETING' AND place = 'Sweden' AND event_when = '2019-10-05'"
    )[1]
    assert talks == ("voa, yonhap", 2)
    shown = warehouse.query("SELECT event_id, actors, sources, articles FROM event_timeline")[1]
    _, gathered = warehouse.query(
        """
        SELECT e.event_id,
               (SELECT string_agg(DISTINCT n.name, '; ' ORDER BY n.name)
                  FROM event_actors x JOIN entities n USING (entity_id)
                 WHERE x.event_id = e.event_id),
               (SELECT string_agg(DISTINCT a.source, ', ' ORDER BY a.source)
                  FROM event_mentions m JOIN articles a USING (article_id)
                 WHERE m.event_id = e.event_id),
               (SELECT count(DISTINCT m.article_id) FROM event_mentions m
                 WHERE m.event_id = e.event_id)
        FROM events e
        """
    )
    assert len(shown) > 20
    assert sorted(shown) == sorted(gathered)


def test_a_warehouse_resolved_with_the_old_lookup_keys_starts_over_once_keeping_its_ids(
    tmp_path: Path,
) -> None:
    """Migration 013 files pairs of actors apart for dated and undated events. A warehouse
    whose stored lookup keys were made before resolves everything once again, keeps every
    event and its id, and later runs resolve as placing everything at once does."""
    rng = random.Random(13)
    maker = ReportMaker(rng)
    articles = {f"a{i:03d}": maker.article(f"a{i:03d}") for i in range(30)}
    earlier = dict(list(articles.items())[:20])
    warehouse = Warehouse(tmp_path / "w.duckdb")
    load_reports(warehouse, earlier)
    resolve(warehouse, "run-1", "test")
    mentions = "SELECT event_id, article_event_id FROM event_mentions ORDER BY ALL"
    before = warehouse.query(mentions)
    # Lookup keys that are not the ones of today, as migration 012 left them, and then
    # migration 013 as `migrate` runs it on such a warehouse (later migrations have nothing
    # to do with resolution, so the file stays at the latest version otherwise).
    dated_pairs = next(m for m in available_migrations() if m.name == "dated_pairs")
    with warehouse.writer() as conn:
        conn.execute("UPDATE resolution_event_keys SET h = h + 1")
        conn.execute("UPDATE resolution_report_keys SET h = h + 1")
        conn.execute(dated_pairs.sql)
    upgraded = resolve(warehouse, "run-2", "test")
    assert warehouse.query(mentions) == before
    assert upgraded.new_events == [] and upgraded.removed_events == 0
    load_reports(warehouse, dict(list(articles.items())[20:]))
    resolve(warehouse, "run-3", "test", rebuild=False)
    expected = resolve_in_memory([r for reports in articles.values() for r in reports])
    _, rows = warehouse.query(
        "SELECT list(DISTINCT article_event_id ORDER BY article_event_id)"
        " FROM event_mentions GROUP BY event_id"
    )
    assert sorted(tuple(r[0]) for r in rows) == sorted(
        tuple(sorted(m.article_event_id for m in e.members)) for e in expected
    )


class _CountingStore(SqlStore):
    """The warehouse's store, noting which events' members a placing reads."""

    def __init__(self, conn) -> None:
        super().__init__(conn)
        self.members_read: set[str] = set()

    def members(self, events):
        self.members_read.update(events)
        return super().members(events)


def test_a_report_placed_again_reads_no_members_of_events_founded_after_it(
    tmp_path: Path,
) -> None:
    # A report is compared with events founded before its turn only: reading the
    # members of later ones (a third of a 100,000-article run's reads) is wasted work.
    warehouse = Warehouse(tmp_path / "w.duckdb")
    fill(warehouse, 300, default_extractor().version)
    resolve_events(warehouse, "build")
    with warehouse.session(), warehouse.writer() as conn:
        # The first report in placing order whose keys find other events: all of those
        # were founded after it.
        first = conn.execute(
            """
            SELECT r.article_event_id FROM resolution_reports r
            JOIN resolution_report_keys k USING (article_event_id)
            JOIN resolution_event_keys e ON e.h = k.h AND e.event_key <> r.event_key
            ORDER BY r.rank DESC, r.article_event_id LIMIT 1
            """
        ).fetchone()[0]
        store = _CountingStore(conn)
        (record,) = store.to_records(
            store.records(
                "(SELECT article_event_id FROM wanted_report)",
                wanted_report=string_table(article_event_id=[first]),
            )
        )
        outcome = place_changes(store, [record], ())
        assert outcome.placements[first][1].event == first
        assert store.members_read == {first}


def test_members_read_by_the_index_and_by_a_join_are_the_same(tmp_path: Path) -> None:
    # A few events' members are looked up by article_events' index, many by a join: the
    # two must give the same reports, with the same contents.
    warehouse = Warehouse(tmp_path / "w.duckdb")
    fill(warehouse, 200, default_extractor().version)
    resolve_events(warehouse, "build")
    with warehouse.writer() as conn:
        events = [r[0] for r in conn.execute("SELECT event_key FROM resolution_events").fetchall()]
        by_index = SqlStore(conn)
        by_join = SqlStore(conn)
        by_join.index_lookup_max = 0
        indexed = by_index.members(events)
        joined = by_join.members(events)
    assert sum(len(m) for m in indexed.values()) > len(events)  # events of several reports
    assert {k: sorted(m, key=repr) for k, m in indexed.items()} == {
        k: sorted(m, key=repr) for k, m in joined.items()
    }


def test_an_undated_report_that_joined_a_dated_event_is_not_placed_again_for_an_undated_one(
    tmp_path: Path,
) -> None:
    """An undated report that fits a dated event joins it, and reads no undated event
    (dated events come first). A later run that founds an undated event it also fits
    places only its own reports: the stored one keeps its place without being placed
    again, and the events are those of placing everything at once."""

    undated = EventDate(None, "unknown")
    dated = talks_of_two("a-e0", "a", EventDate(date(2019, 6, 30), "day"))
    stored = talks_of_two("c-e0", "c", undated)
    warehouse = Warehouse(tmp_path / "w.duckdb")
    load_reports(warehouse, {"a": [dated], "c": [stored]})
    resolve(warehouse, "run-1", "test", rebuild=False)
    assert event_of(warehouse, "c-e0") == event_of(warehouse, "a-e0")
    # A second report of article a: it cannot join its own article's event, so it founds
    # an undated one, which the stored report also fits.
    second = talks_of_two("a-e1", "a", undated)
    load_reports(warehouse, {"a": [dated, second]})
    resolution = resolve(warehouse, "run-2", "test", rebuild=False)
    assert resolution.reports == 2  # a's two reports; c's stays where it was
    expected = resolve_in_memory([dated, second, stored])
    assert sorted(sorted(m.article_event_id for m in e.members) for e in expected) == [
        ["a-e0", "c-e0"],
        ["a-e1"],
    ]
    assert event_of(warehouse, "c-e0") == event_of(warehouse, "a-e0") != event_of(warehouse, "a-e1")
