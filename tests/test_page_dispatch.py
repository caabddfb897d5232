"""parse_page: one pure door for fetched pages, with a parser named in a sources file or not."""

from __future__ import annotations

import pytest

from parsers import PAGE_PARSERS, ParseError, parse_page
from tests.conftest import FIXTURES, SHARED

REAL = SHARED / "fixtures" / "real"
PAGES = FIXTURES / "pages"

# A Yonhap page of our own, saved by a site that still serves EUC-KR: the byline paragraph
# is romanized, the caption and the meta author are in Hangul.
EUC_KR_YONHAP = """<html><head><meta charset="euc-kr">
<link rel="canonical" href="https://en.yna.co.kr/view/AEN20990505000100315">
<meta name="author" content="\ubc15\uc194">
<meta property="article:published_time" content="2099-05-05T10:00:00+09:00">
</head><body>
<header class="title-article01"><h1 class="tit">Children's Day events held across Seoul</h1>
<div class="info-con"><span class="txt"><strong>National</strong> 10:00 May 5, 2099</span></div>
</header><article class="story-news">
<p>By Park Sol</p>
<p> SEOUL, May 5 (Yonhap) -- Families filled parks across the capital on Monday.</p>
<div class="comp-box photo-group"><figure><figcaption>
<p class="txt-desc">Children play at a park in Seoul. The sign reads
"\uc5b4\ub9b0\uc774\ub0a0" (Children's Day). (Yonhap)</p>
</figcaption></figure></div>
<p> sol@yna.co.kr<br/>(END)</p>
</article></body></html>"""


def real_page(name: str) -> bytes:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the real pages live in ../shared, not in this repository")
    return path.read_bytes()


def test_the_parser_names_a_sources_file_may_use() -> None:
    assert set(PAGE_PARSERS) == {"yonhap_html", "voa_html", "yonhap_wire", "generic"}


def test_an_unknown_parser_name_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match=r"unknown page parser 'yonhap'; known parsers are gen"):
        parse_page(b"<html></html>", parser="yonhap")


@pytest.mark.parametrize(
    ("name", "parser"),
    [
        ("yonhap_AEN20230419000952325.html", "yonhap_html"),
        ("yonhap_AEN20230419005500325.html", "yonhap_html"),
        ("voa_7585813.html", "voa_html"),
        ("yonhap_wire_20171012.html", "yonhap_wire"),
    ],
)
def test_real_pages_are_recognized_from_their_markup(name: str, parser: str) -> None:
    assert parse_page(real_page(name)).parser == parser


def test_a_page_no_outlet_claims_goes_to_the_generic_extractor() -> None:
    article = parse_page((PAGES / "ledger_article.html").read_bytes(), source="seoul_ledger")
    assert (article.parser, article.source) == ("generic_html", "seoul_ledger")


def test_the_callers_source_names_the_outlet_whatever_the_parser() -> None:
    """The sources file names each feed's source; without one, the outlet parser's name."""
    data = EUC_KR_YONHAP.encode("euc-kr")
    assert parse_page(data, source="yonhap-en").source == "yonhap-en"
    assert parse_page(data).source == "yonhap"


def test_a_charset_declared_in_the_page_is_honoured() -> None:
    data = EUC_KR_YONHAP.encode("euc-kr")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test means something only if the bytes are not UTF-8
    article = parse_page(data, url="https://en.yna.co.kr/view/AEN20990505000100315")
    assert article.parser == "yonhap_html"
    assert article.title == "Children's Day events held across Seoul"
    # The romanized byline paragraph, not the Hangul meta author.
    assert article.byline == "Park Sol"
    assert article.texts("caption") == [
        'Children play at a park in Seoul. The sign reads "\uc5b4\ub9b0\uc774\ub0a0" '
        "(Children's Day). (Yonhap)"
    ]
    assert article.body == ["Families filled parks across the capital on Monday."]
    assert article.section == "National"
    assert article.replacement_chars == 0 and article.repairs == ()


def test_the_http_charset_wins_over_the_page() -> None:
    """As in browsers; a wrong one is refused with the byte that shows it, not misread."""
    data = EUC_KR_YONHAP.encode("euc-kr")
    assert parse_page(data, declared_encoding="euc-kr").byline == "Park Sol"
    with pytest.raises(ParseError, match=r"not valid utf-8 at byte \d+ \(declared encoding\)"):
        parse_page(data, declared_encoding="utf-8")


def test_text_decoded_by_the_caller_reads_the_same_as_bytes() -> None:
    data = (PAGES / "ledger_article.html").read_bytes()
    assert parse_page(data.decode("utf-8")) == parse_page(data)
    with pytest.raises(ParseError, match="text holds only white space"):
        parse_page("  \n")


def test_decoding_repairs_come_before_the_parsers_notes() -> None:
    page = (PAGES / "ledger_article.html").read_text(encoding="utf-8")
    page = page.replace("SEOUL -- South Korea's", "SEOUL -- South Korea\u2019s")
    page = page.replace('"2024-05-03T05:20:30Z"', '"2024-05-03T09:00:00Z"')
    damaged = page.encode("utf-8").decode("cp1252").encode("utf-8")
    article = parse_page(damaged, parser="generic")
    assert article.body[0].startswith("South Korea\u2019s unification ministry")
    assert len(article.repairs) == 2
    assert article.repairs[0].startswith("mojibake:")
    assert article.repairs[1].startswith("published time: JSON-LD datePublished says")
