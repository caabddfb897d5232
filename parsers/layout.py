"""Page text as people save it, cut into blocks: one block per paragraph or page line.

Text copied from a page has one paragraph a line, with or without blank lines between;
text saved from a wire or an e-mail is hard-wrapped, a paragraph over several lines with
a blank line after it. Both come out as one block per paragraph. What the copy ran
together is taken apart again: a saving tool's "date YYYY-MM-DD" before the first line,
and paragraphs whose break was lost ("...in 14 years.China's state-run...").
"""

from __future__ import annotations

import re

from parsers.blocks import collapse

# Hard wrapping happens at 60 to 80 characters; longer lines are paragraphs of their own.
_WIDEST_WRAP = 100
_NARROWEST_WRAP = 40
# A wrapped line is filled to at least this share of the width.
_FILLED = 0.75

_SAVED_DATE = re.compile(r"^date (?P<date>\d{4}-\d{2}-\d{2})\b\s*")
# "March 12, 20248:04 AM": the year and the time after it, printed in two elements.
_GLUED_TIME = re.compile(r"(?<=[\s,](?:19|20)\d\d)(?=(?:[01]?\d|2[0-3]):[0-5]\d\b)")
# A sentence end with no space after it, then a capitalized word: a lost paragraph break.
_LOST_BREAK = re.compile(
    r"(?<=[a-z])(?P<end>[.!?][\"\u201d\u2019]?)(?=[\"\u201c\u2018]?[A-Z][a-z\u2019'])"
)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)$")
# Abbreviations that a capitalized word may follow with no space ("Mr.Kim").
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr st gen lt col sgt capt adm gov sen rep prof jr sr vs no nos jan feb mar
    apr jun jul aug sep sept oct nov dec co corp inc ltd etc""".split()
)


def page_blocks(text: str) -> list[str]:
    """The blocks of a saved page, white space collapsed, in order, none empty."""
    lines = [line.strip() for line in text.split("\n")]
    if any(not line for line in lines[1:-1]):
        groups = _groups(lines)
    else:
        # No blank line anywhere: every line is a paragraph, however short.
        groups = [[line] for line in lines if line]
    width = _wrap_width(groups)
    blocks: list[str] = []
    for group in groups:
        for line in _unwrap(group, width):
            blocks.extend(_separate(collapse(line)))
    return [b for b in blocks if b]


def _groups(lines: list[str]) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for line in lines:
        if line:
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    return [g for g in groups if g]


def _wrap_width(groups: list[list[str]]) -> int | None:
    """The width the text was hard-wrapped at, or None when it was not.

    Lines that a line of the same paragraph follows are where wrapping shows: in wrapped
    text most of them are nearly as long as the widest, and none is very long.
    """
    inner = [len(line) for group in groups for line in group[:-1]]
    usable = [n for n in inner if n <= _WIDEST_WRAP]
    if not usable or len(usable) < len(inner):
        return None
    width = max(usable)
    filled = sum(n >= _FILLED * width for n in usable)
    if width < _NARROWEST_WRAP or filled < len(usable) / 2:
        return None
    # One filled line proves little (a headline above its deck) unless a word in
    # lowercase goes on after it, in the middle of a sentence.
    lowercase_after = all(g[i + 1][0].islower() for g in groups for i in range(len(g) - 1))
    return width if filled >= 2 or lowercase_after else None


def _unwrap(lines: list[str], width: int | None) -> list[str]:
    """Join the lines of a hard-wrapped paragraph; keep page lines apart.

    A wrapped line was filled to near the width before the break; a short line before
    another ("Kyodo News" above a headline) had room to spare, so the break was the
    author's. A line printed twice (a caption and its copy) is never joined to itself.
    """
    if width is None or len(lines) == 1:
        return lines
    joined = [lines[0]]
    previous = lines[0]
    for line in lines[1:]:
        if line != previous and len(previous) >= _FILLED * width:
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
        previous = line
    return joined


def _separate(block: str) -> list[str]:
    """A saving tool's date prefix and paragraphs run together, each a block of its own."""
    parts: list[str] = []
    if ":" in block:
        block = _GLUED_TIME.sub(" ", block)
    if match := _SAVED_DATE.match(block):
        parts.append(f"date {match['date']}")
        block = block[match.end() :]
    start = 0
    for match in _LOST_BREAK.finditer(block):
        word = _WORD_BEFORE.search(block, 0, match.start())
        if word is None or len(word[1]) < 2 or word[1].lower() in _ABBREVIATIONS:
            continue
        end = match.end()
        if match["end"].endswith('"') and block.count('"', start, match.start()) % 2 == 0:
            end -= 1  # a straight quote with none open before it opens the next paragraph
        parts.append(block[start:end])
        start = end
    parts.append(block[start:])
    return [p.strip() for p in parts if p.strip()]
