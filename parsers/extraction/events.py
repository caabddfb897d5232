"""Events of one article: what the clauses report, who took part, where, when, and
whether it happened.

Triggers are data (reference/triggers.yaml), matched on the model's lemmas; the actors
come from the clause's dependency arcs (arguments.py), the modality from the words that
govern it (modality.py), the date from the time expressions attached to it. A speaker
who acts for a state or an organization makes a STATEMENT when the words report no event
of their own. Mentions of one event in several sentences are merged when nothing they
say conflicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Span, Token

from parsers.extraction.arguments import arguments, predicate_of
from parsers.extraction.dates import named_days, resolve_dates
from parsers.extraction.descriptions import OFFICIAL_WORDS
from parsers.extraction.event_dates import (
    after_day,
    event_date,
    governing_date,
    told_as_done,
    told_as_earlier,
)
from parsers.extraction.mentions import Reading
from parsers.extraction.merging import Candidate, EventOrigin, merge_within
from parsers.extraction.modality import modality
from parsers.extraction.model import UNKNOWN_DATE, ArticleEntity, ArticleEvent, EventDate
from parsers.extraction.referents import Referents
from parsers.extraction.states import StateIndex
from parsers.extraction.triggers import (
    QUANTITY_NOUNS,
    Trigger,
    TriggerBook,
    lemma_of,
    named_by_date,
    names_one_of,
)
from parsers.extraction.weapon_kinds import weapon_kind
from parsers.publication import latest_full_date

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
# Types whose parties take part together rather than one acting on the other.
_SYMMETRIC = frozenset({"MEETING", "COOPERATE", "MILITARY_EXERCISE"})
_ACTOR_TYPES = frozenset({"PERSON", "ORG", "GPE"})
# Types one side does: "sharing information on the launches with Japan" makes Japan no
# partner in the launches.
_ALONE = frozenset({"WEAPONS_TEST", "ASSAULT", "SANCTION", "EASE_SANCTIONS", "THREATEN"})
_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
# Where an event happened, by how surely the preposition says so.
_PLACE_RANK = {
    "compound": 0,
    "in": 0,
    "at": 0,
    "near": 1,
    "inside": 1,
    "outside": 1,
    "off": 1,
    "on": 2,
    "into": 2,
    "toward": 2,
    "towards": 2,
    "over": 2,
    "across": 2,
    "from": 3,
    "to": 4,
}


@dataclass(slots=True)
class _Context:
    """What every clause of the article reads: whom its words stand for, its day."""

    referents: Referents
    day: date | None
    # The article's own day (not a date read from its text) and its first sentence: the
    # news a lede reports in the past tense without a date happened on that day.
    published: date | None = None
    lede: tuple[int, int] | None = None
    # The last event of an earlier sentence said to be somewhere: where "there" is.
    last_placed: ArticleEvent | None = None
    # The town or region the article puts each building in, from any of its sentences.
    located: dict[str, str] = field(default_factory=dict)
    # The last day a sentence named, and the paragraph it stands in: what "after lunch"
    # in the next sentences is on (a paragraph further on may have moved to other days).
    told: tuple[int, date] | None = None
    # The days the article names by date: which of two days a weekday is, when it says.
    named: frozenset[date] = frozenset()
    # The month of the article's news when only that is known (a dateline without its
    # year): the month of what its lede tells as done.
    news_month: int | None = None

    def day_told(self, paragraph: int) -> date | None:
        if self.told is None or paragraph - self.told[0] > 1:
            return None
        return self.told[1]


class EventFinder:
    def __init__(self, book: TriggerBook, states: StateIndex) -> None:
        self.book = book
        self.states = states

    def find(
        self,
        readings: list[Reading],
        referents: Referents,
        day: date | None,
        *,
        news_month: int | None = None,
    ) -> list[tuple[ArticleEvent, EventOrigin]]:
        entities = referents.entities
        # A text that prints no date of its own is read against the latest full date it
        # names (a photo's "Jan. 16, 2024", a dateline in the body): the nearest thing to
        # its day there is.
        anchor = day if day is not None else latest_full_date(r.doc.text for r in readings)
        context = _Context(referents, anchor, published=day)
        context.named = named_days((r.doc.text for r in readings), anchor)
        context.news_month = news_month
        types_of = [_entity_types(reading, entities) for reading in readings]
        context.located = _buildings_located(readings, types_of)
        first = next((r for r in readings if r.kind == "body"), None)
        context.lede = (first.seq, 0) if first is not None else None
        candidates: list[Candidate] = []
        for reading, types in zip(readings, types_of, strict=True):
            for sentence_index, sent in enumerate(reading.doc.sents):
                candidates.extend(
                    self._sentence_events(reading, sentence_index, sent, types, context)
                )
        _same_noun_same_event_type(candidates)
        merged = merge_within(candidates, entities)
        _from_occasions(candidates)
        # Mentions merged first may now share a day or a place with another: once more.
        merged = merge_within(merged, entities)
        _said_on_the_news_day(merged, candidates, context)
        _meetings_spoken_to(merged)
        results = []
        for candidate in merged:
            if candidate.event.event_type == "WEAPONS_TEST" and candidate.event.kind is None:
                # Named by nothing it was merged with either: the first kind, the usual.
                candidate.event.kind = next(iter(self.book.weapon_kinds), None)
            referents.normalize_actors(candidate.event)
            results.append((candidate.event, candidate.origin))
        return results

    # -- one sentence --------------------------------------------------------------------
    def _sentence_events(
        self,
        reading: Reading,
        sentence_index: int,
        sent: Span,
        types: dict[int, str],
        context: _Context,
    ) -> list[Candidate]:
        found: list[tuple[Token, Trigger]] = []
        for token in sent:
            trigger = self.book.match(token, types)
            if trigger is not None:
                found.append((token, trigger))
        dates = resolve_dates(
            sent.text,
            context.day,
            exact=context.published is not None,
            told=context.day_told(reading.seq),
            named=context.named,
        )
        days = [when.value for _, when in dates if when.precision == "day"]
        if days and days[-1] is not None and reading.kind == "body":
            context.told = (reading.seq, days[-1])
        candidates: list[Candidate] = []
        seen: set[tuple[str, int]] = set()
        positions = {t.i: trigger.event_type for t, trigger in found}
        for token, trigger in found:
            if token.dep_ == "appos" and positions.get(token.head.i) == trigger.event_type:
                continue  # "Tuesday's launch, the North's first ICBM test": one event
            if token.dep_ == "acl" and positions.get(token.head.i) == trigger.event_type:
                continue  # "an agreement signed by both": the noun reports it
            predicate = predicate_of(
                token, trigger.event_type, self.book.support_verbs | trigger.governors
            )
            if (
                trigger.dated
                and named_by_date(token)
                and lemma_of(predicate) not in trigger.governors
            ):
                # "suspended the 2018 military agreement": the agreement made in 2018,
                # whatever is done to it now.
                predicate = token
            # "signed an agreement", "held talks": the verb and its object report one
            # event, not two.
            one = token == predicate or token.dep_ in ("dobj", "obj", "nsubjpass")
            key = (trigger.event_type, predicate.i if one else token.i)
            if key in seen:
                continue
            seen.add(key)
            candidate = self._event(
                reading, sentence_index, sent, token, predicate, trigger, types, dates, context
            )
            if candidate is not None:
                candidates.append(candidate)
                candidates.extend(
                    self._instances(candidate, token, trigger, reading, sent, types, dates)
                )
                candidates.extend(_one_per_place(candidate, token, reading, types))
        for token in sent:
            if lemma_of(token) in self.book.speech_verbs and token.pos_ == "VERB":
                statement = self._statement(
                    reading, sentence_index, sent, token, candidates, types, dates, context
                )
                if statement is not None and ("STATEMENT", token.i) not in seen:
                    seen.add(("STATEMENT", token.i))
                    candidates.append(statement)
        placed = [c for c in candidates if c.event.place is not None]
        if placed:
            context.last_placed = placed[-1].event
        return candidates

    def _event(
        self,
        reading: Reading,
        sentence_index: int,
        sent: Span,
        token: Token,
        predicate: Token,
        trigger: Trigger,
        types: dict[int, str],
        dates: list[tuple[int, EventDate]],
        context: _Context,
    ) -> Candidate | None:
        found = arguments(token, predicate, self.book.speech_verbs)
        place = self._place(found.place, reading, types, trigger.event_type, context.located)
        if place is None and trigger.event_type in _DONE_TO_A_PLACE:
            # "blew up the liaison office": an attack on a building happens there.
            place = _building_hit(found.targets, reading, types, context.located)
        actors: dict[str, str] = {}
        symmetric = trigger.event_type in _SYMMETRIC

        def take(tokens: list[Token], role: str) -> None:
            for argument in tokens:
                for key in context.referents.entities_of(argument, reading):
                    if key == place or context.referents.entities[key].type not in _ACTOR_TYPES:
                        continue
                    if _opposed(argument):
                        role_here = "target"  # "anti-Pyongyang leaflets"
                    else:
                        role_here = "participant" if symmetric else role
                    actors.setdefault(key, role_here)

        take(found.sources, "source")
        if (
            not actors
            and (symmetric or token.dep_ in ("conj", "xcomp", "advcl"))
            and not _spoken_of(token, predicate, self.book.support_verbs)
            # "referred to meetings between Kim and Trump": both sides are named.
            and not any(c.dep_ == "prep" and c.lower_ == "between" for c in token.children)
        ):
            # "during a parliamentary meeting", "fired a missile and warned Seoul": who
            # acts is named further up the sentence.
            for level in found.outer_sources:
                take(level, "source")
                if actors:
                    break
        take(found.targets, "target")
        if trigger.event_type not in _ALONE:
            take(found.partners, "participant")
        if trigger.event_type == "REJECT":
            # "walked away from talks with the United States", "rejected dialogue with
            # Seoul": the other side of what is rejected is the rejection's target.
            take(_other_side(predicate), "target")
            # "no intention to hold talks before the U.S. takes a step", "no plans to
            # continue unless the U.S. ends its policy": whom the condition waits on.
            take(_conditioned_on(token, predicate), "target")
        if (
            not actors
            and place is None
            and not trigger.governors
            and not _main_clause(token, predicate)
        ):
            # "obstacles that threaten", "a moratorium on tests": no event. A noun that
            # counts only with its verb ("sending leaflets", "the treaty signed in 2016")
            # reports a happening wherever the clause stands.
            return None
        when = event_date(
            sent,
            token,
            predicate,
            dates,
            self.book.speech_verbs,
            caption=reading.kind == "caption",
        )
        mood = modality(
            token, predicate, self.book, trigger.event_type, negative="no" in trigger.modifiers
        )
        place, when = _there(predicate, place, when, context)
        news_day = False
        if (
            when.value is None
            and mood == "asserted"
            and (reading.seq, sentence_index) == context.lede
        ):
            lede = _lede_date(sent, token, predicate, dates, context)
            if lede.value is not None or lede.month_hint is not None:
                when = lede  # (else keep the month a yearless date gave)
            news_day = not dates and when.value is not None
        if when.value is None and context.published is not None and _ongoing(token):
            # "the ongoing Freedom Shield exercise": under way in the article's month.
            when = EventDate(context.published.replace(day=1), "month")
        if mood == "asserted" and after_day(when, context.day):
            mood = "planned"
        event = ArticleEvent(
            event_type=trigger.event_type,
            trigger=token.text.lower(),
            modality=mood,
            date=when,
            place=place,
            actors=actors,
            mentions=[(reading.seq, sentence_index)],
            summary="",
        )
        # "summit talks", "a summit meeting": talks of leaders.
        named_summit = lemma_of(token) == "summit" or any(
            c.dep_ in ("compound", "amod") and c.lemma_.lower() == "summit" for c in token.children
        )
        summit = named_summit or trigger.kind == "summit"
        people = [k for k in actors if context.referents.entities[k].type == "PERSON"]
        if trigger.event_type == "MEETING" and not named_summit and len(people) >= 2:
            # Who meets says what kind of meeting it is, whatever the word: two leaders
            # "holding talks" hold a summit; two foreign ministers "meeting" do not.
            summit = sum(self.states.leads(k, context.day) for k in people) >= 2
        elif trigger.event_type == "MEETING" and not named_summit:
            # "a Council meeting", "the Assembly's session": a body's, not leaders'.
            body = any(
                c.dep_ in ("compound", "poss") and types.get(c.i) == "ORG" for c in token.children
            )
            summit = summit and not body
        if trigger.event_type == "MEETING":
            event.kind = "summit" if summit else "talks"
        elif trigger.event_type == "WEAPONS_TEST":
            event.kind = weapon_kind(token, self.book.weapon_kinds)
        # "issued a statement", "in her statement": a statement is merged per speaker.
        speaker = None
        if trigger.event_type == "STATEMENT":
            speaker = next((k for k, role in actors.items() if role == "source"), None)
        return Candidate(
            event,
            EventOrigin(reading, token.i, predicate.i),
            summit=summit,
            month_hint=when.month_hint,
            # "the talks", "the launch", or a mention naming nobody: points back.
            anaphoric=not actors,
            speaker=speaker,
            background=told_as_earlier(token, predicate),
            news_day=news_day,
            definite=token.pos_ == "NOUN"
            and any(
                (c.dep_ == "det" and c.lower_ in ("the", "this", "that"))
                or (c.dep_ == "poss" and c.pos_ == "PRON")
                for c in token.children
            ),
        )

    def _statement(
        self,
        reading: Reading,
        sentence_index: int,
        sent: Span,
        verb: Token,
        reported: list[Candidate],
        types: dict[int, str],
        dates: list[tuple[int, EventDate]],
        context: _Context,
    ) -> Candidate | None:
        """A state, an organization or an official speaking: a STATEMENT, unless what
        they say reports what others did ("Seoul said Pyongyang rejected the offer"):
        then the news is that event, not the saying."""
        if verb.dep_ in ("acl", "amod"):
            return None
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if not subjects:
            return None
        if verb.dep_ == "relcl" and any(s.tag_ in ("WDT", "WP") for s in subjects):
            # "officials who said": a description; "a test which it said was a hydrogen
            # bomb" is the saying of the relative clause's own subject.
            return None
        if lemma_of(verb) == "tell" and not any(
            c.dep_ in ("dobj", "dative") and lemma_of(c) in self.book.audiences
            for c in verb.children
        ):
            return None
        speakers = [
            key
            for subject in subjects
            for key in context.referents.entities_of(subject, reading)
            # "the ambassador ... Cho said": the subject's own title says so too.
            if context.referents.speaks_for_others(key) or subject.lemma_.lower() in OFFICIAL_WORDS
        ]
        if not speakers:
            return None
        said = {
            t.i
            for child in verb.children
            if child.dep_ in ("ccomp", "xcomp", "dobj", "advcl") and not _circumstance(child)
            for t in child.subtree
        }
        own = set(speakers) | {
            context.referents.state_entity(state)
            for key in speakers
            if (state := self.states.state_of(context.referents.entities[key])) is not None
        }
        for other in reported:
            if (
                other.origin.reading is reading
                and other.origin.trigger in said
                and other.event.actors
                and not set(other.event.actors) & own
            ):
                return None
        when = event_date(sent, verb, verb, dates, self.book.speech_verbs)
        place, when = _there(verb, None, when, context)
        event = ArticleEvent(
            event_type="STATEMENT",
            trigger=verb.text.lower(),
            modality="asserted",
            date=when,
            place=place,
            actors={key: "source" for key in speakers},
            mentions=[(reading.seq, sentence_index)],
            summary="",
        )
        return Candidate(
            event,
            EventOrigin(reading, verb.i, verb.i),
            summit=False,
            month_hint=when.month_hint,
            anaphoric=False,
            speaker=speakers[0],
        )

    def _instances(
        self,
        candidate: Candidate,
        token: Token,
        trigger: Trigger,
        reading: Reading,
        sent: Span,
        types: dict[int, str],
        dates: list[tuple[int, EventDate]],
    ) -> list[Candidate]:
        """ "has continued to launch missiles, including two ICBMs into the Sea of Japan in
        July": each thing listed after "including" with a place or a time of its own is
        one of the events the clause sums up."""
        if not trigger.objects or token.pos_ != "VERB":
            return []
        found = []
        for head in (token, *token.ancestors):
            for prep in head.children:
                if prep.dep_ != "prep" or prep.lower_ != "including":
                    continue
                for thing in _objects_of_including(prep):
                    if not names_one_of(thing, trigger.objects):
                        continue
                    instance = _instance_of(thing, prep, sent, dates)
                    place = self._place(instance[1], reading, types, trigger.event_type, {})
                    if place is None and instance[0].value is None:
                        continue  # nothing of its own: the clause already tells it
                    event = ArticleEvent(
                        event_type=candidate.event.event_type,
                        trigger=token.text.lower(),
                        modality=candidate.event.modality,
                        date=instance[0],
                        place=place,
                        actors=dict(candidate.event.actors),
                        mentions=list(candidate.event.mentions),
                        summary="",
                    )
                    found.append(
                        Candidate(
                            event,
                            EventOrigin(reading, thing.i, candidate.origin.predicate),
                            summit=False,
                            month_hint=instance[0].month_hint,
                            anaphoric=False,
                        )
                    )
            if head.dep_ not in ("xcomp", "conj"):
                break
        return found

    # -- place and date ------------------------------------------------------------------
    def _place(
        self,
        places: list[tuple[str, Token]],
        reading: Reading,
        types: dict[int, str],
        event_type: str,
        located: dict[str, str],
    ) -> str | None:
        best: tuple[tuple[int, bool], str] | None = None
        for word, token in places:
            if word == "to" and event_type != "MEETING":
                continue
            named = _place_named_in(token, reading)
            routed, token = named != token, named
            key = reading.entity_at[token.i]
            if key is None or types.get(token.i) not in _PLACE_TYPES:
                continue
            if types.get(token.i) == "FAC":
                if town := _located_in(token, reading, types):
                    token, key = town, reading.entity_at[town.i]
                elif key in located:
                    key = located[key]  # "the office", put in Kaesong elsewhere
            if (
                word == "compound"
                and self.states.is_state(key)
                and not (event_type == "MEETING" and token.pos_ == "PROPN" and _named_alone(token))
            ):
                # "U.S.-South Korea drills", "North Korean launches": the states take
                # part; "the Singapore summit" was held there.
                continue
            if word == "on" and types.get(token.i) == "GPE" and not routed:
                continue  # "sanctions on North Korea", "talks on Washington's stance"
            if _opposed(token):
                continue  # "anti-Pyongyang leaflets" are not sent in Pyongyang
            # As sure a preposition, a town or region before a building: "the office in
            # Kaesong", "the Capella Hotel on Sentosa Island" happen in the town first.
            rank = (_PLACE_RANK.get(word, 5), types.get(token.i) == "FAC")
            if word == "from" and event_type == "WEAPONS_TEST":
                rank = (0, rank[1])  # fired from Wonsan into the sea: the launch site
            if best is None or rank < best[0]:
                best = (rank, key)
        return best[1] if best else None


def _one_per_place(
    candidate: Candidate, token: Token, reading: Reading, types: dict[int, str]
) -> list[Candidate]:
    """ "meetings between Kim and Trump in Singapore and Vietnam": a plural event noun
    with places joined by "and" tells one event in each; the first place stays with the
    candidate, each other place makes an event of its own."""
    if token.tag_ != "NNS":
        return []
    places = []
    # On the noun, or (as the parse often hangs it) on the last party of "between A
    # and B in ...".
    for prep in token.subtree:
        if (
            prep.dep_ == "prep"
            and prep.lower_ in ("in", "at")
            and (prep.head == token or prep.head.dep_ in ("pobj", "conj"))
        ):
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.conjuncts:
                    places = [pobj, *pobj.conjuncts]
    keys = [reading.entity_at[t.i] for t in places if types.get(t.i) in _PLACE_TYPES]
    if len(keys) < 2 or len(keys) != len(places) or len(set(keys)) != len(keys):
        return []
    candidate.event.place = keys[0]
    return [
        Candidate(
            replace(
                candidate.event,
                place=key,
                actors=dict(candidate.event.actors),
                mentions=list(candidate.event.mentions),
            ),
            candidate.origin,
            summit=candidate.summit,
            month_hint=candidate.month_hint,
            anaphoric=False,
            background=candidate.background,
        )
        for key in keys[1:]
    ]


def _same_noun_same_event_type(candidates: list[Candidate]) -> None:
    """ "A launching drill of an ICBM ... The drill was conducted by ...": a noun that
    points back with "the" names what it named before, a launch, not an exercise."""
    named: dict[tuple[str, bool], str] = {}
    for candidate in candidates:
        token = candidate.origin.reading.doc[candidate.origin.trigger]
        if token.pos_ != "NOUN":
            continue
        # "the drill" points back to a drill, "the drills" to drills.
        noun = (token.lemma_.lower(), token.tag_ == "NNS")
        bare = not any(c.dep_ in ("compound", "amod", "nmod", "poss") for c in token.children)
        definite = any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in token.children)
        earlier = named.get(noun)
        if definite and bare and earlier is not None:
            candidate.event.event_type = earlier
        else:
            named[noun] = candidate.event.event_type


def _from_occasions(candidates: list[Candidate]) -> None:
    """ "In the statement, she rejected the proposal", "demanded it during a meeting
    on Monday", "agreed to denuclearize during the summit in Singapore": what is done in
    or during an event happened when and where that event did."""
    occasions = {(id(c.origin.reading), c.origin.trigger): c for c in candidates}
    for candidate in candidates:
        event = candidate.event
        if candidate.merged_into is not None or (
            event.date.value is not None and event.place is not None
        ):
            continue
        predicate = candidate.origin.reading.doc[candidate.origin.predicate]
        # The parse may hang the occasion on the infinitive the verb governs ("agreed ...
        # to complete denuclearization during the summit").
        verbs = [predicate, *(c for c in predicate.children if c.dep_ == "xcomp")]
        for child in (c for verb in verbs for c in verb.children):
            if child.dep_ != "prep" or child.lower_ not in ("in", "during"):
                continue
            for pobj in child.children:
                occasion = occasions.get((id(candidate.origin.reading), pobj.i))
                while occasion is not None and occasion.merged_into is not None:
                    occasion = occasion.merged_into
                if occasion is None or occasion is candidate:
                    continue
                if event.date.value is None and occasion.event.date.value is not None:
                    event.date = occasion.event.date
                if event.place is None and occasion.event.place is not None:
                    event.place = occasion.event.place


# What is said, charged or asked for without a time of its own: "Zhang said",
# "Evstigneeva accused Washington".
_SAYING = frozenset({"STATEMENT", "ACCUSE", "REQUEST"})
# ("earlier" is left out: in wire copy "Seoul earlier said" is earlier the same day.)
_EARLIER_ADVERBS = frozenset({"once", "previously", "formerly", "repeatedly", "long", "often"})


def _said_on_the_news_day(
    merged: list[Candidate], candidates: list[Candidate], context: _Context
) -> None:
    """News reports what was said as said on the day of its news: a statement in the past
    tense with no time of its own is of the day the lede's event is dated to, when that
    day is the article's own or one of the two before it."""
    if context.published is None or context.lede is None:
        return
    news_day = next(
        (
            c.event.date.value
            for c in candidates
            if c.event.mentions[0] == context.lede
            # "... signed a treaty on Wednesday, RIA reported": the news all the same.
            and c.event.modality in ("asserted", "reported")
            and c.event.date.precision == "day"
            and not c.background
        ),
        None,
    )
    if news_day is None or not 0 <= (context.published - news_day).days <= 2:
        return
    for candidate in merged:
        event = candidate.event
        verb = candidate.origin.reading.doc[candidate.origin.predicate]
        if (
            event.event_type in _SAYING
            and event.date.value is None
            and event.modality == "asserted"
            and not candidate.background
            and verb.tag_ == "VBD"
            # "Trump once said", "had earlier warned": told as said before the news.
            and not any(c.lower_ in _EARLIER_ADVERBS for c in verb.children)
            and candidate.origin.reading.kind == "body"
        ):
            event.date = EventDate(news_day, "day")


def _meetings_spoken_to(merged: list[Candidate]) -> None:
    """ "she told a Council meeting", "said at a news conference", "during talks with
    Kim, Putin said": the meeting met when the words were said at it."""
    said = {
        (id(c.origin.reading), c.origin.trigger): c.event.date
        for c in merged
        if c.event.event_type == "STATEMENT" and c.event.date.value is not None
    }
    for candidate in merged:
        event = candidate.event
        if event.event_type != "MEETING" or event.date.value is not None:
            continue
        token = candidate.origin.reading.doc[candidate.origin.trigger]
        verb = token.head
        if token.dep_ == "pobj" and verb.lower_ in ("to", "at", "before", "during", "in"):
            verb = verb.head
        elif token.dep_ not in ("dobj", "dative"):
            continue
        when = said.get((id(candidate.origin.reading), verb.i))
        if when is not None:
            event.date = when


# Words that open a clause telling when or why something was said, not what.
_CIRCUMSTANCE_MARKS = frozenset(
    {"when", "after", "before", "while", "as", "since", "because", "if"}
)


def _circumstance(clause: Token) -> bool:
    """ "When Seoul said it would end the pact, Suga responded that ...": the clause says
    when Suga spoke; what Seoul said there is not what Suga reported."""
    return clause.dep_ == "advcl" and any(
        c.dep_ in ("mark", "advmod") and c.lower_ in _CIRCUMSTANCE_MARKS for c in clause.children
    )


def _conditioned_on(trigger: Token, predicate: Token) -> list[Token]:
    found = []
    for top in {trigger, predicate}:
        for clause in top.subtree:
            if clause.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in ("unless", "until", "before")
                for c in clause.children
            ):
                found += [c for c in clause.children if c.dep_ == "nsubj"]
    return found


def _named_alone(token: Token) -> bool:
    """ "the Singapore summit": one name before the noun, the place it was held; "the
    South Korea-U.S. drills" name those who take part."""
    noun = token
    while noun.dep_ in ("compound", "nmod", "amod") and noun.head != noun:
        noun = noun.head
    modifier = [
        t
        for c in noun.children
        if c.dep_ in ("compound", "nmod", "amod") and c.i < noun.i
        for t in c.subtree
    ]
    names = sum(1 for t in modifier if t.ent_iob_ == "B")
    return names <= 1 and not any(
        t.text in ("-", "/") or t.dep_ in ("conj", "cc") for t in modifier
    )


def _other_side(verb: Token) -> list[Token]:
    rejected = [
        t
        for c in verb.children
        for t in (
            [c]
            if c.dep_ in ("dobj", "obj")
            else [g for g in c.children if g.dep_ == "pobj"]
            if c.dep_ == "prep" and c.lower_ in ("from", "out")
            else []
        )
    ]
    for prt in (c for c in verb.children if c.dep_ in ("prt", "advmod")):
        for prep in prt.children:
            if prep.dep_ == "prep" and prep.lower_ == "from":
                rejected += [g for g in prep.children if g.dep_ == "pobj"]
    return [
        partner
        for thing in rejected
        for prep in thing.children
        if prep.dep_ == "prep" and prep.lower_ in ("with", "between")
        for partner in prep.children
        if partner.dep_ == "pobj"
        for partner in (partner, *partner.conjuncts)
    ]


def _there(
    verb: Token, place: str | None, when: EventDate, context: _Context
) -> tuple[str | None, EventDate]:
    """ "Shin told commanders there": the place of the event the sentences before put
    somewhere, and its day when the clause gives none: the same occasion."""
    if place is not None or not any(
        c.dep_ == "advmod" and c.lower_ == "there" for c in verb.children
    ):
        return place, when
    earlier = context.last_placed
    if earlier is None:
        return place, when
    return earlier.place, when if when.value is not None else earlier.date


def _counted(trigger: Token) -> bool:
    """ "a series of sanctions": many events, not one of the article's day."""
    return (
        trigger.dep_ == "pobj"
        and trigger.head.lower_ == "of"
        and trigger.head.head.lemma_.lower() in QUANTITY_NOUNS
    )


def _lede_date(
    sent: Span,
    trigger: Token,
    predicate: Token,
    dates: list[tuple[int, EventDate]],
    context: _Context,
) -> EventDate:
    """The news a lede reports: what it tells as done without a date happened on the
    article's day; what its dated verb is about happened then ("denounced North
    Korea's missile launch on Saturday")."""
    if dates:
        when = governing_date(sent, trigger, predicate, dates)
        # "is set to discuss the launch on Monday": what a coming reaction is about
        # happened before it, on no day the clause gives.
        return UNKNOWN_DATE if after_day(when, context.day) else when
    if (
        (context.published is not None or context.news_month is not None)
        and told_as_done(predicate)
        and not _counted(trigger)
        and not _VAGUE_TIME.search(sent.text)
    ):
        if context.published is None:
            return EventDate(None, "unknown", month_hint=context.news_month)
        return EventDate(context.published, "day")
    return UNKNOWN_DATE


# Times a sentence gives without a day ("launched a missile last week"): what it tells
# is not the article's own news of the day.
_VAGUE_TIME = re.compile(
    r"\b(?:last|earlier\s+this|this\s+past|the\s+previous)\s+week(?:end)?\b|\brecently\b",
    re.IGNORECASE,
)


# Nouns of a place that name it through "of": "the outskirts of Stockholm", "the city of
# Khasan", "the waters off ..." is handled by its preposition.
_PLACE_OF = frozenset(
    """outskirts outskirt suburb suburbs city town village capital province prefecture region area
    county district vicinity coast waters island islands port border""".split()
)


def _place_named_in(token: Token, reading: Reading) -> Token:
    """The name a place noun stands for: "the outskirts of Stockholm" -> Stockholm."""
    if reading.entity_at[token.i] is not None or token.lemma_.lower() not in _PLACE_OF:
        return token
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
        # "the capital Pyongyang", "the Sunan area", "the North's east coast"
        if child.dep_ in ("appos", "compound", "poss") and reading.entity_at[child.i] is not None:
            return child
    return token


def _located_in(building: Token, reading: Reading, types: dict[int, str]) -> Token | None:
    """The town or region the text puts a building in: "the Kumsusan Palace in
    Pyongyang", "the office in the border town of Kaesong"."""
    key = reading.entity_at[building.i]
    head = building
    while head.head != head and reading.entity_at[head.head.i] == key:
        head = head.head
    # "in" may hang on any word of the name ("the Palace of the Sun in Pyongyang").
    words = [t for t in head.subtree if reading.entity_at[t.i] == key]
    for child in (c for word in words for c in word.children):
        if child.dep_ != "prep" or child.lower_ not in ("in", "on"):
            continue
        for pobj in child.children:
            if pobj.dep_ != "pobj":
                continue
            town = _place_named_in(pobj, reading)
            if reading.entity_at[town.i] is not None and types.get(town.i) in ("GPE", "LOC"):
                return town
    return None


# What is done to a place rather than to a party: its object is where it happens.
_DONE_TO_A_PLACE = frozenset({"ASSAULT"})


def _building_hit(
    targets: list[Token], reading: Reading, types: dict[int, str], located: dict[str, str]
) -> str | None:
    for token in targets:
        key = reading.entity_at[token.i]
        if key is not None and types.get(token.i) == "FAC":
            town = _located_in(token, reading, types)
            if town is not None:
                return reading.entity_at[town.i]
            return located.get(key, key)
    return None


def _entity_types(reading: Reading, entities: dict[str, ArticleEntity]) -> dict[int, str]:
    """The entity type of each token of the paragraph that names an entity."""
    return {i: entities[key].type for i, key in enumerate(reading.entity_at) if key is not None}


def _buildings_located(readings: list[Reading], types_of: list[dict[int, str]]) -> dict[str, str]:
    """The town or region each building is put in by some sentence of the article: "the
    office in Kaesong", "Kaesong, where the office is located"."""
    located: dict[str, str] = {}
    for reading, types in zip(readings, types_of, strict=True):
        for token in reading.doc:
            key = reading.entity_at[token.i]
            if key is None or key in located:
                continue
            if types.get(token.i) == "FAC":
                town = _located_in(token, reading, types)
                if town is not None:
                    located[key] = reading.entity_at[town.i]
            elif types.get(token.i) in ("GPE", "LOC"):
                for building in _standing_where(token, reading, types):
                    located.setdefault(building, key)
    return located


def _standing_where(town: Token, reading: Reading, types: dict[int, str]) -> list[str]:
    """ "Kaesong, where the liaison office is located": the buildings a "where" clause on
    a town puts there."""
    found = []
    for clause in town.children:
        if clause.dep_ != "relcl" or not any(
            c.lower_ == "where" for c in clause.children if c.dep_ == "advmod"
        ):
            continue
        for subject in clause.children:
            if subject.dep_ in ("nsubj", "nsubjpass") and types.get(subject.i) == "FAC":
                found.append(reading.entity_at[subject.i])
    return found


def _objects_of_including(prep: Token) -> list[Token]:
    return [t for pobj in prep.children if pobj.dep_ == "pobj" for t in (pobj, *pobj.conjuncts)]


def _instance_of(
    thing: Token, prep: Token, sent: Span, dates: list[tuple[int, EventDate]]
) -> tuple[EventDate, list[tuple[str, Token]]]:
    """The date and the places a listed thing is given: its own prepositions, or those
    that follow it on "including" before the next thing."""
    holders = [thing, prep] if thing.head == prep else [thing]
    places: list[tuple[str, Token]] = []
    span_end = thing.i
    for holder in holders:
        for child in holder.children:
            if child.dep_ != "prep" or child.i < thing.i:
                continue
            if holder is prep and any(c.i > thing.i and c.i < child.i for c in thing.conjuncts):
                continue  # belongs to a later thing of the list
            span_end = max(span_end, child.right_edge.i)
            places.extend((child.lower_, t) for t in child.children if t.dep_ == "pobj")
    start = sent.doc[thing.left_edge.i].idx - sent.start_char
    end = sent.doc[span_end].idx + len(sent.doc[span_end]) - sent.start_char
    when = next((value for position, value in dates if start <= position < end), UNKNOWN_DATE)
    return when, places


def _spoken_of(trigger: Token, predicate: Token, support_verbs: frozenset[str]) -> bool:
    """ "denounced the ongoing drills", "blamed the tests on drills by the U.S.": a noun
    in the object of a verb that only speaks of it; that verb's subject takes no part."""
    if trigger != predicate or trigger.pos_ in ("VERB", "AUX"):
        return False
    token = trigger
    for _ in range(6):
        if token.dep_ in ("dobj", "obj"):
            # "made an announcement on consultations with Seoul": who makes it takes part.
            verb = token.head
            return verb.pos_ in ("VERB", "AUX") and lemma_of(verb) not in support_verbs
        if token.dep_ not in ("pobj", "prep", "conj", "compound", "amod", "appos"):
            return False
        token = token.head
    return False


_ONGOING = frozenset({"ongoing", "continuing", "underway"})


def _ongoing(trigger: Token) -> bool:
    """ "the ongoing drills", "drills that are underway"."""
    words = [*trigger.children, *(c for c in trigger.head.children if trigger.dep_ == "nsubj")]
    return any(w.lower_ in _ONGOING and w.dep_ in ("amod", "advmod", "acomp") for w in words)


def _opposed(token: Token) -> bool:
    """ "anti-Pyongyang": a name the words are against, not one that acts."""
    return token.i >= 2 and token.nbor(-1).text == "-" and token.nbor(-2).lower_ in ("anti",)


def _main_clause(trigger: Token, predicate: Token) -> bool:
    """A trigger that is its clause's verb, or that verb's subject or object, and whose
    clause is not a description of something else (a relative or participle clause)."""
    if trigger != predicate and trigger.dep_ not in (
        "nsubj",
        "nsubjpass",
        "dobj",
        "obj",
        "attr",
        "conj",
    ):
        return False
    return predicate.dep_ not in ("relcl", "acl", "amod", "pcomp", "compound")
