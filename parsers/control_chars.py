"""Characters that are not text: terminal escape sequences and control characters.

A saved file or a page can carry them (a terminal log pasted into an article, `&#27;` in
markup). Stored as they are, they would reach an analyst's terminal through `peninsula
sql` and recolour it, move the cursor or retitle the window, so they never reach the
warehouse. Tab and newline are text; carriage return, vertical tab and form feed are
line breaks.
"""

from __future__ import annotations

import re

from ftfy.fixes import fix_c1_controls

_TERMINAL_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: ESC [ parameters, intermediates, final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (window title...), ended by BEL or ST
    r"|\x1b[ -/]*[0-~]"  # the other escapes: ESC, intermediates, one final byte
    r"|\x9b[0-?]*[ -/]*[@-~]"  # the one-character CSI of 8-bit terminals
)
# C0 controls but tab and newline, DEL, and the C1 controls (U+0080-U+009F).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\r\x0b\x0c]")  # a regex: str.translate is 20 times slower


def strip_controls(text: str) -> tuple[str, int]:
    """The text without escape sequences and control characters, and how many went."""
    sequences = 0
    # Every sequence starts with ESC or the 8-bit CSI: looking for those two is a memchr,
    # where the pattern's four branches cost ~16 ns a character (1.6 ms a 100 KB page,
    # twice a page) on text that nearly never holds one.
    if "\x1b" in text or "\x9b" in text:
        text, sequences = _TERMINAL_SEQUENCE.subn("", text)
    text, controls = _CONTROL.subn("", text)
    return _LINE_BREAKS.sub("\n", text), sequences + controls


def removal_note(count: int) -> str:
    return f"removed {count:,} control character(s) or terminal escape sequence(s)"


def markup_without_controls(html: str) -> tuple[str, int]:
    """Markup without control characters, those written as character references (`&#27;`)
    included: a parser would decode them after the page's bytes were cleaned, and lxml
    refuses a tree holding them, which would lose the whole page."""
    return strip_controls(_CONTROL_REFERENCE.sub(_control_of_reference, html))


_CONTROL_REFERENCE = re.compile(r"&#(?:[xX](?P<hex>[0-9a-fA-F]{1,8})|(?P<dec>[0-9]{1,10}));?")


def _control_of_reference(match: re.Match[str]) -> str:
    """The character a reference to a control stands for, for strip_controls to see;
    any other reference is left to the parser."""
    code = int(match["hex"], 16) if match["hex"] else int(match["dec"])
    if not (code < 0x20 or 0x7F <= code < 0xA0) or chr(code) in "\t\n\r":
        return match.group(0)
    # Browsers read &#128;-&#159; as Windows-1252 punctuation (&#147; is a curly quote).
    return fix_c1_controls(chr(code))
