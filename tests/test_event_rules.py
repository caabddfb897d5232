"""Rules on top of the parse that decide an event's modality, actors, place and date,
each on sentences written for these tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from parsers.extraction import ArticleEvent, Extraction, Extractor
from parsers.extraction.dates import resolve_dates
from parsers.extraction.model import UNKNOWN_DATE, EventDate
from tests.stories import story


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    from flows.extract_workers import process_extractor

    return process_extractor()


def read(extractor: Extractor, *paragraphs: str, day: date = date(2024, 3, 6)) -> Extraction:
    return extractor.extract(story(*paragraphs, day=day))


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


def test_who_set_off_an_explosion_caused_it_where_the_sentence_says(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "The ministry said the North had set off an explosion at the joint liaison office "
        "at 2:49 p.m. in the border town of Kaesong.",
    )
    blast = one(result, "ASSAULT")
    assert blast.actors.get("ref:north-korea") == "source"
    assert blast.place == "ref:kaesong"


def test_the_town_a_building_stands_in_is_the_place(extractor: Extractor) -> None:
    result = read(
        extractor, "Kim Jong Un met Xi Jinping at the Kumsusan Palace of the Sun in Pyongyang."
    )
    assert one(result, "MEETING").place == "ref:pyongyang"


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


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("It fired a missile two weeks ago.", EventDate(date(2024, 2, 21), "day")),
        ("Kim read out the statement three months earlier.", EventDate(date(2023, 12, 1), "month")),
        ("A year ago, the two leaders met.", EventDate(date(2023, 1, 1), "year")),
        # A sentence's own date is the better one.
        ("Six years ago, on April 27, 2018, they met.", EventDate(date(2018, 4, 27), "day")),
    ],
)
def test_a_span_back_from_the_articles_day(sentence: str, expected: EventDate) -> None:
    assert [value for _, value in resolve_dates(sentence, date(2024, 3, 6))] == [expected]


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("The two leaders will hold talks this afternoon.", date(2024, 3, 6)),
        ("Kim will host a banquet tonight.", date(2024, 3, 6)),
        ("The two sides gathered earlier in the day.", date(2024, 3, 6)),
        # The day the sentence tells of, not the article's.
        ("They spoke Monday night about the launch earlier in the day.", date(2024, 3, 4)),
    ],
)
def test_parts_of_a_day(sentence: str, day: date) -> None:
    assert {value for _, value in resolve_dates(sentence, date(2024, 3, 6))} == {
        EventDate(day, "day")
    }


def test_days_earlier_count_from_an_unknown_day() -> None:
    # "Two days earlier" than the news told, which is not always the article's day.
    assert resolve_dates("Two days earlier, it had warned Seoul.", date(2024, 3, 6)) == []


def test_a_date_that_names_a_thing_is_not_the_events(extractor: Extractor) -> None:
    result = read(extractor, "Pyongyang scrapped a 2018 military pact in November.")
    assert one(result, "REJECT").date == EventDate(date(2023, 11, 1), "month")


def test_a_dated_reaction_in_the_lede_dates_what_it_is_about(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Canada's foreign minister denounced North Korea's missile launch on Saturday as reckless.",
        day=date(2023, 7, 16),
    )
    assert one(result, "WEAPONS_TEST").date == EventDate(date(2023, 7, 15), "day")


@pytest.mark.parametrize(
    ("dateline", "earlier", "saturday"),
    [
        ("Pyongyang, July 2 (KCNA)", "June 12, 2018", date(2018, 6, 30)),
        # The first January 5 after the last day of December the text names.
        ("Pyongyang, January 5 (KCNA)", "December 28, 2018", date(2019, 1, 5)),
    ],
)
def test_a_dateline_without_its_year_dates_the_article(
    extractor: Extractor, dateline: str, earlier: str, saturday: date
) -> None:
    article = replace(
        story(
            f"Kim Jong Un inspected a factory on Saturday, after the talks of {earlier}.",
        ),
        dateline=dateline,
    )
    inspection = one(extractor.extract(article), "MEETING")
    assert inspection.date == EventDate(saturday, "day")


def test_the_place_after_a_clock_time_and_its_zone(extractor: Extractor) -> None:
    # "a.m." followed by "Seoul time" does not end the sentence, and the place hung on
    # the time is where the meeting was.
    result = read(
        extractor, "The two ministers met at 9:30 a.m. Seoul time at the Lotte Hotel in Seoul."
    )
    assert one(result, "MEETING").place == "ref:seoul"


def test_a_second_person_joined_to_a_titled_name_acts_too(extractor: Extractor) -> None:
    # The parse hangs "Kim Jong-un" on "Donald Trump", the appositive of "President".
    result = read(
        extractor,
        "US President Donald Trump and North Korean leader Kim Jong-un on Tuesday agreed on "
        "denuclearization and providing North Korea with a security guarantee.",
    )
    assert {"ref:donald-trump", "ref:kim-jong-un"} <= set(one(result, "AGREE").actors)


def test_what_a_clause_with_its_own_subject_did_is_not_passive(extractor: Extractor) -> None:
    # The tagger calls this "signed" a participle; its subject says it is not passive.
    result = read(
        extractor,
        "Donald Trump and Kim Jong Un met in Singapore on Tuesday.",
        "The document that Trump and Kim signed on Tuesday did not include details.",
    )
    agreement = one(result, "AGREE")
    assert {"ref:donald-trump", "ref:kim-jong-un"} <= set(agreement.actors)
    assert agreement.date == EventDate(date(2024, 3, 5), "day")


def test_one_agreement_told_twice_is_one_event_with_its_place(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Donald Trump and Kim Jong Un agreed on Tuesday to work toward denuclearization.",
        "The document was signed by Trump and Kim at the Capella Hotel in Singapore.",
    )
    agreement = one(result, "AGREE")
    assert agreement.place == "ref:singapore"
    assert agreement.date == EventDate(date(2024, 3, 5), "day")


def test_a_nuclear_test_and_a_missile_launch_are_two_kinds_of_test(extractor: Extractor) -> None:
    # One state, one day: told apart only by what was tested.
    result = read(
        extractor,
        "North Korea conducted its sixth nuclear test on Sunday.",
        "North Korea also fired a ballistic missile on Sunday.",
    )
    kinds = sorted(e.kind or "" for e in result.events if e.event_type == "WEAPONS_TEST")
    assert kinds == ["missile", "nuclear"]


def test_one_attack_told_twice_is_one_event_with_its_place(extractor: Extractor) -> None:
    result = read(
        extractor,
        "North Korea exploded the liaison office building on Tuesday.",
        "The destruction of the building in Kaesong happened at 2:49 p.m. Tuesday.",
    )
    attack = one(result, "ASSAULT")
    assert attack.place == "ref:kaesong"
    assert attack.date == EventDate(date(2024, 3, 5), "day")


def test_meetings_in_two_places_are_two_events(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Xi referred to meetings between Kim Jong Un and Donald Trump in Singapore and Vietnam.",
    )
    meetings = [e for e in result.events if e.event_type == "MEETING"]
    assert sorted(e.place or "" for e in meetings) == ["ref:singapore", "ref:vietnam"]
    assert all({"ref:kim-jong-un", "ref:donald-trump"} <= set(e.actors) for e in meetings)
    # Who speaks of meetings between two others does not take part in them.
    assert not any("ref:xi-jinping" in e.actors for e in meetings)


def test_taking_part_in_a_forum_where_a_clause_says_is_a_meeting_there(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "Vladimir Putin flew in from Vladivostok, where he had taken part in the Eastern "
        "Economic Forum.",
    )
    forum = one(result, "MEETING")
    assert forum.place == "ref:vladivostok"
    assert "ref:vladimir-putin" in forum.actors


# -- whom the words stand for ----------------------------------------------------------
def test_what_is_done_by_a_means_is_done_by_the_clauses_subject(extractor: Extractor) -> None:
    result = read(
        extractor, "China and Russia were emboldening Pyongyang by blocking council action."
    )
    assert {"ref:china", "ref:russia"} <= set(one(result, "REJECT").actors)


def test_a_verb_joined_without_and_has_the_name_before_it(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Seoul urged restraint on Wednesday, a day after Kim Yo Jong, the sister of the "
        "leader, warned that the allies would pay a price.",
    )
    assert "ref:kim-yo-jong" in one(result, "THREATEN").actors


def test_he_who_speaks_again_is_who_spoke_last(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Vladimir Putin and Kim Jong Un toured the spaceport on Wednesday.",
        "The Russian president told reporters that the North Korean leader showed great "
        "interest in rockets. Russia will help the North with satellites, he said.",
    )
    speakers = {
        key
        for e in result.events
        if e.event_type == "STATEMENT"
        for key, role in e.actors.items()
        if role == "source" and result.entities[key].type == "PERSON"
    }
    assert speakers == {"ref:vladimir-putin"}


def test_a_surname_after_a_title_is_the_person_named_before(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Moon Jae-in thanked Donald Trump for his summit with Kim Jong Un.",
        '"President Moon said President Trump has achieved a great success," the office '
        "said of a telephone conversation between the two leaders.",
    )
    call = next(e for e in result.events if e.trigger == "conversation")
    assert {"ref:moon-jae-in", "ref:donald-trump"} <= set(call.actors)
    assert "ref:kim-jong-un" not in call.actors


def test_a_person_greeted_as_he_is_a_person_greeted(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Kim Jong Un arrived by train on Tuesday.",
        "At the station, he was greeted by Alexander Kozlov, the ecology minister.",
    )
    greeting = one(result, "MEETING")
    assert "ref:kim-jong-un" in greeting.actors
    assert any(key.startswith("txt:") for key in greeting.actors)  # Kozlov


def test_the_ministry_is_the_ministry_named_before(extractor: Extractor) -> None:
    result = read(
        extractor,
        "The Ministry of Unification held a briefing on Monday.",
        "Officials said the ministry is considering ways to send humanitarian aid to the North.",
    )
    aid = one(result, "AID")
    assert "ref:south-korea-unification-ministry" in aid.actors
    assert aid.modality == "hypothetical"


def test_they_are_the_two_named_together(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Choe Son Hui and Wang Yi held talks in Beijing on Wednesday.",
        "They denounced the United States for staging war drills.",
    )
    accusation = one(result, "ACCUSE")
    assert {"ref:choe-son-hui", "ref:wang-yi"} <= set(accusation.actors)
    # Who is blamed for doing something did it.
    assert "ref:united-states" in one(result, "MILITARY_EXERCISE").actors


def test_it_added_is_the_body_that_spoke(extractor: Extractor) -> None:
    result = read(
        extractor,
        "The Joint Chiefs of Staff said the missile was fired from near Pyongyang.",
        "The missile flew over Japan before landing in the sea, it added.",
    )
    statements = [e for e in result.events if e.event_type == "STATEMENT"]
    assert statements
    assert all(set(s.actors) <= {"ref:south-korea-jcs", "ref:south-korea"} for s in statements)


def test_its_is_the_state_the_clause_is_about(extractor: Extractor) -> None:
    result = read(
        extractor,
        "North Korea appears to be resorting to pressure in its talks with the United States, "
        "as shown by its tough rhetoric and threats to resume its missile tests.",
    )
    assert one(result, "THREATEN").actors == {"ref:north-korea": "source"}
    test = one(result, "WEAPONS_TEST")
    assert test.actors == {"ref:north-korea": "source"}
    assert test.modality == "hypothetical"


def test_an_officials_state_from_the_description(extractor: Extractor) -> None:
    result = read(
        extractor, "Russia's deputy envoy to the UN Anna Ivanova accused Washington of hypocrisy."
    )
    assert one(result, "ACCUSE").actors.get("ref:russia") == "source"


def test_a_title_before_a_name_is_the_person(extractor: Extractor) -> None:
    result = read(
        extractor,
        "South Korea's ambassador to the United States Park Min-ho said on Tuesday the veto "
        "was regrettable.",
    )
    statement = one(result, "STATEMENT")
    assert any(k.startswith("txt:") for k in statement.actors)
    assert "ref:south-korea" in statement.actors
    assert "ref:united-states" not in statement.actors


def test_she_reaches_back_to_the_woman(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Kim Yo Jong issued a statement on Wednesday.",
        "Choe Son Hui was also present, along with Kim Jong Un.",
        "Officials in Seoul did not comment.",
        "She dismissed the offer as a trick.",
    )
    assert "ref:choe-son-hui" in one(result, "REJECT").actors


# -- triggers and dates through the parse ----------------------------------------------
def test_a_series_of_sanctions_is_imposed_by_the_subject(extractor: Extractor) -> None:
    result = read(extractor, "Washington has imposed several rounds of sanctions on Pyongyang.")
    sanction = one(result, "SANCTION")
    assert sanction.actors.get("ref:united-states") == "source"
    assert sanction.date.value is None  # many sanctions, not one of the article's day


def test_blocking_council_action_is_a_rejection(extractor: Extractor) -> None:
    result = read(extractor, "China and Russia blocked council action on the launches.")
    assert {"ref:china", "ref:russia"} <= set(one(result, "REJECT").actors)


def test_neither_nor_denies(extractor: Extractor) -> None:
    result = read(extractor, "Pyongyang said it would neither accept nor respond to any offer.")
    assert one(result, "AGREE").modality == "denied"


def test_talks_asked_for_have_not_happened(extractor: Extractor) -> None:
    result = read(extractor, "Seoul repeated its proposal for talks with Pyongyang on Monday.")
    assert one(result, "MEETING").modality == "hypothetical"


def test_ready_for_talks_is_not_talks(extractor: Extractor) -> None:
    result = read(extractor, "Tokyo said on Monday it was ready for talks with Pyongyang.")
    assert one(result, "MEETING").modality == "hypothetical"


def test_what_a_relative_clause_says_began_then(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Officials said the Freedom Shield exercise, which began on Monday, is defensive.",
    )
    assert one(result, "MILITARY_EXERCISE").date == EventDate(date(2024, 3, 4), "day")


def test_what_a_statement_says_is_dated_by_the_statement(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Kim Yo Jong made public a press statement on March 5.",
        "In the statement, she rejected the proposal.",
    )
    assert one(result, "REJECT").date == EventDate(date(2024, 3, 5), "day")
    assert "ref:kim-yo-jong" in one(result, "STATEMENT").actors


def test_an_office_named_by_a_nationality_is_its_holder_on_the_day(extractor: Extractor) -> None:
    result = read(
        extractor,
        "China's foreign minister met the Japanese prime minister on Monday.",
        day=date(2023, 9, 13),
    )
    meeting = one(result, "MEETING")
    assert {"ref:wang-yi", "ref:fumio-kishida"} <= set(meeting.actors)


def test_an_office_without_a_day_is_the_holder_the_article_names(extractor: Extractor) -> None:
    article = story(
        "Russian President Vladimir Putin met Kim Jong Un at a cosmodrome.",
        "The Russian president told reporters the talks went well.",
    )
    result = extractor.extract(article)
    assert "ref:vladimir-putin" in one(result, "STATEMENT").actors


def test_the_governments_of_two_leaders_are_theirs(extractor: Extractor) -> None:
    result = read(
        extractor,
        "The accord was approved by the governments of Chinese President Xi Jinping and "
        "Russian President Vladimir Putin in 2019.",
    )
    assert {"ref:china", "ref:russia"} <= set(one(result, "AGREE").actors)


def test_the_leaders_of_two_states_are_theirs(extractor: Extractor) -> None:
    result = read(
        extractor, "The leaders of Japan and South Korea signed a joint statement in Tokyo."
    )
    assert {"ref:japan", "ref:south-korea"} <= set(one(result, "AGREE").actors)


def test_their_is_the_two_named_with_and(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Chinese leader Xi Jinping and Russian President Vladimir Putin wave to reporters "
        "after their talks in Beijing.",
    )
    assert {"ref:xi-jinping", "ref:vladimir-putin"} <= set(one(result, "MEETING").actors)


def test_summit_talks_are_one_summit_with_the_meeting(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Xi Jinping sat down with Kim Jong Un on Thursday for summit talks in Pyongyang.",
        day=date(2019, 6, 21),
    )
    meeting = one(result, "MEETING")
    assert meeting.kind == "summit"
    assert meeting.place == "ref:pyongyang"
    assert {"ref:kim-jong-un", "ref:xi-jinping"} <= set(meeting.actors)


def test_days_after_count_back_from_the_dated_clause(extractor: Extractor) -> None:
    result = read(
        extractor,
        "North Korea fired two missiles into the sea on Friday, the military said, three days "
        "after it launched an ICBM.",
        day=date(2024, 3, 15),
    )
    dates = sorted(e.date.value for e in result.events if e.event_type == "WEAPONS_TEST")
    assert dates == [date(2024, 3, 12), date(2024, 3, 15)]
    assert all(
        "ref:north-korea" in e.actors for e in result.events if e.event_type == "WEAPONS_TEST"
    )


def test_there_is_the_place_and_occasion_just_named(extractor: Extractor) -> None:
    result = read(
        extractor,
        "On Thursday, Defense Minister Shin Won-sik visited an army unit in Yanggu.",
        '"We will punish any provocation," Shin told commanders there.',
        day=date(2024, 3, 15),
    )
    told = [e for e in result.events if e.event_type == "STATEMENT"]
    assert told and told[0].place == "ref:yanggu"
    assert told[0].date == EventDate(date(2024, 3, 14), "day")


def test_the_meeting_at_which_they_agreed_took_place(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Russia and North Korea agreed on Thursday to expand trade at a meeting in Moscow.",
        day=date(2024, 3, 29),
    )
    meeting = one(result, "MEETING")
    assert meeting.modality == "asserted"
    assert meeting.date == EventDate(date(2024, 3, 28), "day")


def test_what_was_agreed_during_talks_held_somewhere_was_agreed_there(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "The two foreign ministers reached an agreement during talks held in Hanoi on Friday.",
        day=date(2024, 3, 9),
    )
    agreed = one(result, "AGREE")
    assert agreed.place == "ref:hanoi"
    assert agreed.date == EventDate(date(2024, 3, 8), "day")


def test_an_agreement_named_by_its_date_was_made_then(extractor: Extractor) -> None:
    suspended = read(extractor, "Seoul suspended the 2018 military agreement on Tuesday.")
    assert one(suspended, "REJECT").date == EventDate(date(2024, 3, 5), "day")
    made = one(suspended, "AGREE")
    assert (made.date, made.modality) == (EventDate(date(2018, 1, 1), "year"), "asserted")
    assert "ref:south-korea" not in made.actors  # suspending it is not making it
    upheld = read(
        extractor,
        "Pyongyang said it would faithfully implement the April 27 Panmunjom declaration.",
        day=date(2018, 9, 20),
    )
    declared = one(upheld, "AGREE")
    assert declared.date == EventDate(date(2018, 4, 27), "day")
    assert declared.modality == "asserted"


def test_a_participle_clause_sets_the_time_of_the_clause_it_opens(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Speaking to reporters on Monday, Foreign Minister Cho Tae-yul read out a statement "
        "on the dispute.",
    )
    statement = one(result, "STATEMENT")
    assert "ref:cho-tae-yul" in statement.actors  # who reads it out makes it
    assert statement.date == EventDate(date(2024, 3, 4), "day")


def test_what_follows_in_a_sequence_happened_where_and_when_the_sequence_says(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "Putin and Kim Jong-un first met in Vladivostok in April 2019, followed by a second "
        "summit in September last year, also in the Russian Far East.",
        day=date(2024, 6, 19),
    )
    meetings = {e.date: e.place for e in result.events if e.event_type == "MEETING"}
    assert meetings == {
        EventDate(date(2019, 4, 1), "month"): "ref:vladivostok",
        EventDate(date(2023, 9, 1), "month"): "ref:russian-far-east",
    }


def test_a_lede_that_tells_of_last_week_is_not_the_news_of_the_day(extractor: Extractor) -> None:
    last_week = read(
        extractor, "North Korea launched an intercontinental ballistic missile last week."
    )
    assert one(last_week, "WEAPONS_TEST").date == UNKNOWN_DATE
    today = read(extractor, "North Korea launched an intercontinental ballistic missile.")
    assert one(today, "WEAPONS_TEST").date == EventDate(date(2024, 3, 6), "day")


def test_who_is_accused_of_doing_it_did_it_reportedly(extractor: Extractor) -> None:
    result = read(
        extractor, "The United States has accused North Korea of supplying shells to Russia."
    )
    supply = one(result, "COOPERATE")
    assert supply.modality == "reported"
    assert "ref:north-korea" in supply.actors
    assert "ref:united-states" not in supply.actors


def test_a_participle_with_by_names_who_did_it(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Moscow welcomed the policy, announced by Kim Jong Un in January last year.",
        day=date(2025, 3, 4),
    )
    statement = one(result, "STATEMENT")
    assert "ref:kim-jong-un" in statement.actors
    assert "ref:russia" not in statement.actors


def test_an_accepted_invitation_is_a_plan(extractor: Extractor) -> None:
    result = read(extractor, "The Kremlin said Putin accepted an invitation to visit Pyongyang.")
    assert one(result, "MEETING").modality == "planned"


def test_a_visit_in_the_near_future_is_a_plan(extractor: Extractor) -> None:
    result = read(extractor, "Putin travels to Tokyo for talks in the near future.")
    assert one(result, "MEETING").modality == "planned"


def test_what_threatens_peace_is_no_threat(extractor: Extractor) -> None:
    result = read(extractor, "The launch is a provocation that threatens peace in the region.")
    assert not [e for e in result.events if e.event_type == "THREATEN"]


def test_a_launch_has_no_partners(extractor: Extractor) -> None:
    result = read(
        extractor, "Seoul is sharing information on the launch with the United States and Japan."
    )
    launch = one(result, "WEAPONS_TEST")
    assert "ref:japan" not in launch.actors


def test_when_clause_of_a_date_is_dated_by_it(extractor: Extractor) -> None:
    result = read(
        extractor,
        "It was the North's first long-range launch since December, when it test-fired a "
        "solid-fuel missile.",
        day=date(2024, 3, 12),
    )
    fired = [e for e in result.events if e.trigger == "test-fired"]
    assert fired and fired[0].date == EventDate(date(2023, 12, 1), "month")


def test_a_launch_in_a_year_named_after_since_is_not_todays(extractor: Extractor) -> None:
    result = read(
        extractor,
        "North Korea fired a ballistic missile over Japan on Tuesday.",
        "Tokyo issued its first missile alert since 2016, when North Korea launched a rocket "
        "over Okinawa.",
        day=date(2024, 3, 12),
    )
    launches = sorted(
        (e for e in result.events if e.event_type == "WEAPONS_TEST"), key=lambda e: e.mentions
    )
    assert [e.date for e in launches] == [
        EventDate(date(2024, 3, 12), "day"),
        EventDate(date(2016, 1, 1), "year"),
    ]


def test_sanctions_one_has_been_under_since_a_year_began_then(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Iran has been under United Nations sanctions since 2010 over its nuclear work.",
        day=date(2024, 3, 12),
    )
    sanctions = one(result, "SANCTION")
    assert sanctions.date == EventDate(date(2010, 1, 1), "year")
    assert "ref:united-nations" in sanctions.actors


@pytest.mark.parametrize(
    "sentence",
    [
        # The parse hangs the first name on the second as its modifier.
        "In a 30-minute phone call late Monday, Prime Minister Fumio Kishida and U.S. "
        "President Joe Biden called the North's firing of a missile a grave threat.",
        # The parse makes "President" the conjunct and the name after it an apposition.
        "Prime Minister Fumio Kishida and U.S. President Joe Biden called the test a grave "
        "challenge in a phone call on Monday.",
    ],
)
def test_both_leaders_named_with_titles_take_part_in_their_call(
    extractor: Extractor, sentence: str
) -> None:
    call = one(read(extractor, sentence), "MEETING")
    assert {"ref:fumio-kishida", "ref:joe-biden"} <= set(call.actors)


def test_a_council_set_to_discuss_a_launch_plans_a_meeting(extractor: Extractor) -> None:
    result = read(
        extractor,
        "The U.N. Security Council is set to discuss North Korea's latest launch on Monday.",
        day=date(2024, 3, 6),
    )
    meeting = one(result, "MEETING")
    assert meeting.modality == "planned"
    assert meeting.date == EventDate(date(2024, 3, 11), "day")
    assert "ref:unsc" in meeting.actors
    # The launch the council will discuss was not fired on the Monday of the meeting.
    assert one(result, "WEAPONS_TEST").date.value != date(2024, 3, 11)


def test_discussing_with_a_counterpart_is_a_meeting(extractor: Extractor) -> None:
    result = read(extractor, "Wang Yi discussed the situation with his Russian counterpart.")
    assert "ref:wang-yi" in one(result, "MEETING").actors


def test_discussing_alone_is_no_meeting(extractor: Extractor) -> None:
    result = read(extractor, "Kim Jong Un discussed the tasks of the munitions industry.")
    assert not [e for e in result.events if e.event_type == "MEETING"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Putin and Kim Jong Un will hold a summit on Wednesday afternoon.",
        "Putin and Kim Jong Un are set to hold a summit on Wednesday afternoon.",
    ],
)
def test_a_plan_for_the_weekday_of_the_paper_is_for_that_day(
    extractor: Extractor, sentence: str
) -> None:
    summit = one(read(extractor, sentence, day=date(2024, 3, 13)), "MEETING")
    assert summit.modality == "planned"
    assert summit.date == EventDate(date(2024, 3, 13), "day")


def test_who_responds_after_another_spoke_makes_a_statement(extractor: Extractor) -> None:
    result = read(
        extractor,
        "When Tokyo said it would tighten export rules, South Korean Foreign Minister Park Jin "
        "responded that the move was regrettable.",
    )
    speakers = [e.actors for e in result.events if e.event_type == "STATEMENT"]
    assert any(actors.get("ref:park-jin") == "source" for actors in speakers), speakers


def test_a_plan_told_according_to_someone_is_still_a_plan(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Seoul plans to inform Tokyo of the decision before the deadline, according to a "
        "senior official.",
    )
    notice = next(e for e in result.events if e.trigger == "inform")
    assert notice.modality == "planned"
    assert notice.actors == {"ref:south-korea": "source", "ref:japan": "target"}


def test_would_after_a_participle_of_saying_is_a_plan(extractor: Extractor) -> None:
    result = read(
        extractor,
        "South Korea decided on Thursday to end the pact, saying it would notify Tokyo of its "
        "decision.",
    )
    notice = next(e for e in result.events if e.trigger == "notify")
    assert notice.modality == "planned"
    assert "ref:japan" in notice.actors


def test_they_after_the_two_sides(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Choe Son Hui held talks with Wang Yi in Beijing on March 27.",
        "The two sides exchanged views on the situation.",
        "They denounced the United States for its pressure.",
        day=date(2024, 3, 28),
    )
    assert {"ref:north-korea", "ref:china"} <= set(one(result, "ACCUSE").actors)


def test_what_is_said_without_a_time_is_said_on_the_news_day(extractor: Extractor) -> None:
    result = read(
        extractor,
        "The U.N. Security Council met on Wednesday to discuss the launch.",
        "China's ambassador, Zhang Jun, said the parties should return to dialogue.",
        "Russia's deputy ambassador accused Washington of hypocrisy.",
        day=date(2024, 3, 13),
    )
    wednesday = EventDate(date(2024, 3, 13), "day")
    assert one(result, "STATEMENT").date == wednesday
    assert one(result, "ACCUSE").date == wednesday


def test_no_plans_to_continue_until_another_acts_rejects_them(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Pyongyang said it has no plans to continue the talks unless Washington ends its "
        "hostile policy.",
    )
    rejection = one(result, "REJECT")
    assert rejection.modality == "asserted"
    assert rejection.actors.get("ref:north-korea") == "source"
    assert rejection.actors.get("ref:united-states") == "target"


def test_walking_away_from_talks_with_a_state_targets_it(extractor: Extractor) -> None:
    result = read(extractor, "North Korea walked away from nuclear talks with the United States.")
    assert one(result, "REJECT").actors.get("ref:united-states") == "target"


def test_a_signed_joint_statement_is_an_agreement_where_the_meeting_was(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "At their first meeting in Singapore in June 2018, Trump and Kim signed a short joint "
        "statement.",
    )
    assert not [e for e in result.events if e.event_type == "STATEMENT"]
    assert one(result, "AGREE").place == "ref:singapore"


def test_a_summit_named_after_a_city_state_was_held_there(extractor: Extractor) -> None:
    result = read(extractor, "Little has changed since the Singapore summit between the leaders.")
    summit = one(result, "MEETING")
    assert summit.place == "ref:singapore"
    assert "ref:singapore" not in summit.actors


def test_a_nationality_on_a_launch_is_who_launched(extractor: Extractor) -> None:
    result = read(extractor, "Tokyo condemned the North Korean launches on Friday.")
    launch = one(result, "WEAPONS_TEST")
    assert launch.place is None
    assert "ref:north-korea" in launch.actors


# -- rules kept general: what they must not do -----------------------------------------
def test_a_joint_declaration_announced_is_an_agreement_one_issued_is_not(
    extractor: Extractor,
) -> None:
    signed = read(
        extractor,
        "Moon Jae-in and Kim Jong Un announced a joint declaration in Pyongyang on Wednesday.",
    )
    assert {"ref:moon-jae-in", "ref:kim-jong-un"} <= set(one(signed, "AGREE").actors)
    issued = read(extractor, "North Korea issued a declaration on its nuclear status.")
    assert not [e for e in issued.events if e.event_type == "AGREE"]


def test_a_former_holder_is_not_the_one_in_office(extractor: Extractor) -> None:
    result = read(extractor, "The late South Korean president signed the accord in 2000.")
    agreement = one(result, "AGREE")
    assert "ref:south-korea" in agreement.actors
    assert not any(k.startswith("ref:") and k != "ref:south-korea" for k in agreement.actors)


def test_an_office_named_by_state_is_its_holder_on_the_day(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Russia's foreign minister met Choe Son Hui in Moscow on Friday.",
        day=date(2024, 11, 6),
    )
    assert {"ref:sergei-lavrov", "ref:choe-son-hui"} <= set(one(result, "MEETING").actors)


def test_verbs_in_a_list_share_the_first_subject(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Kim Jong Un arrived in Vladivostok on Monday, met Putin at the station and left.",
    )
    meeting = one(result, "MEETING")
    assert meeting.summary.startswith("Kim Jong Un met Putin")
    assert "ref:kim-jong-un" in meeting.actors


def test_its_in_a_passive_clause_is_the_subject(extractor: Extractor) -> None:
    result = read(
        extractor, "North Korea was condemned by the Group of Seven for its latest launch."
    )
    assert one(result, "WEAPONS_TEST").actors == {"ref:north-korea": "source"}


def test_talks_under_a_condition_are_hypothetical(extractor: Extractor) -> None:
    result = read(
        extractor, "Seoul would lift the measures if Pyongyang returned to talks, an official said."
    )
    assert one(result, "MEETING").modality == "hypothetical"


def test_what_was_once_said_is_not_of_the_news_day(extractor: Extractor) -> None:
    result = read(
        extractor,
        "North Korea fired a ballistic missile into the East Sea on Tuesday.",
        "China called for restraint.",
        "Donald Trump once said he had fallen in love with Kim Jong Un.",
        day=date(2024, 11, 6),
    )
    tuesday = EventDate(date(2024, 11, 5), "day")
    assert one(result, "REQUEST").date == tuesday
    trump = [e for e in result.events if "ref:donald-trump" in e.actors]
    assert trump and all(e.date.value is None for e in trump)


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        # An article of Wednesday, June 19, 2024.
        ("Putin was originally scheduled to arrive late Tuesday.", date(2024, 6, 18)),
        ("Putin is scheduled to arrive on Tuesday.", date(2024, 6, 25)),
        ("Kim had planned to visit the plant on Friday.", date(2024, 6, 14)),
    ],
)
def test_a_plan_told_in_the_past_dates_a_day_gone_by(sentence: str, day: date) -> None:
    ((_, value),) = resolve_dates(sentence, date(2024, 6, 19))
    assert value == EventDate(day, "day")


# -- events named by a noun and its verb, wherever the clause stands ------------------
@pytest.mark.parametrize(
    "sentence",
    [
        # the participle before the noun
        "Pyongyang blamed Seoul's failure to stop activists from flying leaflets north.",
        # "stop X from being sent": what is stopped is the object of the passive
        "Seoul failed to stop propaganda leaflets from being sent across the border.",
        # the verb inside a "from" clause, with no named actor
        "The North condemned Seoul for failing to stop activists from sending leaflets.",
    ],
)
def test_sending_leaflets_is_a_protest_wherever_it_is_told(
    extractor: Extractor, sentence: str
) -> None:
    result = read(extractor, sentence)
    assert [e.event_type for e in result.events].count("PROTEST") == 1


# -- where an attack on a building happened --------------------------------------------
@pytest.mark.parametrize(
    ("paragraphs", "place"),
    [
        (
            ("North Korea blew up the inter-Korean liaison office on Tuesday.",),
            "ref:inter-korean-liaison-office",
        ),
        (
            (
                "North Korea blew up the inter-Korean liaison office on Tuesday.",
                "Smoke rose over Kaesong, where the joint liaison office is located.",
            ),
            "ref:kaesong",
        ),
        (
            (
                "The inter-Korean liaison office in Kaesong opened in 2018.",
                "North Korea demolished the joint liaison office on Tuesday.",
            ),
            "ref:kaesong",
        ),
    ],
)
def test_an_attack_on_a_building_happens_where_the_article_puts_it(
    extractor: Extractor, paragraphs: tuple[str, ...], place: str
) -> None:
    assert one(read(extractor, *paragraphs), "ASSAULT").place == place


def test_the_launch_named_again_with_who_oversaw_it_is_the_same_launch(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "North Korea fired an intercontinental ballistic missile on Friday.",
        "Leader Kim Jong Un oversaw the launch, state media said.",
    )
    launch = one(result, "WEAPONS_TEST")
    assert {"ref:north-korea", "ref:kim-jong-un"} <= set(launch.actors)


def test_a_participle_after_the_missile_tells_where_it_was_launched(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "North Korea fired an intercontinental ballistic missile on Friday.",
        "The new-type ICBM Hwasongpho-17, launched at Pyongyang International Airport,"
        " flew 999 km.",
    )
    assert one(result, "WEAPONS_TEST").place == "ref:pyongyang-airport"


def test_the_two_countries_counts_states_named_by_their_adjective(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Washington has stayed out of the dispute.",
        "South Korean courts ordered Japanese firms to compensate the victims.",
        "Tokyo wants arbitration under an agreement signed by the two countries in 1965.",
    )
    assert set(one(result, "AGREE").actors) == {"ref:japan", "ref:south-korea"}


def test_a_given_name_spelled_like_a_preposition_keeps_the_subject_whole(
    extractor: Extractor,
) -> None:
    # Split at the hyphen, "Moon Jae - in" reads "in" as a preposition: Moon was lost.
    result = read(
        extractor,
        "South Korean President Moon Jae-in and North Korean leader Kim Jong Un signed"
        " the joint declaration on Wednesday.",
    )
    assert {"ref:moon-jae-in", "ref:kim-jong-un"} <= set(one(result, "AGREE").actors)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        # two leaders: a summit, whatever the word
        ("Xi Jinping held talks with Kim Jong Un in Pyongyang on Thursday.", "summit"),
        # two foreign ministers "meeting": talks, not a summit
        ("Wang Yi met his North Korean counterpart Choe Son Hui in Beijing on Friday.", "talks"),
    ],
)
def test_who_meets_says_whether_a_meeting_is_a_summit(
    extractor: Extractor, sentence: str, kind: str
) -> None:
    assert one(read(extractor, sentence, day=date(2024, 3, 29)), "MEETING").kind == kind


def test_which_it_said_is_said_by_the_subject_of_the_sentence(extractor: Extractor) -> None:
    result = read(
        extractor,
        "The U.S. mission to the United Nations said the council would meet on Monday.",
        "North Korea conducted its sixth nuclear test on Sunday - in violation of UN"
        " resolutions - which it said was an advanced hydrogen bomb.",
    )
    statements = [e for e in result.events if e.event_type == "STATEMENT"]
    said = [e for e in statements if "hydrogen bomb" in e.summary]
    assert len(said) == 1 and set(said[0].actors) == {"ref:north-korea"}
    assert not said[0].summary.lower().startswith("which")


@pytest.mark.parametrize(
    "sentence",
    [
        "South Korea countered with a proposal to create a joint fund.",
        "Seoul came up with a proposal for talks.",
    ],
)
def test_who_answers_with_a_proposal_makes_it(extractor: Extractor, sentence: str) -> None:
    assert one(read(extractor, sentence), "PROPOSE").actors == {"ref:south-korea": "source"}


def test_who_agrees_with_a_proposal_did_not_make_it(extractor: Extractor) -> None:
    assert (
        "ref:japan" not in one(read(extractor, "Tokyo agreed with the proposal."), "PROPOSE").actors
    )


def test_launches_listed_after_including_are_events_of_their_own(extractor: Extractor) -> None:
    result = read(
        extractor,
        "North Korea conducted a nuclear test last year and has continued to launch"
        " ballistic missiles in the interim, including two intercontinental ballistic"
        " missiles into the East Sea in July.",
        day=date(2017, 9, 3),
    )
    launches = [e for e in result.events if e.event_type == "WEAPONS_TEST"]
    july = [e for e in launches if e.date == EventDate(date(2017, 7, 1), "month")]
    assert len(july) == 1 and july[0].place == "ref:east-sea"
    assert july[0].actors == {"ref:north-korea": "source"}


def test_what_is_done_during_a_dated_meeting_happened_that_day(extractor: Extractor) -> None:
    result = read(
        extractor,
        "North Korea's parliament held a plenary meeting on Monday.",
        "During the meeting, Kim Jong Un rejected any reunification with South Korea.",
    )
    meeting = one(result, "MEETING")
    assert meeting.date.precision == "day"
    assert one(result, "REJECT").date == meeting.date


def test_who_denounces_drills_takes_no_part_in_them(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Kim Yo-jong denounced the ongoing Freedom Shield exercise between South Korea"
        " and the United States.",
    )
    drills = one(result, "MILITARY_EXERCISE")
    assert set(drills.actors) == {"ref:south-korea", "ref:united-states"}
    # "ongoing": under way in the article's month
    assert drills.date == EventDate(date(2024, 3, 1), "month")


def test_the_ambassador_is_the_person_the_text_called_so(extractor: Extractor) -> None:
    result = read(
        extractor,
        "South Korea's Ambassador to the United States Cho Hyun-dong expressed regret on Tuesday.",
        "In a meeting with reporters in Washington on Tuesday, the ambassador denounced"
        " Moscow's veto.",
    )
    accusation = one(result, "ACCUSE")
    assert accusation.actors.get("txt:chohyontong") == "source"
    assert accusation.actors.get("ref:russia") == "target"
    assert accusation.place == "ref:washington"  # where the meeting was


def test_a_launching_drill_and_the_drill_after_it_are_one_launch(extractor: Extractor) -> None:
    result = read(
        extractor,
        "A launching drill of the intercontinental ballistic missile Hwasong-18 was"
        " conducted on March 12 under the guidance of Kim Jong Un.",
        "The drill was conducted by the Missile General Bureau, as South Korea and the"
        " United States staged joint military drills.",
        day=date(2024, 3, 13),
    )
    launch = one(result, "WEAPONS_TEST")
    assert launch.actors.get("ref:kim-jong-un") == "source"
    assert "ref:missile-general-bureau" in launch.actors
    assert launch.date == EventDate(date(2024, 3, 12), "day")
    assert "ref:missile-general-bureau" not in one(result, "MILITARY_EXERCISE").actors


def test_a_launch_happens_at_its_launch_site_not_where_it_fell(extractor: Extractor) -> None:
    result = read(
        extractor, "North Korea fired two missiles from Wonsan into the East Sea on Friday."
    )
    assert one(result, "WEAPONS_TEST").place == "ref:wonsan"


def test_a_proposal_made_on_a_day_is_of_that_day_when_the_parse_hangs_it_on_for(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "Kim Yo Jong made public a press statement on March 27 in connection with the"
        " proposal for talks made by the ROK's so-called unification minister on March 25.",
        day=date(2024, 3, 27),
    )
    assert one(result, "PROPOSE").date == EventDate(date(2024, 3, 25), "day")


def test_aid_given_as_an_amount_is_given_by_the_subject(extractor: Extractor) -> None:
    result = read(
        extractor,
        "South Korea will provide $10 million in humanitarian assistance for North Korean"
        " children through UNICEF, the Unification Ministry said Tuesday.",
    )
    assert one(result, "AID").actors.get("ref:south-korea") == "source"


def test_whose_talk_about_doing_something_does_it(extractor: Extractor) -> None:
    result = read(
        extractor,
        "She dismissed the ROK's recent ballyhoo about providing humanitarian aid through"
        " international organizations as a political ploy.",
    )
    assert one(result, "AID").actors == {"ref:south-korea": "source"}


def test_a_summit_that_collapsed_in_a_month_is_of_that_month(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Kim held his first summit with Donald Trump in Singapore on June 12, 2018. But"
        " diplomacy stalled after their second summit in Hanoi collapsed in February 2019"
        " without a deal.",
    )
    summit = next(e for e in result.events if e.place == "ref:hanoi")
    assert summit.date == EventDate(date(2019, 2, 1), "month")
    assert summit.place == "ref:hanoi"


# -- the day and place an event takes from its context ---------------------------------
def test_a_plan_after_lunch_is_on_the_day_the_text_was_telling_of(extractor: Extractor) -> None:
    # Published Wednesday 2024-03-06; the visit began on Monday.
    result = read(
        extractor,
        "The Japanese prime minister landed in Seoul on Monday for a two-day visit.",
        "Officials said after lunch, the two leaders will hold talks at the presidential office.",
    )
    (talks,) = [e for e in result.events if e.trigger == "talks"]
    assert talks.modality == "planned"
    assert talks.date == EventDate(date(2024, 3, 4), "day")


def test_after_lunch_with_no_day_told_before_it_is_not_the_article_day(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "Officials said after lunch, the two leaders will hold talks at the presidential office.",
    )
    assert one(result, "MEETING").date.value is None


def test_a_demand_made_at_a_dated_meeting_is_of_its_day(extractor: Extractor) -> None:
    # The parse hangs "during ..." on the wish, which in the subjunctive has no time.
    result = read(
        extractor,
        "The move came as the leader demanded that the army raise its readiness during a "
        "party meeting on Monday.",
    )
    assert one(result, "REQUEST").date == EventDate(date(2024, 3, 4), "day")


def test_an_agreement_made_during_a_summit_is_where_the_summit_was(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Moon agreed to resume family reunions during his summit with the Chinese leader "
        "in Beijing.",
    )
    assert one(result, "AGREE").place == "ref:beijing"


def test_exercising_a_veto_power_is_a_veto_and_holding_one_is_not(extractor: Extractor) -> None:
    result = read(extractor, "Russia exercised its veto power on Tuesday against the draft.")
    veto = one(result, "REJECT")
    assert veto.actors == {"ref:russia": "source"}
    assert veto.date == EventDate(date(2024, 3, 5), "day")
    held = read(extractor, "The five members that hold veto power met behind closed doors.")
    assert not [e for e in held.events if e.event_type == "REJECT"]


def test_a_lede_told_as_news_takes_the_day_the_body_states_a_time_zone_away(
    extractor: Extractor,
) -> None:
    # Published in Asia on Wednesday 2024-03-06; the vote was in New York on Tuesday.
    result = read(
        extractor,
        "China has vetoed a draft resolution condemning the missile launches.",
        "The council met on Tuesday, and China vetoed the draft after a short debate.",
    )
    veto = one(result, "REJECT")
    assert veto.date == EventDate(date(2024, 3, 5), "day")
    assert len(veto.mentions) == 2


def test_the_weekday_of_the_article_day_is_the_one_a_week_before_when_the_text_names_it(
    extractor: Extractor,
) -> None:
    # Published Thursday 2024-03-07; the text also names Feb. 29, the Thursday before.
    result = read(
        extractor,
        "Russia blocked the renewal of the monitoring panel on Feb. 29.",
        "Russia vetoed the renewal Thursday, ending the panel's mandate.",
        day=date(2024, 3, 7),
    )
    assert one(result, "REJECT").date == EventDate(date(2024, 2, 29), "day")


def test_a_meeting_spoken_to_met_when_the_words_were_said_and_is_a_bodys(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "The United States on Monday called for new sanctions on North Korea.",
        '"This cannot go on," Ambassador Linda Thomas-Greenfield told a Security Council meeting.',
    )
    meeting = one(result, "MEETING")
    assert meeting.date == EventDate(date(2024, 3, 4), "day")
    assert meeting.kind == "talks"


def test_a_body_named_by_its_head_word_is_the_one_body_of_that_head(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "The U.N. Security Council met behind closed doors on Monday.",
        "Diplomats said the Council remained divided over a statement.",
    )
    council = [m for m in result.mentions if m.surface == "Council"]
    assert [m.entity for m in council] == ["ref:unsc"]
    both = read(
        extractor,
        "The U.N. Security Council and the Human Rights Council met on Monday.",
        "Diplomats said the Council remained divided over a statement.",
    )
    assert not [m for m in both.mentions if m.surface == "Council"]


def test_a_declaration_named_by_its_day_was_made_before_the_clause_that_looks_ahead(
    extractor: Extractor,
) -> None:
    day = date(2018, 9, 20)
    result = read(extractor, "Both sides will honor the April 27 Panmunjeom Declaration.", day=day)
    assert one(result, "AGREE").date == EventDate(date(2018, 4, 27), "day")
    # A day that names no thing keeps looking ahead.
    ahead = read(extractor, "The two leaders will meet again on April 27.", day=day)
    assert one(ahead, "MEETING").date == EventDate(date(2019, 4, 27), "day")


def test_talks_during_which_words_were_said_on_a_reported_news_day_met_that_day(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "Japan and India on Tuesday signed a defense agreement in Tokyo, Kyodo News reported.",
        "During talks with Prime Minister Narendra Modi, Fumio Kishida said the agreement "
        "would deepen ties.",
    )
    tuesday = EventDate(date(2024, 3, 5), "day")
    assert one(result, "MEETING").date == tuesday
    (said,) = [e for e in result.events if e.event_type == "STATEMENT" and e.trigger == "said"]
    assert said.date == tuesday


def test_a_meeting_told_as_earlier_in_the_sentence_keeps_its_own_place_and_time(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "Kishida met Yoon again in Seoul two months after their meeting at a resort in "
        "Hiroshima in May.",
    )
    meetings = [e for e in result.events if e.event_type == "MEETING"]
    assert sorted((e.trigger, e.place) for e in meetings) == [
        ("meeting", "txt:hiroshima"),
        ("met", "ref:seoul"),
    ]
    (earlier,) = [e for e in meetings if e.trigger == "meeting"]
    assert earlier.date == EventDate(date(2023, 5, 1), "month")


def test_a_dateline_without_its_year_gives_the_ledes_news_its_month(
    extractor: Extractor,
) -> None:
    article = replace(
        story(
            "Russian President Vladimir Putin and Kim Jong Un have ended their talks at the "
            "spaceport.",
        ),
        dateline="VOSTOCHNY SPACEPORT, September 13. /TASS/",
    )
    talks = one(extractor.extract(article), "MEETING")
    assert talks.date.value is None
    assert talks.date.month_hint == 9


def test_a_building_named_once_without_an_inner_word_is_the_same_building(
    extractor: Extractor,
) -> None:
    result = read(
        extractor,
        "The two leaders held talks at the Taedonggang State Guesthouse on Tuesday.",
        "After the talks at the Taedonggang Guest House, they signed a declaration.",
    )
    houses = {m.entity for m in result.mentions if "Taedonggang" in m.surface}
    assert len(houses) == 1
    (house,) = houses
    assert result.entities[house].surfaces >= {
        "Taedonggang State Guesthouse",
        "Taedonggang Guest House",
    }
    # Two bodies that differ in more than one inner word stay two.
    other = read(
        extractor,
        "Delegates met at the Korea Energy Economics Institute on Tuesday.",
        "They later visited the Korea Institute on Wednesday.",
    )
    assert len({m.entity for m in other.mentions if m.surface.startswith("Korea ")}) == 2


def test_dropping_or_removing_a_state_from_a_whitelist_is_a_sanction(
    extractor: Extractor,
) -> None:
    dropped = one(
        read(extractor, "Officials said Tokyo dropped Seoul from its export whitelist."),
        "SANCTION",
    )
    assert dropped.actors == {"ref:japan": "source", "ref:south-korea": "target"}
    # The parse hangs "from its whitelist" on "cited", not on the noun.
    removal = one(
        read(
            extractor,
            "Seoul cited Tokyo's removal of South Korea from its whitelist as the main reason.",
        ),
        "SANCTION",
    )
    assert removal.actors == {"ref:japan": "source", "ref:south-korea": "target"}


def test_a_lede_in_the_past_perfect_is_not_the_news_of_the_day(extractor: Extractor) -> None:
    result = read(extractor, "Tokyo had removed Seoul from its export whitelist, officials noted.")
    assert one(result, "SANCTION").date.value is None


def test_a_noun_the_tagger_took_for_a_verb_still_names_its_event(extractor: Extractor) -> None:
    # "launches" after "its two long-range missile" is tagged a verb by the model.
    result = read(
        extractor,
        "The council last month unanimously imposed new sanctions on North Korea over its "
        "two long-range missile launches in July.",
    )
    launches = one(result, "WEAPONS_TEST")
    assert launches.actors == {"ref:north-korea": "source"}
    assert launches.date == EventDate(date(2023, 7, 1), "month")


def test_a_yearless_dateline_takes_its_year_from_the_years_the_text_tells_of(
    extractor: Extractor,
) -> None:
    # "Jan 10" without its stop, and only "since late 2023" to tell the year by.
    article = replace(
        story(
            "Kim Jong Un visited a missile launcher factory on Monday, state media said.",
            "He has been sending the same message since late 2023.",
        ),
        dateline="Seoul, Jan 10 (EFE)",
    )
    visit = [e for e in extractor.extract(article).events if e.trigger == "visited"]
    assert [e.date for e in visit] == [EventDate(date(2024, 1, 8), "day")]


def test_two_refusals_of_one_day_by_different_states_stay_two(extractor: Extractor) -> None:
    result = read(
        extractor,
        "Seoul rejected the proposal on Monday.",
        "Pyongyang also refused the offer of talks on Monday.",
    )
    refusals = [e for e in result.events if e.event_type == "REJECT"]
    assert sorted(next(iter(e.actors)) for e in refusals) == ["ref:north-korea", "ref:south-korea"]
