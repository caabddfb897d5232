"""Saved page text of many layouts: site chrome, stamps, headlines, datelines, captions,
credits and trailers, each read for what it is. The texts are written for these tests,
after the layouts (not the words) of pages people save."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from parsers import Article, parse_document, parse_sidecar

SEOUL = ZoneInfo("Asia/Seoul")
LEAD = (
    "South Korea and Japan agreed on Tuesday to open a direct line between their navies, "
    "officials said, after a string of close calls at sea this year."
)
SECOND = "The agreement was signed by the two defense ministers in Seoul, the ministry said."
THIRD = '"This line will prevent misunderstandings," the minister told reporters after the talks.'


def parse(*blocks: str, sep: str = "\n\n") -> Article:
    return parse_document(sep.join(blocks).encode())


def all_text(article: Article) -> str:
    return "\n".join(p.text for p in article.paragraphs)


def test_site_chrome_before_and_after_the_story_is_not_the_story() -> None:
    article = parse(
        "Accessibility links",
        "Skip to main contentSkip to navigation",
        "Advertisement",
        "Seoul and Tokyo open a naval hotline after close calls",
        LEAD,
        SECOND,
        THIRD,
        "Share this article",
        "You may also like",
        "Japan and China hold first security talks in years",
        "Navy tests new patrol ship off the east coast",
    )
    assert article.title == "Seoul and Tokyo open a naval hotline after close calls"
    assert article.body == [LEAD, SECOND, THIRD]
    for chrome in ("Accessibility", "Skip to", "Advertisement", "Share", "also like", "patrol"):
        assert chrome not in all_text(article)


def test_a_saving_tools_date_line_gives_the_day_and_no_time() -> None:
    article = parse(f" date 2024-03-12 Seoul and Tokyo open a naval hotline\n\n{LEAD}\n\n{SECOND}")
    assert article.title == "Seoul and Tokyo open a naval hotline"
    assert article.published_date == date(2024, 3, 12)
    assert article.published_at is None  # a day alone: no time is made up
    assert article.body[0] == LEAD


def test_a_printed_time_under_the_headline_is_read_in_the_wires_zone() -> None:
    article = parse(
        "(LEAD) Seoul and Tokyo open a naval hotline",
        "14:06 March 12, 2024",
        "(ATTN: ADDS comments in paras 3-4)",
        f"SEOUL, March 12 (Yonhap) -- {LEAD}",
        SECOND,
        "hong@yna.co.kr",
        "(END)",
    )
    assert article.source == "yonhap"  # the dateline's agency
    assert article.label == "LEAD"
    assert article.editor_note == "ADDS comments in paras 3-4"
    assert article.published_at == datetime(2024, 3, 12, 14, 6, tzinfo=SEOUL)
    assert article.published_date == date(2024, 3, 12)
    assert article.dateline_place == "SEOUL"
    assert article.body == [LEAD, SECOND]


def test_a_headline_run_together_with_its_time_and_zone() -> None:
    article = parse(
        "Other Stories",
        "Full Video",
        "Seoul and Tokyo open a naval hotline Updated: 2024-03-12 11:58:38 KST",
        LEAD,
    )
    assert article.title == "Seoul and Tokyo open a naval hotline"
    assert article.published_at == datetime(2024, 3, 12, 11, 58, 38, tzinfo=SEOUL)


def test_a_time_with_its_zone_printed_is_taken_as_printed() -> None:
    article = parse(
        "Seoul and Tokyo open a naval hotline",
        "By Associated Press",
        "March 12, 2024 3:21 AM EDT",
        f"(SEOUL, South Korea) \u2014 {LEAD}",
    )
    assert article.byline == "Associated Press"
    assert article.source == "ap"
    assert article.published_at == datetime(2024, 3, 12, 3, 21, tzinfo=ZoneInfo("America/New_York"))
    assert article.published_at.utcoffset() == timedelta(hours=-4)
    assert article.dateline_place == "SEOUL, South Korea"


@pytest.mark.parametrize(
    ("opening", "place", "agency"),
    [
        ("SEOUL, March 12 (Yonhap) --", "SEOUL", "yonhap"),
        ("Pyongyang, March 12 (KCNA) --", "Pyongyang", "kcna"),
        ("SEOUL, SOUTH KOREA (AP) \u2014", "SEOUL, SOUTH KOREA", "ap"),
        ("SEOUL/TOKYO, March 12 (Yonhap) --", "SEOUL/TOKYO", "yonhap"),
        ("VLADIVOSTOK /Primorye Territory/, March 12. /TASS/.", "VLADIVOSTOK", "tass"),
        ("Seoul, Mar 12 (EFE).-", "Seoul", "efe"),
        ("ANKARA (AA) \u2013", "ANKARA", "anadolu"),
        ("TOKYO --", "TOKYO", "unknown"),
        ("TOKYO:", "TOKYO", "unknown"),
        ("Seoul:", "Seoul", "unknown"),
    ],
)
def test_datelines_of_any_agency(opening: str, place: str, agency: str) -> None:
    article = parse("Seoul and Tokyo open a naval hotline", f"{opening} {LEAD}", SECOND)
    assert article.dateline_place == place
    assert article.body[0] == LEAD
    assert article.source == agency


def test_a_label_set_off_by_a_dash_is_no_dateline() -> None:
    article = parse(
        "UPDATE \u2013 Seoul and Tokyo open a naval hotline", "By Riyaz al Rahman", LEAD
    )
    assert (article.title, article.label) == ("Seoul and Tokyo open a naval hotline", "UPDATE")
    assert article.dateline_place is None
    assert article.byline == "Riyaz al Rahman"


def test_bracketed_series_labels_and_site_names_leave_the_headline() -> None:
    article = parse("[Naval Talks] Seoul and Tokyo open a hotline | AP News", LEAD)
    assert (article.title, article.label, article.source) == (
        "Seoul and Tokyo open a hotline",
        "Naval Talks",
        "ap",
    )


def test_an_attribution_after_a_dash_stays_in_the_headline() -> None:
    article = parse("North Korea tested a new engine on Friday \u2014 KCNA", LEAD)
    assert article.title == "North Korea tested a new engine on Friday \u2014 KCNA"


@pytest.mark.parametrize(
    "caption",
    [
        "The two ministers shake hands after signing the agreement in Seoul. (Yonhap)",
        "The two ministers shake hands after signing the agreement. Photo: Lee Min-a / AP",
        "The two ministers shake hands after signing the agreement. [Photo/Agencies] |",
        "The two ministers shake hands after signing the agreement. Kim Hoon/AP Photo",
        "The two ministers shake hands after signing the agreement in Seoul. AP-Yonhap",
        "The two ministers shake hands after signing the agreement. [YONHAP]",
        "The two ministers shake hands after signing the agreement (Joint Press Corps)",
    ],
)
def test_a_caption_is_known_by_its_credit(caption: str) -> None:
    article = parse("Seoul and Tokyo open a naval hotline", caption, LEAD, SECOND)
    assert article.texts("caption") == [caption]
    assert article.body == [LEAD, SECOND]


def test_a_caption_printed_twice_is_kept_once_and_a_credit_line_names_its_photo() -> None:
    caption = "The two ministers shake hands after signing the agreement in Seoul on Tuesday"
    article = parse(
        "Seoul and Tokyo open a naval hotline",
        caption,
        caption,
        "Photograph: Getty Images",
        LEAD,
        f"{caption}.",
        "Navy Pool/Yonhap/AP",
        SECOND,
    )
    assert article.texts("caption") == [caption, f"{caption}."]
    assert article.body == [LEAD, SECOND]


def test_a_headline_printed_twice_starts_the_story_after_its_copy() -> None:
    summary = "The deal comes after a string of close calls between the two navies this year."
    article = parse(
        "Advertisement",
        "Seoul and Tokyo Open Naval Hotline After Close Calls",
        summary,
        "Seoul and Tokyo Open Naval Hotline After Close Calls",
        LEAD,
    )
    assert article.title == "Seoul and Tokyo Open Naval Hotline After Close Calls"
    assert article.body == [LEAD]


def test_a_deck_with_a_byline_and_date_under_it_is_not_the_first_paragraph() -> None:
    article = parse(
        "Skip to site index",
        "Asia Pacific",
        "Seoul and Tokyo Open Naval Hotline After Close Calls",
        "The deal, signed by the two defense ministers, is meant to prevent misunderstandings.",
        "Share full article",
        "By Mina Park",
        "March 12, 2024",
        "Updated 3:13 a.m. ET",
        LEAD,
        SECOND,
    )
    assert (article.section, article.byline) == ("Asia Pacific", "Mina Park")
    assert article.published_date == date(2024, 3, 12)
    assert article.body == [LEAD, SECOND]


def test_a_sites_motto_above_the_section_is_no_headline() -> None:
    article = parse(
        "Exclusive news, data and analytics for financial market professionals",
        "World",
        "Seoul and Tokyo open a naval hotline",
        "By Mina Park and Ken Ito",
        "March 12, 20248:04 AM GMT+9Updated 2 hours ago",
        f"SEOUL, March 12 (Reuters) - {LEAD}",
        SECOND,
        "Reporting by Mina Park; Editing by Tom Lee",
        "Our Standards: The Trust Principles.",
        sep="\n",
    )
    assert (article.title, article.section) == ("Seoul and Tokyo open a naval hotline", "World")
    assert article.byline == "Mina Park and Ken Ito"
    assert article.published_at == datetime(2024, 3, 12, 8, 4, tzinfo=timezone(timedelta(hours=9)))
    assert article.body == [LEAD, SECOND]  # the wire's closing credits end the story


def test_a_menu_line_above_the_headline_is_no_section() -> None:
    article = parse("Home", "News", "Sport", "Seoul and Tokyo open a naval hotline", LEAD)
    assert article.section is None
    assert article.title == "Seoul and Tokyo open a naval hotline"


def test_a_wire_sign_off_and_the_links_after_it_end_the_story() -> None:
    article = parse(
        "Seoul and Tokyo open a naval hotline",
        f"SEOUL, March 12 (Yonhap) -- {LEAD}",
        SECOND,
        "hong@yna.co.kr",
        "(END)",
        "-",
        "1",
        "Navy tests new patrol ship off the east coast",
        "-",
        "(LEAD) Japan and China hold first security talks in years",
        sep="\n",
    )
    assert article.body == [LEAD, SECOND]


def test_a_box_of_links_and_the_sites_words_to_its_reader_are_no_story() -> None:
    article = parse(
        "Seoul and Tokyo open a naval hotline",
        LEAD,
        SECOND,
        "With your current plan you can comment on stories. Please create a display name first.",
        "More From Korea Times",
        "Navy tests new patrol ship off the east coast",
        "Navy tests new patrol ship off the east coast",
        "There took place a cer",
    )
    assert article.body == [LEAD, SECOND]


def test_the_outlets_own_credit_after_the_story_ends_it() -> None:
    article = parse(
        "Seoul and Tokyo open a naval hotline",
        LEAD,
        SECOND,
        "\u2022 16x9 Image",
        "VOA News",
        "The Voice of America provides news in more than 40 languages to a weekly audience.",
        "XS",
        "SM",
    )
    assert article.body == [LEAD, SECOND]
    assert article.source == "voa"


def test_text_cut_off_mid_sentence_is_kept_and_said() -> None:
    article = parse("Seoul and Tokyo open a naval hotline", LEAD, "The agreement was signed by t")
    assert article.body == [LEAD, "The agreement was signed by t"]
    assert any("cut off mid-sentence" in note for note in article.repairs)


def test_paragraphs_run_together_by_the_copy_are_taken_apart() -> None:
    article = parse(" date 2024-03-12 Photo : YONHAP News", LEAD + SECOND + THIRD)
    assert article.title is None
    assert article.body == [LEAD, SECOND, THIRD]
    assert article.texts("caption") == []  # a credit alone is no caption


def test_a_story_that_opens_at_its_dateline_has_no_title() -> None:
    article = parse(f"Pyongyang, March 12 (KCNA) -- {LEAD}", SECOND, sep="\n")
    assert article.title is None
    assert article.body[0] == LEAD


def test_hard_wrapped_text_is_joined_but_page_lines_are_not() -> None:
    text = (
        "Kyodo News\nBack to Main\nSeoul and Tokyo open a naval hotline after close calls\n\n"
        "South Korea and Japan agreed on Tuesday to open a direct line between\n"
        "their navies, officials said, after a string of close calls at sea this\n"
        "year.\n\n"
        "The agreement was signed by the two defense ministers in Seoul, the\n"
        "ministry said.\n"
    )
    article = parse_document(text.encode())
    assert article.title == "Seoul and Tokyo open a naval hotline after close calls"
    assert article.source == "kyodo"
    assert article.body == [LEAD, SECOND]


def test_the_outlet_is_read_from_the_page_never_from_the_file_name(tmp_path) -> None:
    from flows.pipeline import parse_files

    path = tmp_path / "yonhap_kcna_xinhua.txt"
    path.write_text(f"Seoul and Tokyo open a naval hotline\n\n{LEAD}\n\n{SECOND}\n")
    (parsed,) = parse_files([str(path)]).documents
    assert parsed.article is not None and parsed.article.source == "unknown"


@pytest.mark.parametrize(
    ("lines", "source"),
    [
        (["Source: Xinhua| 2024-03-12 19:41:00|Editor: huaxia"], "xinhua"),
        (["KCNA Pyongyang Times", "Date: 13/03/2024 | Source: Pyongyang Times | Read"], "kcna"),
        (["Afp March 12, 2024"], "afp"),
        (["By Lee Ji-ho, VOA"], "voa"),
        (["The Korea Herald"], "korea-herald"),
    ],
)
def test_the_outlet_from_the_pages_credits(lines: list[str], source: str) -> None:
    article = parse("Seoul and Tokyo open a naval hotline", *lines, LEAD)
    assert article.source == source


def test_a_time_without_a_zone_needs_the_outlet_or_stays_a_day() -> None:
    stamp = "Published : Mar 12, 2024 - 16:46"
    alone = parse("Seoul and Tokyo open a naval hotline", stamp, LEAD)
    assert (alone.published_at, alone.published_date) == (None, date(2024, 3, 12))
    with_outlet = parse("Seoul and Tokyo open a naval hotline", "The Korea Herald", stamp, LEAD)
    assert with_outlet.published_at == datetime(2024, 3, 12, 16, 46, tzinfo=SEOUL)
    # The agencies whose photos the page credits, when they agree, name the zone.
    caption = "The two ministers shake hands after signing the agreement. (Yonhap)"
    credited = parse("Seoul and Tokyo open a naval hotline", stamp, caption, LEAD)
    assert credited.published_at == datetime(2024, 3, 12, 16, 46, tzinfo=SEOUL)
    # A page labelled in Korean is a Korean site.
    korean = parse("SEOUL AND TOKYO OPEN NAVAL HOTLINE \uc785\ub825 2024.03.12 (16:46)", LEAD)
    assert korean.published_at == datetime(2024, 3, 12, 16, 46, tzinfo=SEOUL)


def test_a_pages_viewing_date_is_not_the_storys() -> None:
    article = parse(
        "September 07, 2025Sep 07, 2025",
        "KCNA Pyongyang Times",
        "Seoul and Tokyo open a naval hotline",
        "Date: 13/03/2024 | Source: Pyongyang Times | Read original version at source",
        LEAD,
    )
    assert article.published_date == date(2024, 3, 13)
    dated = parse(
        "February 28, 2026",
        "Seoul and Tokyo open a naval hotline",
        f"Pyongyang, March 12 (KCNA) -- {LEAD}",
    )
    assert dated.published_date is None  # far from the dateline's day: not the story's


def test_the_text_prints_the_day_and_the_sidecar_gives_the_time() -> None:
    text = f" date 2024-03-12 Seoul and Tokyo open a naval hotline\n\n{LEAD}".encode()
    same_day = parse_sidecar(b'{"published_at": "2024-03-12T10:00:00+09:00"}', "a.meta.json")
    assert parse_document(text, same_day).published_at == datetime(
        2024, 3, 12, 10, tzinfo=timezone(timedelta(hours=9))
    )
    other_day = parse_sidecar(b'{"published_at": "2024-03-15T10:00:00+09:00"}', "b.meta.json")
    article = parse_document(text, other_day)
    assert (article.published_at, article.published_date) == (None, date(2024, 3, 12))
    assert any("sidecar" in note for note in article.repairs)


def test_broadcast_script_markers_are_no_paragraphs() -> None:
    article = parse(
        "NAVAL HOTLINE OPENS News Today",
        "[Anchor Lead]",
        LEAD,
        "[Pkg]",
        SECOND,
    )
    assert (article.title, article.section) == ("NAVAL HOTLINE OPENS", "News Today")
    assert article.body == [LEAD, SECOND]


def test_a_related_headline_between_paragraphs_is_a_subhead_not_text() -> None:
    article = parse(
        "Seoul and Tokyo open a naval hotline",
        LEAD,
        "Japan And China Hold First Security Talks In Years",
        SECOND,
    )
    assert article.texts("subhead") == ["Japan And China Hold First Security Talks In Years"]
    assert article.body == [LEAD, SECOND]


def test_a_reporters_name_beside_the_date_or_the_role_is_the_byline() -> None:
    guardian_like = parse(
        "Seoul and Tokyo open a naval hotline",
        "Justin Park in Tokyo",
        "Tue 12 Mar 2024 08.47 GMT",
        LEAD,
    )
    assert guardian_like.byline == "Justin Park"
    assert guardian_like.published_at == datetime(2024, 3, 12, 8, 47, tzinfo=ZoneInfo("UTC"))
    broadcaster_like = parse(
        "Seoul and Tokyo open a naval hotline", "Ana Lim", "Seoul correspondent", LEAD
    )
    assert broadcaster_like.byline == "Ana Lim"


@pytest.mark.parametrize(
    "caption",
    [
        "FILE - The two ministers shake hands after signing an earlier agreement in Seoul.",
        "In this photo released by the ministry, the two ministers shake hands in Seoul.",
        "The two ministers shake hands in Seoul on Tuesday. Korea Times photo by Kim Hoon",
    ],
)
def test_captions_written_as_captions_are_known_without_a_credit_in_brackets(
    caption: str,
) -> None:
    article = parse("Seoul and Tokyo open a naval hotline", caption, LEAD)
    assert article.texts("caption") == [caption]
    assert article.body == [LEAD]


def test_links_and_footers_inside_and_after_the_story_are_left_out() -> None:
    article = parse(
        "Seoul and Tokyo open a naval hotline",
        LEAD,
        "Read more: Japan and China hold first security talks in years",
        SECOND,
        "\u00a9 2024 The Korea Herald. All rights reserved.",
    )
    assert article.body == [LEAD, SECOND]


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("Updated 2024.03.12. 10:12", datetime(2024, 3, 12, 10, 12, tzinfo=SEOUL)),
        ("Posted : 2024-03-12 16:46", datetime(2024, 3, 12, 16, 46, tzinfo=SEOUL)),
        ("Posted March. 12, 2024 07:40", datetime(2024, 3, 12, 7, 40, tzinfo=SEOUL)),
    ],
)
def test_korean_papers_print_their_time_without_a_zone(stamp: str, expected: datetime) -> None:
    article = parse("The Korea Times", "Seoul and Tokyo open a naval hotline", stamp, LEAD)
    assert article.published_at == expected


def test_a_line_of_page_fields_names_the_wire_and_the_time() -> None:
    article = parse(
        "Seoul and Tokyo open a naval hotline",
        "KYODO NEWS - Mar 12, 2024 - 10:30 | World, All",
        LEAD,
    )
    assert article.source == "kyodo"
    assert article.published_at == datetime(2024, 3, 12, 10, 30, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_a_dateline_on_a_line_of_its_own_opens_the_paragraph_under_it() -> None:
    article = parse("Seoul and Tokyo open a naval hotline", "SEOUL, March 12 (Yonhap) --", LEAD)
    assert (article.dateline, article.body) == ("SEOUL, March 12 (Yonhap)", [LEAD])


def test_a_photos_description_under_the_headline_is_a_caption_even_without_a_credit() -> None:
    caption = "The two ministers shake hands after signing a pact that opens a line between navies."
    article = parse("Seoul and Tokyo open a naval hotline", caption, LEAD, SECOND)
    assert article.texts("caption") == [caption]
    assert article.body == [LEAD, SECOND]


@pytest.mark.parametrize(
    "lead",
    [
        "South Korea and Japan open a direct line between their navies today, officials say.",
        "South Korea and Japan will open a direct line between their navies next month.",
        "South Korea and Japan are opening a direct line between their navies this week.",
    ],
)
def test_a_first_paragraph_that_reports_is_never_taken_for_a_caption(lead: str) -> None:
    article = parse("Seoul and Tokyo open a naval hotline", lead, SECOND)
    assert article.body == [lead, SECOND]


def test_sentences_above_the_dateline_are_kept_with_the_captions() -> None:
    summary = "Deputy director Kim You-geun said the pact no longer served the national interest."
    article = parse(
        "Seoul ends its intelligence pact with Tokyo",
        "Video PlayerClose",
        summary,
        f"SEOUL, Aug. 22 (Xinhua) -- {LEAD}",
        SECOND,
        f"Kim You-geun told reporters the decision was final. {THIRD}",
    )
    assert article.texts("caption") == [summary]
    assert article.body == [
        LEAD,
        SECOND,
        f"Kim You-geun told reporters the decision was final. {THIRD}",
    ]
    assert "Video Player" not in all_text(article)
