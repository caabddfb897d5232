"""The HTML parsers on real saved pages (read from ../shared, never copied) and pages of our own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from parsers import parse_document, parse_sidecar, voa_html, yonhap_html
from parsers.model import Article, ParseError
from tests.conftest import SHARED

REAL = SHARED / "fixtures" / "real"
SEOUL = timezone(timedelta(hours=9))
US_EASTERN_DST = timezone(timedelta(hours=-4))


def real_page(name: str) -> str:
    path: Path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the real pages live in ../shared, not in this repository")
    return path.read_text(encoding="utf-8")


def assert_no_wire_trailer(article: Article) -> None:
    for paragraph in article.paragraphs:
        assert "(END)" not in paragraph.text
        assert "@yna.co.kr" not in paragraph.text
        assert "(ATTN" not in paragraph.text
        assert paragraph.text == paragraph.text.strip() and paragraph.text


def test_yonhap_2nd_ld_page() -> None:
    html = real_page("yonhap_AEN20230419000952325.html")
    assert yonhap_html.recognize_html(html)
    assert not voa_html.recognize_html(html)
    article = yonhap_html.parse_html(html)
    assert article.source == "yonhap"
    assert article.parser == "yonhap_html"
    assert article.title == (
        "N. Korea's Kim orders launch of military reconnaissance satellite as planned"
    )
    assert article.label == "2nd LD"
    assert article.section == "North Korea"
    # No romanized byline paragraph on this page; the Hangul meta[name=author] is not used.
    assert article.byline is None
    assert article.dateline == "SEOUL, April 19 (Yonhap)"
    assert article.dateline_place == "SEOUL"
    # The "(ATTN: ...)" paragraph is a field, not text, and ties this version to the others.
    assert article.editor_note == "ADDS more details, analysts' remarks in paras 9-11, 15-17"
    assert article.published_at == datetime(2023, 4, 19, 11, 12, 32, tzinfo=SEOUL)
    assert article.published_at.utcoffset() == timedelta(hours=9)
    # The meta time and the time under the title agree to the minute: nothing to report.
    assert article.repairs == ()
    assert article.body[0].startswith("North Korean leader Kim Jong-un said Pyongyang")
    assert article.body[-1].startswith("Some observers, however, projected")
    assert len(article.body) == 17
    # Four figcaptions, two of them word for word the same: three captions, each once.
    captions = article.texts("caption")
    assert len(captions) == 3
    assert captions[0].startswith("North Korean leader Kim Jong-un (R) and his daughter")
    assert (
        captions[-1]
        == "NK's Kim orders the launch of a military reconnaissance satellite as planned"
    )
    assert_no_wire_trailer(article)
    assert article.url == "https://en.yna.co.kr/view/AEN20230419000952325"


def test_yonhap_page_without_label() -> None:
    html = real_page("yonhap_AEN20230419005500325.html")
    article = yonhap_html.parse_html(html, url="https://example.test/given")
    assert article.title == (
        "Top S. Korean, U.S. military officers discuss N. Korean threats, alliance"
    )
    assert article.label is None
    assert article.section == "Politics"
    assert article.byline is None
    assert article.dateline == "SEOUL, April 19 (Yonhap)"
    assert article.dateline_place == "SEOUL"
    assert article.editor_note is None
    assert article.published_at == datetime(2023, 4, 19, 15, 29, 20, tzinfo=SEOUL)
    assert article.repairs == ()
    assert article.body[0].startswith("South Korea's top general and a visiting U.S. admiral")
    assert article.body[-1].startswith("They voiced concerns over the continuation of the war")
    assert len(article.body) == 9
    assert len(article.texts("caption")) == 2
    assert_no_wire_trailer(article)
    # A URL the caller gives wins over the page's canonical link.
    assert article.url == "https://example.test/given"


def test_voa_page() -> None:
    html = real_page("voa_7585813.html")
    assert voa_html.recognize_html(html)
    assert not yonhap_html.recognize_html(html)
    article = voa_html.parse_html(html)
    assert article.source == "voa"
    assert article.parser == "voa_html"
    assert article.title == (
        "America's child care crisis is holding back moms without college degrees"
    )
    assert article.label is None
    assert article.section == "USA"
    assert article.byline == "Associated Press"
    assert article.dateline == "AUBURN, Wash."
    assert article.dateline_place == "AUBURN"
    # The <time> element's Eastern offset is kept; JSON-LD says the same instant in UTC,
    # and the clock text in the element says it in Eastern wall time: no disagreement.
    assert article.published_at == datetime(2024, 4, 28, 3, 0, tzinfo=US_EASTERN_DST)
    assert article.published_at.utcoffset() == timedelta(hours=-4)
    assert article.published_at == datetime(2024, 4, 28, 7, 0, tzinfo=UTC)
    assert article.repairs == ()
    assert article.editor_note is None
    assert article.body[0].startswith("After a series of lower-paying jobs, Nicole Slemp")
    assert article.body[-1].startswith(
        '"Our country is doing nothing to try to help fill that gap,"'
    )
    assert len(article.body) == 26
    assert not article.texts("subhead")
    # The lead photo above the text, then the two photos inside it.
    captions = article.texts("caption")
    assert len(captions) == 3
    assert captions[0].startswith("Adriane Burnett reads to her son")
    assert article.paragraphs[0].kind == "caption"
    assert all("AUBURN" not in text for text in article.body[:1])
    assert_no_wire_trailer(article)
    assert article.url == (
        "https://www.voanews.com/a/"
        "america-s-child-care-crisis-is-holding-back-moms-without-college-degrees-/7585813.html"
    )


# Pages written for these tests, on the markup the real pages show.
YONHAP_PAGE = """<html><head>
<link rel="canonical" href="https://en.yna.co.kr/view/AEN20990101000100315">
<meta name="author" content="{hangul}">
</head><body>
<header class="title-article01"><h1 class="tit">(LEAD) (News Focus) Envoys meet in Seoul</h1>
<div class="info-con"><span class="txt"><strong><a>All News</a></strong> 09:05 March 2, 2024</span>
</div></header>
<article class="story-news">{body}</article></body></html>"""


def test_yonhap_byline_paragraph_and_visible_time() -> None:
    body = (
        "<p>By Lee Haye-ah</p>"
        "<p> SEOUL, March 2 (Yonhap) -- The envoys met on <a href='#'>Friday</a>, officials"
        " said.</p>"
        "<p>They will meet again.</p><p> lhy@yna.co.kr<br/>(END)</p>"
    )
    article = yonhap_html.parse_html(YONHAP_PAGE.format(hangul="\uc774\ud61c\uc544", body=body))
    assert article.label == "LEAD, News Focus"
    assert article.title == "Envoys meet in Seoul"
    assert article.byline == "Lee Haye-ah"
    assert article.dateline_place == "SEOUL"
    assert article.body == ["The envoys met on Friday, officials said.", "They will meet again."]
    # Without the meta time, the Seoul time printed under the title; "All News" is no section.
    assert article.published_at == datetime(2024, 3, 2, 9, 5, tzinfo=SEOUL)
    assert article.section is None


def test_yonhap_page_without_body_is_refused() -> None:
    html = YONHAP_PAGE.format(hangul="", body="<p> </p><div class='related-group'></div>")
    assert yonhap_html.recognize_html(html)
    with pytest.raises(ParseError, match=r"no article body found \(article\.story-news is empty\)"):
        yonhap_html.parse_html(html)


def test_voa_subheads_widgets_and_repeated_dateline() -> None:
    html = """<html><head><link rel="canonical" href="https://www.voanews.com/a/x/1.html"></head>
    <body><h1 class="title pg-title"> Talks resume </h1>
    <div id="article-content"><div class="wsw">
    <span class="dateline">SEOUL, SOUTH KOREA \u2014\u00a0</span>
    <p>SEOUL, SOUTH KOREA \u2014 Envoys met on Monday.</p><p> </p>
    <div class="wsw__embed"><div class="media-block-wrap"><h2 class="section-head">Related</h2>
    <p>Another story</p></div></div>
    <h2>What comes next</h2><p>A second round is planned.</p>
    </div></div></body></html>"""
    article = voa_html.parse_html(html)
    assert article.title == "Talks resume"
    assert article.dateline == "SEOUL, SOUTH KOREA"
    assert article.dateline_place == "SEOUL"
    assert article.body == ["Envoys met on Monday.", "A second round is planned."]
    assert article.texts("subhead") == ["What comes next"]
    assert article.published_at is None and article.byline is None


def test_voa_page_without_body_is_refused() -> None:
    html = "<html><body><h1 class='title pg-title'>Title</h1><div id='article-content'></div>"
    with pytest.raises(ParseError, match=r"VOA page: no article body found"):
        voa_html.parse_html(html)
    with pytest.raises(ParseError, match=r"VOA page: no title found"):
        voa_html.parse_html("<html><body><div id='article-content'><div class='wsw'><p>x</p>")


def test_saved_pages_go_through_parse_document(tmp_path: Path) -> None:
    """A saved page is recognized from its markup, and a charset it declares is honoured."""
    page = (
        '<html><head><meta charset="euc-kr"><link rel="canonical" '
        'href="https://www.voanews.com/a/x/1.html"></head><body>'
        '<h1 class="title pg-title">Seoul \uc11c\uc6b8 talks resume</h1>'
        '<div id="article-content"><div class="wsw"><p>Officials met in Seoul on Monday.</p>'
        "</div></div></body></html>"
    )
    article = parse_document(page.encode("euc-kr"))
    assert (article.source, article.title) == ("voa", "Seoul \uc11c\uc6b8 talks resume")
    assert article.body == ["Officials met in Seoul on Monday."]


def test_a_saved_page_of_another_outlet_goes_to_the_generic_extractor() -> None:
    """Once refused; now read by the generic extractor, and refused only when it finds nothing."""
    page = (
        "<html><head><title>Envoys meet | Example Daily</title>"
        '<meta property="og:site_name" content="Example Daily"></head><body><article>'
        "<p>The envoys of the two countries met in Seoul on Monday and agreed to meet again "
        "within a month, officials from both sides told reporters after the talks.</p>"
        "<p>They spoke for two hours about the stalled nuclear negotiations and about the "
        "humanitarian aid that has not reached the North since the border closed.</p>"
        "</article></body></html>"
    )
    sidecar = parse_sidecar(b'{"url": "https://www.example-daily.test/a/1"}', "x.meta.json")
    article = parse_document(page.encode(), sidecar)
    assert article.parser == "generic_html"
    assert (article.source, article.title) == ("example-daily.test", "Envoys meet")
    assert article.body[0].startswith("The envoys of the two countries met")
    assert article.url == "https://www.example-daily.test/a/1"
    with pytest.raises(ParseError, match="no article body found"):
        parse_document(b"<html><head><title>Hi</title></head><body><p>Hello</p></body></html>")


def test_yonhap_editor_note_comes_before_the_byline() -> None:
    body = (
        "<p>(ATTN: UPDATES with minister's remarks in paras 3-4; CHANGES headline)</p>"
        "<p>By Kim Da-eun and Park Sol</p>"
        "<p> SEOUL, March 2 (Yonhap) -- The envoys met again.</p>"
        "<p>The minister welcomed the talks.<br/>dek@yna.co.kr<br/>(END)</p>"
    )
    article = yonhap_html.parse_html(YONHAP_PAGE.format(hangul="", body=body))
    assert article.editor_note == "UPDATES with minister's remarks in paras 3-4; CHANGES headline"
    assert article.byline == "Kim Da-eun and Park Sol"
    assert article.dateline == "SEOUL, March 2 (Yonhap)"
    assert article.body == ["The envoys met again.", "The minister welcomed the talks."]


def with_meta_time(page: str, stamp: str) -> str:
    return page.replace(
        "</head>", f'<meta property="article:published_time" content="{stamp}"></head>'
    )


ENVOYS_BODY = "<p> SEOUL, March 2 (Yonhap) -- The envoys met.</p>"


def test_yonhap_times_that_disagree_are_reported_not_hidden() -> None:
    """The meta writes its offset and wins; a visible time 2 h 35 min later is noted."""
    page = with_meta_time(YONHAP_PAGE.format(hangul="", body=ENVOYS_BODY), "2024-03-02T06:30:00")
    article = yonhap_html.parse_html(page)
    # Written without an offset, the meta is read in Seoul time, but it is still the tag.
    assert article.published_at == datetime(2024, 3, 2, 6, 30, tzinfo=SEOUL)
    assert len(article.repairs) == 1
    page = with_meta_time(
        YONHAP_PAGE.format(hangul="", body=ENVOYS_BODY), "2024-03-02T06:30:00+09:00"
    )
    article = yonhap_html.parse_html(page)
    assert article.published_at == datetime(2024, 3, 2, 6, 30, tzinfo=SEOUL)
    assert article.repairs == (
        "published time: the time under the title says 2024-03-02T09:05:00+09:00, "
        "2 h 35 min later than meta article:published_time (2024-03-02T06:30:00+09:00), "
        "which was kept",
    )


def test_yonhap_times_a_minute_apart_agree() -> None:
    """The header prints the minute, the meta the second: 09:05:59 is 09:05 on the page."""
    page = with_meta_time(
        YONHAP_PAGE.format(hangul="", body=ENVOYS_BODY), "2024-03-02T09:05:59+09:00"
    )
    article = yonhap_html.parse_html(page)
    assert article.published_at == datetime(2024, 3, 2, 9, 5, 59, tzinfo=SEOUL)
    assert article.repairs == ()


VOA_PAGE = """<html><head><link rel="canonical" href="https://www.voanews.com/a/x/2.html">
{ld}</head><body><h1 class="title pg-title">Talks resume</h1>
<div class="publishing-details"><div class="published">{time}</div></div>
<div id="article-content"><div class="wsw"><p>Envoys met on Monday.</p></div></div>
</body></html>"""


def test_voa_times_that_disagree_are_reported_through_parse_document() -> None:
    """JSON-LD three hours after the <time> element: the element is kept, the gap noted."""
    page = VOA_PAGE.format(
        ld='<script type="application/ld+json">{"datePublished": "2024-05-06 12:00:00Z"}</script>',
        time='<time datetime="2024-05-06T05:00:00-04:00">May 6, 2024 5:00 AM</time>',
    )
    article = parse_document(page.encode())
    assert article.published_at == datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
    assert article.published_at.utcoffset() == timedelta(hours=-4)
    assert article.repairs == (
        "published time: JSON-LD datePublished says 2024-05-06T12:00:00+00:00, "
        "3 h 0 min later than <time datetime> (2024-05-06T05:00:00-04:00), which was kept",
    )


def test_voa_time_from_json_ld_alone_is_shown_in_us_eastern() -> None:
    page = VOA_PAGE.format(
        ld='<script type="application/ld+json">{"datePublished": "2024-01-15 17:30:00Z"}</script>',
        time="",
    )
    article = voa_html.parse_html(page)
    assert article.published_at == datetime(2024, 1, 15, 17, 30, tzinfo=UTC)
    # January: standard time, five hours behind UTC.
    assert article.published_at.utcoffset() == timedelta(hours=-5)
    assert article.repairs == ()


def test_voa_clock_text_alone_is_read_in_us_eastern() -> None:
    page = VOA_PAGE.format(ld="", time="<time datetime=''>July 4, 2024 9:15 PM</time>")
    article = voa_html.parse_html(page)
    assert article.published_at == datetime(2024, 7, 4, 21, 15, tzinfo=US_EASTERN_DST)
