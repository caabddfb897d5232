"""Splitting page text into paragraphs, and the shape tests shared by the text parsers."""

from __future__ import annotations

import re

from parsers.datelines import split_dateline as find_dateline

_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
_SENTENCE_END = re.compile(r"""[.!?:;,)\]"'\u201d\u2019\u2026-]$""")
_WRAPPING_QUOTES = "'\"\u2018\u2019\u201c\u201d"


def collapse(text: str) -> str:
    # str.split() knows the same Unicode white space as \s, and is several times faster.
    return " ".join(text.split())


# Lines of site chrome that browsers copy along with an article, whatever the outlet.
SITE_CHROME = frozenset(
    line.casefold()
    for line in (
        "Go to Contents Go to Navigation",
        "Go to Contents",
        "Go to Navigation",
        "Send Feedback",
        "How can we improve?",
        "Thanks for your feedback!",
        "(END)",
    )
)

_LONGEST_CHROME = max(len(line) for line in SITE_CHROME) + 8


def _is_chrome(line: str) -> bool:
    return len(line) < _LONGEST_CHROME and collapse(line).casefold() in SITE_CHROME


def split_blocks(text: str) -> list[str]:
    """Paragraphs of page text, white space collapsed, site chrome lines dropped.

    Text copied from a web page has one paragraph a line with blank lines between;
    text saved from a wire is hard-wrapped, so when blank lines are present a block's
    lines are joined, and only when there are none is each line its own paragraph.
    Chrome is dropped line by line first, because a feedback widget prints its lines
    with no blank line between them.
    """
    text = "\n".join(line for line in text.split("\n") if not _is_chrome(line))
    raw_blocks = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    return [b for b in (collapse(block) for block in raw_blocks) if b]


def unquote_heading(text: str) -> str:
    """A heading printed in quotes ("'Good discussions'") is the words inside them."""
    if len(text) > 2 and text[0] in _WRAPPING_QUOTES and text[-1] in _WRAPPING_QUOTES:
        return text[1:-1].strip()
    return text


def looks_like_subhead(block: str, following: str | None) -> bool:
    """A short heading line: a few words, no closing punctuation, followed by prose.

    Body paragraphs of news copy end in punctuation; headings inside an article do not,
    and are shorter than the paragraph that follows them. A line in title case may be
    longer: it is the headline of a linked story printed between paragraphs.
    """
    if following is None or len(block) > 122:
        return False
    words = unquote_heading(block)
    tokens = words.split()
    capitalized = sum(t[0].isupper() for t in tokens if len(t) > 3)
    title_case = capitalized >= 0.8 * sum(len(t) > 3 for t in tokens)
    if not 1 <= len(tokens) <= (16 if title_case else 10) or len(words) > 120:
        return False
    if _SENTENCE_END.search(words) or not (words[0].isupper() or words[0].isdigit()):
        return False
    return len(following) > len(block)


def split_dateline(paragraph: str) -> tuple[str | None, str | None, str]:
    """(dateline, city, rest) of a first paragraph; (None, None, paragraph) without one.

    The page parsers' view of parsers.datelines, which holds the one dateline grammar:
    "SEOUL, SOUTH KOREA —" gives the city "SEOUL"; the text parser keeps the whole place.
    """
    dateline, rest = find_dateline(paragraph)
    if dateline is None:
        return None, None, paragraph
    return dateline.text, dateline.city, rest


# Lowercase particles belong to names too: "Riyaz ul Khaliq", "Ursula von der Leyen".
_BYLINE = re.compile(
    r"^By:? (?P<names>[A-Z][\w.'\u2019-]+(?:[ ,]+(?:and )?"
    r"(?:(?:ul|al|el|bin|binti|van|von|de|da|du|dos|der|den|la|le|ter) )*"
    r"[A-Z][\w.'\u2019-]+){0,9})$"
)


def byline_names(block: str) -> str | None:
    """'By Song Sang-ho' -> 'Song Sang-ho'; None when the block is not a byline."""
    match = _BYLINE.match(block)
    return match.group("names") if match else None


# Series and version labels printed before a headline: "(LEAD)", "(2nd LD)", "(News Focus)",
# "[US-NK Summit]".
_LEADING_LABEL = re.compile(r"^(?:\((?P<paren>[^()]{1,40})\)|\[(?P<bracket>[^\[\]]{1,40})\])\s*")


def split_labels(line: str) -> tuple[str, list[str]]:
    """'(LEAD) (News Focus) Title' -> ('Title', ['LEAD', 'News Focus'])."""
    labels = []
    while match := _LEADING_LABEL.match(line):
        labels.append((match["paren"] or match["bracket"]).strip())
        line = line[match.end() :]
    return line, labels


# Yonhap's note to editors opens a new version of a story: "(ATTN: ADDS comments in para 4)".
# The note may itself hold parentheses ("(ATTN: UPDATES (para 3))"): one level is allowed.
_EDITOR_NOTE = re.compile(r"^\(ATTN:\s*(?P<note>(?:[^()]|\([^()]*\))*?)\s*\)\s*")


def split_editor_note(block: str) -> tuple[str | None, str]:
    """'(ATTN: ADDS details) SEOUL, ...' -> ('ADDS details', 'SEOUL, ...'); else (None, block)."""
    match = _EDITOR_NOTE.match(block)
    if not match:
        return None, block
    return collapse(match.group("note")) or None, block[match.end() :]


# A wire story signs off with its reporters' addresses and "(END)", together or apart.
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WIRE_TRAILER = re.compile(rf"^(?:{ADDRESS.pattern}[\s,;/]*)*(?:\(END\))?$")
_TRAILING_END = re.compile(rf"(?:\s*{ADDRESS.pattern}[\s,;/]*)*\s*\(END\)$")


def is_wire_trailer(block: str) -> bool:
    """'kim@yna.co.kr', 'kim@yna.co.kr (END)', '(END)': the sign-off, not text."""
    return bool(block) and _WIRE_TRAILER.match(block) is not None


def strip_wire_end(block: str) -> str:
    """'... officials said. kim@yna.co.kr (END)' -> '... officials said.'"""
    return _TRAILING_END.sub("", block)
