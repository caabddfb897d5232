"""Events of one article: a trigger word, its actors, place, date and modality.

Triggers are matched per sentence; actors are the entities the sentence mentions
(who comes before the trigger is the source, who comes after the target; in a meeting
everyone takes part). Mentions of one event in several sentences are merged when
nothing they say conflicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from parsers.extraction.coreference import SentenceText
from parsers.extraction.dates import resolve_dates
from parsers.extraction.model import (
    UNKNOWN_DATE,
    ArticleEntity,
    ArticleEvent,
    EventDate,
    Mention,
)

# Event type -> (PLOVER type, CAMEO root code). PLOVER has no category for a bare
# public statement; CAMEO does (01).
EVENT_TYPES: dict[str, tuple[str | None, str]] = {
    "MEETING": ("CONSULT", "04"),
    "STATEMENT": (None, "01"),
    "ACCUSE": ("ACCUSE", "11"),
    "REQUEST": ("REQUEST", "02"),
    "THREATEN": ("THREATEN", "13"),
    "REJECT": ("REJECT", "12"),
    "AGREE": ("AGREE", "03"),
    "PROPOSE": ("AGREE", "03"),
    "WEAPONS_TEST": ("MOBILIZE", "15"),
    "MILITARY_EXERCISE": ("MOBILIZE", "15"),
    "SANCTION": ("SANCTION", "16"),
    "EASE_SANCTIONS": ("CONCEDE", "08"),
    "AID": ("AID", "07"),
    "COOPERATE": ("COOPERATE", "06"),
    "PROTEST": ("PROTEST", "14"),
    "ASSAULT": ("ASSAULT", "18"),
}

_TRIGGER_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "MEETING",
        r"summits?|talks|negotiations|meetings?|met|meets?|parley|discussions?"
        r"|phone\s+(?:call|conversation)|visit(?:ed|s)?",
    ),
    (
        "WEAPONS_TEST",
        r"launch(?:es|ed|ing)?|fired|test-fired|test-firing"
        r"|(?:missile|nuclear|ICBM|weapons?)\s+tests?|tested",
    ),
    (
        "MILITARY_EXERCISE",
        r"(?:military\s+|joint\s+|combined\s+)?(?:exercises?|drills?)"
        r"|war\s+games|maneuvers",
    ),
    (
        "EASE_SANCTIONS",
        r"sanctions\s+relief|(?:lifting|easing|suspension|lift|ease)"
        r"\s+(?:of\s+)?(?:[\w-]+\s+){0,4}sanctions",
    ),
    (
        "SANCTION",
        r"(?:imposed|impose|slapped|new|fresh|unilateral)\s+sanctions"
        r"|sanctioned|blacklisted|designated\s+(?:[\w-]+\s+){0,4}(?:entities|individuals"
        r"|companies|firms|people|persons|vessels|ships|banks|networks?|workers)",
    ),
    (
        "ACCUSE",
        r"blamed|blames|accused|accuses|accusing|criticized|condemned|denounced"
        r"|slammed",
    ),
    (
        "THREATEN",
        r"threats?|threatened|threatens|warned|warns|ultimatum"
        r"|(?:could|would|may)\s+reconsider",
    ),
    (
        "REJECT",
        r"rejected|rejects|refused|refuses|no\s+intention|no\s+plans?\s+to"
        r"|walked\s+away|disputed|dismissed",
    ),
    (
        "REQUEST",
        r"urged|urges|called\s+(?:on|for)|calls\s+(?:on|for)|demanded|demands"
        r"|appealed",
    ),
    ("AGREE", r"agreed|agrees|accepted|accepts|signed"),
    ("PROPOSE", r"offer(?:ed|s)?|proposed|proposes|proposal|suggested"),
    ("AID", r"(?:humanitarian|food|medical)\s+(?:aid|assistance)|aid\s+shipments?"),
    ("COOPERATE", r"cooperation|cooperate|cooperated"),
    ("PROTEST", r"protest(?:ed|s)?|lodged\s+a\s+protest|summoned"),
    ("ASSAULT", r"attack(?:ed|s)?|shelling|shelled|clash(?:ed|es)?"),
    (
        "STATEMENT",
        r"statement|claimed|announced|declared|(?:news\s+|press\s+)?briefing"
        r"|press\s+conference|told\s+reporters",
    ),
)
# One pass per sentence over its lowercased text: every trigger is a named group of a
# single pattern, and case-sensitive matching is several times faster than IGNORECASE.
_TRIGGERS = re.compile(
    r"\b(?=[a-z])(?:"
    + "|".join(rf"(?P<{name}>{pattern.lower()})" for name, pattern in _TRIGGER_PATTERNS)
    + r")\b"
)
# Every word a trigger can start with: the pattern is tried only where one stands,
# which is several times faster than scanning every position of every sentence.
_FIRST_WORDS = frozenset(
    """summit summits talks negotiations meeting meetings met meet meets parley discussion
    discussions phone visit visited visits launch launches launched launching fired
    test-fired test-firing missile nuclear icbm weapon weapons tested military joint
    combined exercise exercises drill drills war maneuvers sanctions lifting easing
    suspension lift ease imposed impose slapped new fresh unilateral sanctioned blacklisted
    designated blamed blames accused accuses accusing criticized condemned denounced
    slammed threat threats threatened threatens warned warns ultimatum could would may
    rejected rejects refused refuses no walked disputed dismissed urged urges called calls
    demanded demands appealed agreed agrees accepted accepts signed offer offered offers
    proposed proposes proposal suggested humanitarian food medical aid cooperation
    cooperate cooperated protest protested protests lodged summoned attack attacked attacks
    shelling shelled clash clashed clashes statement claimed announced declared briefing
    news press told""".split()
)
_WORD = re.compile(r"[a-z][a-z-]*")


def _trigger_matches(lowered: str) -> list[re.Match[str]]:
    found = []
    last_end = 0
    for word in _WORD.finditer(lowered):
        if word.start() < last_end or word.group() not in _FIRST_WORDS:
            continue
        match = _TRIGGERS.match(lowered, word.start())
        if match:
            found.append(match)
            last_end = match.end()
    return found


_SUMMIT_WORDS = frozenset({"summit", "summits", "meeting", "meetings", "met", "meet", "meets"})
_REPORTED = re.compile(
    r"\b(?:reportedly|news\s+reports?|reports?\s+said|according\s+to|sources\s+said"
    r"|speculation)\b",
)
_HYPOTHETICAL = re.compile(
    r"\b(?:could|would|might|may|if|unless|possible|desire\s+to|wants?\s+to|hopes?\s+to)\b",
)
_PLANNED = re.compile(
    r"\b(?:will|plans?\s+to|planned|scheduled|set\s+to|is\s+to|are\s+to|next|interested\s+in)\b",
)
_NEGATED = re.compile(
    r"\b(?:not|no|never|didn't|did\s+not|failure\s+to|denied|without|refus\w*)\s+"
    r"(?:[\w\"'\u201c\u201d-]+\s+){0,6}$",
)
_LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|off|outskirts\s+of|capital\s+of|city\s+of|waters\s+off|toward"
    r"|towards|into|over|across|from\s+the\s+\w+\s+area\s+of|area\s+of)\s+(?:the\s+)?$",
)
# Triggers that are nouns a place name can modify: "the Hanoi summit", "Ulchi drills".
_NOUN_TRIGGERS = re.compile(
    r"(?:summits?|meetings?|talks|negotiations|parley|discussions?|drills?|exercises?"
    r"|war\s+games|tests?|launch(?:es)?|sanctions)$"
)
_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
_ACTOR_TYPES = frozenset({"PERSON", "ORG", "GPE"})


_ANAPHORIC = re.compile(
    r"(?:\b(?:the|that|this|these|those|its|their|his|her|such)\s+(?:[\w-]+\s+){0,2}"
    r"|['\u2019]s\s+(?:[\w-]+\s+){0,2})$",
)
_TEMPORAL_PREPOSITION = re.compile(r"\b(?:after|before|since|until|ahead\s+of)\s+(?:\S+\s+){0,3}$")
_CLAUSE_BREAK = re.compile(r"[,;]\s")


@dataclass(slots=True)
class _Candidate:
    event: ArticleEvent
    summit: bool  # a meeting of leaders vs working talks: kept apart when merging
    month_hint: int | None
    anaphoric: bool  # "the talks", "that summit": points back to an event already named


def find_events(
    sentences: list[SentenceText],
    entities: dict[str, ArticleEntity],
    mentions: list[Mention],
    published: date | None,
) -> list[ArticleEvent]:
    by_sentence: dict[tuple[int, int], list[Mention]] = {}
    for mention in mentions:
        by_sentence.setdefault((mention.paragraph_seq, mention.sentence), []).append(mention)
    candidates: list[_Candidate] = []
    for sentence in sentences:
        local = by_sentence.get((sentence.paragraph_seq, sentence.index), [])
        candidates.extend(_sentence_events(sentence, local, entities, published))
    return _merge_within(candidates, entities)


@dataclass(slots=True)
class _SentenceView:
    """What every trigger of one sentence reads, worked out once for the sentence."""

    sentence: SentenceText
    text: str  # lowercased: every helper pattern is lowercase
    mentions: list[Mention]
    dates: list[tuple[int, EventDate]]
    clauses: list[tuple[int, int]]
    meeting_positions: list[int]
    # Per mention (same order): a place named after "in", "at", "near" ... ("in Seoul").
    locative: list[bool]
    reported: bool  # "reportedly", "according to": the whole sentence is hearsay


def _sentence_events(
    sentence: SentenceText,
    mentions: list[Mention],
    entities: dict[str, ArticleEntity],
    published: date | None,
) -> list[_Candidate]:
    text = sentence.text
    lowered = text.lower()
    triggers: list[tuple[str, re.Match[str]]] = []
    seen: set[tuple[str, bool]] = set()
    for match in _trigger_matches(lowered):
        event_type = match.lastgroup or ""
        kind = (event_type, match.group().lower().split()[0] in _SUMMIT_WORDS)
        if kind not in seen:
            seen.add(kind)
            triggers.append((event_type, match))
    if not triggers:
        return []
    view = _SentenceView(
        sentence,
        lowered,
        mentions,
        dates=resolve_dates(text, published),
        clauses=_clauses(text),
        meeting_positions=[m.start() for t, m in triggers if t == "MEETING"],
        locative=[
            entities[m.entity].type in _PLACE_TYPES
            and _after_locative(lowered, m.start - sentence.offset)
            for m in mentions
        ],
        reported=_is_reported(lowered),
    )
    return [_event(event_type, match, view, entities) for event_type, match in triggers]


def _after_locative(text: str, position: int) -> bool:
    """ "in Seoul", "near the DMZ": what is named at `position` is where, not who."""
    return _LOCATIVE.search(text[max(0, position - 30) : position]) is not None


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _clause_of(position: int, clauses: list[tuple[int, int]]) -> tuple[int, int]:
    return next((c for c in clauses if c[0] <= position <= c[1]), (0, 0))


def _event(
    event_type: str,
    match: re.Match[str],
    view: _SentenceView,
    entities: dict[str, ArticleEntity],
) -> _Candidate:
    text, sentence, clauses = view.text, view.sentence, view.clauses
    position = match.start()
    clause = _clause_of(position, clauses)
    place = _place(view, position, match.end(), entities, clause)
    actors: dict[str, str] = {}
    subject: str | None = None
    for mention, locative in zip(view.mentions, view.locative, strict=True):
        entity = entities[mention.entity]
        if entity.key == place or entity.type not in _ACTOR_TYPES:
            continue
        local = mention.start - sentence.offset
        if entity.type == "GPE" and locative:
            continue  # "in Seoul": where, not who
        in_clause = clause[0] <= local <= clause[1]
        if event_type == "MEETING":
            # People go to the nearest meeting the sentence names; states and
            # organizations only when named in the meeting's own clause.
            nearest = min(view.meeting_positions, key=lambda p: abs(p - local))
            if (entity.type == "PERSON" and nearest == position) or in_clause:
                actors.setdefault(entity.key, "participant")
            continue
        if in_clause:
            actors.setdefault(entity.key, "source" if local < position else "target")
        elif local < position and not _in_appositive(text, local, clauses):
            subject = entity.key  # the nearest actor named before the trigger
    if subject is not None:
        actors.setdefault(subject, "source")
    event = ArticleEvent(
        event_type=event_type,
        trigger=match.group().lower(),
        modality=_modality(view, position),
        date=_date_for(text, position, view.dates, clause),
        place=place,
        actors=actors,
        mentions=[(sentence.paragraph_seq, sentence.index)],
        summary="",
    )
    summit = event.trigger.split()[0] in _SUMMIT_WORDS
    if event_type == "MEETING":
        event.kind = "summit" if summit else "talks"
    return _Candidate(
        event,
        summit=summit,
        month_hint=event.date.month_hint,
        anaphoric=bool(_ANAPHORIC.search(text[max(0, position - 50) : position])),
    )


_APPOSITIVE_START = re.compile(r"(?:the|a|an|his|her|their|its|who|which)\s")
_TITLE_OPENERS = frozenset(
    "vice first deputy senior former chief director minister spokesperson spokesman "
    "spokeswoman professor head chairman secretary ambassador envoy".split()
)


def _in_appositive(text: str, position: int, clauses: list[tuple[int, int]]) -> bool:
    """ "Kim Yo-jong, the sister of leader Kim Jong-un, denounced": the leader named in
    the description is not who denounced."""
    start, _ = _clause_of(position, clauses)
    # Descriptions open with an article or, in wire style, a bare title in lower case
    # ("vice department director of ..."); the text here is already lower case, so the
    # original casing is not available: articles and titles it is.
    return start > 0 and (
        _APPOSITIVE_START.match(text, start) is not None
        or text[start : start + 40].split(" ", 1)[0] in _TITLE_OPENERS
    )


def _date_for(
    text: str, position: int, dates: list[tuple[int, EventDate]], clause: tuple[int, int]
) -> EventDate:
    """The time expression of the trigger's own clause, else the sentence's nearest.

    "arriving in Beijing on Oct. 7, after nuclear talks in Sweden": the date belongs
    to the arrival, so talks introduced by "after" take no date from elsewhere.
    """
    if not dates:
        return UNKNOWN_DATE
    own = [d for d in dates if clause[0] <= d[0] <= clause[1]]
    if own:
        return min(own, key=lambda d: abs(d[0] - position))[1]
    if _TEMPORAL_PREPOSITION.search(text[max(0, position - 60) : position]):
        return UNKNOWN_DATE
    return min(dates, key=lambda d: abs(d[0] - position))[1]


def _place(
    view: _SentenceView,
    start: int,
    end: int,
    entities: dict[str, ArticleEntity],
    clause: tuple[int, int] = (0, 0),
) -> str | None:
    text, offset = view.text, view.sentence.offset
    best: tuple[int, str] | None = None
    for mention, locative in zip(view.mentions, view.locative, strict=True):
        entity = entities[mention.entity]
        if entity.type not in _PLACE_TYPES:
            continue
        local_start, local_end = mention.start - offset, mention.end - offset
        before = text[max(0, local_start - 30) : local_start]
        # "the Stockholm talks", "the Hanoi summit" (but not "U.S.-North Korea talks")
        modifier = (
            local_end <= start
            and not text[local_end:start].strip()
            and not before.endswith("-")
            and _NOUN_TRIGGERS.search(text[start:end].lower()) is not None
        )
        if modifier or locative:
            distance = abs(local_start - start)
            if not clause[0] <= local_start <= clause[1]:
                distance += 1000  # a place in another clause only when none is closer
            if best is None or distance < best[0]:
                best = (distance, entity.key)
    return best[1] if best else None


def _is_reported(text: str) -> bool:
    """The sentence says it has what it says from others ("reportedly", "according to")."""
    cued = any(cue in text for cue in ("report", "accord", "specul", "source"))
    return cued and _REPORTED.search(text) is not None


def _modality(view: _SentenceView, position: int) -> str:
    text = view.text
    if _NEGATED.search(text[max(0, position - 80) : position]):
        return "denied"
    if view.reported:
        return "reported"
    clause = text[max(0, position - 60) : position]
    if _HYPOTHETICAL.search(clause):
        return "hypothetical"
    if _PLANNED.search(clause):
        return "planned"
    return "asserted"


def _compatible(a: _Candidate, b: _Candidate, entities: dict[str, ArticleEntity]) -> bool:
    """Nothing the two say conflicts: type, kind of meeting, modality, date, place."""
    x, y = a.event, b.event
    if x.event_type != y.event_type or x.modality != y.modality or a.summit != b.summit:
        return False
    if not dates_agree(x.date, y.date):
        return False
    if a.month_hint and b.month_hint and a.month_hint != b.month_hint:
        return False
    return places_agree(x.place, y.place, entities)


def _share_an_anchor(a: ArticleEvent, b: ArticleEvent, entities: dict[str, ArticleEntity]) -> bool:
    """Positive evidence of one event: the same place, the same day, the same person."""
    if a.place and b.place and a.place == b.place:
        return True
    if a.date.precision == b.date.precision == "day" and a.date.value == b.date.value:
        return True
    # One shared person is weak evidence (a president attends every summit); two is not.
    people = {k for k in a.actors if k in entities and entities[k].type == "PERSON"}
    return len(people & set(b.actors)) >= 2


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


# Only these are merged inside one article: a statement or a threat said twice is
# usually two statements, while "the talks" and "the Stockholm talks" are one meeting.
_MERGEABLE = frozenset({"MEETING", "WEAPONS_TEST", "MILITARY_EXERCISE", "SANCTION"})


def _merge_within(
    candidates: list[_Candidate], entities: dict[str, ArticleEntity]
) -> list[ArticleEvent]:
    merged: list[_Candidate] = []
    # The same events by type, in the same order: only events of one type are compatible.
    merged_of_type: dict[str, list[_Candidate]] = {}
    for candidate in candidates:
        target = None
        event_type = candidate.event.event_type
        if event_type in _MERGEABLE:
            same_type = merged_of_type.get(event_type, [])
            compatible = [m for m in same_type if _compatible(m, candidate, entities)]
            if candidate.anaphoric and compatible:
                target = compatible[-1]  # "the talks": the last such event named
            else:
                target = next(
                    (m for m in compatible if _share_an_anchor(m.event, candidate.event, entities)),
                    None,
                )
        if target is None:
            merged.append(candidate)
            merged_of_type.setdefault(event_type, []).append(candidate)
            continue
        _absorb(target, candidate)
    return [m.event for m in merged]


def _absorb(target: _Candidate, other: _Candidate) -> None:
    """Fold a second mention into an event. A mention that only points back ("the
    talks") adds where it is said, not who: its sentence is usually about something else."""
    event, extra = target.event, other.event
    if event.date.value is None or (
        extra.date.value is not None and _rank(extra.date) > _rank(event.date)
    ):
        event.date = extra.date if extra.date.value is not None else event.date
    event.place = event.place or extra.place
    if not other.anaphoric:
        for key, role in extra.actors.items():
            event.actors.setdefault(key, role)
    event.mentions.extend(extra.mentions)
    target.month_hint = target.month_hint or other.month_hint


def _rank(value: EventDate) -> int:
    return {"unknown": 0, "year": 1, "month": 2, "day": 3}[value.precision]
