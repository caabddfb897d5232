"""One real-world event reported twice is one event; different events stay apart."""

from __future__ import annotations

import dataclasses
from datetime import date

from parsers.extraction.model import EventDate
from parsers.extraction.resolve import EventRecord, resolve_events

UNKNOWN = EventDate(None, "unknown")


def record(
    article: str,
    index: int,
    event_type: str = "WEAPONS_TEST",
    day: date | None = None,
    place: str | None = None,
    country: str | None = None,
    actors: tuple[str, ...] = ("ref:north-korea",),
    people: tuple[str, ...] = (),
    sides: dict[str, str] | None = None,
    kind: str | None = None,
) -> EventRecord:
    return EventRecord(
        article_event_id=f"{article}-{index}",
        article_id=article,
        event_type=event_type,
        meeting_kind=kind or ("talks" if event_type == "MEETING" else None),
        modality="asserted",
        date=EventDate(day, "day") if day else UNKNOWN,
        place=place,
        place_country=country,
        actors=tuple((a, "source") for a in actors + people),
        people=frozenset(people),
        summary=f"{event_type} in {article}",
        sides=tuple((sides or {}).items()),
    )


def test_the_same_launch_in_two_outlets_is_one_event() -> None:
    events = resolve_events(
        [
            record("yonhap", 0, day=date(2024, 3, 12), place="ref:east-sea"),
            record("reuters", 0, day=date(2024, 3, 12), place="ref:east-sea"),
        ]
    )
    assert len(events) == 1
    assert events[0].articles == {"yonhap", "reuters"}


def test_two_launches_in_one_week_stay_two_events() -> None:
    events = resolve_events(
        [
            record("yonhap", 0, day=date(2024, 3, 12), place="ref:east-sea"),
            record("yonhap2", 0, day=date(2024, 3, 15), place="ref:east-sea"),
        ]
    )
    assert len(events) == 2


def test_an_undated_report_takes_the_date_of_the_event_it_joins() -> None:
    people = ("ref:kim-myong-gil", "ref:stephen-biegun")
    events = resolve_events(
        [
            record("voa", 0, "MEETING", place="ref:stockholm", country="SWE", people=people),
            record("yonhap", 0, "MEETING", date(2019, 10, 5), "ref:sweden", "SWE", people=people),
        ]
    )
    assert len(events) == 1
    assert events[0].date == EventDate(date(2019, 10, 5), "day")


def test_an_undated_report_that_fits_two_events_joins_neither() -> None:
    events = resolve_events(
        [
            record("a", 0, day=date(2024, 3, 12), actors=("ref:north-korea", "ref:japan")),
            record("b", 0, day=date(2024, 3, 15), actors=("ref:north-korea", "ref:japan")),
            record("c", 0, actors=("ref:north-korea", "ref:japan")),
        ]
    )
    assert len(events) == 3


def test_two_events_of_one_article_are_never_merged_across() -> None:
    events = resolve_events(
        [
            record("a", 0, day=date(2024, 3, 12), place="ref:east-sea"),
            record("a", 1, place="ref:east-sea"),
            record("b", 0, day=date(2024, 3, 12), place="ref:east-sea"),
        ]
    )
    assert sorted(len(e.members) for e in events) == [1, 2]


def test_asserted_and_reported_accounts_merge_and_so_does_the_plan_for_that_day() -> None:
    asserted = record("yonhap", 0, day=date(2024, 3, 12), place="ref:east-sea")
    reported = dataclasses.replace(
        record("voa", 0, day=date(2024, 3, 12), place="ref:east-sea"), modality="reported"
    )
    planned = dataclasses.replace(
        record("kr", 0, day=date(2024, 3, 12), place="ref:east-sea"), modality="planned"
    )
    (event,) = resolve_events([asserted, reported, planned])
    assert len(event.members) == 3
    assert event.head.modality != "planned"  # it happened, whoever announced it first


def test_a_plan_joins_what_happened_only_on_the_day_it_was_planned_for() -> None:
    """'Putin will sign the treaty on Wednesday' and 'Putin signed it on Wednesday' are
    one signing; a plan for another day, or for no day, is a plan of its own."""
    happened = record("yonhap", 0, day=date(2024, 3, 12), place="ref:east-sea")
    planned = dataclasses.replace(record("kcna", 0, place="ref:east-sea"), modality="planned")
    other_day = dataclasses.replace(
        record("voa", 0, day=date(2024, 3, 14), place="ref:east-sea"), modality="planned"
    )
    events = resolve_events([happened, planned, other_day])
    (signing,) = [e for e in events if happened in e.members]
    assert signing.members == [happened]


def summit(article: str, day: date | None, reported: date | None = None) -> EventRecord:
    return dataclasses.replace(
        record(
            article,
            0,
            event_type="MEETING",
            day=day,
            actors=("ref:north-korea", "ref:russia"),
            people=("ref:kim-jong-un", "ref:vladimir-putin"),
        ),
        reported=reported,
    )


def test_an_undated_report_naming_a_place_is_of_the_summit_held_there() -> None:
    """Kim and Putin met at Vladivostok in 2019 and at Vostochny in 2023: "their summit
    at Vostochny", undated and from an article of an unknown day, is the 2023 one, though
    the 2019 report names no place that would set them apart."""
    at_vostochny = dataclasses.replace(
        summit("kcna-2023", date(2023, 9, 13)), place="ref:vostochny", place_country="RUS"
    )
    no_place = summit("tass-2019", date(2019, 4, 25))
    undated = dataclasses.replace(summit("nhk", None), place="ref:vostochny", place_country="RUS")
    events = resolve_events([at_vostochny, no_place, undated])
    (joined,) = [e for e in events if "nhk" in e.articles]
    assert joined.articles == {"kcna-2023", "nhk"}


def test_an_undated_report_is_the_news_of_the_week_its_article_appeared() -> None:
    """Kim and Putin met in 2019 and in 2023: "the two leaders held talks", undated, in an
    article of the day after the 2023 summit, is that summit."""
    vladivostok = summit("tass-2019", date(2019, 4, 25))
    vostochny = summit("kcna-2023", date(2023, 9, 13))
    undated = summit("nhk", None, reported=date(2023, 9, 14))
    events = resolve_events([vladivostok, vostochny, undated])
    (joined,) = [e for e in events if "nhk" in e.articles]
    assert joined.articles == {"kcna-2023", "nhk"}
    assert joined.date.value == date(2023, 9, 13)


def test_an_undated_report_of_an_unknown_day_that_fits_two_events_joins_neither() -> None:
    vladivostok = summit("tass-2019", date(2019, 4, 25))
    vostochny = summit("kcna-2023", date(2023, 9, 13))
    events = resolve_events([vladivostok, vostochny, summit("nhk", None)])
    assert sorted(len(e.members) for e in events) == [1, 1, 1]


def test_one_named_speaker_ties_an_undated_statement_to_that_weeks_statement() -> None:
    def statement(article: str, day: date | None, reported: date | None) -> EventRecord:
        made = record(article, 0, "STATEMENT", day=day, actors=(), people=("ref:kim-you-geun",))
        return dataclasses.replace(made, reported=reported)

    briefing = statement("euroweekly", date(2020, 6, 16), date(2020, 6, 16))
    same_week = statement("aa", None, date(2020, 6, 17))
    weeks_later = statement("later", None, date(2020, 7, 30))
    events = resolve_events([briefing, same_week, weeks_later])
    (joined,) = [e for e in events if "euroweekly" in e.articles]
    assert joined.articles == {"euroweekly", "aa"}


def test_an_article_cannot_tell_as_done_what_happened_after_it_appeared() -> None:
    launch = record("yonhap", 0, day=date(2024, 3, 20), place="ref:east-sea")
    told_before = dataclasses.replace(
        record("voa", 0, place="ref:east-sea"), reported=date(2024, 3, 12)
    )
    assert len(resolve_events([launch, told_before])) == 2
    told_after = dataclasses.replace(told_before, reported=date(2024, 3, 21))
    assert len(resolve_events([launch, told_after])) == 1


def test_undated_statements_of_one_state_and_its_agency_stay_apart() -> None:
    """A state and its news agency (or its leader) are named in most of its statements:
    they are one party, not two actors that tie an undated report to a dated event."""
    one_side = {"ref:kcna": "PRK", "ref:north-korea": "PRK"}
    actors = ("ref:kcna", "ref:north-korea")
    events = resolve_events(
        [
            record("a", 0, "STATEMENT", date(2019, 6, 21), actors=actors, sides=one_side),
            record("b", 0, "STATEMENT", actors=actors, sides=one_side),
            record("c", 0, "STATEMENT", actors=actors, sides=one_side),
        ]
    )
    assert len(events) == 3


def test_an_undated_meeting_of_two_parties_still_joins() -> None:
    sides = {"ref:russia": "RUS", "ref:north-korea": "PRK"}
    actors = ("ref:russia", "ref:north-korea")
    events = resolve_events(
        [
            record("a", 0, "MEETING", date(2023, 9, 13), actors=actors, sides=sides),
            record("b", 0, "MEETING", actors=actors, sides=sides),
        ]
    )
    assert len(events) == 1


def test_an_event_is_placed_where_most_reports_put_it() -> None:
    # The first report names the island of the venue; the other two give the city.
    day = date(2018, 6, 12)
    events = resolve_events(
        [
            record("a", 0, "MEETING", day, "ref:sentosa-island", "SGP", ("ref:united-states",)),
            record("b", 0, "MEETING", day, "ref:singapore", "SGP", ("ref:united-states",)),
            record("c", 0, "MEETING", day, "ref:singapore", "SGP", ("ref:united-states",)),
        ]
    )
    assert len(events) == 1
    assert events[0].place == "ref:singapore"


def test_an_undated_report_joins_the_one_dated_event_it_fits() -> None:
    # "m" cannot be the Singapore summit (it was in Hanoi); "n" fits both the dated
    # summit and m's undated meeting: the one dated event it fits is what it tells of.
    people = ("ref:donald-trump", "ref:kim-jong-un")
    events = resolve_events(
        [
            record("x", 0, "MEETING", date(2018, 6, 12), "ref:singapore", "SGP", people=people),
            record("m", 0, "MEETING", place="ref:hanoi", country="VNM", people=people),
            record("n", 0, "MEETING", people=people),
        ]
    )
    joined = next(e for e in events if "n" in e.articles)
    assert joined.articles == {"x", "n"}
    assert joined.date == EventDate(date(2018, 6, 12), "day")


def test_of_places_named_as_often_a_site_on_land_comes_before_open_water() -> None:
    day = date(2024, 3, 15)
    events = resolve_events(
        [
            record("a", 0, day=day, place="ref:east-sea"),
            record("b", 0, day=day, place="ref:wonsan", country="PRK"),
        ]
    )
    assert len(events) == 1
    assert events[0].place == "ref:wonsan"


def test_an_undated_nuclear_test_joins_the_one_dated_nuclear_test_not_a_launch() -> None:
    # Neither article's day is known, and North Korea alone is named: for a missile
    # launch that ties nothing (it launches many), for a nuclear test it does.
    events = resolve_events(
        [
            record("afp", 0, day=date(2017, 9, 3), kind="nuclear"),
            record("afp", 1, day=date(2017, 9, 3), kind="missile"),
            record("kyodo", 0, kind="nuclear"),
            record("kyodo", 1, kind="missile"),
        ]
    )
    by_kind = {e.members[0].meeting_kind: e for e in events if e.date.value is not None}
    assert by_kind["nuclear"].articles == {"afp", "kyodo"}
    assert by_kind["missile"].articles == {"afp"}


def test_an_undated_nuclear_test_that_fits_two_dated_ones_joins_neither() -> None:
    events = resolve_events(
        [
            record("a", 0, day=date(2016, 9, 9), kind="nuclear"),
            record("b", 0, day=date(2017, 9, 3), kind="nuclear"),
            record("kyodo", 0, kind="nuclear"),
        ]
    )
    assert len(events) == 3


def test_a_states_own_capital_does_not_tie_its_undated_report() -> None:
    # North Korea meets in Pyongyang all the time; in Vladivostok it is news.
    nk = {"ref:north-korea": "PRK", "ref:russia": "RUS"}

    def meeting(article: str, day: date | None, place: str, country: str) -> EventRecord:
        return record(article, 0, "MEETING", day, place, country, actors=tuple(nk), sides=nk)

    at_home = resolve_events(
        [
            meeting("a", date(2024, 6, 19), "ref:pyongyang", "PRK"),
            record("b", 0, "MEETING", None, "ref:pyongyang", "PRK", sides=nk),
        ]
    )
    assert len(at_home) == 2
    abroad = resolve_events(
        [
            meeting("a", date(2023, 9, 13), "ref:vladivostok", "RUS"),
            record("b", 0, "MEETING", None, "ref:vladivostok", "RUS", sides=nk),
        ]
    )
    assert len(abroad) == 1


def test_a_states_own_town_other_than_its_capital_ties_its_undated_report() -> None:
    # The office in Kaesong was blown up once; North Korea is not at Kaesong every day.
    nk = {"ref:north-korea": "PRK"}

    def attack(article: str, day: date | None, place: str) -> EventRecord:
        return record(article, 0, "ASSAULT", day, place, "PRK", sides=nk)

    same_town = resolve_events(
        [attack("a", date(2020, 6, 16), "ref:kaesong"), attack("b", None, "ref:kaesong")]
    )
    assert len(same_town) == 1
    # Only the very place: another town of the same state ties nothing.
    other_town = resolve_events(
        [attack("a", date(2020, 6, 16), "ref:kaesong"), attack("b", None, "ref:wonsan")]
    )
    assert len(other_town) == 2
