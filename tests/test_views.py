"""The views analysts query first, and every example query of warehouse/queries, on the seeds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from flows.pipeline import derive_articles, ingest_batch, resolve_events
from tests.conftest import SEEDS
from warehouse import Warehouse
from warehouse.live import record_entries, save_feed_states, sync_feeds

QUERIES = Path(__file__).resolve().parent.parent / "warehouse" / "queries"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The two seeds loaded and derived, plus two feeds: one healthy, one failing."""
    warehouse = Warehouse(tmp_path_factory.mktemp("views") / "w.duckdb")
    ingest_batch([str(p) for p in sorted(SEEDS.glob("*.txt"))], warehouse, "run-1")
    derive_articles(warehouse.articles_to_derive("any"), warehouse)
    resolve_events(warehouse)
    now = datetime.now(UTC)
    sync_feeds(
        warehouse,
        [("https://a.example/rss", "a", "generic"), ("https://b.example/rss", "b", "generic")],
    )
    base = {k: None for k in ("etag", "last_modified", "last_status", "last_error")}
    save_feed_states(
        warehouse,
        [
            {
                **base,
                "feed_url": "https://a.example/rss",
                "consecutive_failures": 0,
                "last_attempt_at": now,
                "last_success_at": now,
                "next_poll_at": None,
                "last_problem": None,
                "newest_entry_at": now,
                "usual_interval_seconds": 3600.0,
            },
            {
                **base,
                "feed_url": "https://b.example/rss",
                "consecutive_failures": 3,
                "last_attempt_at": now,
                "last_success_at": None,
                "next_poll_at": now,
                "last_error": "HTTP 500 Internal Server Error",
                "last_problem": None,
                "newest_entry_at": datetime(2024, 1, 1, tzinfo=UTC),
                "usual_interval_seconds": 3600.0,
            },
        ],
    )
    record_entries(
        warehouse,
        [
            {
                "source": "a",
                "entry_id": "1",
                "feed_url": "https://a.example/rss",
                "url": "https://a.example/1",
                "title": "t",
                "published_at": now,
            }
        ],
        now,
    )
    return warehouse


def rows(warehouse: Warehouse, sql: str) -> list[tuple]:
    return warehouse.query(sql)[1]


def test_event_timeline_reads_as_what_happened(seeded: Warehouse) -> None:
    timeline = rows(
        seeded,
        "SELECT event_date::VARCHAR, event_type, actors, place, sources FROM event_timeline"
        " WHERE event_date IS NOT NULL AND modality IN ('asserted', 'reported')"
        " ORDER BY event_date, event_type",
    )
    assert ("2019-02-01", "MEETING") in [(r[0], r[1]) for r in timeline]
    hanoi = next(r for r in timeline if r[0] == "2019-02-01" and r[1] == "MEETING")
    assert hanoi[2] == "Donald Trump; Kim Jong Un; North Korea; United States"
    assert hanoi[3] == "Hanoi" and hanoi[4] == "voa, yonhap"
    stockholm = next(r for r in timeline if r[0] == "2019-10-05" and r[1] == "MEETING")
    assert "Kim Myong-gil" in stockholm[2] and "Stephen Biegun" in stockholm[2]
    assert stockholm[3] == "Sweden" and stockholm[4] == "voa, yonhap"
    rejection = next(r for r in timeline if r[1] == "REJECT")
    assert rejection[0] == "2019-10-06" and rejection[4] == "voa, yonhap"
    # In date order, the Singapore summit of June 2018 comes first.
    assert timeline[0][0] == "2018-06-01" and timeline[0][3] == "Singapore"


def test_actor_activity_counts_mentions_events_and_quotes_per_month(seeded: Warehouse) -> None:
    (kim,) = rows(
        seeded,
        "SELECT month::VARCHAR, mentions, events, quotes FROM actor_activity"
        " WHERE name = 'Kim Myong-gil' AND month IS NOT NULL",
    )
    mentions = rows(
        seeded,
        "SELECT count(*) FROM mentions JOIN articles USING (article_id)"
        " WHERE entity_id = 'ref:kim-myong-gil' AND published_date IS NOT NULL",
    )[0][0]
    assert kim[0] == "2019-10-01" and kim[1] == mentions and kim[2] >= 1 and kim[3] >= 1
    # The VOA seed has no date: no month to count it under, and no NULL month row.
    assert rows(seeded, "SELECT count(*) FROM actor_activity WHERE month IS NULL") == [(0,)]


def test_event_timeline_comes_in_date_order_with_dates_at_their_precision(
    seeded: Warehouse,
) -> None:
    timeline = rows(seeded, "SELECT event_date, date_precision, event_when FROM event_timeline")
    dated = [r[0] for r in timeline if r[0] is not None]
    assert dated == sorted(dated) and dated, "dated events first, in date order"
    assert all(r[0] is None for r in timeline[len(dated) :]), "undated events last"
    # The Hanoi summit of February 2019 (month precision) reads as a month, not 2019-02-01.
    assert (date(2019, 2, 1), "month", "2019-02") in timeline
    assert (date(2019, 10, 5), "day", "2019-10-05") in timeline
    width = {"day": 10, "month": 7, "year": 4}
    for day, precision, when in timeline:
        if precision == "unknown":
            assert when is None
        else:
            assert when == day.isoformat()[: width[precision]]


def test_quotes_by_speaker_names_the_speaker_and_the_outlet(seeded: Warehouse) -> None:
    quoted = rows(
        seeded,
        "SELECT speaker, source, partial FROM quotes_by_speaker"
        " WHERE speaker IN ('Park Won-gon', 'Eric Brewer', 'Morgan Ortagus')",
    )
    assert {(r[0], r[1]) for r in quoted} >= {("Park Won-gon", "yonhap"), ("Eric Brewer", "voa")}
    total = rows(seeded, "SELECT count(*) FROM quotes")[0][0]
    assert rows(seeded, "SELECT count(*) FROM quotes_by_speaker")[0][0] == total


def test_source_health_flags_the_failing_and_the_quiet_feed(seeded: Warehouse) -> None:
    health = rows(
        seeded,
        "SELECT source, consecutive_failures, stale, entries, pending FROM source_health"
        " ORDER BY source",
    )
    assert health == [("a", 0, False, 1, 1), ("b", 3, True, 0, 0)]


def test_story_versions_is_empty_without_versions(seeded: Warehouse) -> None:
    assert rows(seeded, "SELECT count(*) FROM story_versions") == [(0,)]
    assert rows(seeded, "SELECT count(*) FROM latest_articles") == [(2,)]


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.sql")), ids=lambda p: p.name)
def test_every_example_query_runs(seeded: Warehouse, path: Path) -> None:
    columns, result = seeded.query(path.read_text(encoding="utf-8"))
    assert columns, f"{path.name} returned no columns"
    expected_rows = {
        "timeline.sql": lambda n: n >= 8,
        "who_said_what.sql": lambda n: n >= 6,
        "most_active_people.sql": lambda n: n >= 5,
        "meetings_between.sql": lambda n: n >= 3,
        "feeds_needing_attention.sql": lambda n: n == 1,
        "story_chains.sql": lambda n: n == 0,
        "failed_inputs.sql": lambda n: n == 0,
    }
    assert path.name in expected_rows, f"add {path.name} to this test with what it returns"
    assert expected_rows[path.name](len(result)), f"{path.name}: {len(result)} rows"
