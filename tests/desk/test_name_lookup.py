"""Typed names to entities, as extraction links them: romanizations, Hangul, surnames."""

from __future__ import annotations

import pytest

from parsers.extraction.reference import default_reference
from parsers.name_lookup import KnownName, NameAmbiguous, NameBook, NameNotFound


@pytest.fixture(scope="module")
def book() -> NameBook:
    # Two names only the texts gave: a person, and a misspelling of a reference actor.
    return NameBook(
        default_reference(),
        [
            KnownName("txt:leifericeasley", "Leif-Eric Easley", "Leif-Eric Easley"),
            KnownName("txt:donladtrump", "Donlad Trump", "Donlad Trump"),
        ],
    )


@pytest.mark.parametrize("typed", ["Kim Jong Un", "Kim Jong-un", "KIM JONG UN", "김정은"])
def test_every_romanization_and_the_hangul_reach_one_actor(book: NameBook, typed: str) -> None:
    match = book.resolve(typed)
    assert (match.entity_id, match.name) == ("ref:kim-jong-un", "Kim Jong Un")


def test_kim_yo_jong_by_romanization_and_by_hangul(book: NameBook) -> None:
    assert book.resolve("Kim Yo Jong").entity_id == book.resolve("김여정").entity_id


def test_a_surname_that_belongs_to_one_known_name_resolves(book: NameBook) -> None:
    match = book.resolve("Ortagus")
    assert (match.name, match.whole) == ("Morgan Ortagus", False)
    assert book.resolve("Easley").entity_id == "txt:leifericeasley"


def test_a_misspelling_in_one_text_does_not_make_a_surname_ambiguous(book: NameBook) -> None:
    assert book.resolve("Trump").name == "Donald Trump"


def test_a_surname_many_people_share_lists_them(book: NameBook) -> None:
    with pytest.raises(NameAmbiguous) as raised:
        book.resolve("Kim")
    assert {"Kim Jong Un", "Kim Yo-jong"} <= set(raised.value.candidates)
    assert "give more of the name" in str(raised.value)


def test_an_unknown_name_suggests_the_closest_known_ones(book: NameBook) -> None:
    with pytest.raises(NameNotFound) as raised:
        book.resolve("Kimm Jong-unn")
    assert raised.value.suggestions[0] == "Kim Jong Un"
    with pytest.raises(NameNotFound) as nothing:
        book.resolve("Zzyzx Qwerty")
    assert nothing.value.suggestions == []


def test_a_name_written_as_no_text_wrote_it_finds_the_entity_extraction_keys_it_to() -> None:
    # The texts wrote "Kumgangsan ..." and "Kang Kyung-wha"; a user types other spellings.
    book = NameBook(
        default_reference(),
        [
            KnownName(
                "txt:kumgangsaninternationaltourismadministration",
                "Kumgangsan International Tourism Administration",
                "Kumgangsan International Tourism Administration",
            ),
            KnownName("txt:kangkyonghwa", "Kang Kyung-wha", "Kang Kyung-wha"),
        ],
    )
    mount = book.resolve("Mount Kumgang International Tourism Administration")
    assert mount.entity_id == "txt:kumgangsaninternationaltourismadministration"
    assert book.resolve("Kang Kyong Hwa").entity_id == "txt:kangkyonghwa"
