"""Entities, quotes, dates and events of single articles (pure: no database, no Prefect)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from parsers import Article, Paragraph, parse_document
from parsers.extraction import Extraction, Extractor
from parsers.extraction.dates import resolve_dates
from tests.conftest import VOA_SEED, YONHAP_SEED

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def yonhap(extractor: Extractor) -> Extraction:
    return extractor.extract(parse_document(YONHAP_SEED.read_bytes()))


@pytest.fixture(scope="module")
def voa(extractor: Extractor) -> Extraction:
    return extractor.extract(parse_document(VOA_SEED.read_bytes()))


def story(*paragraphs: str, published: datetime | None = None) -> Article:
    return Article(
        source="test",
        title="Test story",
        paragraphs=tuple(Paragraph("body", p) for p in paragraphs),
        parser="test",
        parser_version="0",
        published_at=published,
    )


def names(extraction: Extraction) -> set[str]:
    return {e.name for e in extraction.entities.values()}


def test_romanization_variants_are_one_entity(yonhap: Extraction, voa: Extraction) -> None:
    assert "ref:kim-myong-gil" in yonhap.entities  # "Kim Myong-gil"
    assert "ref:kim-myong-gil" in voa.entities  # "Kim Myong Gil"
    assert "ref:kim-jong-un" in yonhap.entities and "ref:kim-jong-un" in voa.entities
    assert yonhap.entities["ref:kim-hyok-chol"].surfaces == {"Kim Hyock-chol"}


def test_people_the_text_introduces_keep_role_and_affiliation(
    yonhap: Extraction, voa: Extraction
) -> None:
    park = yonhap.entities["txt:parkwongon"]
    assert park.type == "PERSON"
    assert park.role == "professor of international politics at Handong Global University"
    assert park.affiliation == "txt:handongglobaluniversity"
    oba = voa.entities["txt:mintarooba"]
    assert oba.role == "former U.S. diplomat focused on Korea"
    # "Oba said." later in the story is the same man.
    assert any(m.surface == "Oba" and m.entity == oba.key for m in voa.mentions)


def test_a_shared_surname_resolves_only_with_a_description(
    extractor: Extractor, voa: Extraction
) -> None:
    article = parse_document(VOA_SEED.read_bytes())
    seq = next(i for i, p in enumerate(article.paragraphs, 1) if p.text.startswith("Having so"))
    described = [m for m in voa.mentions if m.surface == "Kim" and m.paragraph_seq == seq]
    assert [m.entity for m in described] == ["ref:kim-myong-gil"]  # "Kim, the top ... negotiator"
    bare = extractor.extract(
        story("Kim Jong Un met Kim Yo Jong at the party meeting.", "Kim said nothing more.")
    )
    assert not [m for m in bare.mentions if m.surface == "Kim"]


def test_capitals_that_act_are_states_and_places_stay_places(extractor: Extractor) -> None:
    result = extractor.extract(
        story(
            "Pyongyang said it would not return to talks, and Washington's envoy "
            "left for Beijing after arriving in Seoul."
        )
    )
    surfaces = {m.surface: m.entity for m in result.mentions}
    assert surfaces["Pyongyang"] == "ref:north-korea"
    assert surfaces["Washington"] == "ref:united-states"
    assert surfaces["Seoul"] == "ref:seoul"


def test_weekdays_months_and_sentence_words_are_never_entities(
    yonhap: Extraction, voa: Extraction
) -> None:
    found = names(yonhap) | names(voa)
    for word in ("Saturday", "Sunday", "February", "August", "Despite", "Such", "Hours"):
        assert word not in found
    found_in_text = {
        e.name for e in (yonhap.entities | voa.entities).values() if e.key[:4] == "txt:"
    }
    assert not any(n.startswith(("But ", "The ", "Professor ")) for n in found_in_text)
    assert {"Leif-Eric Easley", "Park Won-gon", "Van Jackson"} <= found_in_text


def test_quotes_with_lost_marks_and_pronouns(voa: Extraction) -> None:
    by_start = {q.text[:30]: q for q in voa.quotes}
    lost = by_start["It is entirely because the U.S"]
    assert (lost.speaker, lost.partial) == ("ref:kim-myong-gil", False)
    added = by_start["The U.S. came to the negotiati"]  # "..., he added."
    assert added.speaker == "ref:kim-myong-gil"
    assert by_start["I don't think this is necessar"].speaker == "txt:mintarooba"


def test_a_few_quoted_words_are_a_partial_quote(yonhap: Extraction) -> None:
    sickening = next(q for q in yonhap.quotes if q.text == "sickening")
    assert sickening.partial
    full = next(q for q in yonhap.quotes if q.text.startswith("The North appears"))
    assert not full.partial and full.speaker == "txt:parkwongon"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("the talks in Sweden on Saturday", "2019-10-05"),
        ("On Sunday, a spokesperson said", "2019-10-06"),
        ("since February's summit", "2019-02"),
        ("a combined exercise in August", "2019-08"),
        ("their first meeting in Singapore in June 2018", "2018-06"),
        ("arriving in Beijing on Oct. 7, 2019", "2019-10-07"),
        ("they will meet again on Tuesday", "2019-10-08"),
    ],
)
def test_dates_resolve_against_publication_in_its_zone(sentence: str, expected: str) -> None:
    # 11:12 Monday in Seoul is still Sunday in UTC: the outlet's own zone decides.
    published = datetime(2019, 10, 7, 1, 30, tzinfo=SEOUL)
    ((_, found),) = resolve_dates(sentence, published)
    assert found.label() == expected


def test_without_a_publication_time_relative_dates_stay_unresolved() -> None:
    ((_, saturday),) = resolve_dates("the talks on Saturday", None)
    assert saturday.value is None and saturday.precision == "unknown"
    ((_, june),) = resolve_dates("in June 2018", None)
    assert june.value == date(2018, 6, 1)


def test_seed_events_have_actors_place_date(yonhap: Extraction) -> None:
    talks = next(e for e in yonhap.events if e.event_type == "MEETING" and e.place == "ref:sweden")
    assert talks.date.label() == "2019-10-05"
    assert {"ref:kim-myong-gil", "ref:stephen-biegun"} <= set(talks.actors)
    hanoi = next(e for e in yonhap.events if e.place == "ref:hanoi")
    assert (hanoi.event_type, hanoi.kind, hanoi.date.label()) == ("MEETING", "summit", "2019-02")
    assert {"ref:donald-trump", "ref:kim-jong-un"} <= set(hanoi.actors)


def test_two_launches_in_one_week_are_two_events(extractor: Extractor) -> None:
    result = extractor.extract(
        story(
            "North Korea fired a ballistic missile into the East Sea on Monday, the Joint "
            "Chiefs of Staff said.",
            "North Korea fired two short-range missiles from Wonsan on Thursday, the JCS said.",
            published=datetime(2024, 3, 15, 10, 0, tzinfo=SEOUL),
        )
    )
    launches = [e for e in result.events if e.event_type == "WEAPONS_TEST"]
    assert sorted(e.date.label() for e in launches) == ["2024-03-11", "2024-03-14"]


def test_modality_reported_and_hypothetical(yonhap: Extraction) -> None:
    offer = next(e for e in yonhap.events if e.event_type == "PROPOSE" and e.trigger == "offer")
    assert offer.modality == "reported"


def test_he_and_she_resolve_only_to_the_one_person_just_named(
    extractor: Extractor, yonhap: Extraction
) -> None:
    pronouns = [(m.surface, m.entity) for m in yonhap.mentions if m.surface in ("he", "He")]
    assert ("he", "txt:parkwongon") in pronouns  # '"One likely scenario ...," he added.'
    assert ("he", "txt:leifericeasley") in pronouns  # after Easley's paragraph
    doubtful = extractor.extract(
        story(
            "Foreign Minister Cho Tae-yul met Secretary of State Antony Blinken in Seoul.",
            "He said the allies would respond firmly.",
        )
    )
    assert not [m for m in doubtful.mentions if m.surface == "He"]


def test_a_role_is_the_description_not_the_clause_that_joins_it(extractor: Extractor) -> None:
    """What `peninsula who` lists as a person's roles reads as a description."""
    extraction = extractor.extract(
        story(
            "Officials in Seoul said that the foreign minister's chief aide, Lee Dong-hwan,"
            " met U.S. envoys on Tuesday.",
            "The talks were led by Jane Whitcombe, who was described as the State"
            " Department's senior official for Korea policy.",
        )
    )
    roles = {e.name: e.role for e in extraction.entities.values() if e.type == "PERSON"}
    assert roles["Lee Dong-hwan"] == "the foreign minister's chief aide"
    assert roles["Jane Whitcombe"] == "State Department's senior official for Korea policy"
