"""Yonhap wire stories as subscribers receive them: hard-wrapped lines in one <div>."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from parsers import (
    ParseError,
    parse_document,
    parse_page,
    parse_sidecar,
    voa_html,
    yonhap_html,
    yonhap_wire,
)
from parsers.model import Article
from tests.conftest import FIXTURES, SHARED

REAL_WIRE = SHARED / "fixtures" / "real" / "yonhap_wire_20171012.html"
OWN_WIRE = FIXTURES / "pages" / "yonhap_wire_lead.html"


def real_wire() -> bytes:
    if not REAL_WIRE.exists():
        pytest.skip(
            f"{REAL_WIRE} is absent: the real pages live in ../shared, not in this repository"
        )
    return REAL_WIRE.read_bytes()


def assert_clean_paragraphs(article: Article) -> None:
    for paragraph in article.paragraphs:
        text = paragraph.text
        assert text == " ".join(text.split()), f"stray white space in {text[:40]!r}"
        for leftover in ("@yna.co.kr", "(END)", "(Yonhap)", "(ATTN", "\r"):
            assert leftover not in text, f"{leftover!r} left in {text[:40]!r}"


def test_real_wire_story_every_field() -> None:
    html = real_wire().decode("utf-8")
    assert yonhap_wire.recognize_wire(html)
    assert not yonhap_html.recognize_html(html) and not voa_html.recognize_html(html)
    article = parse_document(real_wire())
    assert article.source == "yonhap"
    assert article.parser == "yonhap_wire"
    assert article.title == "S. Korean defense chief orders anti-hacking measures"
    assert article.label is None
    assert article.section is None
    assert article.byline is None
    assert article.editor_note is None
    assert article.dateline == "SEOUL, Oct. 12 (Yonhap)"
    assert article.dateline_place == "SEOUL"
    # "Oct. 12" and no year: the time is left to a sidecar or the caller, never made up.
    assert article.published_at is None
    assert article.url is None
    assert article.language == "en"
    assert article.replacement_chars == 0 and article.repairs == ()
    assert [p.kind for p in article.paragraphs] == ["body"] * 8
    # The first paragraph's hard wraps are joined with a space, the dateline taken off.
    assert article.body[0].startswith("South Korean Defense Minister Song Young-moo has ordered")
    assert article.body[0].endswith("his ministry said Thursday.")
    # The run of empty <br/> lines before it neither split nor ended a paragraph.
    assert article.body[3].startswith("There have been a number of reports")
    assert article.body[-1].startswith("He instructed the military to closely review")
    assert_clean_paragraphs(article)


def test_real_wire_story_takes_its_time_from_a_sidecar() -> None:
    data = real_wire()
    sidecar = parse_sidecar(
        b'{"published_at": "2017-10-12T14:31:00+09:00", "url": "https://wire.test/1"}', "x"
    )
    article = parse_document(data, sidecar)
    assert article.published_at == datetime(2017, 10, 12, 14, 31, tzinfo=ZoneInfo("Asia/Seoul"))
    assert article.url == "https://wire.test/1"


def test_own_wire_story_with_label_note_and_two_addresses() -> None:
    article = parse_page(OWN_WIRE.read_bytes(), url="https://wire.test/lead")
    assert article.parser == "yonhap_wire"
    assert article.title == "Seoul and Tokyo envoys agree to keep talking"
    assert article.label == "LEAD"
    assert article.editor_note == "ADDS ministry comment in paras 4-5"
    assert article.dateline == "SEOUL, May 3 (Yonhap)"
    assert article.url == "https://wire.test/lead"
    assert article.published_at is None
    assert article.body == [
        "The chief nuclear envoys of South Korea and Japan agreed Friday to hold another "
        "round of talks next month, the foreign ministry said.",
        "The two met for about an hour in central Seoul, a day after a regional security "
        "forum closed.",
        # Indented with plain spaces after a run of empty lines: still a paragraph of its own.
        "Neither side gave details of the agenda for the next meeting.",
        '"We will keep the channel open," a ministry official told reporters, asking not '
        "to be named.",
        "The ministry plans to brief the National Assembly on Monday.",
    ]
    assert_clean_paragraphs(article)


def test_a_wire_story_is_named_in_a_sources_file_too() -> None:
    article = parse_page(OWN_WIRE.read_text(encoding="utf-8"), parser="yonhap_wire")
    assert article.parser == "yonhap_wire" and len(article.body) == 5


def test_markup_lines_keep_the_indent_and_drop_carriage_returns() -> None:
    lines = yonhap_wire.markup_lines("<div>Title<br/>&#13;\n\u00a0\u00a0 SEOUL --<br/>x</div>")
    assert [line for line in lines if line] == ["Title", "\u00a0\u00a0 SEOUL --", "x"]


def test_a_wire_story_without_an_indented_paragraph_is_refused(tmp_path: Path) -> None:
    html = "<div>Only a title line<br/>&#13;\n(END)</div>"
    with pytest.raises(ParseError, match="Yonhap wire story: no article body found"):
        yonhap_wire.parse_wire(html)
