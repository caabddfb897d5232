"""The generic page extractor: any outlet without a parser of its own, on its first day."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from parsers import ParseError, parse_page, voa_html, yonhap_html
from tests.conftest import FIXTURES, SHARED

REAL = SHARED / "fixtures" / "real"
LEDGER = FIXTURES / "pages" / "ledger_article.html"
SEOUL = timezone(timedelta(hours=9))


def real_page(name: str) -> bytes:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the real pages live in ../shared, not in this repository")
    return path.read_bytes()


def ledger(replacements: dict[str, str]) -> str:
    """The Ledger page with some of its markup changed (every occurrence)."""
    page = LEDGER.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in page, old
        page = page.replace(old, new)
    return page


def test_own_page_every_field() -> None:
    article = parse_page(LEDGER.read_bytes(), parser="generic")
    assert article.parser == "generic_html"
    assert article.parser_version.startswith("1+trafilatura")
    # No source given: the host of the canonical link, without "www.".
    assert article.source == "seoul-ledger.example"
    assert article.url == "https://www.seoul-ledger.example/politics/2024/05/family-reunion-talks"
    # <title> and og:title end with the site's name; the headline does not.
    assert article.title == "Unification ministry proposes Red Cross talks on family reunions"
    assert article.label is None
    # meta article:section is preferred to JSON-LD's articleSection.
    assert article.section == "Diplomacy"
    assert article.byline == "Han Seo-yeon"
    assert (article.dateline, article.dateline_place) == ("SEOUL", "SEOUL")
    assert article.editor_note is None
    # JSON-LD is 30 seconds later than the meta: the same minute, so nothing to report.
    assert article.published_at == datetime(2024, 5, 3, 14, 20, tzinfo=SEOUL)
    assert article.published_at.utcoffset() == timedelta(hours=9)
    assert article.repairs == ()
    assert article.language == "en"
    assert article.texts("subhead") == ["No reply expected soon"]
    assert article.texts("caption") == []
    assert len(article.body) == 5
    assert article.body[0].startswith("South Korea's unification ministry on Friday proposed")
    assert article.body[-1].startswith("The ministry said it would keep the offer open")
    # The header, the related-links box and the footer are not the article.
    for text in ("Related", "Liaison line silent", "Copyright", "By Han Seo-yeon"):
        assert all(text not in p.text for p in article.paragraphs)


def test_the_callers_url_and_source_win() -> None:
    article = parse_page(
        LEDGER.read_text(encoding="utf-8"),
        url="https://m.seoul-ledger.example/a/77",
        parser="generic",
        source="seoul_ledger",
    )
    assert (article.source, article.url) == ("seoul_ledger", "https://m.seoul-ledger.example/a/77")


def test_a_date_without_a_time_is_no_published_time() -> None:
    """A bare date would have to become midnight somewhere: it is left out, not invented."""
    # The meta tag and the <time> element, then JSON-LD.
    page = ledger(
        {'"2024-05-03T14:20:00+09:00"': '"2024-05-03"', '"2024-05-03T05:20:30Z"': '"2024-05-03"'}
    )
    article = parse_page(page, parser="generic")
    assert article.published_at is None
    assert article.repairs == ()


def test_page_times_that_disagree_are_reported() -> None:
    page = ledger({'"2024-05-03T05:20:30Z"': '"2024-05-02T23:00:00Z"'})
    article = parse_page(page, parser="generic")
    assert article.published_at == datetime(2024, 5, 3, 14, 20, tzinfo=SEOUL)
    assert article.repairs == (
        "published time: JSON-LD datePublished says 2024-05-02T23:00:00+00:00, "
        "6 h 20 min earlier than meta article:published_time (2024-05-03T14:20:00+09:00), "
        "which was kept",
    )


def test_a_time_element_alone_is_enough() -> None:
    page = ledger(
        {
            '<meta property="article:published_time" content="2024-05-03T14:20:00+09:00">': "",
            '"datePublished": "2024-05-03T05:20:30Z", ': "",
        }
    )
    article = parse_page(page, parser="generic")
    # Not the header's date of today: the time inside the article.
    assert article.published_at == datetime(2024, 5, 3, 5, 20, tzinfo=UTC)


def test_syndicated_wire_copy_keeps_its_note_out_of_the_text() -> None:
    page = ledger(
        {
            "<p>SEOUL -- ": "<p>(ATTN: ADDS figures in para 3)</p><p>SEOUL, May 3 (Yonhap) -- ",
            "</p>\n  </div>": "</p>\n    <p>hsy@yna.co.kr (END)</p>\n  </div>",
        }
    )
    article = parse_page(page, parser="generic")
    assert article.editor_note == "ADDS figures in para 3"
    assert article.dateline == "SEOUL, May 3 (Yonhap)"
    assert article.body[-1].startswith("The ministry said it would keep the offer open")
    assert all("(END)" not in p.text and "@" not in p.text for p in article.paragraphs)


def test_a_page_without_an_article_body_is_refused() -> None:
    """A redesign that hides the text must show up as a failure, not as an empty row."""
    page = re.sub(
        "<main>.*</main>",
        "<main><div class='cookie'>We use cookies.</div></main>",
        LEDGER.read_text(encoding="utf-8"),
        flags=re.DOTALL,
    )
    with pytest.raises(ParseError, match="no article body found on the page"):
        parse_page(page, parser="generic")


def test_a_page_without_a_title_is_refused() -> None:
    page = (
        "<html><body><article><p>" + "Officials met in Seoul on Monday to talk. " * 10
    ) + "</p></article></body></html>"
    with pytest.raises(
        ParseError, match=r"no title found on the page \(no og:title, <title> or h1\)"
    ):
        parse_page(page, parser="generic")


def test_real_voa_page_read_generically() -> None:
    data = real_page("voa_7585813.html")
    article = parse_page(data, parser="generic")
    assert article.parser == "generic_html"
    assert article.source == "voanews.com"
    assert article.title == (
        "America's child care crisis is holding back moms without college degrees"
    )
    assert article.byline == "Associated Press"
    assert article.section == "USA"
    # JSON-LD's UTC time comes first for the generic reader; the <time> element agrees.
    assert article.published_at == datetime(2024, 4, 28, 7, 0, tzinfo=UTC)
    assert article.repairs == ()
    # The dateline sits in its own <span>, which main-text extraction leaves out.
    assert article.dateline is None
    assert article.texts("subhead") == [] and article.texts("caption") == []
    assert article.url == (
        "https://www.voanews.com/a/"
        "america-s-child-care-crisis-is-holding-back-moms-without-college-degrees-/7585813.html"
    )
    # The same body paragraphs as the VOA parser reads.
    assert article.body == voa_html.parse_html(data.decode("utf-8")).body
    assert len(article.body) == 26


def test_real_yonhap_page_read_generically() -> None:
    data = real_page("yonhap_AEN20230419000952325.html")
    article = parse_page(data, parser="generic", source="yonhap")
    assert article.source == "yonhap"
    # The generic reader knows no version labels: the headline stays as the page prints it.
    assert article.title.startswith("(2nd LD) N. Korea's Kim orders launch")
    assert article.label is None
    assert article.section == "North Korea"
    # JSON-LD names the agency itself as the author: that is no byline.
    assert article.byline is None
    assert article.dateline == "SEOUL, April 19 (Yonhap)"
    assert article.editor_note == "ADDS more details, analysts' remarks in paras 9-11, 15-17"
    assert article.published_at == datetime(2023, 4, 19, 11, 12, 32, tzinfo=SEOUL)
    assert article.body == yonhap_html.parse_html(data.decode("utf-8")).body
    assert len(article.body) == 17
