"""Extraction of one article: mentions, quotes and events, with one-line summaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language

from parsers.extraction.analysis import (
    Analysis,
    AnalysisMismatch,
    StoredReading,
    analyse,
    load_pipeline,
    model_id,
    text_hash,
)
from parsers.extraction.analysis import extracted_paragraphs as analysed_paragraphs
from parsers.extraction.events import EventFinder
from parsers.extraction.mentions import MentionFinder
from parsers.extraction.model import Extraction
from parsers.extraction.name_words import default_name_words
from parsers.extraction.quotes import QuoteFinder
from parsers.extraction.reference import Reference, default_reference
from parsers.extraction.referents import Referents
from parsers.extraction.states import StateIndex
from parsers.extraction.summaries import summarize
from parsers.extraction.triggers import default_triggers
from parsers.model import Article
from parsers.publication import dateline_month, publication_day

# Bump when a rule changes what extraction produces: derived rows carry it, and
# `peninsula reprocess` re-derives rows made by another version.
RULES_VERSION = "18"


def extractor_version(reference: Reference | None = None) -> str:
    """Rules, their data, the reference and the model: a change of any re-derives."""
    reference = reference or default_reference()
    data = f"{default_name_words().version}.{default_triggers().version}"
    return f"rules-{RULES_VERSION}.{data}+ref-{reference.version}+{model_id()}"


@dataclass(slots=True)
class Derived:
    """What deriving one article gives: its extraction (or why not), and the analysis
    when the model had to run (None when a kept one served)."""

    extraction: Extraction | None
    error: str | None
    analysis: StoredReading | None


class Extractor:
    """Holds the reference index and the model, loaded once and shared by every article."""

    def __init__(self, reference: Reference | None = None, nlp: Language | None = None) -> None:
        self.reference = reference or default_reference()
        self.model = model_id()
        self.version = extractor_version(self.reference)
        self._nlp = nlp
        self.words = default_name_words()
        self._finder = MentionFinder(self.reference, self.words)
        self.states = StateIndex(self.reference, self.words)
        self.triggers = default_triggers()
        self._events = EventFinder(self.triggers, self.states)
        self._quotes = QuoteFinder(self.triggers.speech_verbs)

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_pipeline()
        return self._nlp

    def analyse(self, articles: Sequence[Article]) -> list[Analysis]:
        return analyse(articles, self.nlp)

    def reading(self, article: Article, stored: StoredReading | None) -> Analysis | None:
        """The kept analysis of the article, when it is still valid for it."""
        if stored is None or stored.model != self.model:
            return None
        if stored.text_hash != text_hash(analysed_paragraphs(article)):
            return None
        try:
            return Analysis.from_bytes(stored.data, article, stored.model, self.nlp)
        except (AnalysisMismatch, ValueError):
            return None  # unreadable or of another text: analyse again

    def derive(self, jobs: Sequence[tuple[Article, StoredReading | None]]) -> list[Derived]:
        """Extract a batch of articles, reusing kept analyses and running the model (in
        one batch) only where none is valid. One article's failure costs that article."""
        readings = [self.reading(article, stored) for article, stored in jobs]
        todo = [i for i, reading in enumerate(readings) if reading is None]
        fresh: dict[int, Analysis] = dict(
            zip(todo, self.analyse([jobs[i][0] for i in todo]), strict=True)
        )
        results = []
        for i, (article, _) in enumerate(jobs):
            analysis = readings[i] or fresh[i]
            kept = (
                StoredReading(analysis.model, analysis.text_hash, analysis.to_bytes())
                if i in fresh
                else None
            )
            try:
                results.append(Derived(self.extract(article, analysis), None, kept))
            except Exception as exc:  # an extractor bug must cost one article, not the run
                message = f"extractor crashed: {type(exc).__name__}: {exc}"
                results.append(Derived(None, message, kept))
        return results

    def extract(self, article: Article, analysis: Analysis | None = None) -> Extraction:
        if analysis is None:
            (analysis,) = self.analyse([article])
        day = publication_day(article)
        entities, mentions, readings = self._finder.find(
            list(zip(analysis.paragraphs, analysis.docs, strict=True)), day
        )
        referents = Referents(self.states, entities, mentions, self.triggers.speech_verbs)
        referents.readings = {reading.seq: reading for reading in readings}
        referents.day = day
        quotes = self._quotes.find(readings, referents)
        events = []
        # A dateline without its year still gives the news its month.
        month = dateline_month(article.dateline) if day is None else None
        for event, origin in self._events.find(readings, referents, day, news_month=month):
            doc, reading = origin.reading.doc, origin.reading
            event.summary = summarize(
                event,
                doc[origin.trigger],
                doc[origin.predicate],
                entities,
                reading.entity_at,
                lambda token, reading=reading: referents.pronoun(token, reading),
            )
            events.append(event)
        return Extraction(entities, mentions, quotes, events)
