"""A Yonhap English wire story as a subscriber receives it: one block of hard-wrapped lines.

<div><body>
Envoys agree to meet again<br/>&#13;                        <- the title line
   SEOUL, May 3 (Yonhap) -- The envoys of the two<br/>&#13;   <- a 3-space indent opens a paragraph
countries agreed Friday to meet again.<br/>&#13;             <- a hard wrap: the same paragraph
<br/>&#13;                                                   <- empty lines mean nothing
   kim@yna.co.kr<br/>&#13;                                  <- the reporter's address, then
(END)&#13;                                                   <- the end of the story
</body><br/><p>(Yonhap)</p></div>                             <- the distributor's credit

The lines become the blocks of a copied Yonhap page, which the text parser reads: one
set of rules for labels, notes, bylines, datelines and trailers. The story carries a
month and day but no year, so no time is made up from it: a sidecar may give one.
"""

from __future__ import annotations

import dataclasses
import re

from bs4 import NavigableString, Tag

from parsers import yonhap_text
from parsers.blocks import collapse
from parsers.html_common import make_soup, replacement_chars
from parsers.model import Article, ParseError

PARSER = "yonhap_wire"
# The text parser does most of the work, so its version is part of this one.
PARSER_VERSION = f"1+text{yonhap_text.PARSER_VERSION}"

# Wire copy indents with three spaces; a page may have turned some into no-break spaces.
_INDENT = re.compile(r"^[ \t\u00a0]{2,}\S")
_END = re.compile(r"\(END\)\s*$")
# Recognized without building a tree: a line break, an indent, a Yonhap dateline.
_WIRE_SIGNATURE = re.compile(
    r"(?i:<br\s*/?>(?:&#13;|&#x0?d;|\s)*(?:&nbsp;|&#160;|[ \t\u00a0]){2,})"
    r"[A-Z][A-Z .'/&-]+, [A-Z][a-z]{2,8}\.? \d{1,2} \(Yonhap\) (?:--|\u2014)"
)
_BLOCK_TAGS = frozenset({"p", "div", "body", "br"})


def recognize_wire(data: str) -> bool:
    return "story-news" not in data and _WIRE_SIGNATURE.search(data, 0, 20000) is not None


def parse_wire(html: str, url: str | None = None) -> Article:
    lines = [line for line in markup_lines(html) if line.strip()]
    # The title line may be indented too; the story needs an indented line after it.
    if not any(_INDENT.match(line) for line in lines[1:]):
        raise ParseError("Yonhap wire story: no article body found (no indented paragraph)")
    blocks = wire_blocks(lines)
    article = yonhap_text.parse(blocks)
    return dataclasses.replace(
        article,
        url=url,
        replacement_chars=replacement_chars([article.title, *(p.text for p in article.paragraphs)]),
        parser=PARSER,
        parser_version=PARSER_VERSION,
    )


def markup_lines(html: str) -> list[str]:
    """The text as lines: a line ends at a <br> and where a <p> or <div> begins.

    Leading white space is kept, because the indent is what marks a new paragraph.
    """
    parts: list[str] = []
    for node in make_soup(html).descendants:
        if isinstance(node, NavigableString):
            if type(node) is NavigableString:  # not a comment or a doctype
                parts.append(str(node))
        elif isinstance(node, Tag) and node.name in _BLOCK_TAGS:
            parts.append("\n")
    # &#13; arrives as a carriage return at the end of every line: it ends nothing.
    return "".join(parts).replace("\r", "").split("\n")


def wire_blocks(lines: list[str]) -> list[str]:
    """[title, header line..., paragraph...], up to and including the sign-off before (END).

    The lines between the title and the first indent (an editors' note, say) are each a
    block of their own; after that, a line without an indent continues its paragraph.
    """
    blocks: list[str] = []
    in_paragraph = False
    for line in lines:
        text = collapse(line)
        if not text:
            continue  # runs of empty <br/> stand between paragraphs, or inside one
        if _INDENT.match(line) or not in_paragraph:
            in_paragraph = in_paragraph or (bool(blocks) and _INDENT.match(line) is not None)
            blocks.append(text)
        else:
            blocks[-1] = f"{blocks[-1]} {text}"
        if _END.search(text):
            break  # what follows "(END)" is the distributor's, not the story's
    return blocks
