"""Story versions linked as articles arrive: only new articles look for their earlier
versions, and the links are those of linking everything at once, in any arrival order."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from parsers.stories import StoryCandidate, link_versions
from warehouse import Warehouse
from warehouse.live import link_story_versions

T0 = datetime(2024, 3, 2, 0, 0, tzinfo=UTC)
HEADLINES = [
    "N. Korea fires ballistic missile into East Sea",
    "Seoul, Tokyo agree to resume shuttle diplomacy",
    "Unification minister visits Panmunjom truce village",
    "U.S. imposes fresh sanctions on N. Korean hackers",
    "Kim Yo-jong warns of strong response to joint drills",
]
LABELS = ["URGENT", "LEAD", "2nd LD", "3rd LD"]


def wire_day(rng: random.Random) -> list[StoryCandidate]:
    """Stories told in versions over a few hours, on two outlets, some undated."""
    articles = []
    for story in range(14):
        source = rng.choice(["yonhap", "yonhap", "kcna"])
        start = T0 + timedelta(hours=rng.randint(0, 80))
        headline = rng.choice(HEADLINES)
        for version in range(rng.randint(1, 4)):
            title = headline + rng.choice(["", ": JCS", ", officials say", " (update)"])
            label = LABELS[version] if version or rng.random() < 0.5 else None
            when = start + timedelta(minutes=40 * version + rng.randint(0, 30))
            articles.append(StoryCandidate(f"s{story:02d}v{version}", source, title, label, when))
    articles.append(StoryCandidate("undated", "yonhap", HEADLINES[0], "LEAD", None))
    return articles


def add_articles(warehouse: Warehouse, articles: list[StoryCandidate]) -> None:
    table = pa.Table.from_pylist(
        [
            {
                "article_id": a.article_id,
                "source": a.source,
                "title": a.title,
                "label": a.label,
                "published_at": a.published_at,
            }
            for a in articles
        ],
        schema=pa.schema(
            [
                ("article_id", pa.string()),
                ("source", pa.string()),
                ("title", pa.string()),
                ("label", pa.string()),
                ("published_at", pa.timestamp("us", tz="UTC")),
            ]
        ),
    )
    with warehouse.writer() as conn:
        conn.register("arriving", table)
        conn.execute(
            "INSERT INTO articles (article_id, doc_id, source, title, label, published_at,"
            " language, fetched_at, replacement_chars, repairs, parser, parser_version, run_id)"
            " SELECT article_id, article_id, source, title, label, published_at, 'en', now(),"
            " 0, [], 'test', '1', 'test' FROM arriving"
        )


def stored_links(warehouse: Warehouse) -> set[tuple]:
    return set(
        warehouse.query("SELECT article_id, story_id, version_seq, is_latest FROM story_links")[1]
    )


@pytest.mark.parametrize("seed", range(5))
def test_links_made_as_articles_arrive_are_those_of_linking_everything(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    articles = wire_day(rng)
    rng.shuffle(articles)  # later versions may well arrive before earlier ones
    warehouse = Warehouse(tmp_path / "w.duckdb")
    arrived: list[StoryCandidate] = []
    for start in range(0, len(articles), 7):
        batch = articles[start : start + 7]
        add_articles(warehouse, batch)
        arrived += batch
        stories = link_story_versions(warehouse)
        expected = link_versions(arrived)
        assert stored_links(warehouse) == {
            (v.article_id, v.story_id, v.version_seq, v.is_latest) for v in expected
        }
        assert stories == len({v.story_id for v in expected if v.version_seq > 1})
    assert stories >= 3, "the day should have stories told in several versions"


def test_a_run_without_new_articles_links_nothing_again(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    add_articles(warehouse, wire_day(random.Random(1)))
    link_story_versions(warehouse)
    before = stored_links(warehouse)
    with warehouse.writer() as conn:
        conn.execute("UPDATE story_links SET is_latest = NOT is_latest WHERE false")
        new = conn.execute(
            "SELECT count(*) FROM articles WHERE article_id NOT IN"
            " (SELECT article_id FROM story_links)"
        ).fetchone()
    assert new == (0,)
    link_story_versions(warehouse)
    assert stored_links(warehouse) == before
