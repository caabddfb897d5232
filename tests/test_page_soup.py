"""The page parsers build only the parts of a page they read, and read the same from them.

make_soup(html, wanted) builds the elements a parser reads, each whole, and skips the
rest: menus, scripts and link lists are most of a real page, and building them was most
of the time a page took. These tests hold every page parser to what it read from the
whole tree: the same Article, field for field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from parsers import generic_html, parse_page, voa_html, yonhap_html
from parsers.html_common import _Only, class_among, make_soup
from tests.conftest import FIXTURES, SHARED
from tests.feed_site import yonhap_page

REAL = SHARED / "fixtures" / "real"
LEDGER = FIXTURES / "pages" / "ledger_article.html"


def chrome(kb: int) -> str:
    """Navigation and scripts, as a news site wraps around a story (cf. bench/feeds.py)."""
    item = (
        '<li class="nav-item"><a href="/section/{i}">Section {i}</a></li>'
        "<script>dataLayer.push({{'slot':{i}}});</script>"
    )
    items = "".join(item.format(i=i) for i in range(kb * 1000 // len(item)))
    return f'<nav class="gnb"><ul>{items}</ul></nav>'


def own_page(**options: str) -> bytes:
    page = yonhap_page(7, **options).replace("<body>", "<body>" + chrome(20))
    return page.encode(options.get("charset", "utf-8"))


# Each part the VOA parser reads on its own, outside the others: the byline items
# without .publishing-details, the <time> outside .published (and half an hour away
# from the JSON-LD time, so that which of the two was read shows).
OWN_VOA = """<!DOCTYPE html><html lang="en"><head>
<link rel="canonical" href="https://www.voanews.com/a/talks-resume/7000001.html">
<script type="application/ld+json">{"datePublished": "2024-04-28 07:30:00Z"}</script>
</head><body>{chrome}<div class="category"><a>East Asia</a></div>
<h1 class="title pg-title">Envoys agree to meet again</h1>
<time datetime="2024-04-28T03:00:00-04:00">April 28, 2024 3:00 AM</time>
<ul><li class="links__item">By <a class="links__item-link">Kim Min-ji</a></li></ul>
<div class="cover-media"><figure><figcaption><span class="caption">The envoys in Seoul</span>
</figcaption></figure></div>
<div id="article-content"><div class="wsw"><span class="dateline">SEOUL —&nbsp;</span>
<p>The envoys of the two countries agreed on Sunday to meet again next month.</p>
<div class="wsw__embed"><figure><figcaption>A second photo</figcaption></figure></div>
<h2>Related</h2><p>Talks had stalled since March.</p></div></div></body></html>"""


def real_page(name: str) -> bytes:
    path: Path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the real pages live in ../shared, not in this repository")
    return path.read_bytes()


PAGES: dict[str, Callable[[], bytes]] = {
    "real Yonhap 2nd LD": lambda: real_page("yonhap_AEN20230419000952325.html"),
    "real Yonhap": lambda: real_page("yonhap_AEN20230419005500325.html"),
    "real VOA": lambda: real_page("voa_7585813.html"),
    "own Yonhap": lambda: own_page(),
    "own Yonhap, label and note": lambda: own_page(label="2nd LD", attn="ADDS details"),
    "own Yonhap, EUC-KR": lambda: own_page(charset="euc-kr", label="URGENT"),
    # The header's class changed: the title comes from the first h1 anywhere.
    "own Yonhap, plain header": lambda: own_page().replace(
        b'<header class="title-article01">', b"<header>"
    ),
    "own VOA": lambda: OWN_VOA.replace("{chrome}", chrome(20)).encode(),
    "own generic": LEDGER.read_bytes,
}


def whole_tree(html: str, wanted: Callable[[str, Mapping[str, str]], bool] | None = None):
    """make_soup as it was: the whole page. `wanted` still sees every tag, as lxml gives it."""
    soup = BeautifulSoup(html, "lxml")
    if wanted is not None:
        for tag in soup.find_all(True):
            wanted(
                tag.name,
                {k: " ".join(v) if isinstance(v, list) else v for k, v in tag.attrs.items()},
            )
    return soup


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("parser", ["yonhap_html", "voa_html", "generic"])
def test_the_parsers_read_the_same_as_from_the_whole_page(
    page: str, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = PAGES[page]()

    def parse() -> str:
        try:
            return repr(parse_page(data, parser=parser))
        except Exception as error:  # a refusal must be the same refusal
            return f"{type(error).__name__}: {error}"

    skimmed = parse()
    for module in (yonhap_html, voa_html, generic_html):
        monkeypatch.setattr(module, "make_soup", whole_tree)
    assert skimmed == parse()


@pytest.mark.parametrize("page", ["own Yonhap", "real Yonhap 2nd LD"])
def test_the_site_chrome_around_a_story_is_not_built(page: str) -> None:
    html = PAGES[page]().decode("utf-8")
    soup = make_soup(html, yonhap_html._wanted)
    assert soup.find("nav") is None
    assert soup.find("li", class_="nav-item") is None
    # What the parser reads is there whole, as in the whole page.
    whole = BeautifulSoup(html, "lxml")
    for selector in ("header.title-article01", "article.story-news"):
        assert str(soup.select_one(selector)) == str(whole.select_one(selector))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("module", [yonhap_html, voa_html])
def test_skimming_builds_the_tree_that_parse_only_builds(page: str, module: object) -> None:
    """The builder's shortcut for the parts left out changes the time, not the tree."""
    html = PAGES[page]().decode("utf-8", errors="replace")
    wanted = module._wanted  # type: ignore[attr-defined]
    strained = BeautifulSoup(html, "lxml", parse_only=_Only(wanted))
    assert make_soup(html, wanted).decode() == strained.decode()


def test_a_class_name_counts_whole() -> None:
    # The real VOA page's <body class="... js-category-to-nav ...">: not a .category.
    assert not class_among({"class": "pg-article js-category-to-nav"}, frozenset({"category"}))
    assert class_among({"class": "category  js-category"}, frozenset({"category"}))
    assert class_among({"class": "x\tcategory\n"}, frozenset({"category"}))
    assert not class_among({}, frozenset({"category"}))


@pytest.mark.parametrize(
    ("root", "language"),
    [('<html lang="ko-KR">', "ko"), ("<html>", "en"), ('<html lang="EN_us">', "en")],
)
def test_the_generic_parser_reads_the_language_of_the_html_tag(root: str, language: str) -> None:
    page = LEDGER.read_text(encoding="utf-8")
    start = page.index("<html")
    page = page[:start] + root + page[page.index(">", start) + 1 :]
    assert parse_page(page.encode(), parser="generic").language == language
