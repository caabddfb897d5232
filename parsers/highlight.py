"""The part of a passage worth showing for a search, with the matching words marked.

Pure: which words match is decided by the caller (the search index stems them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# A word as the index tokenizes text: a run of letters and digits.
_WORD = re.compile(r"[^\W_]+")
# Room for the passage shown around its first match, in characters.
SNIPPET_WIDTH = 320


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


@dataclass(frozen=True, slots=True)
class Snippet:
    """Text to show and the spans of it (start, end) that matched."""

    text: str
    marks: tuple[tuple[int, int], ...]

    def marked(self, before: str, after: str) -> str:
        """The text with each matching span wrapped: `marked("**", "**")`."""
        parts, last = [], 0
        for start, end in self.marks:
            parts += [self.text[last:start], before, self.text[start:end], after]
            last = end
        parts.append(self.text[last:])
        return "".join(parts)


def snippet(text: str, matches: Callable[[str], bool], width: int = SNIPPET_WIDTH) -> Snippet:
    """The window of `text` (about `width` characters) that holds the most matching
    words, cut at word boundaries, with an ellipsis where text was left out."""
    text = " ".join(text.split())
    spans = [m.span() for m in _WORD.finditer(text) if matches(m.group())]
    if len(text) <= width:
        return Snippet(text, tuple(spans))
    start = _best_window(spans, width)
    end = min(len(text), start + width)
    # Cut at spaces, so no word is shown in part.
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < end else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix) - start
    kept = tuple((a + shift, b + shift) for a, b in spans if a >= start and b <= end)
    return Snippet(prefix + text[start:end] + suffix, kept)


def _best_window(spans: list[tuple[int, int]], width: int) -> int:
    """Where a window of `width` covering the most matches starts (a little before the
    first of them, so the sentence leading to it shows)."""
    if not spans:
        return 0
    best_start, best_count = spans[0][0], 0
    for i, (first, _) in enumerate(spans):
        count = sum(1 for _, end in spans[i:] if end <= first + width * 0.8)
        if count > best_count:
            best_start, best_count = first, count
    return max(0, best_start - width // 5)
