"""Bytes to text: strict about encodings, honest about damage.

Only UTF-8, an encoding the caller declares, or one a byte order mark shows (UTF-16 and
UTF-32 text carry one) is accepted: guessing a legacy encoding is a repair we cannot be
sure of, so undeclared non-UTF-8 input is refused with the byte offset that gave it away.
Mojibake (UTF-8 read as Windows-1252 and saved again) is the one repair that is certain
enough to make, and ftfy makes it and tells us so. Control characters and terminal escape
sequences are not text: they are removed, and the removal noted.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

import ftfy
from ftfy.fixes import fix_c1_controls

from parsers.control_chars import removal_note, strip_controls
from parsers.model import ParseError

REPLACEMENT_CHAR = "\ufffd"

# Only encoding repairs: curly quotes, ligatures and widths are the author's, not damage.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    normalization=None,
    explain=True,
)

# UTF-8 mis-decoded as Windows-1252/Latin-1 always shows a lead byte (Â..ô) followed by
# what a continuation byte (0x80-0xBF) becomes in those code pages. Text without such a
# pair has no mojibake to fix, which lets us skip ftfy's slow scan of the whole page; a
# lone "ç" or "ñ" (a real accented letter) no longer triggers it.
_MOJIBAKE_LEAD = re.compile(
    "[\u00c2-\u00f4]"
    "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# A byte order mark says the encoding as surely as a declaration (Notepad saves "Unicode"
# text as UTF-16 with one). UTF-32-LE's mark starts with UTF-16-LE's: it is tried first.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    replacement_chars: int
    repairs: tuple[str, ...]


def decode_document(data: bytes, encoding: str | None = None) -> DecodedText:
    """Decode raw document bytes, refusing what is not text and repairing only mojibake."""
    if not data.strip():
        raise ParseError("empty file" if not data else "file holds only white space")
    encoding = encoding or _byte_order_mark(data)
    # A declared encoding may be UTF-16, whose text is full of NUL bytes.
    if encoding is None:
        if len(_CONTROL_BYTES.findall(data[:8192])) > 8:
            raise ParseError("binary content, not text (control bytes in the first 8 KiB)")
        # No text encoding without a mark puts a NUL byte in text, wherever it comes.
        if (nul := data.find(b"\x00")) >= 0:
            raise ParseError(f"binary content, not text (a NUL byte at byte {nul:,})")
    return _clean(_decode_bytes(data, encoding or _declared_html_charset(data)))


def is_text_encoding(name: str) -> bool:
    """Whether `name` is a codec that turns bytes into text. Python also has codecs from
    bytes to bytes (base64, zlib_codec) and from text to text (rot13) under the same
    lookup: a sidecar or a page naming one of those has not named a text encoding."""
    try:
        b"a".decode(name)  # an empty input would be answered before the codec is checked
    except LookupError:
        return False
    except UnicodeDecodeError:  # one byte is too short for UTF-16: a text encoding still
        pass
    return True


def _byte_order_mark(data: bytes) -> str | None:
    return next((name for mark, name in _BYTE_ORDER_MARKS if data.startswith(mark)), None)


def clean_text(text: str) -> DecodedText:
    """Text decoded elsewhere (an HTTP client's str), given the same repairs and checks."""
    if not text.strip():
        raise ParseError("empty text" if not text else "text holds only white space")
    return _clean(text)


def _clean(text: str) -> DecodedText:
    repairs: list[str] = []
    if text.startswith("\ufeff"):
        text = text[1:]
    if _MOJIBAKE_LEAD.search(text):
        fixed, steps = ftfy.fix_and_explain(text, config=_FTFY_CONFIG)
        if fixed != text:
            repairs.append("mojibake: " + ", ".join(f"{op} {arg}" for op, arg in steps or []))
            text = fixed
    # C1 controls in decoded text are Windows-1252 punctuation read as Latin-1.
    if (fixed := fix_c1_controls(text)) != text:
        repairs.append("Windows-1252 punctuation read as C1 control characters")
        text = fixed
    text, removed = strip_controls(text.replace("\r\n", "\n"))
    if removed:
        repairs.append(removal_note(removed))
    text = unicodedata.normalize("NFC", text)
    return DecodedText(text, text.count(REPLACEMENT_CHAR), tuple(repairs))


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?(?P<charset>[\w.:-]+)""", re.IGNORECASE)


def _declared_html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its head (EUC-KR pages exist), if any."""
    head = data[:4096]
    if b"<" not in head[:200]:
        return None
    match = _META_CHARSET.search(head)
    if not match:
        return None
    charset = match.group("charset").decode("ascii").lower()
    # As browsers do, a label that is no text encoding (base64) is as if none were given.
    try:
        codecs.lookup(charset)
    except LookupError:
        return charset  # unknown: refused by name below, not guessed
    return charset if is_text_encoding(charset) else None


def _decode_bytes(data: bytes, encoding: str | None) -> str:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ParseError(f"unknown encoding {encoding!r} declared") from None
        if not is_text_encoding(encoding):
            raise ParseError(f"declared encoding {encoding!r} is not a text encoding")
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(
                f"not valid {encoding} at byte {exc.start} (declared encoding)"
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1]
        raise ParseError(
            f"not valid UTF-8 at byte {exc.start} (0x{bad.hex()}); the file looks like a "
            "legacy encoding such as Latin-1: convert it to UTF-8 or declare it with "
            '"encoding" in a NAME.meta.json sidecar'
        ) from None
