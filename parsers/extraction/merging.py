"""One event told in several sentences of an article is one event: mentions are merged
when nothing they say conflicts and something ties them.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers.extraction.mentions import Reading
from parsers.extraction.model import PRECISION_RANK, ArticleEntity, ArticleEvent, EventDate


@dataclass(slots=True)
class EventOrigin:
    """Where an event is reported: the paragraph's reading, the trigger and the verb of
    its clause (what a summary is built from)."""

    reading: Reading
    trigger: int
    predicate: int


@dataclass(slots=True)
class Candidate:
    event: ArticleEvent
    origin: EventOrigin
    summit: bool  # a meeting of leaders vs working talks: kept apart when merging
    month_hint: int | None
    anaphoric: bool  # "the talks", "that summit": points back to an event already named
    speaker: str | None = None  # a statement made by speaking: merged per speaker
    definite: bool = False  # "the statement", "her statement": one named before
    merged_into: Candidate | None = None  # the event this mention was found to be
    background: bool = False  # told as earlier than what its sentence reports
    # Dated to the article's day only because a lede tells it as news: a day the text
    # states for the same event, a time zone away, is the better one.
    news_day: bool = False


def _compatible(a: Candidate, b: Candidate, entities: dict[str, ArticleEntity]) -> bool:
    """Nothing the two say conflicts: type, kind of meeting, modality, date, place."""
    x, y = a.event, b.event
    if x.event_type != y.event_type or a.summit != b.summit:
        return False
    if x.event_type == "REJECT" and _other_sources(x, y):
        return False  # Seoul's refusal and Pyongyang's the same day are two
    if a.background != b.background and x.mentions[0] == y.mentions[0]:
        # "meeting him again 270 days after their meeting in September": the sentence
        # tells the one as earlier than the other.
        return False
    if x.kind and y.kind and x.kind != y.kind:
        return False  # a nuclear test and a missile launch
    if x.modality != y.modality and not (
        (b.anaphoric or b.definite)
        and REALITY.get(x.modality) == REALITY.get(y.modality) == "happened"
    ):
        # "The missile was launched from near Pyongyang, according to the JCS": what
        # points back to a launch already asserted is that launch, also when reported.
        return False
    if not dates_agree(x.date, y.date) and not _news_told_on_its_day(a, b):
        return False
    if a.month_hint and b.month_hint and a.month_hint != b.month_hint:
        return False
    return places_agree(x.place, y.place, entities)


def _other_sources(x: ArticleEvent, y: ArticleEvent) -> bool:
    """Both name who did it, and no one in common."""
    first = {k for k, role in x.actors.items() if role == "source"}
    second = {k for k, role in y.actors.items() if role == "source"}
    return bool(first) and bool(second) and not first & second


def _share_an_anchor(a: Candidate, b: Candidate, entities: dict[str, ArticleEntity]) -> bool:
    """Positive evidence of one event: the same place, the same day, the same people, the
    same speaker."""
    x, y = a.event, b.event
    if a.speaker is not None and a.speaker == b.speaker:
        return True
    if x.place and y.place and x.place == y.place:
        return True
    if x.date.precision == y.date.precision == "day" and x.date.value == y.date.value:
        return True
    if _news_told_on_its_day(a, b):
        return True
    # One shared person is weak evidence (a president attends every summit); two is not.
    people = {k for k in x.actors if k in entities and entities[k].type == "PERSON"}
    return len(people & set(y.actors)) >= 2


# How far a lede's news may lie before the article's day: the day before, where the
# event happened in an earlier time zone ("Russia has vetoed ..." in Tokyo on Friday is
# the veto cast in New York on Thursday).
_NEWS_LAG_DAYS = 1


def _news_told_on_its_day(a: Candidate, b: Candidate) -> bool:
    """One is a lede's news dated to the article's day, the other the same news on the
    day the text states for it, just before."""
    for inferred, stated in ((a, b), (b, a)):
        x, y = inferred.event.date, stated.event.date
        if (
            inferred.news_day
            and not stated.news_day
            and not stated.background
            and x.precision == y.precision == "day"
            and x.value is not None
            and y.value is not None
            and 0 < (x.value - y.value).days <= _NEWS_LAG_DAYS
        ):
            return True
    return False


def dates_agree(x: EventDate, y: EventDate) -> bool:
    if x.value is None or y.value is None:
        return True
    precision = (
        "day"
        if x.precision == y.precision == "day"
        else ("year" if "year" in (x.precision, y.precision) else "month")
    )
    width = {"day": 10, "month": 7, "year": 4}[precision]
    return x.value.isoformat()[:width] == y.value.isoformat()[:width]


def places_agree(x: str | None, y: str | None, entities: dict[str, ArticleEntity]) -> bool:
    if x is None or y is None or x == y:
        return True
    cx = entities[x].country if x in entities else None
    cy = entities[y].country if y in entities else None
    # A sea or region of no one country fits a site on its shore: a missile is fired
    # from Sunan "toward the East Sea".
    return cx is None or cy is None or cx == cy


# What one sentence asserts another reports ("according to the JCS"), or one outlet
# asserts another reports from sources: the same event. A plan, a hypothesis or a
# denial is another matter.
REALITY = {"asserted": "happened", "reported": "happened"}

# Only these are merged inside one article: an accusation or a threat said twice is
# usually two, while "the talks" and "the Stockholm talks" are one meeting, and "Trump
# and Kim agreed" and "the document was signed by Trump and Kim" one agreement, as an
# office "exploded" on Tuesday and "its destruction" that Tuesday are one attack, and a
# veto a lede reports and the body dates one veto (merged, as every type, only when a
# day, a place or two people tie them); statements merge only when one speaker made them.
_MERGEABLE = frozenset(
    {
        *("MEETING", "WEAPONS_TEST", "MILITARY_EXERCISE", "SANCTION", "STATEMENT"),
        *("AGREE", "ASSAULT", "REJECT"),
    }
)


def merge_within(
    candidates: list[Candidate], entities: dict[str, ArticleEntity]
) -> list[Candidate]:
    merged: list[Candidate] = []
    # The same events by type, in the same order: only events of one type are compatible.
    merged_of_type: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        target = None
        event_type = candidate.event.event_type
        if event_type in _MERGEABLE:
            same_type = merged_of_type.get(event_type, [])
            compatible = [m for m in same_type if _compatible(m, candidate, entities)]
            if event_type == "STATEMENT":
                target = next(
                    (m for m in compatible if m.speaker and m.speaker == candidate.speaker), None
                )
                if target is None and candidate.definite and compatible:
                    # "In the statement, she ...": the statement just named, whoever it
                    # was first said to be by.
                    target = next(
                        (m for m in reversed(compatible) if m.speaker in (None, candidate.speaker)),
                        None,
                    )
            elif (candidate.anaphoric or candidate.definite) and compatible:
                # "the talks": the last such event named, the one the news is about
                # before one told as earlier ("three days after it launched ...").
                current = [m for m in compatible if not m.background]
                target = (current or compatible)[-1]
            else:
                target = next(
                    (m for m in compatible if _share_an_anchor(m, candidate, entities)),
                    None,
                )
        if target is None:
            merged.append(candidate)
            merged_of_type.setdefault(event_type, []).append(candidate)
            continue
        _absorb(target, candidate)
        candidate.merged_into = target
    return merged


def _absorb(target: Candidate, other: Candidate) -> None:
    """Fold a second mention into an event. A mention that only points back ("the
    talks") adds where it is said, not who: its sentence is usually about something else."""
    event, extra = target.event, other.event
    if target.news_day and not other.news_day and extra.date.value is not None:
        event.date = extra.date  # the day the text states over the article's day
        target.news_day = False
    elif event.date.value is None or (
        extra.date.value is not None and _rank(extra.date) > _rank(event.date)
    ):
        event.date = extra.date if extra.date.value is not None else event.date
    event.place = event.place or extra.place
    event.kind = event.kind or extra.kind
    if target.speaker is None and other.speaker is not None:
        target.speaker = other.speaker  # "made public a statement ... In it, she said"
    if not other.anaphoric or not event.actors:
        for key, role in extra.actors.items():
            event.actors.setdefault(key, role)
    event.mentions.extend(m for m in extra.mentions if m not in event.mentions)
    target.month_hint = target.month_hint or other.month_hint


def _rank(value: EventDate) -> int:
    return PRECISION_RANK[value.precision]
