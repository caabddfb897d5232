"""Tokens and sentences with character offsets, for the extractors."""

from __future__ import annotations

import re

# Words, and a possessive 's as a token of its own ("North's" -> North, 's) so that
# "North Korea's" still ends in the two words "North Korea".
TOKEN = re.compile(r"[^\W_]+|['\u2019]s\b")
WORD = re.compile(r"[^\W_]+")  # a token that is a word: letters and digits
# What may stand between two words of one name: "Kim Myong-gil", "U.S.", "AT&T",
# "Workers' Party".
NAME_GAP = re.compile(r"[ \u00a0\-.&'\u2019]{0,3}")
# The gap and the word after it, in one call: how a name goes on ("Kim" -> " Jong").
# The gap is possessive (`{0,3}+`): as greedy as NAME_GAP, and never given back, so the
# word found is the one TOKEN finds where NAME_GAP ends.
NEXT_NAME_WORD = re.compile(rf"{NAME_GAP.pattern}+(?P<word>{TOKEN.pattern})")

# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    """u.s u.n u.k e.u n s jan feb aug sept sep oct nov dec mr ms mrs dr gen lt col sen rep
    gov st no vs prof amb jr sr mt adm capt maj sgt corp inc co ltd dept p.m a.m""".split()
)
_INITIAL = re.compile(r"[a-z]")  # "J. Smith": a lone letter is an initial
_SENTENCE_END = re.compile(r"[.?!][\"'\u201d\u2019)]*(?=\s+[\"'\u201c\u2018(]?[A-Z0-9])")


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        end = match.start()
        word = paragraph[max(start, paragraph.rfind(" ", start, end) + 1) : end].lower()
        if word.rstrip(".") in _ABBREVIATIONS or _INITIAL.fullmatch(word):
            continue
        spans.append((start, match.end()))
        start = match.end()
        while start < len(paragraph) and paragraph[start].isspace():
            start += 1
    if start < len(paragraph):
        spans.append((start, len(paragraph)))
    return spans
