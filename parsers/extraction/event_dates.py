"""When an event happened: the time expression that belongs to its clause.

Dates are read by dates.py (against the article's day); this module decides which of a
sentence's dates is an event's, from where each hangs in the parse.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from spacy.tokens import Span, Token

from parsers.extraction.arguments import held_participles, occasions, sequenced_by
from parsers.extraction.model import UNKNOWN_DATE, EventDate
from parsers.extraction.triggers import lemma_of

_TEMPORAL_PREPOSITION = re.compile(
    r"\b(?:after|before|since|until|ahead\s+of)\s+(?:\S+\s+){0,3}$", re.IGNORECASE
)
_CLAUSE_BREAK = re.compile(r"[,;]\s")


def event_date(
    sent: Span,
    trigger: Token,
    predicate: Token,
    dates: list[tuple[int, EventDate]],
    speech_verbs: frozenset[str],
    *,
    caption: bool = False,
) -> EventDate:
    """The time expression that belongs to the event's clause.

    In order: one attached to the trigger or its verb ("met on Wednesday"); one
    attached to the clause it happens at the same time as ("met Wednesday ... but
    failed to agree, as China blamed"); the date of its saying, for what a speaker
    reports ("said Tuesday it fired"); one attached to no verb in its part of the
    sentence. A date after "since" or "after" is another event's. A caption shows one
    moment: its date is the date of what it shows.
    """
    if not dates:
        return UNKNOWN_DATE
    doc = sent.doc
    placed = [
        (position, value, token)
        for position, value in dates
        if (token := _token_at(doc, sent.start_char + position)) is not None
    ]
    if predicate.dep_ == "relcl" and predicate.head.ent_type_ == "DATE":
        # "since December, when it test-fired a Hwasong-18": the date the clause describes.
        head = predicate.head
        for _, value, token in placed:
            if head.left_edge.i <= token.i <= head.i:
                return value
    begun = _under_since(trigger, placed)
    if begun is not None:
        return begun
    # "the proposal for talks made by the minister on March 25": the parse may hang the
    # participle on the noun after "for" or "of".
    described = [trigger] + [
        pobj
        for prep in trigger.children
        if prep.dep_ == "prep" and prep.lower_ in ("for", "of")
        for pobj in prep.children
        if pobj.dep_ == "pobj"
    ]
    # "the summit in Hanoi collapsed in February 2019", "the talks ended on Friday": the
    # time of what became of it is its time.
    became = (
        [trigger.head]
        if trigger.dep_ in ("nsubj", "nsubjpass") and lemma_of(trigger.head) in _ASPECT
        else []
    )
    # "reached an agreement during talks held in Pyongyang on Thursday": the time of the
    # occasion it happened at.
    occasion_times = [
        held.i
        for occasion in occasions(predicate, ("at", "during"))
        for held in held_participles(occasion)
    ]
    # "demanded that his nation eliminate ... during a meeting on Monday": a wish in the
    # subjunctive has no time of its own, so the occasion the parse hangs on it is the
    # demand's.
    occasion_times += [
        occasion.i
        for wish in predicate.children
        if wish.dep_ == "ccomp" and _subjunctive(wish)
        for occasion in occasions(wish, ("at", "during"))
    ]
    # "the April 27 Panmunjom declaration": a date in the name of what the noun names.
    named = (
        [c.i for c in trigger.children if c.dep_ == "compound"] if trigger.pos_ == "NOUN" else []
    )
    sequence = sequenced_by(trigger)
    own = {
        trigger.i,
        *_with_participles(predicate),
        *((sequence.i,) if sequence is not None else ()),
        *(t.i for t in became),
        *occasion_times,
        *named,
        *(
            c.i
            for noun in described
            for c in noun.children
            if (c.dep_ == "acl" and (noun is trigger or c.tag_ == "VBN"))
            or (noun is trigger and c.dep_ == "relcl" and lemma_of(c) in _ASPECT)
        ),
    }
    for _, value, token in placed:
        if _attached(token, own):
            return value
    offset = _counted_from(predicate, placed, speech_verbs)
    if offset is not None:
        return offset
    holders = _same_time(predicate, speech_verbs)
    if trigger.dep_ == "pobj" and trigger.head.lower_ in ("at", "during"):
        # "agreed on Thursday to expand trade at a meeting": the occasion of the clause
        # the infinitive completes.
        token = predicate
        while token.dep_ == "xcomp" and token.head != token:
            token = token.head
            holders.append(token)
    for holder in holders:
        for _, value, token in placed:
            if _attached(token, _with_participles(holder)):
                return value
    if caption and not _before_now(trigger):
        offset = trigger.idx - sent.start_char
        return min(dates, key=lambda d: abs(d[0] - offset))[1]
    text = sent.text
    offset = trigger.idx - sent.start_char
    clause = _clause_of(offset, _clauses(text))
    free = [
        (position, value)
        for position, value, token in placed
        if _verb_of(token) is None
        and not _TEMPORAL_PREPOSITION.search(text[max(0, position - 20) : position])
    ]
    near = [d for d in free if clause[0] <= d[0] <= clause[1]] or free
    if not near:
        return UNKNOWN_DATE
    return min(near, key=lambda d: abs(d[0] - offset))[1]


def _subjunctive(verb: Token) -> bool:
    """ "(demanded) that his nation eliminate": a bare verb with "that" and no auxiliary
    (tagged as the plain present when its subject is one thing, as a plain present it
    would not agree)."""
    children = list(verb.children)
    bare = verb.tag_ == "VB" or (
        verb.tag_ == "VBP" and any(c.dep_ == "nsubj" and c.tag_ in ("NN", "NNP") for c in children)
    )
    return (
        bare
        and any(c.dep_ == "mark" and c.lower_ == "that" for c in children)
        and not any(c.dep_ in ("aux", "auxpass") for c in children)
    )


def _with_participles(verb: Token) -> set[int]:
    """The verb and the participle clauses that set its scene ("Speaking to reporters on
    Monday, the minister said"): they happen at one time."""
    return {verb.i} | {
        c.i
        for c in verb.children
        if c.dep_ == "advcl" and c.tag_ == "VBG" and not any(g.dep_ == "mark" for g in c.children)
    }


# Verbs that tell a state someone is in: "has been under sanctions since 2006".
_BEING = frozenset({"be", "remain", "stay", "live", "come"})


def _under_since(trigger: Token, placed: list[tuple[int, EventDate, Token]]) -> EventDate | None:
    """ "has been under UN sanctions since 2006": what one is under began at the time
    "since" names."""
    if trigger.dep_ != "pobj" or trigger.head.lower_ != "under":
        return None
    verb = trigger.head.head
    if lemma_of(verb) not in _BEING:
        return None
    for _, value, token in placed:
        since = token.head
        if since.lower_ == "since" and since.dep_ == "prep" and since.head in (verb, trigger):
            return value
    return None


def _same_time(predicate: Token, speech_verbs: frozenset[str]) -> list[Token]:
    """Verbs whose date is this clause's: the verb it is joined to ("met ... but
    failed"), the verb of an "as"/"while" clause it belongs to, the verb of saying
    whose complement it is."""
    found = []
    token = predicate
    for _ in range(3):
        if token.head == token:
            break
        if token.dep_ == "conj" or (
            token.dep_ == "advcl"
            and any(
                c.dep_ == "mark" and c.lower_ in ("as", "while", "when") for c in token.children
            )
        ):
            token = token.head
            found.append(token)
        elif token.dep_ in ("ccomp", "xcomp") and lemma_of(token.head) in speech_verbs:
            found.append(token.head)
            break
        else:
            break
    return found


_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_NUMBERS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10}
_UNIT_DAYS = {"day": 1, "week": 7}


def _counted_from(
    predicate: Token,
    placed: list[tuple[int, EventDate, Token]],
    speech_verbs: frozenset[str],
) -> EventDate | None:
    """ "fired on Friday, ... three days after it launched an ICBM": the date of the
    clause it is counted from, less (or, "before", more) the days it counts."""
    if predicate.dep_ != "advcl":
        return None
    mark = next((c for c in predicate.children if c.dep_ == "mark"), None)
    if mark is None or mark.lower_ not in ("after", "before"):
        return None
    span = next(
        (c for c in predicate.children if c.dep_ == "npadvmod" and c.lemma_.lower() in _UNIT_DAYS),
        None,
    )
    if span is None:
        return None
    count = next(
        (
            int(c.text) if c.text.isdigit() else _NUMBERS.get(c.lower_)
            for c in span.children
            if c.dep_ in ("nummod", "det")
        ),
        None,
    )
    if not count:
        return None
    # The clause counted from: the verb it hangs on, or what that verb says.
    base = None
    holders = [predicate.head]
    if lemma_of(predicate.head) in speech_verbs:
        holders += [c for c in predicate.head.children if c.dep_ == "ccomp"]
    for holder in holders:
        base = next((v for _, v, t in placed if _attached(t, {holder.i})), None)
        if base is not None:
            break
    if base is None or base.value is None or base.precision != "day":
        return None
    days = count * _UNIT_DAYS[span.lemma_.lower()]
    step = timedelta(days=days if mark.lower_ == "before" else -days)
    return EventDate(base.value + step, "day")


def told_as_earlier(trigger: Token, predicate: Token) -> bool:
    """ "three days after it launched an ICBM", "since the launch": an event the sentence
    tells as before the one it reports."""
    if _before_now(trigger):
        return True
    return predicate.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in ("after", "since", "before") for c in predicate.children
    )


def told_as_done(verb: Token) -> bool:
    """A clause in the simple past or the present perfect: "fired", "has blown up" (not
    the past perfect: "had dropped" was done before the news the text tells)."""
    if verb.tag_ == "VBD":
        return True
    return (
        verb.tag_ == "VBN"
        and any(
            c.dep_ in ("aux", "auxpass") and c.lemma_ == "have" and c.tag_ != "VBD"
            for c in verb.children
        )
    ) or (
        verb.tag_ == "VBN" and any(c.dep_ == "auxpass" and c.tag_ == "VBD" for c in verb.children)
    )


def _token_at(doc: object, char: int) -> Token | None:
    for token in doc:  # type: ignore[attr-defined]
        if token.idx <= char < token.idx + len(token.text):
            return token
        if token.idx > char:
            return None
    return None


def _verb_of(token: Token) -> Token | None:
    """The verb a word hangs on."""
    for _ in range(8):
        if token.pos_ in ("VERB", "AUX"):
            return token
        if token.head == token:
            return None
        token = token.head
    return None


def _attached(token: Token, targets: set[int]) -> bool:
    """Whether a time expression hangs on the event's trigger or its verb, before it
    reaches any other verb or passes "since" or "after" (another event's time). A date
    that names another thing ("scrapped a 2018 pact") is that thing's."""
    if (
        token.dep_ in ("nummod", "amod", "compound", "nmod", "poss")
        and token.head.pos_ in ("NOUN", "PROPN")
        and token.head.i not in targets
        and not token.head.ent_type_  # "Wednesday afternoon", "March 4" are one time
    ):
        return False
    for _ in range(8):
        if token.i in targets:
            return True
        if token.head == token:
            return False
        if token.lower_ in ("since", "after", "before", "until", "following") and not _same_day(
            token
        ):
            return False
        token = token.head
        if token.pos_ in ("VERB", "AUX") and token.i not in targets:
            return False
    return False


# Verbs of a relative clause that tell when its noun took place: "the exercise, which
# began Monday", "talks that opened on Tuesday".
_ASPECT = frozenset(
    """begin start end open close kick wrap conclude finish run continue resume last
    occur happen collapse fail break""".split()
)
# A meal is a time of the day, not an earlier event: "after lunch" is that day.
_MEALS = frozenset({"breakfast", "lunch", "luncheon", "dinner"})
_SOON = frozenset({"hours", "hour", "minutes", "shortly", "soon", "immediately", "just", "moments"})


def _before_now(token: Token) -> bool:
    """ "after nuclear talks", "since the launch": an event told as earlier than the
    moment the sentence is about."""
    for _ in range(4):
        if token.head == token:
            return False
        token = token.head
        if token.lower_ in ("since", "after", "before", "following") and not _same_day(token):
            return True
        if token.pos_ in ("VERB", "AUX"):
            return False
    return False


def _same_day(preposition: Token) -> bool:
    """ "hours after the talks", "shortly after the launch", "after lunch": the same day."""
    return preposition.head.lower_ in _SOON or any(
        c.lower_ in _SOON or c.lemma_.lower() in _MEALS for c in preposition.children
    )


def after_day(value: EventDate, day: date | None) -> bool:
    """An event dated after the article's own day has not happened yet."""
    if value.value is None or day is None:
        return False
    if value.precision == "day":
        return value.value > day
    if value.precision == "month":
        return (value.value.year, value.value.month) > (day.year, day.month)
    return value.value.year > day.year


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _clause_of(position: int, clauses: list[tuple[int, int]]) -> tuple[int, int]:
    return next((c for c in clauses if c[0] <= position <= c[1]), (0, 0))


def governing_date(
    sent: Span, trigger: Token, predicate: Token, dates: list[tuple[int, EventDate]]
) -> EventDate:
    """The date of the verb an event noun is the object of: what a dated reaction is
    about happened then, unless it is told as earlier ("after the launch")."""
    if _before_now(trigger):
        return UNKNOWN_DATE
    placed = [
        (value, token)
        for position, value in dates
        if (token := _token_at(sent.doc, sent.start_char + position)) is not None
    ]
    token = predicate
    for _ in range(4):
        if token.head == token:
            break
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            return next((value for value, t in placed if _attached(t, {token.i})), UNKNOWN_DATE)
    return UNKNOWN_DATE
