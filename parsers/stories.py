"""Versions of one story: Yonhap's URGENT -> LEAD -> 2nd LD, each its own article.

Each version has its own URL and article ID, so nothing in the markup ties them. They
share their subject, their outlet and a few hours: a labelled version is linked to the
latest earlier article of the same outlet, within a day and a half, whose headline says
mostly the same thing. Pure: rows in, story ids out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Labels that mark a new version of an earlier story, not a story of its own.
_VERSION_LABEL = re.compile(
    r"\b(?:URGENT|LEAD|\d+(?:st|nd|rd|th)\s+LD|UPDATE\w*|CORRECTED|REPEATED)\b", re.I
)
_WORD = re.compile(r"[a-z0-9]+")
_FILLER = frozenset(
    "a an the of to in on at for and or with as by from is are be its it s n says said".split()
)
WINDOW = timedelta(hours=36)
# Share of the shorter headline's words found in the other one.
MIN_OVERLAP = 0.6
MIN_SHARED_WORDS = 3


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    article_id: str
    source: str
    title: str | None  # a saved text may print no headline
    label: str | None
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoryVersion:
    article_id: str
    story_id: str  # the article id of the story's first version
    version_seq: int  # 1 for the first version
    is_latest: bool


def is_version_label(label: str | None) -> bool:
    return bool(label and _VERSION_LABEL.search(label))


def link_versions(candidates: Sequence[StoryCandidate]) -> list[StoryVersion]:
    """Every candidate with its story; stories of one article are included too."""
    dated = sorted(
        (c for c in candidates if c.published_at is not None),
        key=lambda c: (c.published_at, c.article_id),
    )
    previous: dict[str, str | None] = {}
    recent: dict[str, list[StoryCandidate]] = {}
    for candidate in dated:
        earlier = recent.setdefault(candidate.source, [])
        # Keep only what is still within the window of this article.
        while earlier and candidate.published_at - earlier[0].published_at > WINDOW:  # type: ignore[operator]
            earlier.pop(0)
        match = find_previous(candidate, earlier)
        previous[candidate.article_id] = match.article_id if match else None
        earlier.append(candidate)
    return chain_versions(candidates, previous)


def find_previous(
    candidate: StoryCandidate, earlier: Sequence[StoryCandidate]
) -> StoryCandidate | None:
    """The version a labelled article continues: the latest of `earlier` (the outlet's
    articles within WINDOW before it, in time order) whose headline says mostly the same.
    None for an article without a version label, and for the first version."""
    if not is_version_label(candidate.label):
        return None
    words = {c.article_id: _words(c.title) for c in earlier}
    return _previous_version(_words(candidate.title), earlier, words)


def chain_versions(
    candidates: Sequence[StoryCandidate], previous: Mapping[str, str | None]
) -> list[StoryVersion]:
    """Stories from each article's previous version: a story is a chain of them, named
    by its first article, its versions numbered in time order."""
    by_id = {c.article_id: c for c in candidates}
    story_of: dict[str, str] = {}

    def story(article_id: str) -> str:
        chain = []
        while article_id not in story_of:
            before = previous.get(article_id)
            if before is None or before not in by_id:
                story_of[article_id] = article_id
                break
            chain.append(article_id)
            article_id = before
        for member in chain:
            story_of[member] = story_of[article_id]
        return story_of[chain[0]] if chain else story_of[article_id]

    members: dict[str, list[StoryCandidate]] = {}
    for candidate in candidates:
        members.setdefault(story(candidate.article_id), []).append(candidate)
    versions = []
    for story_id, chain in members.items():
        chain.sort(key=_in_time_order)
        for seq, candidate in enumerate(chain, start=1):
            versions.append(StoryVersion(candidate.article_id, story_id, seq, seq == len(chain)))
    return versions


def _in_time_order(candidate: StoryCandidate) -> tuple:
    return (candidate.published_at is not None, candidate.published_at, candidate.article_id)


def _previous_version(
    title_words: frozenset[str],
    earlier: Sequence[StoryCandidate],
    words: dict[str, frozenset[str]],
) -> StoryCandidate | None:
    for candidate in reversed(earlier):  # the latest first: chains go version by version
        other = words[candidate.article_id]
        shared = len(title_words & other)
        shorter = min(len(title_words), len(other)) or 1
        if shared >= MIN_SHARED_WORDS and shared / shorter >= MIN_OVERLAP:
            return candidate
    return None


def _words(title: str | None) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall((title or "").lower()) if w not in _FILLER)
