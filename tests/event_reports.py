"""Random article events for resolution tests, written straight into a warehouse.

Small pools of actors, places, days and kinds, so that reports collide often: the cases
where batching could change what is resolved.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import pyarrow as pa

from parsers.extraction.model import EventDate
from parsers.extraction.same_event import EventRecord
from warehouse import Warehouse
from warehouse.derived_rows import SCHEMAS

COUNTRIES = ["ref:north-korea", "ref:united-states", "ref:south-korea", "ref:china"]
PEOPLE = ["ref:kim-jong-un", "ref:donald-trump", "ref:moon-jae-in"]
PLACES = [
    ("ref:seoul", "KOR"),
    ("ref:busan", "KOR"),
    ("ref:hanoi", "VNM"),
    ("ref:east-sea", None),
    ("ref:pyongyang", "PRK"),
]
DAYS = [date(2019, 2, 27), date(2019, 2, 28), date(2019, 3, 5), date(2020, 6, 1)]


class ReportMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        # The day each article appeared: none, or a few days after one of the DAYS.
        self.reported: dict[str, date | None] = {}

    def reported_on(self, article: str) -> date | None:
        if article not in self.reported:
            day = self.rng.choice([None, *DAYS])
            lag = self.rng.choice([0, 0, 1, 3, 9])
            self.reported[article] = day + timedelta(days=lag) if day else None
        return self.reported[article]

    def date(self) -> EventDate:
        roll, day = self.rng.random(), self.rng.choice(DAYS)
        if roll < 0.3:
            return EventDate(day, "day")
        if roll < 0.45:
            return EventDate(day.replace(day=1), "month")
        if roll < 0.55:
            return EventDate(day.replace(month=1, day=1), "year")
        return EventDate(None, "unknown", month_hint=self.rng.choice([None, None, 2, 3]))

    def report(self, article: str, index: int, version: int = 0) -> EventRecord:
        rng = self.rng
        actors = rng.sample(COUNTRIES, rng.choice([0, 1, 2, 2, 3]))
        people = rng.sample(PEOPLE, rng.choice([0, 0, 1, 2]))
        place = rng.choice([None, None, *PLACES])
        event_type = rng.choice(["MEETING", "MEETING", "WEAPONS_TEST"])
        return EventRecord(
            article_event_id=f"{article}-e{index}",
            article_id=article,
            event_type=event_type,
            meeting_kind=rng.choice(
                ["summit", "talks"] if event_type == "MEETING" else ["missile", "nuclear"]
            ),
            modality=rng.choice(["asserted", "asserted", "reported", "planned"]),
            date=self.date(),
            place=place[0] if place else None,
            place_country=place[1] if place else None,
            actors=tuple((a, "participant") for a in actors + people),
            people=frozenset(people),
            summary=f"{article} event {index} version {version}" + "!" * rng.randint(0, 4),
            reported=self.reported_on(article),
        )

    def article(self, article: str, version: int = 0) -> list[EventRecord]:
        return [self.report(article, i, version) for i in range(self.rng.randint(1, 4))]


def _entities(conn: object) -> None:
    rows = [(p, "PERSON", None) for p in PEOPLE] + [(c, "GPE", None) for c in COUNTRIES]
    rows += [(p, "LOC", country) for p, country in PLACES]
    for entity_id, entity_type, country in rows:
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO entities VALUES (?, ?, ?, ?, NULL, 'reference', 'test')"
            " ON CONFLICT DO NOTHING",
            [entity_id, entity_id.removeprefix("ref:"), entity_type, country],
        )


def load_reports(
    warehouse: Warehouse,
    articles: Mapping[str, Sequence[EventRecord]],
    gone: Sequence[str] = (),
) -> None:
    """Replace these articles' events (and drop those of `gone`), queued for resolution,
    as storing an extraction does."""
    rows = [
        {
            "article_event_id": r.article_event_id,
            "article_id": article,
            "event_type": r.event_type,
            "meeting_kind": r.meeting_kind,
            "trigger": r.event_type.lower(),
            "modality": r.modality,
            "event_date": r.date.value,
            "date_precision": r.date.precision,
            "month_hint": r.date.month_hint,
            "place_entity_id": r.place,
            "summary": r.summary,
            "actors": [{"entity_id": e, "role": role} for e, role in r.actors],
            "sentences": [{"paragraph_seq": index, "sentence": 0}],
            "extractor_version": "test",
        }
        for article, reports in articles.items()
        for index, r in enumerate(reports)
    ]
    ids = pa.table({"article_id": pa.array([*articles, *gone], pa.string())})
    days = pa.table(
        {
            "article_id": pa.array(list(articles), pa.string()),
            "published_date": pa.array(
                [reports[0].reported if reports else None for reports in articles.values()],
                pa.date32(),
            ),
        }
    )
    with warehouse.session(), warehouse.writer() as conn:
        _entities(conn)
        # The day each article appeared, on a row of its own as a stored article has.
        conn.register("article_days", days)
        conn.execute(
            "INSERT OR REPLACE INTO articles (article_id, doc_id, source, language, fetched_at,"
            " replacement_chars, repairs, parser, parser_version, run_id, published_date)"
            " SELECT article_id, article_id, 'test', 'en', now(), 0, [], 'test', 'test', 'test',"
            " published_date FROM article_days"
        )
        conn.register("touched_articles", ids)
        conn.execute(
            "DELETE FROM article_events WHERE article_id IN"
            " (SELECT article_id FROM touched_articles)"
        )
        conn.register("new_reports", pa.Table.from_pylist(rows, schema=SCHEMAS["article_events"]))
        conn.execute("INSERT INTO article_events BY NAME SELECT * FROM new_reports")
        conn.execute(
            "INSERT INTO resolution_queue SELECT article_id FROM touched_articles"
            " ON CONFLICT DO NOTHING"
        )
