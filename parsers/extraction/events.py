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
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Span, Token

from parsers.extraction.arguments import arguments, predicate_of
from parsers.extraction.dates import latest_full_date, resolve_dates
from parsers.extraction.descriptions import OFFICIAL_WORDS
from parsers.extraction.mentions import Reading
from parsers.extraction.modality import modality
from parsers.extraction.model import (
    UNKNOWN_DATE,
    ArticleEntity,
    ArticleEvent,
    EventDate,
    Mention,
)
from parsers.extraction.name_words import NameWords
from parsers.extraction.reference import Reference
from parsers.extraction.triggers import Trigger, TriggerBook, lemma_of

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
_PERSONAL = frozenset({"he", "she", "him", "her", "his"})
# Words that describe someone who comments rather than speaks for a state or a body.
_COMMENTATORS = frozenset(
    """former ex analyst analysts professor lecturer researcher fellow expert scholar
    historian economist strategist consultant commentator""".split()
)
# Nouns for a state's own bodies: "his government" acts for the state he leads.
_BODIES = frozenset(
    """government administration country nation military army navy forces ministry
    cabinet regime leadership authorities state""".split()
)
# Nouns for those who speak or act for a body: "a spokesperson of the ministry".
_SPOKESPEOPLE = frozenset(
    """spokesperson spokesman spokeswoman official officer representative envoy delegate
    delegation diplomat source minister head chief director member""".split()
)
# Plural nouns that stand for the last two people or states named: "the two leaders".
_COLLECTIVE_NOUNS = {
    "leader": "PERSON",
    "president": "PERSON",
    "minister": "PERSON",
    "chief": "PERSON",
    "envoy": "PERSON",
    "negotiator": "PERSON",
    "country": "GPE",
    "nation": "GPE",
    "side": "GPE",
    "state": "GPE",
    "neighbor": "GPE",
    "neighbour": "GPE",
    "ally": "GPE",
    "korea": "GPE",
}
_COLLECTIVE = frozenset({"it", "they", "we", "them", "us", "its", "their", "our"})
_TEMPORAL_PREPOSITION = re.compile(
    r"\b(?:after|before|since|until|ahead\s+of)\s+(?:\S+\s+){0,3}$", re.IGNORECASE
)
_CLAUSE_BREAK = re.compile(r"[,;]\s")


@dataclass(slots=True)
class EventOrigin:
    """Where an event is reported: the paragraph's reading, the trigger and the verb of
    its clause (what a summary is built from)."""

    reading: Reading
    trigger: int
    predicate: int


@dataclass(slots=True)
class _Candidate:
    event: ArticleEvent
    origin: EventOrigin
    summit: bool  # a meeting of leaders vs working talks: kept apart when merging
    month_hint: int | None
    anaphoric: bool  # "the talks", "that summit": points back to an event already named
    speaker: str | None = None  # a statement made by speaking: merged per speaker


@dataclass(slots=True)
class _Context:
    """What every clause of the article reads: entities, and who was named where."""

    entities: dict[str, ArticleEntity]
    day: date | None
    # Per paragraph, the people named, by token position: for "he" and "she".
    people: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    # Every name in order (paragraph, position, entity): for "the two leaders".
    named: list[tuple[int, int, str]] = field(default_factory=list)
    # The article's own day (not a date read from its text) and its first sentence: the
    # news a lede reports in the past tense without a date happened on that day.
    published: date | None = None
    lede: tuple[int, int] | None = None


class EventFinder:
    def __init__(self, book: TriggerBook, reference: Reference, words: NameWords) -> None:
        self.book = book
        self.reference = reference
        self.demonyms = {
            word: actor_id
            for word, actor_id in words.demonyms.items()
            if actor_id in reference.actors
        }
        # Country code -> the state's actor id: the GPE some place is the capital of, or
        # the only GPE of its country (a city-state such as Singapore).
        capitals_of = {a.capital_of for a in reference.actors.values() if a.capital_of}
        places_of: dict[str, list[str]] = {}
        for actor in reference.actors.values():
            if actor.type == "GPE" and actor.country:
                places_of.setdefault(actor.country, []).append(actor.id)
        self._states = {
            country: next((i for i in ids if i in capitals_of), ids[0])
            for country, ids in places_of.items()
            if any(i in capitals_of for i in ids) or len(ids) == 1
        }
        self._state_ids = frozenset(self._states.values())

    def find(
        self,
        readings: list[Reading],
        entities: dict[str, ArticleEntity],
        mentions: list[Mention],
        day: date | None,
    ) -> list[tuple[ArticleEvent, EventOrigin]]:
        # A text that prints no date of its own is read against the latest full date it
        # names (a photo's "Jan. 16, 2024", a dateline in the body): the nearest thing to
        # its day there is.
        anchor = day if day is not None else latest_full_date(r.doc.text for r in readings)
        context = _Context(entities, anchor, published=day)
        first = next((r for r in readings if r.kind == "body"), None)
        context.lede = (first.seq, 0) if first is not None else None
        for mention in mentions:
            if mention.nested:
                continue
            context.named.append((mention.paragraph_seq, mention.start, mention.entity))
            if entities[mention.entity].type == "PERSON":
                context.people.setdefault(mention.paragraph_seq, []).append(
                    (mention.start, mention.entity)
                )
        candidates: list[_Candidate] = []
        for reading in readings:
            types = {
                i: entities[key].type for i, key in enumerate(reading.entity_at) if key is not None
            }
            for sentence_index, sent in enumerate(reading.doc.sents):
                candidates.extend(
                    self._sentence_events(reading, sentence_index, sent, types, context)
                )
        merged = _merge_within(candidates, entities)
        results = []
        for candidate in merged:
            self._normalize_actors(candidate.event, entities)
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
    ) -> list[_Candidate]:
        found: list[tuple[Token, Trigger]] = []
        for token in sent:
            trigger = self.book.match(token, types)
            if trigger is not None:
                found.append((token, trigger))
        dates = resolve_dates(sent.text, context.day, exact=context.published is not None)
        candidates: list[_Candidate] = []
        seen: set[tuple[str, int]] = set()
        positions = {t.i: trigger.event_type for t, trigger in found}
        for token, trigger in found:
            if token.dep_ == "appos" and positions.get(token.head.i) == trigger.event_type:
                continue  # "Tuesday's launch, the North's first ICBM test": one event
            predicate = predicate_of(
                token, trigger.event_type, self.book.support_verbs | trigger.governors
            )
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
        for token in sent:
            if lemma_of(token) in self.book.speech_verbs and token.pos_ == "VERB":
                statement = self._statement(
                    reading, sentence_index, sent, token, candidates, types, dates, context
                )
                if statement is not None and ("STATEMENT", token.i) not in seen:
                    seen.add(("STATEMENT", token.i))
                    candidates.append(statement)
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
    ) -> _Candidate | None:
        found = arguments(token, predicate)
        place = self._place(found.place, reading, types, trigger.event_type)
        actors: dict[str, str] = {}
        symmetric = trigger.event_type in _SYMMETRIC

        def take(tokens: list[Token], role: str) -> None:
            for argument in tokens:
                for key in self._entities_of(argument, reading, context):
                    if key == place or context.entities[key].type not in _ACTOR_TYPES:
                        continue
                    if _opposed(argument):
                        role_here = "target"  # "anti-Pyongyang leaflets"
                    else:
                        role_here = "participant" if symmetric else role
                    actors.setdefault(key, role_here)

        take(found.sources, "source")
        if not actors and (symmetric or token.dep_ in ("conj", "xcomp", "advcl")):
            # "during a parliamentary meeting", "fired a missile and warned Seoul": who
            # acts is named further up the sentence.
            for level in found.outer_sources:
                take(level, "source")
                if actors:
                    break
        take(found.targets, "target")
        take(found.partners, "participant")
        if not actors and place is None and not _main_clause(token, predicate):
            return None  # "obstacles that threaten", "a moratorium on tests": no event
        when = self._date(
            sent, token, predicate, dates, context.day, caption=reading.kind == "caption"
        )
        mood = modality(token, predicate, self.book)
        if (
            when.value is None
            and mood == "asserted"
            and context.published is not None
            and (reading.seq, sentence_index) == context.lede
            and _told_as_done(predicate)
            and not dates
        ):
            when = EventDate(context.published, "day")
        if mood == "asserted" and _after(when, context.day):
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
        summit = trigger.kind == "summit"
        if trigger.event_type == "MEETING":
            event.kind = "summit" if summit else "talks"
        return _Candidate(
            event,
            EventOrigin(reading, token.i, predicate.i),
            summit=summit,
            month_hint=when.month_hint,
            # "the talks", "the launch", or a mention naming nobody: points back.
            anaphoric=not actors,
        )

    def _statement(
        self,
        reading: Reading,
        sentence_index: int,
        sent: Span,
        verb: Token,
        reported: list[_Candidate],
        types: dict[int, str],
        dates: list[tuple[int, EventDate]],
        context: _Context,
    ) -> _Candidate | None:
        """A state, an organization or an official speaking: a STATEMENT, unless what
        they say reports what others did ("Seoul said Pyongyang rejected the offer"):
        then the news is that event, not the saying."""
        if verb.dep_ in ("relcl", "acl", "amod"):
            return None
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if not subjects:
            return None
        if lemma_of(verb) == "tell" and not any(
            c.dep_ in ("dobj", "dative") and lemma_of(c) in self.book.audiences
            for c in verb.children
        ):
            return None
        speakers = [
            key
            for subject in subjects
            for key in self._entities_of(subject, reading, context)
            if _speaks_for_others(context.entities[key])
        ]
        if not speakers:
            return None
        said = {
            t.i
            for child in verb.children
            if child.dep_ in ("ccomp", "xcomp", "dobj", "advcl")
            for t in child.subtree
        }
        own = set(speakers) | {
            self._state_entity(state, context.entities)
            for key in speakers
            if (state := self._state_of(context.entities[key])) is not None
        }
        for other in reported:
            if (
                other.origin.reading is reading
                and other.origin.trigger in said
                and other.event.actors
                and not set(other.event.actors) & own
            ):
                return None
        when = self._date(sent, verb, verb, dates, context.day)
        event = ArticleEvent(
            event_type="STATEMENT",
            trigger=verb.text.lower(),
            modality="asserted",
            date=when,
            place=None,
            actors={key: "source" for key in speakers},
            mentions=[(reading.seq, sentence_index)],
            summary="",
        )
        return _Candidate(
            event,
            EventOrigin(reading, verb.i, verb.i),
            summit=False,
            month_hint=when.month_hint,
            anaphoric=False,
            speaker=speakers[0],
        )

    # -- parties, place, date ------------------------------------------------------------
    def _entities_of(self, token: Token, reading: Reading, context: _Context) -> list[str]:
        """The entities a noun phrase names: its own name, its appositive's ("his
        counterpart, Wang Yi"), or the state of its nationality adjective ("the North
        Korean leader"); a pronoun resolved to whom it stands for."""
        key = reading.entity_at[token.i]
        if key is not None:
            return [key]
        if token.lower_ in ("who", "which", "that") and token.head.dep_ == "relcl":
            # "Guterres, who called on North Korea to ...": whom the clause describes.
            return self._entities_of(token.head.head, reading, context)
        if token.pos_ == "PRON":
            resolved = self._pronoun(token, reading, context)
            return [resolved] if resolved else []
        if token.ent_type_ == "NORP":
            state = self._demonym(token, context)
            return [state] if state else []
        collective = self._collective(token, reading, context)
        if collective:
            return collective
        found: list[str] = []
        for child in token.children:
            if child.dep_ == "appos":
                found.extend(self._entities_of(child, reading, context))
        if found:
            return found
        if token.lemma_.lower() in _SPOKESPEOPLE:
            # "a spokesperson of the North's foreign ministry", "an official at the ministry"
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ in ("of", "for", "at", "from"):
                    for pobj in child.children:
                        if pobj.dep_ == "pobj" and reading.entity_at[pobj.i] is not None:
                            return [reading.entity_at[pobj.i]]  # type: ignore[list-item]
        for child in token.children:
            if child.dep_ in ("compound", "poss") and reading.entity_at[child.i] is not None:
                found.append(reading.entity_at[child.i])  # type: ignore[arg-type]
            elif (
                child.dep_ == "poss" and child.pos_ == "PRON" and (token.lemma_.lower() in _BODIES)
            ):
                # "his government", "its military": the government of whom it stands for.
                resolved = self._pronoun(child, reading, context)
                if resolved is not None:
                    found.append(resolved)
        if found:
            return found
        for child in token.children:
            if child.dep_ in ("amod", "compound") and child.ent_type_ == "NORP":
                state = self._demonym(child, context)
                if state is not None:
                    return [state]
        return []

    def _demonym(self, token: Token, context: _Context) -> str | None:
        """ "North Korean" -> North Korea: the state of a nationality adjective."""
        phrase = " ".join(t.lower_ for t in token.subtree if t.ent_type_ == "NORP")
        actor_id = self.demonyms.get(phrase) or self.demonyms.get(token.lower_)
        return self._state_entity(actor_id, context.entities) if actor_id else None

    def _collective(self, token: Token, reading: Reading, context: _Context) -> list[str]:
        """ "the two leaders", "both countries": the last two people or states named."""
        if token.tag_ not in ("NNS", "NNPS") or token.lemma_.lower() not in _COLLECTIVE_NOUNS:
            return []
        if not any(
            c.lower_ in ("two", "both") or (c.dep_ == "det" and c.lower_ == "the")
            for c in token.children
        ):
            return []
        wanted = _COLLECTIVE_NOUNS[token.lemma_.lower()]
        seen: list[str] = []
        for seq, start, key in reversed(context.named):
            if (seq, start) >= (reading.seq, token.idx):
                continue
            entity = context.entities[key]
            if entity.type != wanted or key in seen:
                continue
            if wanted == "GPE" and key.removeprefix("ref:") not in self._state_ids:
                continue
            seen.append(key)
            if len(seen) == 2:
                return seen
        return []

    def _pronoun(self, token: Token, reading: Reading, context: _Context) -> str | None:
        word = token.lower_
        if word not in _PERSONAL | _COLLECTIVE:
            return None
        # "North Korea said it would ...": the speaker of the governing verb.
        head = token.head
        for _ in range(3):
            if head.dep_ in ("ccomp", "xcomp") and lemma_of(head.head) in self.book.speech_verbs:
                speaker = next((c for c in head.head.children if c.dep_ == "nsubj"), None)
                if speaker is not None and speaker != token:
                    key = reading.entity_at[speaker.i]
                    if key is not None and _pronoun_fits(word, context.entities[key].type):
                        return key
                break
            if head.head == head:
                break
            head = head.head
        if word in _PERSONAL:
            # The person named last before it, in this paragraph or the one before.
            here = [k for start, k in context.people.get(reading.seq, []) if start < token.idx]
            if here:
                return here[-1]
            earlier = context.people.get(reading.seq - 1, [])
            return earlier[-1][1] if earlier else None
        if word in ("it", "its"):
            # The state or body named last before it, in this paragraph or the one before.
            for seq, start, key in reversed(context.named):
                if seq < reading.seq - 1 or (seq, start) >= (reading.seq, token.idx):
                    continue
                entity = context.entities[key]
                if entity.type == "ORG" or (
                    entity.type == "GPE" and key.removeprefix("ref:") in self._state_ids
                ):
                    return key
        return None

    def _state_entity(self, actor_id: str, entities: dict[str, ArticleEntity]) -> str:
        key = f"ref:{actor_id}"
        if key not in entities:
            actor = self.reference.actors[actor_id]
            entities[key] = ArticleEntity(
                key, actor.name, actor.type, actor.country, actor.wikidata
            )
        return key

    def _place(
        self,
        places: list[tuple[str, Token]],
        reading: Reading,
        types: dict[int, str],
        event_type: str,
    ) -> str | None:
        best: tuple[int, str] | None = None
        for word, token in places:
            if word == "to" and event_type != "MEETING":
                continue
            named = _place_named_in(token, reading)
            routed, token = named != token, named
            key = reading.entity_at[token.i]
            if key is None or types.get(token.i) not in _PLACE_TYPES:
                continue
            if word == "compound" and key.removeprefix("ref:") in self._state_ids:
                continue  # "U.S.-South Korea drills": the states take part
            if word == "on" and types.get(token.i) == "GPE" and not routed:
                continue  # "sanctions on North Korea", "talks on Washington's stance"
            if _opposed(token):
                continue  # "anti-Pyongyang leaflets" are not sent in Pyongyang
            rank = _PLACE_RANK.get(word, 5)
            if best is None or rank < best[0]:
                best = (rank, key)
        return best[1] if best else None

    def _date(
        self,
        sent: Span,
        trigger: Token,
        predicate: Token,
        dates: list[tuple[int, EventDate]],
        day: date | None,
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
        own = {trigger.i, predicate.i, *(c.i for c in trigger.children if c.dep_ == "acl")}
        for _, value, token in placed:
            if _attached(token, own):
                return value
        for holder in self._same_time(predicate):
            for _, value, token in placed:
                if _attached(token, {holder.i}):
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

    def _same_time(self, predicate: Token) -> list[Token]:
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
            elif (
                token.dep_ in ("ccomp", "xcomp") and lemma_of(token.head) in self.book.speech_verbs
            ):
                found.append(token.head)
                break
            else:
                break
        return found

    # -- actors: states act, cities do not ------------------------------------------------
    def _normalize_actors(self, event: ArticleEvent, entities: dict[str, ArticleEntity]) -> None:
        """A capital named as an actor is its state ("Washington" -> United States), another
        city is no actor at all, and Kim Jong Un's launch is also North Korea's."""
        for key, role in list(event.actors.items()):
            entity = entities[key]
            if entity.type == "GPE" and key.removeprefix("ref:") not in self._state_ids:
                del event.actors[key]
                actor = self.reference.actors.get(key.removeprefix("ref:"))
                if actor and actor.capital_of in self._state_ids:
                    event.actors.setdefault(self._state_entity(actor.capital_of, entities), role)
                continue
            if entity.type != "GPE":
                state_id = self._state_of(entity)
                if state_id is not None:
                    event.actors.setdefault(self._state_entity(state_id, entities), role)

    def _state_of(self, entity: ArticleEntity) -> str | None:
        """The state (or, for an international official, the organization) a person or
        a body acts for: the Secretary-General acts for the United Nations, not for the
        state of his birth."""
        actor = self.reference.actors.get(entity.key.removeprefix("ref:"))
        if actor is not None and actor.offices:
            holders = [o.of for o in actor.offices if o.of in self.reference.actors]
            states = [h for h in holders if h in self._state_ids]
            if states:
                return states[0]
            if holders:
                return holders[0]
        return self._states.get(entity.country or "")


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


def _told_as_done(verb: Token) -> bool:
    """A clause in the simple past or the present perfect: "fired", "has blown up"."""
    if verb.tag_ == "VBD":
        return True
    return (
        verb.tag_ == "VBN"
        and any(c.dep_ in ("aux", "auxpass") and c.lemma_ == "have" for c in verb.children)
    ) or (
        verb.tag_ == "VBN" and any(c.dep_ == "auxpass" and c.tag_ == "VBD" for c in verb.children)
    )


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


def _speaks_for_others(entity: ArticleEntity) -> bool:
    """A state, a body, or a person in office; not an analyst, nor a former official
    speaking for no one but themselves."""
    if entity.type in ("GPE", "ORG"):
        return True
    if entity.type != "PERSON" or entity.descriptors & _COMMENTATORS:
        return False
    return bool(entity.descriptors & OFFICIAL_WORDS)


def _pronoun_fits(word: str, entity_type: str) -> bool:
    if word in _PERSONAL:
        return entity_type == "PERSON"
    return entity_type in ("GPE", "ORG")


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
    reaches any other verb or passes "since" or "after" (another event's time)."""
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
    """ "hours after the talks", "shortly after the launch": the same day."""
    return preposition.head.lower_ in _SOON or any(c.lower_ in _SOON for c in preposition.children)


def _after(value: EventDate, day: date | None) -> bool:
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


# -- merging the mentions of one event ----------------------------------------------------
def _compatible(a: _Candidate, b: _Candidate, entities: dict[str, ArticleEntity]) -> bool:
    """Nothing the two say conflicts: type, kind of meeting, modality, date, place."""
    x, y = a.event, b.event
    if x.event_type != y.event_type or a.summit != b.summit:
        return False
    if x.modality != y.modality and not (
        b.anaphoric and _REALITY.get(x.modality) == _REALITY.get(y.modality) == "happened"
    ):
        # "The missile was launched from near Pyongyang, according to the JCS": what
        # points back to a launch already asserted is that launch, also when reported.
        return False
    if not dates_agree(x.date, y.date):
        return False
    if a.month_hint and b.month_hint and a.month_hint != b.month_hint:
        return False
    return places_agree(x.place, y.place, entities)


def _share_an_anchor(a: _Candidate, b: _Candidate, entities: dict[str, ArticleEntity]) -> bool:
    """Positive evidence of one event: the same place, the same day, the same people, the
    same speaker."""
    x, y = a.event, b.event
    if a.speaker is not None and a.speaker == b.speaker:
        return True
    if x.place and y.place and x.place == y.place:
        return True
    if x.date.precision == y.date.precision == "day" and x.date.value == y.date.value:
        return True
    # One shared person is weak evidence (a president attends every summit); two is not.
    people = {k for k in x.actors if k in entities and entities[k].type == "PERSON"}
    return len(people & set(y.actors)) >= 2


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


# What one sentence asserts another reports ("according to the JCS"): the same event.
_REALITY = {"asserted": "happened", "reported": "happened"}

# Only these are merged inside one article: an accusation or a threat said twice is
# usually two, while "the talks" and "the Stockholm talks" are one meeting; statements
# merge only when one speaker made them.
_MERGEABLE = frozenset({"MEETING", "WEAPONS_TEST", "MILITARY_EXERCISE", "SANCTION", "STATEMENT"})


def _merge_within(
    candidates: list[_Candidate], entities: dict[str, ArticleEntity]
) -> list[_Candidate]:
    merged: list[_Candidate] = []
    # The same events by type, in the same order: only events of one type are compatible.
    merged_of_type: dict[str, list[_Candidate]] = {}
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
            elif candidate.anaphoric and compatible:
                target = compatible[-1]  # "the talks": the last such event named
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
    return merged


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
    event.mentions.extend(m for m in extra.mentions if m not in event.mentions)
    target.month_hint = target.month_hint or other.month_hint


def _rank(value: EventDate) -> int:
    return {"unknown": 0, "year": 1, "month": 2, "day": 3}[value.precision]
