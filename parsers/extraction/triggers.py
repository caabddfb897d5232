"""Event triggers and modality words (reference/triggers.yaml), loaded once.

A trigger is data: a lemma, a part of speech, an event type and the conditions under which
the word reports that event. This module reads the file and tells whether a token of the
model's parse meets a trigger's conditions; what the event is about is events.py's job.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from spacy.tokens import Token

from parsers.extraction.analysis import WHOLE_WORDS
from parsers.yaml_text import parse_yaml

EVENT_TYPES_KNOWN = frozenset(
    """MEETING STATEMENT ACCUSE REQUEST THREATEN REJECT AGREE PROPOSE WEAPONS_TEST
    MILITARY_EXERCISE SANCTION EASE_SANCTIONS AID COOPERATE PROTEST ASSAULT""".split()
)
_CONDITIONS = (
    "objects",
    "object_types",
    "modifiers",
    "governors",
    "particles",
    "preps",
    "subjects",
)
_KEYS = frozenset(
    {
        "lemma",
        "pos",
        "type",
        "kind",
        "bare",
        "infinitive",
        "named",
        "dated",
        "unless_objects",
        "unless_governors",
        "prep_objects",
        "example",
        *_CONDITIONS,
    }
)
# Dependency labels of a verb's object, and of the subject of its passive.
OBJECT_DEPS = frozenset({"dobj", "obj", "nsubjpass", "attr", "oprd"})
# Dependency labels of a noun's modifiers.
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod", "nummod", "poss", "det"})


class TriggerDataError(ValueError):
    """The trigger file is malformed; the message names the entry and the problem."""


@dataclass(frozen=True, slots=True)
class Trigger:
    lemma: str
    pos: str  # 'VERB' or 'NOUN'
    event_type: str
    kind: str | None = None
    objects: frozenset[str] = frozenset()
    bare: bool = False
    infinitive: bool = False
    named: bool = False
    dated: bool = False
    object_types: frozenset[str] = frozenset()
    modifiers: frozenset[str] = frozenset()
    governors: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()
    preps: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()
    prep_objects: frozenset[str] = frozenset()
    unless_objects: frozenset[str] = frozenset()
    unless_governors: frozenset[str] = frozenset()
    example: str = ""

    @property
    def conditional(self) -> bool:
        return bool(
            self.objects
            or self.infinitive
            or self.named
            or self.dated
            or self.object_types
            or self.modifiers
            or self.governors
            or self.particles
            or self.preps
            or self.subjects
        )


@dataclass(frozen=True)
class TriggerBook:
    version: str
    by_lemma: dict[tuple[str, str], tuple[Trigger, ...]]
    speech_verbs: frozenset[str]
    support_verbs: frozenset[str]
    audiences: frozenset[str]
    reported_verbs: frozenset[str]
    reported_adverbs: frozenset[str]
    planned_verbs: frozenset[str]
    planned_modifiers: frozenset[str]
    hypothetical_auxiliaries: frozenset[str]
    hypothetical_verbs: frozenset[str]
    hypothetical_adjectives: frozenset[str]
    hypothetical_nouns: frozenset[str]
    planned_nouns: frozenset[str]
    future_auxiliaries: frozenset[str]
    negating_verbs: frozenset[str]
    # Kind of weapons test -> words that say it, in the order they are tried.
    weapon_kinds: dict[str, frozenset[str]]

    @property
    def triggers(self) -> list[Trigger]:
        return [t for group in self.by_lemma.values() for t in group]

    def match(self, token: Token, entity_type_at: dict[int, str]) -> Trigger | None:
        """The first trigger of the token's lemma whose conditions the parse meets.

        `entity_type_at` gives the entity type of the tokens that name an entity.
        """
        pos = part_of_speech(token)
        if pos is None:
            return None
        if pos == "NOUN" and token.dep_ == "compound" and used_power(token) is None:
            return None  # "a test site", "summit venue": a noun that only qualifies another
        joined = hyphenated_lemma(token)
        candidates = self.by_lemma.get((joined, pos), ()) if joined else ()
        for trigger in (*candidates, *self.by_lemma.get((lemma_of(token), pos), ())):
            if trigger.unless_objects and any(
                lemma_of(o) in trigger.unless_objects for o in objects_of(token)
            ):
                continue
            if trigger.unless_governors and token.dep_ in OBJECT_DEPS:
                governor = governing_verb(token)
                if governor is not None and lemma_of(governor) in trigger.unless_governors:
                    continue  # "signed a joint statement": a document agreed, not a saying
            if not trigger.conditional or _meets(trigger, token, entity_type_at):
                return trigger
        return None


# "exercised its veto power", "invoked its veto right": to use the power to do a thing is
# to do it. Only when used: "the five members that hold veto power" do nothing.
_POWERS = frozenset({"power", "right"})
_USING = frozenset({"exercise", "use", "wield", "invoke"})


def used_power(token: Token) -> Token | None:
    """The verb that uses the power the token qualifies ("exercised" in "exercised its
    veto power"), if it is so used."""
    power = token.head
    if token.dep_ != "compound" or power.lemma_.lower() not in _POWERS:
        return None
    verb = power.head
    if power.dep_ not in ("dobj", "obj") or verb.lemma_.lower() not in _USING:
        return None
    return verb


def part_of_speech(token: Token) -> str | None:
    if token.pos_ in ("VERB",) or (token.pos_ == "AUX" and token.dep_ == "ROOT"):
        return "VERB"
    if token.pos_ in ("NOUN", "PROPN"):
        return "NOUN"
    return None


# Forms the model's lemmatizer gets wrong ("staging" -> "stag"), by form.
_LEMMA_FIXES = {"staging": "stage", "staged": "stage", "stages": "stage"}


def lemma_of(token: Token) -> str:
    return (
        WHOLE_WORDS.get(token.text)
        or (_LEMMA_FIXES.get(token.lower_) if token.pos_ == "VERB" else None)
        or token.lemma_.lower()
    )


def hyphenated_lemma(token: Token) -> str | None:
    """ "test-fired" -> "test-fire", "op-ed" -> "op-ed": the tokenizer splits at the
    hyphen, the word is the whole."""
    if token.i >= 2 and token.nbor(-1).text == "-" and not token.nbor(-2).whitespace_:
        before = token.nbor(-2)
        if before.is_alpha and not token.nbor(-1).whitespace_:
            return f"{before.lower_}-{token.lemma_.lower()}"
    return None


def infinitive(token: Token) -> bool:
    """A verb with its "to": "to visit", "(agreed) to hold"."""
    return any(c.dep_ == "aux" and c.tag_ == "TO" for c in token.children)


def infinitive_after(token: Token) -> bool:
    """ "threats to resume tests": the noun followed by "to" and a verb, also where the
    parse hangs the verb elsewhere."""
    if token.i + 2 >= len(token.doc):
        return False
    to, verb = token.nbor(1), token.nbor(2)
    return to.lower_ == "to" and to.dep_ == "aux" and to.head == verb and verb.pos_ == "VERB"


def _meets(trigger: Trigger, token: Token, entity_type_at: dict[int, str]) -> bool:
    objects = list(objects_of(token))
    if trigger.bare and not objects:
        return True
    if trigger.infinitive and (
        any(
            c.dep_ in ("acl", "xcomp")
            and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
            for c in token.children
        )
        or infinitive_after(token)
    ):
        return True
    if trigger.objects and any(names_one_of(o, trigger.objects) for o in objects):
        return True  # "a missile", "a Hwasong-18", "the ICBM Hwasongpho-17"
    if trigger.object_types and any(
        entity_type_at.get(o.i) in trigger.object_types
        # "he was greeted by the minister": a personal pronoun names a person.
        or ("PERSON" in trigger.object_types and o.lower_ in _PERSONAL_PRONOUNS)
        for o in objects
    ):
        return True
    if trigger.modifiers and any(
        c.dep_ in MODIFIER_DEPS and lemma_of(c) in trigger.modifiers for c in token.children
    ):
        return True
    if trigger.governors and token.dep_ in OBJECT_DEPS | {"nsubj", "conj", "pobj"}:
        governor = governing_verb(token)
        if governor is not None and lemma_of(governor) in trigger.governors:
            return True
    # "an agreement reached in 2018", "the sanctions imposed by Washington", and the
    # participle before the noun: "flying leaflets".
    if trigger.governors and any(
        (c.dep_ == "acl" or (c.dep_ == "amod" and c.tag_ in ("VBG", "VBN")))
        and lemma_of(c) in trigger.governors
        for c in token.children
    ):
        return True
    if trigger.governors and _prevented_from(token, trigger.governors):
        return True
    if trigger.named and any(
        entity_type_at.get(t.i) in ("PERSON", "ORG", "GPE")
        for c in token.children
        if c.dep_ in ("compound", "poss", "amod", "nmod")
        for t in c.subtree
    ):
        return True
    if trigger.dated and named_by_date(token):
        return True  # "the April 27 declaration", "the 2018 military agreement"
    if trigger.particles and any(
        c.dep_ in ("prt", "advmod") and c.lower_ in trigger.particles for c in token.children
    ):
        return True
    if trigger.subjects and any(lemma_of(s) in trigger.subjects for s in _subjects(token)):
        return True  # "the Security Council will discuss", "the two sides discussed"
    if trigger.preps:
        holders = [token]
        if token.pos_ in ("NOUN", "PROPN") and token.dep_ in ("dobj", "obj"):
            # "cited Tokyo's removal of Seoul from its whitelist": the parse may hang the
            # noun's phrase on the verb it is the object of.
            holders.append(token.head)
        for child in (c for holder in holders for c in holder.children):
            if child.dep_ not in ("prep", "agent", "dative") or child.lower_ not in trigger.preps:
                continue
            if not trigger.prep_objects:
                return True
            for pobj in child.children:
                if pobj.dep_ == "pobj" and (
                    lemma_of(pobj) in trigger.prep_objects
                    or entity_type_at.get(pobj.i) in trigger.prep_objects
                ):
                    return True
    return False


_PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her"})


def _subjects(verb: Token) -> list[Token]:
    """The verb's subjects, or those of the verb it completes ("is set to discuss")."""
    for _ in range(3):
        found = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if found or verb.dep_ not in ("xcomp", "conj") or verb.head == verb:
            return found + [c for s in found for c in s.conjuncts]
        verb = verb.head
    return []


def names_one_of(thing: Token, objects: frozenset[str]) -> bool:
    """Whether the noun or a word compounded with it is one of these things: "a
    missile", "a Hwasong-18", "the ICBM Hwasongpho-17"."""
    words = [thing, *(c for c in thing.children if c.dep_ == "compound")]
    return any(lemma_of(w) in objects or lemma_of(w).split("-")[0] in objects for w in words)


def objects_of(token: Token) -> list[Token]:
    """A verb's direct objects (or, passive, its subjects); a noun's "of" objects."""
    if token.pos_ in ("VERB", "AUX"):
        found = [c for c in token.children if c.dep_ in ("dobj", "obj", "nsubjpass")]
        # "the missile fired from Sunan": a participle after a noun (which the model
        # sometimes tags as a past tense) is done to that noun.
        if token.dep_ == "acl" and token.tag_ in ("VBN", "VBD"):
            found.append(token.head)
        # "cut off the hotlines": the object may hang on the particle's phrase.
        for child in token.children:
            if child.dep_ == "prt":
                found.extend(c for c in child.children if c.dep_ == "pobj")
    else:
        found = [
            pobj
            for child in token.children
            if child.dep_ == "prep" and child.lower_ == "of"
            for pobj in child.children
            if pobj.dep_ == "pobj"
        ]
    return found + [c for o in found for c in o.conjuncts]


def named_by_date(token: Token) -> bool:
    """ "the April 27 Panmunjom declaration", "the 2018 military agreement": a noun named
    by the date it was made."""
    return any(
        c.dep_ in MODIFIER_DEPS and any(t.ent_type_ == "DATE" for t in c.subtree)
        for c in token.children
    )


def _prevented_from(token: Token, governors: frozenset[str]) -> bool:
    """ "stop leaflets from being sent": the object of stopping is what the passive after
    "from" is done to."""
    if token.dep_ not in OBJECT_DEPS:
        return False
    return any(
        prep.dep_ == "prep"
        and prep.lower_ == "from"
        and verb.dep_ == "pcomp"
        and lemma_of(verb) in governors
        and any(a.dep_ == "auxpass" for a in verb.children)
        for prep in token.head.children
        for verb in prep.children
    )


def governing_verb(token: Token) -> Token | None:
    """The verb a noun is the object of: "imposed sanctions", "held talks", and through a
    conjunction ("held talks and a banquet")."""
    while token.dep_ == "conj" and token.head != token:
        token = token.head
    head = token.head
    if token.dep_ == "pobj" and head.dep_ in ("prep", "agent"):
        head = head.head
        # "took part in the forum": the verb that takes part.
        if head.lower_ == "part" and head.dep_ in ("dobj", "obj") and token.head.lower_ == "in":
            head = head.head
        # "imposed a series of sanctions": through a word of quantity.
        if head.lemma_.lower() in QUANTITY_NOUNS and token.head.lower_ == "of":
            return governing_verb(head)
        # "will provide $10 million in humanitarian assistance": through an amount.
        if token.head.lower_ == "in" and is_amount(head):
            return governing_verb(head)
    return head if head.pos_ in ("VERB", "AUX") else None


def is_amount(token: Token) -> bool:
    """ "$10 million", "500,000 tons": a sum or a quantity of something."""
    return (
        token.like_num
        or token.lemma_.lower() in _UNITS
        or any(c.tag_ == "$" or c.lower_ in ("$", "us$") for c in token.subtree)
    )


_UNITS = frozenset({"dollar", "won", "yen", "yuan", "euro", "ton", "tonne"})

# "a series of sanctions", "a new round of talks": nouns that count what follows.
QUANTITY_NOUNS = frozenset(
    """series number set round package wave raft slew range batch string spate flurry
    host couple pair total volley barrage""".split()
)


@cache
def default_triggers() -> TriggerBook:
    text = resources.files("parsers.reference").joinpath("triggers.yaml").read_text("utf-8")
    return parse_triggers(text)


def parse_triggers(text: str) -> TriggerBook:
    data = parse_yaml(text)
    by_lemma: dict[tuple[str, str], list[Trigger]] = {}
    for number, raw in enumerate(data["triggers"], start=1):
        unknown = set(raw) - _KEYS
        if unknown:
            raise TriggerDataError(f"trigger {number} ({raw.get('lemma')}): unknown keys {unknown}")
        if raw.get("pos") not in ("VERB", "NOUN"):
            raise TriggerDataError(
                f"trigger {number} ({raw.get('lemma')}): pos must be VERB or NOUN"
            )
        if raw.get("type") not in EVENT_TYPES_KNOWN:
            raise TriggerDataError(
                f"trigger {number} ({raw.get('lemma')}): unknown type {raw.get('type')!r}"
            )
        trigger = Trigger(
            lemma=str(raw["lemma"]).lower(),
            pos=raw["pos"],
            event_type=raw["type"],
            kind=raw.get("kind"),
            bare=bool(raw.get("bare", False)),
            infinitive=bool(raw.get("infinitive", False)),
            named=bool(raw.get("named", False)),
            dated=bool(raw.get("dated", False)),
            prep_objects=_words(raw.get("prep_objects")),
            unless_objects=_words(raw.get("unless_objects")),
            unless_governors=_words(raw.get("unless_governors")),
            example=str(raw.get("example", "")),
            **{name: _words(raw.get(name)) for name in _CONDITIONS},
        )
        by_lemma.setdefault((trigger.lemma, trigger.pos), []).append(trigger)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return TriggerBook(
        version=f"{data['version']}.{digest}",
        by_lemma={key: tuple(group) for key, group in by_lemma.items()},
        weapon_kinds={kind: _words(words) for kind, words in data["weapon_kinds"].items()},
        **{
            name: _words(data[name])
            for name in (
                "speech_verbs",
                "support_verbs",
                "audiences",
                "reported_verbs",
                "reported_adverbs",
                "planned_verbs",
                "planned_modifiers",
                "hypothetical_auxiliaries",
                "hypothetical_verbs",
                "hypothetical_adjectives",
                "hypothetical_nouns",
                "planned_nouns",
                "future_auxiliaries",
                "negating_verbs",
            )
        },
    )


def _words(values: object) -> frozenset[str]:
    if not values:
        return frozenset()
    return frozenset(str(v).lower() if not str(v).isupper() else str(v) for v in values)  # type: ignore[union-attr]
