"""Rules on top of the parse that decide an event's modality, actors, place and date,
each on sentences written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from parsers import Article, Paragraph
from parsers.extraction import ArticleEvent, Extraction, Extractor
from parsers.extraction.dates import resolve_dates
from parsers.extraction.model import EventDate


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    from flows.extract_workers import process_extractor

    return process_extractor()


def read(extractor: Extractor, *paragraphs: str, day: date = date(2024, 3, 6)) -> Extraction:
    article = Article(
        source="test",
        title="Rules",
        paragraphs=tuple(Paragraph("body", p) for p in paragraphs),
        parser="test",
        parser_version="0",
        published_date=day,
    )
    return extractor.extract(article)


def one(result: Extraction, event_type: str) -> ArticleEvent:
    found = [e for e in result.events if e.event_type == event_type]
    assert len(found) == 1, [(e.event_type, e.summary) for e in result.events]
    return found[0]


# -- modality --------------------------------------------------------------------------
def test_would_in_reported_speech_is_a_plan(extractor: Extractor) -> None:
    result = read(
        extractor, "Officials said the envoys of the two countries would hold talks next week."
    )
    assert one(result, "MEETING").modality == "planned"


def test_would_under_a_condition_stays_hypothetical(extractor: Extractor) -> None:
    result = read(extractor, "Tokyo said it would impose sanctions on Pyongyang if it fired again.")
    assert one(result, "SANCTION").modality == "hypothetical"


def test_a_rejected_proposal_was_made_and_not_by_the_one_who_rejects(
    extractor: Extractor,
) -> None:
    result = read(extractor, "Pyongyang rejected the proposal on Tuesday.")
    proposal = one(result, "PROPOSE")
    assert proposal.modality == "asserted"
    assert "ref:north-korea" not in proposal.actors
    assert one(result, "REJECT").actors == {"ref:north-korea": "source"}


def test_what_a_statement_holds_is_not_denied_by_a_verb_in_it(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Kim Yo Jong, the sister of the leader, issued a statement on Tuesday.",
        "In the statement, she rejected the offer of talks.",
    )
    statements = [e for e in result.events if e.event_type == "STATEMENT"]
    assert statements and all(s.modality == "asserted" for s in statements)


def test_no_interest_in_talks_denies_them(extractor: Extractor) -> None:
    result = read(extractor, "North Korea has no interest in talks with Japan.")
    assert one(result, "MEETING").modality == "denied"


def test_a_second_infinitive_shares_its_governor(extractor: Extractor) -> None:
    result = read(
        extractor, "Putin said he promised to work for peace, and to visit Pyongyang soon."
    )
    assert one(result, "MEETING").modality == "planned"


def test_a_headline_infinitive_is_a_plan(extractor: Extractor) -> None:
    result = read(extractor, "Xi Jinping to visit Pyongyang this week")
    assert one(result, "MEETING").modality == "planned"


# -- actors and place ------------------------------------------------------------------
def test_a_nationality_on_a_common_noun_is_its_state(extractor: Extractor) -> None:
    result = read(extractor, "Chinese fighter jets shot down a drone over the Yellow Sea.")
    assert one(result, "ASSAULT").actors.get("ref:china") == "source"


def test_the_two_koreas(extractor: Extractor) -> None:
    result = read(extractor, "The two Koreas are set to hold military talks on Friday.")
    meeting = one(result, "MEETING")
    assert {"ref:north-korea", "ref:south-korea"} <= set(meeting.actors)


def test_she_is_the_woman_named(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Kim Yo Jong, the sister of Kim Jong Un, met Choe Son Hui on Monday.",
        "She later threatened Seoul.",
    )
    assert "ref:kim-yo-jong" in one(result, "THREATEN").actors


def test_the_speaker_of_reported_speech_takes_no_part(extractor: Extractor) -> None:
    result = read(extractor, "Xinhua said the two leaders will hold talks after lunch.")
    assert "ref:xinhua" not in one(result, "MEETING").actors


def test_a_visited_city_is_the_place(extractor: Extractor) -> None:
    result = read(extractor, "Vladimir Putin visited Pyongyang on Monday.")
    meeting = one(result, "MEETING")
    assert meeting.place == "ref:pyongyang"
    assert "ref:russia" in meeting.actors


def test_presiding_over_a_meeting_takes_part_in_it(extractor: Extractor) -> None:
    result = read(
        extractor, "Yoon Suk Yeol presided over a meeting of the cabinet on Tuesday morning."
    )
    meeting = one(result, "MEETING")
    assert "ref:yoon-suk-yeol" in meeting.actors
    assert meeting.date == EventDate(date(2024, 3, 5), "day")


def test_a_national_security_council_is_not_the_security_council(extractor: Extractor) -> None:
    result = read(extractor, "The National Security Council met on Tuesday in Seoul.")
    assert "ref:unsc" not in result.entities
    assert "ref:us-national-security-council" not in result.entities


# -- dates ------------------------------------------------------------------------------
def test_a_month_of_last_year() -> None:
    ((_, value),) = resolve_dates("In August last year, it fired two missiles.", date(2024, 3, 6))
    assert value == EventDate(date(2023, 8, 1), "month")


def test_a_date_that_names_a_thing_is_not_the_events(extractor: Extractor) -> None:
    result = read(extractor, "Pyongyang scrapped a 2018 military pact in November.")
    assert one(result, "REJECT").date == EventDate(date(2023, 11, 1), "month")


def test_a_dated_reaction_in_the_lede_dates_what_it_is_about(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Japan's prime minister condemned North Korea's nuclear test on Sunday as a grave threat.",
        day=date(2017, 9, 3),
    )
    assert one(result, "WEAPONS_TEST").date == EventDate(date(2017, 9, 3), "day")
