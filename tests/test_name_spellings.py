"""One person under several spellings: Korean names in the romanization of the outlet
(South Korean papers vs KCNA), and a known person's name with a typo, are linked to one
entity; different people who only look alike are not."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.extraction import Extraction, Extractor
from parsers.extraction.romanization import person_name_key, romanization_key
from tests.stories import story


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    from flows.extract_workers import process_extractor

    return process_extractor()


def read(extractor: Extractor, text: str) -> Extraction:
    return extractor.extract(story(text, day=date(2018, 9, 19), title="Spellings"))


def keys_named(result: Extraction, surface: str) -> set[str]:
    return {e.key for e in result.entities.values() if surface in e.surfaces}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Song Young-moo", "Song Yong Mu"),
        ("Kang Kyung-wha", "Kang Kyong Hwa"),
        ("Moon Jae-in", "Mun Jae In"),
        ("Kim Yong-chul", "Kim Yong Chol"),
        ("Lee Jae-myung", "Ri Jae Myong"),
        ("Cho Hyun-dong", "Jo Hyon Dong"),
    ],
)
def test_romanizations_of_one_korean_name_share_a_key(one: str, other: str) -> None:
    assert romanization_key(one) is not None
    assert romanization_key(one) == romanization_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Kim Jong Un", "Kim Jong Il"), ("Kim Yo Jong", "Kim Yong Nam"), ("Moon Jae-in", "Moon Jin")],
)
def test_different_korean_names_stay_apart(one: str, other: str) -> None:
    assert romanization_key(one) != romanization_key(other)


@pytest.mark.parametrize("name", ["Donald Trump", "Sergei Lavrov", "Xi Jinping", "Shinzo Abe"])
def test_names_that_are_not_korean_are_not_folded(name: str) -> None:
    assert romanization_key(name) is None


def test_a_kcna_spelling_links_to_the_known_minister(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Defence Minister Song Yong Mu and No Kwang Chol signed the military agreement "
        "in Pyongyang on Wednesday.",
    )
    assert keys_named(result, "Song Yong Mu") == {"ref:song-young-moo"}


def test_a_typo_in_a_known_given_name_still_names_the_person(extractor: Extractor) -> None:
    result = read(extractor, "U.S. President Donlad Trump said the talks went well.")
    assert keys_named(result, "Donlad Trump") == {"ref:donald-trump"}


def test_a_different_given_name_with_a_known_surname_is_someone_else(
    extractor: Extractor,
) -> None:
    result = read(extractor, "Ivanka Trump said the visit went well.")
    assert "ref:donald-trump" not in keys_named(result, "Ivanka Trump")


def test_an_unknown_korean_person_is_one_entity_across_romanizations(
    extractor: Extractor,
) -> None:
    seoul = read(extractor, "Foreign Minister Kang Kyung-wha said Seoul would respond calmly.")
    kcna = read(extractor, "Foreign Minister Kang Kyong Hwa was present at the ceremony.")
    (one,) = keys_named(seoul, "Kang Kyung-wha")
    (other,) = keys_named(kcna, "Kang Kyong Hwa")
    assert one == other


def test_a_body_named_after_a_korean_mountain_is_one_either_way(extractor: Extractor) -> None:
    english = read(
        extractor, "The Mount Kumgang International Tourism Administration issued a notice."
    )
    korean = read(extractor, "The Kumgangsan International Tourism Administration said so.")
    (one,) = keys_named(english, "Mount Kumgang International Tourism Administration")
    (other,) = keys_named(korean, "Kumgangsan International Tourism Administration")
    assert one == other


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Alexander Kozlov", "Alexandr Kozlov"),
        ("Aleksandr Kozlov", "Alexander Kozlov"),
        ("Sergei Shoigu", "Sergey Shoigu"),
        ("Dmitry Peskov", "Dmitri Peskov"),
        ("Yuri Ushakov", "Yury Ushakov"),
        ("Andrei Rudenko", "Andrey Rudenko"),
    ],
)
def test_transliterations_of_one_given_name_share_a_key(one: str, other: str) -> None:
    assert person_name_key(one) == person_name_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Peter Ward", "Pyotr Ward"),
        ("Alexander Kozlov", "Alexander Kozyrev"),
        ("Dan Lee", "Don Lee"),
    ],
)
def test_different_people_keep_apart_keys(one: str, other: str) -> None:
    assert person_name_key(one) != person_name_key(other)


def test_an_unknown_russian_official_is_one_entity_across_transliterations(
    extractor: Extractor,
) -> None:
    tass = read(extractor, "He exchanged greetings with Alexandr Kozlov, the ecology minister.")
    wire = read(extractor, "He was greeted by Natural Resources Minister Alexander Kozlov.")
    (one,) = keys_named(tass, "Alexandr Kozlov")
    (other,) = keys_named(wire, "Alexander Kozlov")
    assert one == other
