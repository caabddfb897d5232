"""Checks on the actor reference data in parsers/reference/actors.yaml.

Two kinds of test live here: structural checks that every record must pass
(ids, types, cross-references, dates, alias hygiene), and spot checks of
offices against public sources, each cited next to its row.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml

ACTORS_PATH = Path(__file__).resolve().parent.parent / "parsers" / "reference" / "actors.yaml"

VALID_TYPES = {"PERSON", "ORG", "GPE", "LOC", "FAC"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY_RE = re.compile(r"^[A-Z]{3}$")
WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
ACTOR_KEYS = {
    "id",
    "name",
    "type",
    "country",
    "hangul",
    "wikidata",
    "aliases",
    "capital_of",
    "part_of",
    "offices",
    "gender",
}
OFFICE_KEYS = {"title", "of", "start", "end"}
# Bare words that must never be an alias or a name on their own: common Korean
# surnames (in several romanizations) and the bare compass words.
FORBIDDEN_BARE = {
    "kim",
    "park",
    "pak",
    "lee",
    "ri",
    "rhee",
    "yi",
    "moon",
    "mun",
    "yoon",
    "yun",
    "choi",
    "choe",
    "jung",
    "chung",
    "jeong",
    "kang",
    "cho",
    "han",
    "north",
    "south",
}

# A date at the precision the data gives it: (year, month or None, day or None).
PartialDate = tuple[int, int | None, int | None]


@cache
def load_reference() -> dict[str, Any]:
    with ACTORS_PATH.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict)
    return data


def actors() -> list[dict[str, Any]]:
    return load_reference()["actors"]


def actors_by_id() -> dict[str, dict[str, Any]]:
    return {actor["id"]: actor for actor in actors()}


def normalize(surface: str) -> str:
    """NFKC, casefold, then keep only letters and digits."""
    folded = unicodedata.normalize("NFKC", surface).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def parse_date(value: object) -> PartialDate:
    """Parse a full or partial ISO date, validating the calendar date."""
    if isinstance(value, date):
        return (value.year, value.month, value.day)
    assert isinstance(value, str), f"date must be a string, got {value!r}"
    match = DATE_RE.match(value)
    assert match, f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}"
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    date(year, month or 1, day or 1)  # raises ValueError for an impossible date
    return (year, month, day)


def not_after(earlier: PartialDate, later: PartialDate) -> bool:
    """earlier <= later, compared at the precision both dates share."""
    shared = 0
    for a, b in zip(earlier, later, strict=True):
        if a is None or b is None:
            break
        shared += 1
    return earlier[:shared] <= later[:shared]


def offices_of(actor_id: str) -> list[dict[str, Any]]:
    return actors_by_id()[actor_id].get("offices") or []


def surface_index() -> dict[str, set[str]]:
    """Normalized surface form -> ids of the actors that use it."""
    index: dict[str, set[str]] = defaultdict(set)
    for actor in actors():
        for surface in [actor["name"], *actor["aliases"]]:
            index[normalize(surface)].add(actor["id"])
    return index


# ---------------------------------------------------------------- structure


def test_top_level_shape() -> None:
    data = load_reference()
    assert set(data) == {"version", "actors"}
    assert isinstance(data["version"], str)
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", data["version"])
    assert isinstance(data["actors"], list)
    assert len(data["actors"]) > 100


def test_actor_records_have_known_keys_and_types() -> None:
    for actor in actors():
        assert isinstance(actor, dict)
        unknown = set(actor) - ACTOR_KEYS
        assert not unknown, f"{actor.get('id')}: unknown keys {unknown}"
        assert {"id", "name", "type", "country", "aliases"} <= set(actor), actor.get("id")
        assert isinstance(actor["name"], str) and actor["name"].strip() == actor["name"]
        assert actor["name"], actor["id"]
        assert isinstance(actor["aliases"], list), actor["id"]
        for alias in actor["aliases"]:
            assert isinstance(alias, str) and alias and alias.strip() == alias, actor["id"]


def test_ids_are_unique_slugs() -> None:
    ids = [actor["id"] for actor in actors()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for actor_id in ids:
        assert ID_RE.match(actor_id), actor_id


def test_types_are_valid() -> None:
    for actor in actors():
        assert actor["type"] in VALID_TYPES, actor["id"]


def test_country_codes_are_alpha3_or_null() -> None:
    for actor in actors():
        country = actor["country"]
        assert country is None or (isinstance(country, str) and COUNTRY_RE.match(country)), (
            actor["id"],
            country,
        )


def test_optional_fields_are_well_formed() -> None:
    for actor in actors():
        if "wikidata" in actor:
            assert isinstance(actor["wikidata"], str), actor["id"]
            assert WIKIDATA_RE.match(actor["wikidata"]), actor["id"]
        if actor.get("hangul") is not None:
            assert HANGUL_RE.search(actor["hangul"]), actor["id"]
        if "gender" in actor:
            assert actor["type"] == "PERSON", actor["id"]
            assert actor["gender"] in ("female", "male"), actor["id"]
    wikidata_ids = [actor["wikidata"] for actor in actors() if "wikidata" in actor]
    assert len(wikidata_ids) == len(set(wikidata_ids))


def test_offices_only_on_people_and_well_formed() -> None:
    for actor in actors():
        offices = actor.get("offices")
        if actor["type"] != "PERSON":
            assert not offices, f"{actor['id']}: offices on a non-person"
            continue
        assert isinstance(offices, list), actor["id"]
        for office in offices:
            assert set(office) == OFFICE_KEYS, (actor["id"], office)
            assert isinstance(office["title"], str) and office["title"], actor["id"]


def test_references_point_at_existing_actors() -> None:
    by_id = actors_by_id()
    for actor in actors():
        capital_of = actor.get("capital_of")
        if capital_of is not None:
            assert actor["type"] == "GPE", actor["id"]
            assert capital_of in by_id, (actor["id"], capital_of)
            assert by_id[capital_of]["type"] == "GPE", actor["id"]
            assert by_id[capital_of]["country"] == actor["country"], actor["id"]
        part_of = actor.get("part_of")
        if part_of is not None:
            assert part_of in by_id, (actor["id"], part_of)
            assert part_of != actor["id"]
        for office in actor.get("offices") or []:
            assert office["of"] in by_id, (actor["id"], office)
            assert by_id[office["of"]]["type"] in {"GPE", "ORG"}, (actor["id"], office)


def test_part_of_has_no_cycles() -> None:
    by_id = actors_by_id()
    for actor in actors():
        seen = {actor["id"]}
        parent = actor.get("part_of")
        while parent is not None:
            assert parent not in seen, f"part_of cycle through {actor['id']}"
            seen.add(parent)
            parent = by_id.get(parent, {}).get("part_of")


def test_office_dates_parse_and_are_ordered() -> None:
    for actor in actors():
        for office in actor.get("offices") or []:
            start = parse_date(office["start"])
            if office["end"] is not None:
                end = parse_date(office["end"])
                assert not_after(start, end), (actor["id"], office)


def test_no_two_holders_of_one_office_overlap() -> None:
    """Successive holders of the same office may touch (hand-over day) but not overlap."""
    holders: dict[tuple[str, str], list[tuple[PartialDate, PartialDate | None, str]]]
    holders = defaultdict(list)
    for actor in actors():
        for office in actor.get("offices") or []:
            end = None if office["end"] is None else parse_date(office["end"])
            holders[(office["title"], office["of"])].append(
                (parse_date(office["start"]), end, actor["id"])
            )
    for key, terms in holders.items():
        terms.sort(key=lambda term: tuple(part or 0 for part in term[0]))
        for (_, prev_end, prev_id), (next_start, _, next_id) in pairwise(terms):
            assert prev_end is not None, f"{key}: {prev_id} still in office when {next_id} starts"
            assert not_after(prev_end, next_start), (key, prev_id, next_id)


def test_no_surface_form_is_shared_by_two_actors() -> None:
    clashes = {form: ids for form, ids in surface_index().items() if len(ids) > 1}
    assert not clashes, clashes


def test_no_surface_form_normalizes_to_nothing() -> None:
    assert "" not in surface_index()


def test_no_bare_surname_or_compass_word() -> None:
    for actor in actors():
        for surface in [actor["name"], *actor["aliases"]]:
            assert normalize(surface) not in FORBIDDEN_BARE, (actor["id"], surface)


# ---------------------------------------------------------- spot checks


# (actor id, title, of, start, end) with end None for "still in office".
# Every row names the public record it was checked against.
OFFICE_FACTS: list[tuple[str, str, str, str, str | None]] = [
    # Kim Jong Un succeeded on the death of Kim Jong Il, 17 December 2011.
    # https://en.wikipedia.org/wiki/Kim_Jong_Un
    ("kim-jong-un", "Supreme Leader", "north-korea", "2011-12-17", None),
    # https://en.wikipedia.org/wiki/Kim_Jong_Il
    ("kim-jong-il", "Supreme Leader", "north-korea", "1994-07-08", "2011-12-17"),
    # Elected General Secretary at the Eighth Party Congress.
    # https://en.wikipedia.org/wiki/8th_Congress_of_the_Workers%27_Party_of_Korea
    ("kim-jong-un", "General Secretary", "workers-party-of-korea", "2021-01-10", None),
    # https://en.wikipedia.org/wiki/Moon_Jae-in
    ("moon-jae-in", "President", "south-korea", "2017-05-10", "2022-05-09"),
    # Removed from office by the Constitutional Court on 4 April 2025.
    # https://en.wikipedia.org/wiki/Yoon_Suk_Yeol
    ("yoon-suk-yeol", "President", "south-korea", "2022-05-10", "2025-04-04"),
    # Inaugurated the day after the snap election of 3 June 2025.
    # https://en.wikipedia.org/wiki/Lee_Jae-myung
    ("lee-jae-myung", "President", "south-korea", "2025-06-04", None),
    # Removed by the Constitutional Court on 10 March 2017.
    # https://en.wikipedia.org/wiki/Park_Geun-hye
    ("park-geun-hye", "President", "south-korea", "2013-02-25", "2017-03-10"),
    # https://en.wikipedia.org/wiki/Choi_Sang-mok
    ("choi-sang-mok", "Acting President", "south-korea", "2024-12-27", "2025-03-24"),
    # https://en.wikipedia.org/wiki/Kang_Kyung-wha
    ("kang-kyung-wha", "Minister of Foreign Affairs", "south-korea", "2017-06-18", "2021-02-08"),
    # Named Foreign Minister at the WPK Central Committee plenum of June 2022.
    # https://en.wikipedia.org/wiki/Choe_Son-hui
    ("choe-son-hui", "Minister of Foreign Affairs", "north-korea", "2022-06", None),
    # https://en.wikipedia.org/wiki/List_of_United_States_Special_Representatives_for_North_Korea
    (
        "stephen-biegun",
        "Special Representative for North Korea",
        "united-states",
        "2018-08-23",
        "2021-01-20",
    ),
    # Same list; Yun retired on 2 March 2018.
    # https://en.wikipedia.org/wiki/List_of_United_States_Special_Representatives_for_North_Korea
    (
        "joseph-yun",
        "Special Representative for North Korea Policy",
        "united-states",
        "2016-10-17",
        "2018-03-02",
    ),
    # https://history.state.gov/departmenthistory/people/pompeo-michael-richard
    ("mike-pompeo", "Secretary of State", "united-states", "2018-04-26", "2021-01-20"),
    # https://en.wikipedia.org/wiki/Donald_Trump
    ("donald-trump", "President", "united-states", "2017-01-20", "2021-01-20"),
    ("donald-trump", "President", "united-states", "2025-01-20", None),
    # https://en.wikipedia.org/wiki/John_Bolton
    ("john-bolton", "National Security Advisor", "united-states", "2018-04-09", "2019-09-10"),
    # https://en.wikipedia.org/wiki/Les_Aspin
    ("les-aspin", "Secretary of Defense", "united-states", "1993-01-21", "1994-02-03"),
    # https://en.wikipedia.org/wiki/William_J._Perry
    ("william-perry", "Secretary of Defense", "united-states", "1994-02-03", "1997-01-23"),
    # https://en.wikipedia.org/wiki/Xi_Jinping
    ("xi-jinping", "General Secretary", "chinese-communist-party", "2012-11-15", None),
    ("xi-jinping", "President", "china", "2013-03-14", None),
    # Ishiba's cabinet resigned and the Diet elected Takaichi on 21 October 2025.
    # https://en.wikipedia.org/wiki/Sanae_Takaichi
    ("shigeru-ishiba", "Prime Minister", "japan", "2024-10-01", "2025-10-21"),
    ("sanae-takaichi", "Prime Minister", "japan", "2025-10-21", None),
    # https://en.wikipedia.org/wiki/Vladimir_Putin
    ("vladimir-putin", "President", "russia", "2012-05-07", None),
]


@pytest.mark.parametrize(("actor_id", "title", "of", "start", "end"), OFFICE_FACTS)
def test_office_fact(actor_id: str, title: str, of: str, start: str, end: str | None) -> None:
    matches = [
        office
        for office in offices_of(actor_id)
        if office["title"] == title and office["of"] == of and office["start"] == start
    ]
    assert len(matches) == 1, (actor_id, title, start, offices_of(actor_id))
    assert matches[0]["end"] == end


def test_people_in_office_now() -> None:
    """Holders whose term is open (end null) for the top offices tracked here."""
    current: dict[tuple[str, str], list[str]] = defaultdict(list)
    for actor in actors():
        for office in actor.get("offices") or []:
            if office["end"] is None:
                current[(office["title"], office["of"])].append(actor["id"])
    assert current[("President", "south-korea")] == ["lee-jae-myung"]
    assert current[("President", "united-states")] == ["donald-trump"]
    assert current[("Supreme Leader", "north-korea")] == ["kim-jong-un"]
    assert current[("Minister of Foreign Affairs", "north-korea")] == ["choe-son-hui"]
    assert all(len(ids) == 1 for ids in current.values()), current


@pytest.mark.parametrize(
    ("capital", "state"),
    [
        ("pyongyang", "north-korea"),
        ("seoul", "south-korea"),
        ("washington", "united-states"),
        ("beijing", "china"),
        ("tokyo", "japan"),
        ("moscow", "russia"),
    ],
)
def test_capitals(capital: str, state: str) -> None:
    assert actors_by_id()[capital]["capital_of"] == state


@pytest.mark.parametrize(
    ("surface", "actor_id"),
    [
        # Surface forms from the seed articles and common wire copy.
        ("N. Korea", "north-korea"),
        ("DPRK", "north-korea"),
        ("the North", "north-korea"),
        ("U.S.", "united-states"),
        ("ROK", "south-korea"),
        ("Kim Jong-un", "kim-jong-un"),
        ("Kim Jong Un", "kim-jong-un"),
        ("Kim Myong Gil", "kim-myong-gil"),
        ("Kim Myong-gil", "kim-myong-gil"),
        ("Kim Hyock-chol", "kim-hyok-chol"),
        ("Kim Hyok Chol", "kim-hyok-chol"),
        ("North's foreign ministry", "north-korea-foreign-ministry"),
        ("DPRK Foreign Ministry", "north-korea-foreign-ministry"),
        ("Korean Central News Agency", "kcna"),
        ("U.S. State Department", "us-state-department"),
        ("UNSC", "unsc"),
        ("U.N. Security Council", "unsc"),
        ("1718 Committee", "unsc-1718-committee"),
        ("Sea of Japan", "east-sea"),
        ("West Sea", "yellow-sea"),
        ("Tongchang-ri", "sohae"),
        ("Unification Ministry", "south-korea-unification-ministry"),
        ("Pentagon", "pentagon"),
        ("USFK", "usfk"),
    ],
)
def test_surface_forms_resolve(surface: str, actor_id: str) -> None:
    assert surface_index()[normalize(surface)] == {actor_id}


def test_normalize() -> None:
    assert normalize("U.S.") == normalize("US") == "us"
    assert normalize("Kim Hyock-chol") == "kimhyockchol"
    assert normalize("\uff35\uff0e\uff2e\uff0e") == "un"  # full-width "U.N." folds under NFKC
    assert normalize("김정은") == "김정은"


def test_parse_date_precisions() -> None:
    assert parse_date("2022-06") == (2022, 6, None)
    assert parse_date("2025") == (2025, None, None)
    assert parse_date(date(2011, 12, 17)) == (2011, 12, 17)
    assert not_after((2014, 6, None), (2014, 6, 30))
    assert not not_after((2014, 7, None), (2014, 6, 30))
    with pytest.raises(ValueError):
        parse_date("2023-02-30")
