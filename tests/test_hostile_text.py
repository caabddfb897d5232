"""Hostile text through the load path: odd encodings, bad sidecars, control characters.

Each case is a file a user could drop in an inbox. It loads, or fails alone with a
reason naming the file or its sidecar; none is a "parser crashed", and nothing that would
drive a terminal reaches the warehouse.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from flows.pipeline import ingest_batch
from parsers import ParseError, parse_page
from warehouse import Warehouse

PENINSULA = Path(sys.executable).parent / "peninsula"
BODY = (
    "Seoul's envoy said on Monday that the talks with Pyongyang went well and that both "
    "sides agreed to meet again in the spring."
)
# What a terminal would act on: C0 controls but tab and newline, DEL, C1, ESC sequences.
TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def story(title: str, body: str = BODY) -> str:
    return f"{title}\n\n{body}\n"


def ingest(tmp_path: Path, files: dict[str, bytes]) -> tuple[Warehouse, dict[str, str]]:
    """Write `files` into an inbox, load them as `peninsula ingest` does; the warehouse and
    the reason of each failure by file name."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    articles = sorted(str(inbox / name) for name in files if not name.endswith(".meta.json"))
    warehouse = Warehouse(tmp_path / "p.duckdb")
    report = ingest_batch(articles, warehouse, "run-1")
    return warehouse, {Path(path).name: reason for path, reason in report.failures}


def titles(warehouse: Warehouse) -> set[str]:
    return {row[0] for row in warehouse.query("SELECT title FROM articles")[1]}


def test_utf16_and_utf32_text_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    warehouse, failures = ingest(
        tmp_path,
        {
            # What Notepad saves as "Unicode": UTF-16 little-endian with its mark.
            "le16.txt": story("Envoys meet in Seoul").encode("utf-16"),
            "be16.txt": b"\xfe\xff" + story("Envoys meet in Busan").encode("utf-16-be"),
            "le32.txt": story("Envoys meet in Tokyo").encode("utf-32"),
            "be32.txt": b"\x00\x00\xfe\xff" + story("Envoys meet in Hanoi").encode("utf-32-be"),
        },
    )
    assert failures == {}
    assert titles(warehouse) == {
        "Envoys meet in Seoul",
        "Envoys meet in Busan",
        "Envoys meet in Tokyo",
        "Envoys meet in Hanoi",
    }
    _, rows = warehouse.query("SELECT DISTINCT text FROM paragraphs WHERE kind = 'body'")
    assert rows == [(BODY,)]


def test_bad_sidecars_are_refused_by_name_and_never_crash_the_parser(tmp_path: Path) -> None:
    digits = "9" * 100_000
    deep = "[" * 100_000 + "]" * 100_000
    warehouse, failures = ingest(
        tmp_path,
        {
            "good.txt": story("Envoys meet in Seoul").encode(),
            "number.txt": story("Envoys meet in Busan").encode(),
            "number.txt.meta.json": f'{{"url": {digits}}}'.encode(),
            "deep.txt": story("Envoys meet in Tokyo").encode(),
            "deep.txt.meta.json": f'{{"url": {deep}}}'.encode(),
            "zlib.txt": story("Envoys meet in Hanoi").encode(),
            "zlib.txt.meta.json": b'{"encoding": "zlib_codec"}',
            "base64.txt": story("Envoys meet in Paris").encode(),
            "base64.txt.meta.json": b'{"encoding": "base64"}',
            "unknown.txt": story("Envoys meet in Geneva").encode(),
            "unknown.txt.meta.json": b'{"encoding": "klingon-8"}',
        },
    )
    assert failures == {
        "number.txt": "sidecar number.txt.meta.json: url must be a string or null",
        "deep.txt": "sidecar deep.txt.meta.json: JSON nested too deeply to read",
        "zlib.txt": "sidecar zlib.txt.meta.json: encoding 'zlib_codec' is not a text "
        "encoding (name one like utf-8, utf-16, latin-1 or euc-kr)",
        "base64.txt": "sidecar base64.txt.meta.json: encoding 'base64' is not a text "
        "encoding (name one like utf-8, utf-16, latin-1 or euc-kr)",
        "unknown.txt": "sidecar unknown.txt.meta.json: encoding 'klingon-8' is not a known "
        "encoding",
    }
    assert titles(warehouse) == {"Envoys meet in Seoul"}
    # The refused ones are kept with their reason, to load once the sidecar is fixed.
    _, rows = warehouse.query(
        "SELECT count(*) FROM documents WHERE status = 'failed' AND error LIKE 'sidecar %'"
    )
    assert rows == [(5,)]


def page(charset: str) -> bytes:
    paragraphs = "".join(f"<p>{BODY}</p>" for _ in range(3))
    return (
        f'<html><head><meta charset="{charset}"><title>Envoys meet in Seoul</title></head>'
        f"<body><article><h1>Envoys meet in Seoul</h1>{paragraphs}</article></body></html>"
    ).encode()


def test_a_page_whose_meta_charset_is_no_text_encoding_loads_as_if_none_were_given(
    tmp_path: Path,
) -> None:
    warehouse, failures = ingest(tmp_path, {"page.html": page("base64")})
    assert failures == {}
    assert titles(warehouse) == {"Envoys meet in Seoul"}


def test_a_fetched_page_whose_http_charset_is_no_text_encoding_is_refused_by_name() -> None:
    with pytest.raises(ParseError, match=r"^declared encoding 'base64' is not a text encoding$"):
        parse_page(page("utf-8"), declared_encoding="base64")


def test_a_nul_byte_after_the_first_8_kib_is_refused_as_binary_like_one_at_the_start(
    tmp_path: Path,
) -> None:
    """Text in an encoding without a byte order mark never holds a NUL byte: where it
    comes does not change what the file is."""
    late = story("Envoys meet in Seoul", BODY + "\n\n" + "More words. " * 800) + "\x00 end\n"
    warehouse, failures = ingest(
        tmp_path,
        {
            "early.txt": b"Env\x00oys meet\n\n" + BODY.encode(),
            "late.txt": late.encode(),
            "good.txt": story("Envoys meet in Busan").encode(),
        },
    )
    assert failures == {
        "early.txt": "binary content, not text (a NUL byte at byte 3)",
        "late.txt": f"binary content, not text (a NUL byte at byte {late.index(chr(0)):,})",
    }
    assert late.index("\x00") > 8192
    assert titles(warehouse) == {"Envoys meet in Busan"}


def test_control_characters_and_terminal_escapes_never_reach_the_warehouse(
    tmp_path: Path,
) -> None:
    text = (
        "Envoys \x1b[1;31mmeet\x1b[0m in Seoul\x1b]0;owned\x07\n\n"
        "Seoul's envoy said on Monday\x08\x08 that the talks \x1b[2Jwent well\x7f and that "
        "both sides agreed to meet again in the spring.\x0cA second page follows here.\n"
    )
    paragraphs = "".join(f"<p>{BODY}</p>" for _ in range(3))
    markup = (
        "<html><head><title>Envoys &#27;[31mmeet in Busan</title></head><body><article>"
        f"<h1>Envoys &#x1b;[31mmeet in Busan&#7;</h1>{paragraphs}"
        "<p>The talks &#27;]0;owned&#7;ended at noon, &#147;on time&#148; for once.</p>"
        "</article></body></html>"
    )
    warehouse, failures = ingest(
        tmp_path, {"terminal.txt": text.encode(), "page.html": markup.encode()}
    )
    assert failures == {}
    assert titles(warehouse) == {"Envoys meet in Seoul", "Envoys meet in Busan"}
    shown = subprocess.run(
        [
            str(PENINSULA),
            "sql",
            "--db",
            str(tmp_path / "p.duckdb"),
            "--format",
            "csv",
            "SELECT a.title, p.text FROM articles a JOIN paragraphs p USING (article_id)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert TERMINAL_CONTROLS.search(shown) is None, repr(shown)
    assert (
        "Seoul's envoy said on Monday that the talks went well and that both sides agreed" in shown
    )
    assert "A second page follows here." in shown
    assert "The talks ended at noon, \u201con time\u201d for once." in shown
    _, rows = warehouse.query("SELECT repairs FROM articles ORDER BY title")
    assert [[note for note in repairs if note.startswith("removed ")] for (repairs,) in rows] == [
        ["removed 4 control character(s) or terminal escape sequence(s)"],
        ["removed 7 control character(s) or terminal escape sequence(s)"],
    ]
