"""Sidecars fill what the text lacks and are refused when they would be misread."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from parsers import ParseError, parse_document, parse_sidecar
from tests.conftest import VOA_SEED, YONHAP_SEED


def test_sidecar_fills_the_voa_date_and_url() -> None:
    sidecar = parse_sidecar(
        b'{"url": "https://www.voanews.com/a/x/5110123.html",'
        b' "published_at": "2019-10-05T19:20:00-04:00"}',
        "002.meta.json",
    )
    article = parse_document(VOA_SEED.read_bytes(), sidecar)
    assert article.url == "https://www.voanews.com/a/x/5110123.html"
    assert article.published_at == datetime(
        2019, 10, 5, 19, 20, tzinfo=timezone(timedelta(hours=-4))
    )


def test_the_text_wins_over_the_sidecar() -> None:
    sidecar = parse_sidecar(b'{"published_at": "2001-01-01T00:00:00+00:00"}', "000.meta.json")
    article = parse_document(YONHAP_SEED.read_bytes(), sidecar)
    assert article.published_at.year == 2019


def test_generic_source_comes_from_the_sidecar_url() -> None:
    """The outlet whose domain serves the URL; an unknown host names itself."""
    sidecar = parse_sidecar(b'{"url": "https://www.koreaherald.com/view.php?ud=1"}', "a.meta.json")
    article = parse_document(b"Headline\n\nBody text here.", sidecar)
    assert article.source == "korea-herald"
    sidecar = parse_sidecar(b'{"url": "https://news.example.org/a/1"}', "b.meta.json")
    assert parse_document(b"Headline\n\nBody text here.", sidecar).source == "news.example.org"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "not valid UTF-8 JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"publised_at": "2019-10-07"}', "unknown key.*publised_at"),
        (b'{"published_at": "yesterday"}', "not an ISO 8601 timestamp"),
        (b'{"published_at": "2019-10-07T11:12:00"}', "has no UTC offset"),
        (b'{"url": 5}', "url must be a string"),
        (b'{"url": ' + b"7" * 100_000 + b"}", "url must be a string"),
        (b'{"url": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "JSON nested too deeply"),
        (b'{"encoding": "zlib_codec"}', "encoding 'zlib_codec' is not a text encoding"),
        (b'{"encoding": "rot13"}', "encoding 'rot13' is not a text encoding"),
        (b'{"encoding": "klingon-8"}', "encoding 'klingon-8' is not a known encoding"),
    ],
)
def test_bad_sidecars_name_the_file_and_the_problem(raw: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=f"sidecar story.meta.json: .*{reason}"):
        parse_sidecar(raw, "story.meta.json")
