"""Text of a Voice of America article page, as copied from a browser.

A headline, paragraphs with short subheads between them, and a trailer that starts at
"Source: Voice of America" (followed by "You may also like..." and related links).
The copied text carries no date; the parser never invents one.
"""

from __future__ import annotations

import re

from parsers.generic_text import parse_headline_layout
from parsers.model import Article

PARSER = "voa_text"
PARSER_VERSION = "1"

_TRAILER = re.compile(r"^(?:Source: Voice of America|You may also like\b)", re.IGNORECASE)
_VOA_CREDIT = re.compile(r"^(?:Source: Voice of America|VOA News|By .+, VOA\b)", re.IGNORECASE)


def recognize(blocks: list[str]) -> bool:
    return any(_VOA_CREDIT.match(b) for b in blocks)


def parse(blocks: list[str]) -> Article:
    for index, block in enumerate(blocks):
        if _TRAILER.match(block):
            blocks = blocks[:index]
            break
    return parse_headline_layout(blocks, source="voa", parser=PARSER, version=PARSER_VERSION)
