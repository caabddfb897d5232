"""Parsers on texts written for these tests, beyond the two seeds."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from parsers import parse_document
from tests.conftest import FIXTURES


def test_yonhap_version_label_wrapped_lines_and_wire_trailer() -> None:
    article = parse_document((FIXTURES / "yonhap_2nd_ld.txt").read_bytes())
    assert article.source == "yonhap"
    assert article.label == "2nd LD"
    assert article.title == "Seoul, Tokyo agree to resume defense dialogue"
    assert article.section == "Politics"
    assert article.published_at == datetime(2024, 3, 21, 16, 40, tzinfo=ZoneInfo("Asia/Seoul"))
    assert article.byline == "Park Min-ji and Choi Jae-won"
    assert article.dateline_place == "TOKYO"
    # Hard-wrapped lines of one paragraph come back as one paragraph.
    assert article.body[0] == (
        "South Korea and Japan agreed Thursday to restart a regular dialogue between their "
        "defense ministries, officials said, ending a pause of more than five years."
    )
    assert article.body[-1] == "The next round is expected in Seoul later this year."
    assert len(article.texts("caption")) == 1
    assert all("yna.co.kr" not in p.text for p in article.paragraphs)


def test_yonhap_labels_stack_in_order() -> None:
    text = (
        "(LEAD) (News Focus) Title here\n\nNorth Korea 09:05 January 02, 2020\n\n"
        "SEOUL, Jan. 2 (Yonhap) -- First paragraph of the story.\n\nSecond paragraph."
    )
    article = parse_document(text.encode())
    assert article.label == "LEAD, News Focus"
    assert article.title == "Title here"
    assert article.byline is None
    assert article.published_at == datetime(2020, 1, 2, 9, 5, tzinfo=ZoneInfo("Asia/Seoul"))


def test_unrecognized_text_goes_to_the_generic_parser() -> None:
    article = parse_document((FIXTURES / "herald_style.txt").read_bytes())
    assert article.parser == "generic_text"
    assert article.source == "unknown"
    assert article.title.startswith("Unification ministry sees no sign")
    assert article.byline == "Lee Ha-na"
    assert article.published_at is None
    assert article.texts("subhead") == ["Hotline silent"]
    assert len(article.body) == 3
    assert article.body[0].startswith("The Ministry of Unification said Monday")


def test_voa_dateline_with_country_and_em_dash() -> None:
    text = (
        "Seoul Weighs Response to Drone Incursion\n\nBy Lee Juhyun, VOA\n\n"
        "SEOUL, SOUTH KOREA \u2014 South Korea's military said Tuesday it would review its "
        "air defenses.\n\nSource: Voice of America\n\nYou may also like..."
    )
    article = parse_document(text.encode())
    assert article.source == "voa"
    # The place as the dateline prints it, country included (the gold's reading).
    assert article.dateline_place == "SEOUL, SOUTH KOREA"
    assert article.body == ["South Korea's military said Tuesday it would review its air defenses."]


def test_a_body_sentence_is_never_taken_for_a_subhead() -> None:
    text = (
        "Headline\n\nFirst paragraph of the story, long enough to be prose.\n\n"
        "Kim said it was over.\n\nA much longer paragraph follows the short sentence above it."
    )
    article = parse_document(text.encode())
    assert article.texts("subhead") == []


def test_yonhap_editor_note_is_kept_apart_from_the_text() -> None:
    text = (
        "(2nd LD) Envoys to meet again next month\n\nPolitics 18:02 May 03, 2024\n\n"
        "(ATTN: ADDS details in paras 3-5)\n\nBy Jung Min-ho\n\n"
        "SEOUL, May 3 (Yonhap) -- The envoys agreed to meet again.\n\n"
        "The date is not set. (END)\n\njmh@yna.co.kr, sol@yna.co.kr"
    )
    article = parse_document(text.encode())
    assert article.label == "2nd LD"
    assert article.editor_note == "ADDS details in paras 3-5"
    assert article.byline == "Jung Min-ho"
    assert article.dateline == "SEOUL, May 3 (Yonhap)"
    assert article.body == ["The envoys agreed to meet again.", "The date is not set."]


def test_yonhap_editor_note_wrapped_into_the_dateline_paragraph() -> None:
    text = (
        "(LEAD) Envoys to meet again\n\n"
        "(ATTN: RECASTS lead (para 1)) SEOUL, May 3 (Yonhap) -- The envoys\n"
        "agreed to meet again.\n\nThe date is not set.\n\njmh@yna.co.kr (END)"
    )
    article = parse_document(text.encode())
    assert article.editor_note == "RECASTS lead (para 1)"
    assert article.dateline_place == "SEOUL"
    assert article.body == ["The envoys agreed to meet again.", "The date is not set."]


def test_a_first_version_has_no_editor_note() -> None:
    article = parse_document((FIXTURES / "yonhap_2nd_ld.txt").read_bytes())
    assert article.editor_note is None
