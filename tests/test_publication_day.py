"""The day an article appeared, read from its address when its text prints none."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from flows.evaluate import evaluate
from parsers.dispatch import parse_document
from parsers.sidecar import Sidecar

STORY = (
    "Seoul and Tokyo hold talks\n\n"
    "{dateline}Foreign Minister Cho Tae-yul met Yoko Kamikawa in Seoul on Tuesday.\n"
)


def saved(url: str | None, dateline: str = "SEOUL (Yonhap) -- ", text: str = STORY):
    return parse_document(text.format(dateline=dateline).encode(), Sidecar(url=url))


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://en.example.kr/view/AEN20200616008251325?section=nk/nk", date(2020, 6, 16)),
        ("https://news.example.com/world/2020/jun/16/north-south-talks", date(2020, 6, 16)),
        ("https://example.co.jp/news/2019/06/20/asia-pacific/talks/", date(2019, 6, 20)),
        ("https://example.com.cn/usa/world/2017-09/05/content_31565445.htm", date(2017, 9, 5)),
        ("http://example.com.cn/a/202406/20/WS667397b7a31095c51c509e6d.html", date(2024, 6, 20)),
        ("https://www3.example.jp/news/20230913_33/", date(2023, 9, 13)),
        ("http://www.example.com/view.php?ud=20180612000793", date(2018, 6, 12)),
    ],
)
def test_a_text_without_a_date_appeared_on_the_day_its_address_is_stamped_with(
    url: str, day: date
) -> None:
    assert saved(url).published_date == day


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/politics/1674463/amp",  # an article number
        "https://example.org/newstream/1528840973-311086573/summit-held",  # a Unix time
        "http://world.example.kr/news_view.htm?lang=e&Seq_Code=180453",
        "https://example.com.bn/2020/06/north-korea-threatens",  # a month, no day
        "https://example.com/2020/13/45/not-a-day",
        "https://2024.example.com/talks",  # a host's digits are no date
    ],
)
def test_numbers_in_an_address_that_are_no_day_give_none(url: str) -> None:
    assert saved(url).published_date is None


def test_a_yearless_dateline_takes_the_year_near_the_stamp_across_new_year() -> None:
    # Filed late on Dec. 31 in Seoul, stamped with the next day where the site runs.
    article = saved(
        "https://en.example.kr/view/AEN20250101000100315", "SEOUL, Dec. 31 (Yonhap) -- "
    )
    assert article.published_date == date(2024, 12, 31)


def test_the_day_a_text_prints_wins_over_its_address() -> None:
    text = "Seoul and Tokyo hold talks\n\nMay 3, 2024\n\n{dateline}Cho met Kamikawa on Tuesday.\n"
    article = saved("https://en.example.kr/view/AEN20200616008251325", text=text)
    assert article.published_date == date(2024, 5, 3)


def test_the_evaluation_reads_a_text_where_its_gold_says_it_was_found(tmp_path: Path) -> None:
    """'on Tuesday' is dated by the stamp of the address the gold gives for the text."""
    article = tmp_path / "story.txt"
    article.write_text(STORY.format(dateline="SEOUL (Yonhap) -- "))
    gold = {
        "format": "peninsula-gold/1",
        "articles": [
            {
                "key": "talks",
                "file": str(article),
                "url": "https://en.example.kr/view/AEN20240503000100315",
                "events": [{"id": "m", "types": ["MEETING"], "date": "2024-04-30"}],
            }
        ],
    }
    path = tmp_path / "talks.gold.json"
    path.write_text(json.dumps(gold))
    (score,) = evaluate(path).articles
    assert score.event_recall.ratio == 1.0
