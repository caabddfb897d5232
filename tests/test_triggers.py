"""The event triggers are data (parsers/reference/triggers.yaml): every trigger in the file
comes with an example sentence of its own, and the example must give the trigger's event,
with the trigger as the word that reports it. A word added to the data without an example,
or whose example the rules do not read as that event, fails here."""

from __future__ import annotations

from datetime import date

import pytest

from parsers import Article, Paragraph
from parsers.extraction import Extractor
from parsers.extraction.triggers import (
    Trigger,
    TriggerDataError,
    default_triggers,
    hyphenated_lemma,
    lemma_of,
    parse_triggers,
)

TRIGGERS = default_triggers().triggers


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    from flows.extract_workers import process_extractor

    return process_extractor()


def test_every_trigger_has_an_example() -> None:
    missing = [f"{t.lemma}/{t.pos}/{t.event_type}" for t in TRIGGERS if not t.example.strip()]
    assert not missing


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda t: f"{t.lemma}-{t.pos}-{t.event_type}")
def test_the_example_of_each_trigger_gives_its_event(
    extractor: Extractor, trigger: Trigger
) -> None:
    article = Article(
        source="test",
        title="Example",
        paragraphs=(Paragraph("body", trigger.example),),
        parser="test",
        parser_version="0",
        published_date=date(2024, 3, 15),
    )
    (analysis,) = extractor.analyse([article])
    words = {
        t.text.lower()
        for t in analysis.docs[0]
        if trigger.lemma in (lemma_of(t), hyphenated_lemma(t))
    }
    events = extractor.extract(article, analysis).events
    assert any(e.event_type == trigger.event_type and e.trigger in words for e in events), (
        trigger.example,
        [(e.event_type, e.trigger) for e in events],
    )


def test_a_malformed_trigger_file_is_refused_naming_the_entry() -> None:
    with pytest.raises(TriggerDataError, match="trigger 1 \\(meet\\): unknown type 'MEETS'"):
        parse_triggers("version: '1'\ntriggers:\n  - {lemma: meet, pos: VERB, type: MEETS}\n")
