"""Scoring a pipeline's output against a gold file (format `peninsula-gold/1`).

Pure: the caller reads what the warehouse holds into the views below; this module
compares them with the gold annotation by the rules of the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from parsers.extraction.model import PRECISION_RANK
from parsers.extraction.names import name_key
from parsers.extraction.romanization import text_entity_keys
from parsers.model import Article


@dataclass(frozen=True, slots=True)
class EntityView:
    entity_id: str
    names: frozenset[str]  # name keys of the name and every alias
    entity_type: str


@dataclass(frozen=True, slots=True)
class QuoteView:
    speaker_names: frozenset[str]
    text: str


@dataclass(frozen=True, slots=True)
class EventView:
    event_id: str
    event_type: str
    date: date | None
    precision: str
    place_names: frozenset[str]
    actor_names: tuple[frozenset[str], ...]
    modality: str


@dataclass(slots=True)
class ArticleView:
    entities: list[EntityView]
    quotes: list[QuoteView]
    events: list[EventView]
    # The article as stored, whose anatomy the gold's `anatomy` fields describe.
    article: Article | None = None


@dataclass(slots=True)
class Score:
    found: int = 0
    total: int = 0

    @property
    def ratio(self) -> float:
        return self.found / self.total if self.total else 1.0

    def add(self, other: Score) -> None:
        self.found += other.found
        self.total += other.total

    def __str__(self) -> str:
        return f"{self.ratio:.3f} ({self.found}/{self.total})"


@dataclass(slots=True)
class ArticleScore:
    key: str
    entity_recall: Score = field(default_factory=Score)
    entity_precision: Score = field(default_factory=Score)
    quote_recall: Score = field(default_factory=Score)
    event_recall: Score = field(default_factory=Score)
    trap_hits: list[str] = field(default_factory=list)
    type_errors: list[str] = field(default_factory=list)
    missed_entities: list[str] = field(default_factory=list)
    missed_quotes: list[str] = field(default_factory=list)
    missed_events: list[str] = field(default_factory=list)
    anatomy: Score = field(default_factory=Score)
    failed_anatomy: list[str] = field(default_factory=list)
    # gold event id -> ids of the warehouse events that match it in this article
    event_matches: dict[str, set[str]] = field(default_factory=dict)


def keys(names: list[str] | tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    return frozenset(k for k in (name_key(n) for n in names) if k)


def score_article(gold: dict, view: ArticleView) -> ArticleScore:
    result = ArticleScore(gold.get("key") or gold["file"])
    if view.article is not None and gold.get("anatomy"):
        result.anatomy, result.failed_anatomy = score_anatomy(gold["anatomy"], view.article)
    matched_ids: set[str] = set()
    for entity in gold.get("entities", []):
        wanted = keys([entity["name"], *entity.get("aliases", [])])
        hits = [e for e in view.entities if e.names & wanted]
        result.entity_recall.total += 1
        if hits:
            result.entity_recall.found += 1
            matched_ids.update(e.entity_id for e in hits)
            if not any(e.entity_type == entity["type"] for e in hits):
                result.type_errors.append(f"{entity['name']} ({hits[0].entity_type})")
        else:
            result.missed_entities.append(entity["name"])
    traps = keys(gold.get("not_entities", []))
    for entity in view.entities:
        if entity.names & traps:
            result.trap_hits.append(sorted(entity.names & traps)[0])
    wrong = len(result.trap_hits) + len(result.type_errors)
    result.entity_precision = Score(max(0, len(view.entities) - wrong), len(view.entities))

    for quote in gold.get("quotes", []):
        speaker = name_key(quote["speaker"])
        starts = _quote_text(quote["starts"])
        result.quote_recall.total += 1
        if any(
            speaker in q.speaker_names and _quote_text(q.text).startswith(starts)
            for q in view.quotes
        ):
            result.quote_recall.found += 1
        else:
            result.missed_quotes.append(f"{quote['speaker']}: {quote['starts'][:40]}")

    for event in gold.get("events", []):
        matches = {e.event_id for e in view.events if event_matches(event, e)}
        result.event_matches[event["id"]] = matches
        result.event_recall.total += 1
        if matches:
            result.event_recall.found += 1
        else:
            result.missed_events.append(event["id"])
    return result


def _quote_text(text: str) -> str:
    return " ".join(re.sub("[\"'\u201c\u201d\u2018\u2019]", "", text).split()).casefold()


def event_matches(gold: dict, event: EventView) -> bool:
    if "types" in gold and event.event_type not in gold["types"]:
        return False
    if "date" in gold and not date_agrees(gold["date"], gold.get("precision"), event):
        return False
    if "place_any" in gold and not (event.place_names & keys(gold["place_any"])):
        return False
    if "actors_all" in gold and not all(
        any(name_key(name) in actor for actor in event.actor_names) for name in gold["actors_all"]
    ):
        return False
    if "actors_any" in gold and not any(
        any(name_key(name) in actor for actor in event.actor_names) for name in gold["actors_any"]
    ):
        return False
    return not ("modality_any" in gold and event.modality not in gold["modality_any"])


_WIDTH = {"day": 10, "month": 7, "year": 4}


def date_agrees(wanted: str, precision: str | None, event: EventView) -> bool:
    """The event's date agrees at the gold precision; a finer date inside also agrees."""
    precision = precision or {10: "day", 7: "month", 4: "year"}[len(wanted)]
    if event.date is None or PRECISION_RANK[event.precision] < PRECISION_RANK[precision]:
        return False
    return event.date.isoformat()[: _WIDTH[precision]] == wanted[: _WIDTH[precision]]


def same_entity_holds(pair: list[str], entities: list[EntityView]) -> bool:
    """Each surface form of the pair resolves to one and the same entity: one that holds
    the form, or the one extraction would key the form to ("Mount Kumgang ..." is the
    "Kumgangsan ..." it found)."""
    owners = []
    for form in pair:
        key, keyed = name_key(form), text_entity_keys(form)
        owners.append({e.entity_id for e in entities if key in e.names or e.entity_id in keyed})
    return bool(owners) and bool(set.intersection(*owners))


def same_event_holds(
    item: dict, article_scores: list[ArticleScore], events: dict[str, EventView]
) -> bool:
    """The gold event matched in `articles` articles is one event whose date agrees."""
    present = [s.event_matches[item["id"]] for s in article_scores if item["id"] in s.event_matches]
    if len(present) < item.get("articles", 2):
        return False
    common = set.intersection(*present)
    if item.get("date") is None:
        # No article gives the date: any date, or none, agrees.
        return bool(common)
    return any(date_agrees(item["date"], None, events[e]) for e in common if e in events)


# ---------------------------------------------------------------------- anatomy

_TEXT_FIELDS = ("title", "label", "section", "byline", "dateline_place")
_COUNTED = {"captions": "caption", "subheads": "subhead"}
ANATOMY_FIELDS = frozenset(
    (
        *_TEXT_FIELDS,
        *_COUNTED,
        "published_at",
        "subhead_texts",
        "first_paragraph_starts",
        "last_paragraph_starts",
        "absent",
        "replacement_characters_flagged",
    )
)


def score_anatomy(anatomy: dict, article: Article) -> tuple[Score, list[str]]:
    """Each field of the gold's anatomy (FORMAT.md) is one check; the failed ones come
    back with what the article holds instead."""
    score, failed = Score(), []
    for name, expected in anatomy.items():
        actual = _actual(name, expected, article)
        score.total += 1
        if _holds(name, expected, actual):
            score.found += 1
        else:
            shown = actual.isoformat() if isinstance(actual, datetime) else actual
            failed.append(f"{name}: expected {expected!r}, got {shown!r}")
    return score, failed


def _actual(name: str, expected: object, article: Article) -> object:
    if name in _TEXT_FIELDS:
        return getattr(article, name)
    if name in _COUNTED:
        # Distinct paragraphs: a caption printed twice counts once.
        return len(set(article.texts(_COUNTED[name])))  # type: ignore[arg-type]
    body = article.body
    match name:
        case "published_at":
            return article.published_at
        case "subhead_texts":
            return article.texts("subhead")
        case "first_paragraph_starts":
            return body[0] if body else None
        case "last_paragraph_starts":
            return body[-1] if body else None
        case "absent":  # what is left of the strings that must be gone
            return [t for t in expected if any(t in p.text for p in article.paragraphs)]  # type: ignore[attr-defined]
        case "replacement_characters_flagged":
            return article.replacement_chars
    raise ValueError(f"unknown anatomy field {name!r}")


def _holds(name: str, expected: object, actual: object) -> bool:
    if name in _TEXT_FIELDS:
        return _collapsed(expected) == _collapsed(actual)
    match name:
        case "published_at":
            # The instant and the UTC offset the outlet printed it with; null: no time.
            if expected is None or actual is None:
                return expected is None and actual is None
            wanted = datetime.fromisoformat(str(expected))
            return actual == wanted and actual.utcoffset() == wanted.utcoffset()  # type: ignore[attr-defined]
        case "first_paragraph_starts" | "last_paragraph_starts":
            return actual is not None and (_collapsed(actual) or "").startswith(
                _collapsed(expected) or ""
            )
        case "absent":
            return actual == []
    return expected == actual


def _collapsed(value: object) -> str | None:
    return " ".join(str(value).split()) if value else None
