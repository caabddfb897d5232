"""A synthetic news world for the derivation benchmark: happenings reported by articles.

Large warehouses (20,000 to 100,000 articles) are filled with article events straight away
(extracting that many texts takes hours), shaped like extraction's output on real text:
about six reports per article, most of them undated, dated ones mostly to the day; actors
and places are the reference's. The outlets publish ARTICLES_PER_DAY articles a day, up
to the end of 2025: a larger warehouse is a longer history (100,000 articles, five and a
half years), as it is for a user, and its events look alike at any size. Each day has its
own happenings (talks, launches, statements...), each reported by about four articles;
articles also look back at older happenings, mostly without a date. The world is the
same whatever the size: a day's happenings depend on the day alone.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa

from parsers.extraction.reference import Reference, default_reference
from warehouse import Warehouse
from warehouse.derived_rows import SCHEMAS
from warehouse.rows import ARTICLE_SCHEMA

LAST_DAY = date(2025, 12, 31)
ARTICLES_PER_DAY = 50
SOURCES = ("yonhap", "voa", "koreaherald", "nknews", "kcna", "reuters", "38north")
# Shares seen in extraction's output on the dev and passage texts, rounded.
TYPES = {
    "MEETING": 25,
    "STATEMENT": 15,
    "WEAPONS_TEST": 12,
    "AGREE": 10,
    "MILITARY_EXERCISE": 6,
    "THREATEN": 6,
    "ACCUSE": 6,
    "COOPERATE": 5,
    "PROPOSE": 3,
    "REQUEST": 3,
    "REJECT": 3,
    "SANCTION": 2,
    "PROTEST": 2,
    "AID": 1,
    "EASE_SANCTIONS": 1,
}
MODALITIES = {"asserted": 85, "reported": 6, "planned": 4, "hypothetical": 3, "denied": 2}
REPORTS_PER_ARTICLE = {1: 5, 2: 8, 3: 12, 4: 15, 5: 14, 6: 12, 7: 10, 8: 8, 10: 8, 13: 5, 16: 3}
ACTORS_PER_REPORT = {0: 15, 1: 22, 2: 25, 3: 20, 4: 13, 5: 5}
# Who the news is about: these states are in most happenings, the rest now and then.
STATE_WEIGHTS = {
    "north-korea": 60,
    "united-states": 40,
    "south-korea": 40,
    "china": 15,
    "japan": 15,
    "russia": 10,
    "united-nations": 8,
}
ARTICLES_PER_HAPPENING = 4


@dataclass(frozen=True, slots=True)
class Happening:
    key: str
    event_type: str
    meeting_kind: str | None
    day: date
    place: str | None
    cast: tuple[str, ...]  # entity ids


@dataclass(slots=True)
class World:
    reference: Reference
    span_days: int
    people: list[str]
    places: list[str]
    others: list[str]
    happenings: dict[date, list[Happening]]

    @classmethod
    def make(cls, articles: int) -> World:
        reference = default_reference()
        by_type: dict[str, list[str]] = {}
        for actor in reference.actors.values():
            by_type.setdefault(actor.type, []).append(f"ref:{actor.id}")
        return cls(
            reference,
            max(1, -(-articles // ARTICLES_PER_DAY)),
            sorted(by_type["PERSON"]),
            sorted(by_type.get("GPE", []) + by_type.get("LOC", []) + by_type.get("FAC", [])),
            sorted(by_type.get("ORG", [])),
            {},
        )

    def happenings_of(self, day: date) -> list[Happening]:
        if day not in self.happenings:
            rng = random.Random(day.isoformat())
            count = round(ARTICLES_PER_DAY * 1.5 / ARTICLES_PER_HAPPENING)
            self.happenings[day] = [self._happening(rng, day, i) for i in range(count)]
        return self.happenings[day]

    def _happening(self, rng: random.Random, day: date, index: int) -> Happening:
        event_type = _pick(rng, TYPES)
        kind = None
        if event_type == "MEETING":
            kind = rng.choices(["talks", "summit", None], [6, 3, 1])[0]
        states = [f"ref:{s}" for s in STATE_WEIGHTS if rng.random() < STATE_WEIGHTS[s] / 100]
        # People follow a long tail: a few are in the news every week.
        people = [
            self.people[min(int(rng.paretovariate(1.2)) - 1, len(self.people) - 1)]
            for _ in range(rng.choice([0, 1, 1, 2, 2, 3]))
        ]
        orgs = [rng.choice(self.others)] if rng.random() < 0.2 else []
        cast = tuple(dict.fromkeys(states + people + orgs)) or ("ref:north-korea",)
        place = rng.choice(self.places) if rng.random() < 0.6 else None
        return Happening(f"{day.isoformat()}#{index}", event_type, kind, day, place, cast)

    def articles(self, count: int, start: int = 0) -> Iterator[tuple[dict, list[dict]]]:
        """(article row, its report rows) of articles start to start + count."""
        for number in range(start, start + count):
            rng = random.Random(f"article/{number}/{self.span_days}")
            day = LAST_DAY - timedelta(days=rng.randint(0, self.span_days - 1))
            published = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                minutes=rng.randint(0, 24 * 60 - 1)
            )
            article_id = "bench-" + hashlib.sha256(str(number).encode()).hexdigest()[:20]
            yield (
                self._article_row(rng, article_id, number, published),
                self._reports(rng, article_id, day),
            )

    def _article_row(
        self, rng: random.Random, article_id: str, number: int, published: datetime
    ) -> dict:
        source = rng.choice(SOURCES)
        return {
            "article_id": article_id,
            "doc_id": article_id,
            "source": source,
            "url": f"https://{source}.example/{number}",
            "title": f"Article {number} of the benchmark world",
            "published_at": published,
            "language": "en",
            "fetched_at": published,
            "replacement_chars": 0,
            "repairs": [],
            "parser": "bench",
            "parser_version": "1",
            "run_id": "bench",
        }

    def _reports(self, rng: random.Random, article_id: str, day: date) -> list[dict]:
        fresh = [
            h
            for back in range(rng.choice([0, 0, 1, 2]) + 1)
            for h in self.happenings_of(day - timedelta(days=back))
        ]
        chosen = rng.sample(fresh, min(len(fresh), rng.choice([1, 1, 2, 2, 3])))
        reports = []
        for index in range(_pick(rng, REPORTS_PER_ARTICLE)):
            if index < len(chosen):
                happening, fresh_one = chosen[index], True
            else:  # looking back at an older happening
                back = min(int(rng.expovariate(1 / 120)), 3000)
                happening = rng.choice(self.happenings_of(day - timedelta(days=back)))
                fresh_one = False
            reports.append(self._report(rng, article_id, index, happening, fresh_one))
        return reports

    def _report(
        self, rng: random.Random, article_id: str, index: int, h: Happening, fresh: bool
    ) -> dict:
        roll = rng.random()
        if fresh and roll < 0.6:
            when, precision = h.day, "day"
        elif roll < (0.7 if fresh else 0.75):
            when, precision = None, "unknown"
        elif roll < 0.9:
            when, precision = h.day.replace(day=1), "month"
        else:
            when, precision = h.day.replace(month=1, day=1), "year"
        hint = h.day.month if precision == "unknown" and rng.random() < 0.08 else None
        wanted = min(_pick(rng, ACTORS_PER_REPORT), len(h.cast))
        actors = rng.sample(h.cast, wanted)
        roles = ["source", "target", "participant"]
        return {
            "article_event_id": hashlib.sha256(f"{article_id}\0e\0{index}".encode()).hexdigest()[
                :20
            ],
            "article_id": article_id,
            "event_type": h.event_type if rng.random() < 0.9 else _pick(rng, TYPES),
            "meeting_kind": h.meeting_kind,
            "trigger": h.event_type.lower(),
            "modality": _pick(rng, MODALITIES),
            "event_date": when,
            "date_precision": precision,
            "month_hint": hint,
            "place_entity_id": h.place if rng.random() < (0.4 if fresh else 0.15) else None,
            "summary": f"{h.event_type.lower()} of {h.key} as article {article_id[6:12]} tells it",
            "actors": [{"entity_id": a, "role": rng.choice(roles)} for a in actors],
            "sentences": [{"paragraph_seq": index + 1, "sentence": 0}],
            "extractor_version": "",
        }


def _pick(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), list(weights.values()))[0]


def entity_rows(reference: Reference, version: str) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "entity_id": f"ref:{a.id}",
                "name": a.name,
                "entity_type": a.type,
                "country_iso3": a.country,
                "wikidata_id": a.wikidata,
                "origin": "reference",
                "extractor_version": version,
            }
            for a in reference.actors.values()
        ],
        schema=SCHEMAS["entities"],
    )


def mention_rows(reports: list[dict], version: str) -> list[dict]:
    """The actors of each report as mentions: what actor_activity counts."""
    return [
        {
            "article_id": r["article_id"],
            "entity_id": a["entity_id"],
            "paragraph_seq": r["sentences"][0]["paragraph_seq"],
            "sentence": 0,
            "char_start": 0,
            "char_end": 10,
            "surface": a["entity_id"].removeprefix("ref:"),
            "extractor_version": version,
        }
        for r in reports
        for a in r["actors"]
    ]


def fill(warehouse: Warehouse, size: int, version: str) -> int:
    """Write a world of `size` articles with their reports (article events) and mentions,
    queued for resolution as derivation leaves them; returns the number of reports."""
    world = World.make(size)
    reports_total = 0
    with warehouse.session(), warehouse.writer() as conn:
        conn.register("bench_entities", entity_rows(world.reference, version))
        conn.execute("INSERT INTO entities BY NAME SELECT * FROM bench_entities")
        for start in range(0, size, 5000):
            articles, reports = [], []
            for article, its_reports in world.articles(min(5000, size - start), start):
                articles.append(article)
                reports.extend(its_reports)
            for r in reports:
                r["extractor_version"] = version
            reports_total += len(reports)
            conn.register("bench_articles", pa.Table.from_pylist(articles, schema=ARTICLE_SCHEMA))
            conn.register(
                "bench_reports", pa.Table.from_pylist(reports, schema=SCHEMAS["article_events"])
            )
            conn.register(
                "bench_mentions",
                pa.Table.from_pylist(mention_rows(reports, version), schema=SCHEMAS["mentions"]),
            )
            conn.execute(
                "INSERT INTO articles BY NAME SELECT *, published_at AS fetched_at,"
                " 'bench' AS run_id, ? AS extractor_version FROM bench_articles",
                [version],
            )
            conn.execute("INSERT INTO article_events BY NAME SELECT * FROM bench_reports")
            conn.execute("INSERT INTO mentions BY NAME SELECT * FROM bench_mentions")
        conn.execute("INSERT INTO resolution_queue SELECT article_id FROM articles")
    return reports_total
