"""Extraction of one article: mentions, quotes and events, with one-line summaries."""

from __future__ import annotations

from datetime import datetime

from parsers.extraction.events import find_events
from parsers.extraction.mentions import MentionFinder, SentenceText
from parsers.extraction.model import ArticleEntity, ArticleEvent, Extraction
from parsers.extraction.quotes import QuoteParagraph, find_quotes
from parsers.extraction.reference import Reference, default_reference
from parsers.extraction.text import sentence_spans
from parsers.model import Article

# Bump when a rule changes what extraction produces: derived rows carry it, and
# `peninsula reprocess` re-derives rows made by another version.
RULES_VERSION = "2"

# Captions name people and places too; subheads are headline-style fragments
# ("Trump Has ...") that only add false entities.
_EXTRACTED_KINDS = frozenset({"body", "caption"})

_LABELS = {
    "MEETING": "Meeting",
    "STATEMENT": "Statement",
    "ACCUSE": "Accusation",
    "REQUEST": "Request",
    "THREATEN": "Threat",
    "REJECT": "Rejection",
    "AGREE": "Agreement",
    "PROPOSE": "Proposal",
    "WEAPONS_TEST": "Weapons test",
    "MILITARY_EXERCISE": "Military exercise",
    "SANCTION": "Sanctions",
    "EASE_SANCTIONS": "Sanctions relief",
    "AID": "Aid",
    "COOPERATE": "Cooperation",
    "PROTEST": "Protest",
    "ASSAULT": "Attack",
}


def extractor_version(reference: Reference | None = None) -> str:
    reference = reference or default_reference()
    return f"rules-{RULES_VERSION}+ref-{reference.version}"


class Extractor:
    """Holds the reference index, built once and shared by every article."""

    def __init__(self, reference: Reference | None = None) -> None:
        self.reference = reference or default_reference()
        self.version = extractor_version(self.reference)
        self._finder = MentionFinder(self.reference)
        # Country code -> the state's actor id, for the states that have a capital.
        self._states = {
            self.reference.actors[a.capital_of].country or "": a.capital_of
            for a in self.reference.actors.values()
            if a.capital_of and a.capital_of in self.reference.actors
        }
        self._state_ids = frozenset(self._states.values())

    def _normalize_actors(self, event: ArticleEvent, entities: dict[str, ArticleEntity]) -> None:
        """States act, cities do not; a state acts through its people and bodies.

        A capital named as an actor is its state ("Washington" -> United States), another
        city is no actor at all, and Kim Jong Un's launch is also North Korea's.
        """
        states = self._state_ids
        for key, role in list(event.actors.items()):
            entity = entities[key]
            if entity.type == "GPE" and key.removeprefix("ref:") not in states:
                del event.actors[key]
                actor = self.reference.actors.get(key.removeprefix("ref:"))
                if actor and actor.capital_of in states:
                    self._add_actor(event, entities, actor.capital_of, role)
                continue
            state_id = self._states.get(entity.country or "")
            if entity.type != "GPE" and state_id is not None:
                self._add_actor(event, entities, state_id, role)

    def _add_actor(
        self, event: ArticleEvent, entities: dict[str, ArticleEntity], actor_id: str, role: str
    ) -> None:
        key = f"ref:{actor_id}"
        if key in event.actors:
            return
        actor = self.reference.actors[actor_id]
        entities.setdefault(
            key, ArticleEntity(key, actor.name, actor.type, actor.country, actor.wikidata)
        )
        event.actors[key] = role

    def extract(self, article: Article) -> Extraction:
        paragraphs: list[QuoteParagraph] = []
        for seq, paragraph in enumerate(article.paragraphs, start=1):
            if paragraph.kind not in _EXTRACTED_KINDS:
                continue
            sentences = [
                SentenceText(seq, index, paragraph.text[start:end], start)
                for index, (start, end) in enumerate(sentence_spans(paragraph.text))
            ]
            paragraphs.append(QuoteParagraph(seq, paragraph.text, sentences))
        flat = [s for p in paragraphs for s in p.sentences]
        entities, mentions = self._finder.find(flat)
        quotes = find_quotes(paragraphs, entities, mentions)
        # Dates are read against the day of publication, also when no time is printed.
        published = article.published_at
        if published is None and article.published_date is not None:
            published = datetime.combine(article.published_date, datetime.min.time())
        events = find_events(flat, entities, mentions, published)
        for event in events:
            self._normalize_actors(event, entities)
            event.summary = summarize(event, entities)
        return Extraction(entities, mentions, quotes, events)


def summarize(event: ArticleEvent, entities: dict[str, ArticleEntity]) -> str:
    def names(role: str) -> str:
        return ", ".join(entities[k].name for k, r in event.actors.items() if r == role)

    parts = [f"{_LABELS[event.event_type]} ({event.trigger})"]
    if event.event_type == "MEETING":
        if who := names("participant"):
            parts.append(f": {who}")
    else:
        if source := names("source"):
            parts.append(f": {source}")
        if target := names("target"):
            parts.append(f" -> {target}")
    if event.place:
        parts.append(f", in {entities[event.place].name}")
    if event.date.value is not None:
        parts.append(f", {event.date.label()}")
    if event.modality != "asserted":
        parts.append(f" [{event.modality}]")
    return "".join(parts)
