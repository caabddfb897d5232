"""Any article text no outlet parser claims: a headline, maybe a byline, paragraphs.

Also the layout of the VOA text parser, which only adds its own trailer handling.
"""

from __future__ import annotations

from parsers.blocks import byline_names, looks_like_subhead, split_dateline, unquote_heading
from parsers.model import Article, Paragraph, ParseError

PARSER = "generic_text"
PARSER_VERSION = "1"


def parse(blocks: list[str], *, source: str = "unknown") -> Article:
    return parse_headline_layout(blocks, source=source, parser=PARSER, version=PARSER_VERSION)


def parse_headline_layout(blocks: list[str], *, source: str, parser: str, version: str) -> Article:
    if len(blocks) < 2:
        raise ParseError("only one line of text: a headline and at least one paragraph are needed")
    title, rest = blocks[0], blocks[1:]
    byline = byline_names(rest[0])
    if byline:
        rest = rest[1:]
    if not rest:
        raise ParseError("no paragraphs after the headline")
    dateline, place, first = split_dateline(rest[0])
    rest = [first, *rest[1:]]
    paragraphs = []
    for index, text in enumerate(rest):
        following = rest[index + 1] if index + 1 < len(rest) else None
        if index > 0 and looks_like_subhead(text, following):
            paragraphs.append(Paragraph("subhead", unquote_heading(text)))
        else:
            paragraphs.append(Paragraph("body", text))
    return Article(
        source=source,
        title=title,
        byline=byline,
        dateline=dateline,
        dateline_place=place,
        paragraphs=tuple(paragraphs),
        parser=parser,
        parser_version=version,
    )
