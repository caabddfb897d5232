"""Direct quotes and their speakers, in paragraphs written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.extraction import Extractor, Quote
from tests.stories import story


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    from flows.extract_workers import process_extractor

    return process_extractor()


def quotes(extractor: Extractor, *paragraphs: str) -> list[Quote]:
    return extractor.extract(story(*paragraphs, day=date(2024, 3, 15), title="Quotes")).quotes


def speaker_of(found: list[Quote], start: str) -> str | None:
    (quote,) = [q for q in found if q.text.startswith(start)]
    return quote.speaker


def test_the_subject_of_the_verb_of_saying_speaks_not_the_first_name(
    extractor: Extractor,
) -> None:
    found = quotes(
        extractor,
        '"The president welcomed the outcome of the talks with Japan," Moon Jae-in\'s office'
        " Cheong Wa Dae said of the call.",
    )
    assert speaker_of(found, "The president welcomed") == "ref:south-korea-presidential-office"


def test_he_added_and_a_second_quote_keep_the_speaker(extractor: Extractor) -> None:
    found = quotes(
        extractor,
        "Foreign Minister Cho Tae-yul met Wang Yi in Beijing on Thursday.",
        '"We agreed to keep talking about the peninsula," Cho said after the meeting.'
        ' "Both sides want calm."',
        '"Dialogue is the only way forward for the region," he added.',
    )
    assert speaker_of(found, "We agreed to keep") == "ref:cho-tae-yul"
    assert speaker_of(found, "Both sides want calm") == "ref:cho-tae-yul"
    assert speaker_of(found, "Dialogue is the only way") == "ref:cho-tae-yul"


def test_a_quote_that_runs_over_paragraphs_is_attributed_where_it_ends(
    extractor: Extractor,
) -> None:
    found = quotes(
        extractor,
        '"The launch was a clear violation of the resolutions of the council.',
        '"We will answer any further provocation with a firm response," the Joint Chiefs of'
        " Staff said in a statement.",
    )
    assert speaker_of(found, "The launch was a clear") == "ref:south-korea-jcs"
    assert speaker_of(found, "We will answer any") == "ref:south-korea-jcs"


def test_quotes_without_marks(extractor: Extractor) -> None:
    found = quotes(
        extractor,
        "The ministry will keep the channel open for humanitarian talks with the North,"
        " Unification Minister Kim Yung-ho said on Friday.",
        "Kim Yung-ho said the government was reviewing the case.",
    )
    assert speaker_of(found, "The ministry will keep") == "ref:kim-yung-ho"
    # A paragraph that opens with its speaker reports what was said: not a quote.
    assert not [q for q in found if q.text.startswith("Kim Yung-ho said")]


def test_a_statement_handed_over_with_went_on(extractor: Extractor) -> None:
    found = quotes(
        extractor,
        "The Supreme People's Assembly issued a decision on the agencies on Monday.",
        "The agencies no longer serve any purpose in the present situation, the decision said,"
        " and went on:",
        "The Cabinet and the relevant organs shall take practical measures to carry it out.",
    )
    assert speaker_of(found, "The agencies no longer") == "ref:supreme-peoples-assembly"
    assert speaker_of(found, "The Cabinet and the relevant") == "ref:supreme-peoples-assembly"


def test_quoted_as_saying_and_a_transcript_line(extractor: Extractor) -> None:
    result = extractor.extract(
        story(
            'Vladimir Putin was quoted by TASS as saying "the visit opens a new page in our'
            ' relations".',
            'LIM SOO-SUK (SPOKESPERSON) : "The government regrets the decision of Japan."',
            "Lim Soo-suk is the spokesperson of the foreign ministry.",
        )
    )
    found = result.quotes
    lim = [e.key for e in result.entities.values() if e.name == "Lim Soo-suk"]
    assert speaker_of(found, "the visit opens a new page") == "ref:vladimir-putin"
    assert [speaker_of(found, "The government regrets")] == lim


def test_a_transcript_speaker_named_only_in_capitals_is_a_person(extractor: Extractor) -> None:
    """A broadcast transcript names its speaker once, in capitals, with the post glued on:
    the speaker is a person of the article all the same, and the quote is theirs."""
    result = extractor.extract(
        story(
            "South Korea said on Thursday it would end the pact with Japan.",
            '[Soundbite] KIM YOU-GEUN(NATIONAL SECURITY OFFICE) : "The government has '
            'decided to end the pact on military intelligence with Japan."',
        )
    )
    people = {e.key: e.name for e in result.entities.values() if e.type == "PERSON"}
    assert list(people.values()) == ["Kim You-geun"]
    (quote,) = [q for q in result.quotes if q.text.startswith("The government has decided")]
    assert quote.speaker in people


def test_she_is_the_sister_not_the_leader_her_phrase_names(extractor: Extractor) -> None:
    found = quotes(
        extractor,
        "The North acted on a warning by Kim Yo-jong, the influential sister of the "
        "country's leader, Kim Jong-un, to destroy the office.",
        '"Before long, the useless office will be seen to collapse," she said on Saturday.',
    )
    assert speaker_of(found, "Before long, the useless office") == "ref:kim-yo-jong"
