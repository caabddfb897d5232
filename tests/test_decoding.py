"""Bad bytes get a clear reason; repairs happen only where they are certain."""

from __future__ import annotations

import pytest

from parsers import ParseError, parse_document, parse_sidecar

STORY = "Envoys meet in Seoul\n\nSeoul's envoy said the talks went well.\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\n\t ", "only white space"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
        (
            "Headline\n\nPyongyang's caf\u00e9 r\u00e9ponse.".encode("latin-1"),
            r"not valid UTF-8 at byte 25 \(0xe9\)",
        ),
    ],
    ids=["empty", "blank", "binary", "latin-1"],
)
def test_bad_input_is_refused_with_its_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_document(data)


def test_declared_encoding_is_honoured() -> None:
    data = "Headline\n\nA caf\u00e9 in Pyongyang opened.".encode("latin-1")
    sidecar = parse_sidecar(b'{"encoding": "latin-1"}', "x.meta.json")
    article = parse_document(data, sidecar)
    assert article.body == ["A caf\u00e9 in Pyongyang opened."]


def test_mojibake_is_repaired_and_the_repair_recorded() -> None:
    damaged = STORY.replace("'", "\u2019").encode("utf-8").decode("cp1252").encode("utf-8")
    article = parse_document(damaged)
    assert article.body == ["Seoul\u2019s envoy said the talks went well."]
    assert len(article.repairs) == 1
    assert article.repairs[0].startswith("mojibake:")


def test_clean_text_records_no_repair_and_keeps_curly_quotes() -> None:
    article = parse_document("Headline\n\n\u201cWe will talk,\u201d he said.".encode())
    assert article.repairs == ()
    assert article.body == ["\u201cWe will talk,\u201d he said."]
    assert article.replacement_chars == 0


def test_a_utf8_byte_order_mark_is_not_part_of_the_title() -> None:
    assert parse_document(b"\xef\xbb\xbf" + STORY.encode()).title == "Envoys meet in Seoul"


def test_single_line_text_is_not_an_article() -> None:
    with pytest.raises(ParseError, match="no article text"):
        parse_document(b"Just a headline")


def test_a_declared_utf16_file_is_text_not_binary() -> None:
    data = "Headline\n\nA line in UTF-16.".encode("utf-16")
    sidecar = parse_sidecar(b'{"encoding": "utf-16"}', "x.meta.json")
    assert parse_document(data, sidecar).body == ["A line in UTF-16."]
