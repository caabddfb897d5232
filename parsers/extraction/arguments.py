"""Who did what to whom, and where: an event's actors and place from the dependency parse.

The clause that reports an event has a predicate (the trigger itself when it is a verb,
the verb a trigger noun is the object of: "held talks", "imposed sanctions"). Its subject
acts (or, passive, its agent: "was condemned by the United States"); its object, the
subject of its passive and the objects of "against", "on", "to", "at" undergo; "with" and
"between" name partners. A trigger noun adds its possessor and the names that modify it
("Kim's visit", "the Trump-Kim summit"), its "of" object ("condemnation of the launch")
and what a participle says of it ("tests conducted by Pyongyang"). Reported speech needs
nothing special: "Seoul said Pyongyang rejected the offer" gives "rejected" the subject
Pyongyang.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from parsers.extraction.modality import SPOKEN
from parsers.extraction.triggers import (
    QUANTITY_NOUNS,
    governing_verb,
    infinitive,
    is_amount,
    lemma_of,
    used_power,
)

SUBJECT_DEPS = frozenset({"nsubj", "csubj", "expl"})
_PARTNER_PREPOSITIONS = frozenset({"with", "between", "among", "alongside"})
_TARGET_PREPOSITIONS = frozenset(
    {"against", "on", "to", "at", "toward", "towards", "over", "upon", "for"}
)
# Prepositions whose object may be where something happened.
_PLACE_PREPOSITIONS = frozenset(
    {
        "in",
        "at",
        "on",
        "near",
        "inside",
        "outside",
        "off",
        "over",
        "into",
        "toward",
        "towards",
        "across",
        "from",
        "to",
    }
)
# Clause links through which a verb without a subject of its own takes its head's:
# "agreed to halt" (xcomp), "fired a missile and warned" (conj).
_SUBJECT_SHARING = frozenset({"xcomp", "conj", "advcl"})
# A noun reached through a preposition takes part in its verb's clause only where the
# preposition says the verb's subject took part: "met Putin for talks", "arrived on a
# visit", "said in a statement"; not "protested after the launch".
_TAKING_PART = {
    "MEETING": frozenset({"for", "on", "at", "in", "during", "after", "before", "following"}),
    "STATEMENT": frozenset({"in", "at", "during"}),
}
_STEPS = 4
# Prepositions that put the noun's event at another time than its verb's.
_EARLIER_OR_LATER = frozenset({"after", "before", "following", "since", "until"})
# Verbs whose object is where their subject went.
_VISITING = frozenset({"visit", "tour"})
# A verb and preposition whose subject takes part in the event its object names.
_PRESIDING = frozenset({("preside", "over"), ("participate", "in"), ("take", "in")})
# Verbs whose subject does what their "with" names: "countered with a proposal",
# "responded with sanctions", "came up with a plan".
_ANSWERING_WITH = frozenset(
    {"counter", "respond", "reply", "retaliate", "react", "answer", "come", "follow", "hit"}
)
# Nouns of directing after "under": "under the guidance of Kim Jong Un".
_DIRECTING = frozenset({"guidance", "leadership", "supervision", "direction", "auspices"})
# Verbs whose subject receives what was said to it: not the one who said it.
_RECEIVING = frozenset({"accept", "reject", "refuse", "resist", "welcome", "receive"})


@dataclass(slots=True)
class Arguments:
    """Token positions of an event's parties, by the part they play."""

    sources: list[Token]
    targets: list[Token]
    partners: list[Token]
    place: list[tuple[str, Token]]  # (preposition or "compound", token)
    # Subjects of the clauses further up, nearest first: who else may have acted when
    # the event's own clause names nobody ("during a meeting", "and warned").
    outer_sources: list[list[Token]] = field(default_factory=list)


def predicate_of(
    trigger: Token, event_type: str, support_verbs: frozenset[str] | set[str]
) -> Token:
    """The verb whose clause reports the event: the trigger itself, or the verb whose
    subject carries out what the trigger noun names ("held talks", "arrived on a
    visit"); a noun that a verb only speaks of ("condemned the test") stands alone."""
    if trigger.pos_ in ("VERB", "AUX"):
        return trigger
    user = used_power(trigger)
    if user is not None:
        return user  # "exercised its veto power"
    # "made public a statement": the parse may call the object a clause.
    if trigger.dep_ in (
        "dobj",
        "obj",
        "nsubjpass",
        "attr",
        "oprd",
        "pobj",
        "conj",
        "dative",
        "ccomp",
    ):
        verb = governing_verb(trigger)
        if verb is None:
            return trigger
        preposition = _through_preposition(trigger)
        if preposition is None:
            if event_type in SPOKEN and lemma_of(verb) in _RECEIVING:
                return trigger  # "rejected the proposal": someone else proposed
            return verb if lemma_of(verb) in support_verbs else trigger
        if preposition == "with" and lemma_of(verb) in _ANSWERING_WITH:
            return verb
        if (
            preposition not in _TAKING_PART.get(event_type, ())
            and (
                lemma_of(verb),
                preposition,
            )
            not in _PRESIDING
        ):
            return trigger
        return verb
    return trigger


def _through_preposition(token: Token) -> str | None:
    while token.dep_ == "conj" and token.head != token:
        token = token.head
    if token.dep_ == "pobj":
        if token.head.lower_ == "of" and token.head.head.lemma_.lower() in QUANTITY_NOUNS:
            return _through_preposition(token.head.head)  # "imposed a series of sanctions"
        if token.head.lower_ == "in" and is_amount(token.head.head):
            return _through_preposition(token.head.head)  # "provide $10 million in aid"
        return token.head.lower_
    return None


def arguments(
    trigger: Token, predicate: Token, speech_verbs: frozenset[str] = frozenset()
) -> Arguments:
    found = Arguments([], [], [], [])
    noun = trigger.pos_ not in ("VERB", "AUX")
    if noun:
        _noun_arguments(trigger, found)
        # "condemnations and joint drills between the U.S. and its allies": what the
        # first of two joined nouns takes, the second shares.
        if trigger.dep_ == "conj" and trigger.head.pos_ in ("NOUN", "PROPN"):
            for child in trigger.head.children:
                if child.dep_ == "prep" and child.lower_ in _PARTNER_PREPOSITIONS:
                    found.partners.extend(_objects_of_preposition(child))
    if predicate != trigger or not noun:
        _verb_arguments(trigger, predicate, noun, found)
    if noun and (sequence := sequenced_by(trigger)) is not None:
        # "followed by a second summit in September, in the Russian Far East": where the
        # sequence places it.
        for child in sequence.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "at"):
                found.place.extend((child.lower_, t) for t in _objects_of_preposition(child))
    if noun and predicate != trigger:
        # "arrived in Pyongyang on a state visit": the visit happens where its verb does.
        for child in predicate.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "at"):
                found.place.extend((child.lower_, t) for t in _objects_of_preposition(child))
        if _through_preposition(trigger) in _EARLIER_OR_LATER:
            # "met again in Pyongyang after their meeting at the cosmodrome": the verb's
            # place is not the earlier meeting's.
            own = range(trigger.left_edge.i, trigger.right_edge.i + 1)
            found.place = [(word, t) for word, t in found.place if t.i in own]
    found.outer_sources = _outer_subjects(predicate, speech_verbs)
    return found


# Participles that put one event after or before another: "met in April, followed by a
# second summit in September".
_SEQUENCING = frozenset({"follow", "precede"})


def sequenced_by(trigger: Token) -> Token | None:
    """The participle a noun is the agent of, when it only puts the noun's event in a
    sequence ("followed by a second summit in September"): its time and place are the
    noun's."""
    if trigger.dep_ != "pobj" or trigger.head.dep_ != "agent":
        return None
    participle = trigger.head.head
    return participle if lemma_of(participle) in _SEQUENCING else None


def _noun_arguments(trigger: Token, found: Arguments) -> None:
    """ "North Korea's launch", "the Trump-Kim summit", "sanctions on Pyongyang", "talks
    with Seoul", "a launch by the North", "tests conducted by Pyongyang"."""
    for child in trigger.children:
        if child.dep_ == "poss":
            found.sources.extend(_with_conjuncts(child))
        elif child.dep_ in ("compound", "nmod", "amod"):
            # "South Korea-U.S. military exercises": every name of the modifier.
            modifier = _modifier_words(child)
            found.sources.extend(modifier)
            found.place.extend(("compound", t) for t in modifier)
        elif child.dep_ == "prep":
            if child.lower_ == "of":
                found.targets.extend(_objects_of_preposition(child))
            else:
                _preposition(child, found, source_by=True)
        elif child.dep_ == "appos":
            # "Tuesday's launch, North Korea's first ICBM test this year"
            for grandchild in child.children:
                if grandchild.dep_ in ("poss", "compound"):
                    found.sources.extend(_with_conjuncts(grandchild))
        elif child.dep_ == "acl":
            # "the summit held in Hanoi", "tests conducted by Pyongyang", "the statement,
            # published in ... and attributed to the foreign ministry"
            for participle in _with_conjuncts(child):
                for grandchild in participle.children:
                    if grandchild.dep_ == "agent" or (
                        grandchild.dep_ == "prep"
                        and grandchild.lower_ == "to"
                        and participle.lemma_.lower() == "attribute"
                    ):
                        found.sources.extend(_objects_of_preposition(grandchild))
                    elif grandchild.dep_ == "prep":
                        _preposition(grandchild, found, source_by=True, targets=False)
    # "the launch of an ICBM from the Sunan area": where the thing launched flew from
    # or to.
    for child in trigger.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for thing in _objects_of_preposition(child):
                for grandchild in thing.children:
                    if grandchild.dep_ == "prep" and grandchild.lower_ in _PLACE_PREPOSITIONS:
                        found.place.extend(
                            (grandchild.lower_, t) for t in _objects_of_preposition(grandchild)
                        )
    # "talks with his counterpart Biegun in Sweden": where, anywhere in the phrase.
    for token in trigger.subtree:
        if (
            token.dep_ == "prep"
            and token.lower_ in ("in", "at")
            and token.head != trigger
            and not any(a.dep_ in ("relcl", "acl") for a in _path(token, trigger))
        ):
            found.place.extend((token.lower_, t) for t in _objects_of_preposition(token))
    # "the proposal for talks made by the minister": the parse may hang the participle
    # on the noun after "for".
    if not found.sources:
        for child in trigger.children:
            if child.dep_ == "prep" and child.lower_ in ("for", "of"):
                for pobj in _objects_of_preposition(child):
                    for participle in pobj.children:
                        if participle.dep_ == "acl":
                            for agent in participle.children:
                                if agent.dep_ == "agent":
                                    found.sources.extend(_objects_of_preposition(agent))
    # "its rhetoric, open display of displeasure and threats": what the first of
    # joined nouns is said to be whose, the others are too.
    if not found.sources and trigger.dep_ == "conj":
        head = trigger.head
        for _ in range(4):
            owner = next((c for c in head.children if c.dep_ == "poss"), None)
            if owner is not None:
                found.sources.extend(_with_conjuncts(owner))
                break
            if head.dep_ not in ("conj", "appos", "pobj", "prep") or head.head == head:
                break
            head = head.head
    # "the North's series of launches": the possessor of the phrase's head.
    if not found.sources and trigger.dep_ == "pobj" and trigger.head.lower_ == "of":
        owner = trigger.head.head
        for child in owner.children:
            if child.dep_ in ("poss", "compound"):
                found.sources.extend(_with_conjuncts(child))


def _verb_arguments(trigger: Token, verb: Token, noun: bool, found: Arguments) -> None:
    # A noun that is the subject of its verb ("the talks ended") takes nothing from it.
    if noun and trigger.dep_ in SUBJECT_DEPS:
        return
    # "the new line, announced by Kim Jong Un": a past participle with no auxiliary
    # hanging on a noun or a clause is passive; not with a subject of its own ("the
    # document the two leaders signed", which the tagger may also call a participle).
    participle = (
        verb.tag_ == "VBN"
        and verb.dep_ in ("acl", "advcl", "relcl")
        and not any(c.dep_ in ("aux", "auxpass", "nsubj") for c in verb.children)
    )
    passive = participle or any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
    subjects = [] if participle else clause_subjects(verb)
    if not subjects and verb.dep_ == "pcomp":
        # "the ROK's ballyhoo about providing aid": whose talk it is does it.
        subjects = [
            t for c in verb.head.head.children if c.dep_ == "poss" for t in _with_conjuncts(c)
        ]
    if passive:
        found.targets.extend(s for s in subjects if s.dep_ == "nsubjpass")
        found.sources.extend(s for s in subjects if s.dep_ != "nsubjpass")
        for child in verb.children:
            if child.dep_ == "agent":
                found.sources.extend(_objects_of_preposition(child))
    else:
        found.sources.extend(subjects)
    for child in verb.children:
        if child.dep_ in ("dobj", "obj", "dative", "iobj") and child != trigger:
            found.targets.extend(_with_conjuncts(child))
            if lemma_of(verb) in _VISITING and child.dep_ in ("dobj", "obj"):
                # "visited Pyongyang": where the visit took place.
                found.place.extend(("at", t) for t in _with_conjuncts(child))
        elif child.dep_ == "prep":
            _preposition(child, found, source_by=False)
        elif child.dep_ == "prt":
            for grandchild in child.children:
                if grandchild.dep_ == "prep":
                    _preposition(grandchild, found, source_by=False)
    # "signed a statement at their meeting in Singapore", "in a meeting with reporters
    # in Washington", "reached the agreement during talks held in Pyongyang": where the
    # occasion was.
    for occasion in occasions(verb, ("at", "during", "in")):
        for word in (occasion, *held_participles(occasion)):
            for child in word.children:
                if child.dep_ == "prep" and child.lower_ in ("in", "at"):
                    found.place.extend((child.lower_, t) for t in _objects_of_preposition(child))
    # "met at 7 a.m. Moscow time at the spaceport": the parser hangs the place on the
    # time that stands before it; it is where the verb happened.
    for child in verb.children:
        if child.dep_ == "npadvmod":
            for grandchild in child.children:
                if grandchild.dep_ == "prep" and grandchild.lower_ in ("in", "at"):
                    found.place.extend(
                        (grandchild.lower_, t) for t in _objects_of_preposition(grandchild)
                    )
    # "came from Vladivostok, where he had taken part in the forum": the place the
    # relative clause hangs on.
    if verb.dep_ == "relcl" and any(
        c.dep_ == "advmod" and c.lower_ == "where" for c in verb.children
    ):
        found.place.append(("in", verb.head))
    # "was conducted under the guidance of Kim Jong Un": who directs it does it.
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "under":
            for guidance in _objects_of_preposition(child):
                if guidance.lemma_.lower() in _DIRECTING:
                    for of in guidance.children:
                        if of.dep_ == "prep" and of.lower_ == "of":
                            found.sources.extend(_objects_of_preposition(of))
    # "fired a missile into the East Sea": the place may hang on the object.
    for child in verb.children:
        if child.dep_ in ("dobj", "obj") and child != trigger:
            for grandchild in child.children:
                if grandchild.dep_ == "prep" and grandchild.lower_ in _PLACE_PREPOSITIONS:
                    found.place.extend(
                        (grandchild.lower_, t) for t in _objects_of_preposition(grandchild)
                    )


def _preposition(prep: Token, found: Arguments, *, source_by: bool, targets: bool = True) -> None:
    word = prep.lower_
    objects = _objects_of_preposition(prep)
    if word == "by" and source_by:
        found.sources.extend(objects)
    if word in _PARTNER_PREPOSITIONS:
        found.partners.extend(objects)
    if targets and word in _TARGET_PREPOSITIONS:
        found.targets.extend(objects)
    if word in _PLACE_PREPOSITIONS:
        found.place.extend((word, t) for t in objects)


def occasions(verb: Token, prepositions: tuple[str, ...]) -> list[Token]:
    """What a verb happened at or during ("agreed at a meeting", "during talks"): the
    objects of these prepositions on the verb, or on its object, where the parse may hang
    them ("reached an agreement during talks")."""
    words = [verb, *(c for c in verb.children if c.dep_ in ("dobj", "obj"))]
    return [
        occasion
        for word in words
        for prep in word.children
        if prep.dep_ == "prep" and prep.lower_ in prepositions
        for occasion in _objects_of_preposition(prep)
    ]


def held_participles(occasion: Token) -> list[Token]:
    """ "talks held in Pyongyang on Thursday": the participle that tells where and when."""
    return [c for c in occasion.children if c.dep_ == "acl" and c.tag_ == "VBN"]


def _objects_of_preposition(prep: Token) -> list[Token]:
    found = []
    for child in prep.children:
        if child.dep_ == "pobj":
            found.extend(_with_conjuncts(child))
        elif child.dep_ == "prep":  # "from inside North Korea"
            found.extend(_objects_of_preposition(child))
    return found


def clause_subjects(verb: Token) -> list[Token]:
    """The verb's subjects, or those of the verb it depends on when it has none."""
    token = verb
    for _ in range(_STEPS):
        subjects = [_past_time(c) for c in token.children if c.dep_ in SUBJECT_DEPS | {"nsubjpass"}]
        if subjects:
            return [s for subject in subjects for s in _with_conjuncts(subject)]
        unjoined = unjoined_subject(token)
        if unjoined is not None:
            return _with_conjuncts(unjoined)
        if (
            token.dep_ == "pcomp"
            and token.head.lower_ in ("by", "without")
            and token.head.head.pos_ in ("VERB", "AUX")
        ):
            # "were emboldening Pyongyang by blocking council action": the means a
            # clause's subject acts by is the subject's doing.
            token = token.head.head
            continue
        if token.dep_ == "pcomp" and token.head.lower_ in ("for", "of"):
            # "denounced the U.S. for staging drills", "accused Pyongyang of supplying
            # shells": the one blamed (or thanked) did it.
            holder = token.head.head
            if holder.pos_ in ("NOUN", "PROPN") and holder.dep_ in ("dobj", "obj"):
                return _with_conjuncts(holder)
            objects = [c for c in holder.children if c.dep_ in ("dobj", "obj")]
            if objects:
                return _with_conjuncts(objects[0])
        if (
            token.dep_ == "acl" or (token.dep_ == "relcl" and infinitive(token))
        ) and token.head.dep_ in ("dobj", "attr", "pobj"):
            # "has no intention to hold talks": the subject of "has".
            token = token.head.head
            continue
        if token.dep_ not in _SUBJECT_SHARING or token.head == token:
            break
        token = token.head
    return []


def _past_time(subject: Token) -> Token:
    """ "a day after Kim Yo Jong warned": the parse may make the time the subject; the
    name after "after" is."""
    if subject.ent_type_ in ("DATE", "TIME") and subject.pos_ == "NOUN":
        for child in subject.children:
            if child.dep_ == "prep" and child.lower_ in ("after", "before"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj" and pobj.pos_ == "PROPN":
                        return pobj
    return subject


def unjoined_subject(verb: Token) -> Token | None:
    """ "urged ..., a day after Kim Yo Jong, the leader's sister, warned that ...": a
    verb of a clause opened by "after", "before", "as"... that the parse joins to an
    earlier verb with no "and" between them has the name just before it as its subject.
    Verbs merely listed ("arrived in Vladivostok on Monday, met Putin") share the first
    verb's subject instead."""
    if verb.dep_ != "conj" or verb.head.i > verb.i:
        return None
    between = verb.doc[verb.head.i : verb.i]
    if any(t.dep_ == "cc" or t.lower_ in ("and", "but", "or") for t in between):
        return None
    if not any(t.lower_ in _SUBORDINATORS for t in between):
        return None
    before = verb.i - 1
    while before > verb.head.i and verb.doc[before].is_punct:
        before -= 1
    token = verb.doc[before]
    # Up to the head of the noun phrase the word ends: "Kim Yo Jong, the sister of
    # [Kim Jong Un]" -> Kim Yo Jong.
    for _ in range(6):
        if (
            token.dep_ in ("pobj",)
            and token.head.dep_ == "prep"
            and token.head.head.dep_ in ("appos",)
        ):
            token = token.head.head.head
        elif token.dep_ in ("appos", "compound", "flat"):
            token = token.head
        else:
            break
    if token.pos_ != "PROPN" or token.ent_type_ not in _ACTING_TYPES:
        return None
    return token


# Words that open a clause of its own inside a sentence: "a day after X warned".
_SUBORDINATORS = frozenset({"after", "before", "since", "as", "while", "when", "because"})
# Names that can be the subject of what is done ("Monday" cannot).
_ACTING_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def _outer_subjects(verb: Token, speech_verbs: frozenset[str]) -> list[list[Token]]:
    """Subjects of the clauses that contain this one, nearest first; not the speaker
    of what the clause is said in ("Xinhua said the leaders will hold talks")."""
    levels: list[list[Token]] = []
    token = verb
    for _ in range(_STEPS + 3):  # "at the end of two days of talks": prepositions too
        if token.head == token:
            break
        if token.dep_ == "ccomp" and lemma_of(token.head) in speech_verbs:
            break
        token = token.head
        if token.pos_ not in ("VERB", "AUX"):
            continue
        subjects = [c for c in token.children if c.dep_ in SUBJECT_DEPS]
        if subjects:
            levels.append([s for subject in subjects for s in _with_conjuncts(subject)])
    return levels


def _modifier_words(token: Token) -> list[Token]:
    found = [token]
    for child in token.children:
        if child.dep_ in ("compound", "conj", "amod", "nmod", "appos"):
            found.extend(_modifier_words(child))
    return found


def _path(token: Token, top: Token) -> list[Token]:
    """The tokens from `token` up to (not including) `top`."""
    path = []
    while token != top and token.head != token:
        path.append(token)
        token = token.head
    return path


def _with_conjuncts(token: Token) -> list[Token]:
    found = [token, *token.conjuncts]
    # "Prime Minister Fumio Kishida and U.S. President Joe Biden": the parse may hang the
    # first of two joined names on the second as its modifier; the "and" it keeps says
    # they are two.
    for child in token.children:
        if (
            child.dep_ in ("nmod", "compound")
            and child.pos_ == "PROPN"
            and token.pos_ == "PROPN"
            and any(c.dep_ == "cc" and c.lower_ == "and" for c in child.children)
        ):
            found += [child, *child.conjuncts]
    # "Kishida and U.S. President Joe Biden": the parse may make the title the conjunct
    # and hang the name after it elsewhere; the person is the name the title stands before.
    for conjunct in token.conjuncts:
        named = _name_after_title(conjunct)
        if named is not None and named not in found:
            found.append(named)
    # "US President Donald Trump and North Korean leader Kim Jong-un agreed": the parse
    # may make the name the title's appositive and join the second person to the name.
    for child in token.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN":
            found += [c for c in child.conjuncts if c not in found]
    return found


def _name_after_title(token: Token) -> Token | None:
    doc = token.doc
    if token.ent_type_ or token.pos_ != "PROPN" or token.i + 1 >= len(doc):
        return None
    name = doc[token.i + 1]
    if name.ent_iob_ != "B" or name.ent_type_ != "PERSON":
        return None
    while name.i + 1 < len(doc) and doc[name.i + 1].ent_iob_ == "I":
        name = doc[name.i + 1]
    return name
