"""Whether an event happened, from the parse: asserted, reported, planned, hypothetical,
denied.

"did not meet", "no talks", "denied supplying arms", "failed to reach a deal": denied.
"reportedly", "according to", "KCNA reported that": reported. "could lift", "if the talks
resume", "wants to meet", "threatened to scrap": hypothetical. "will visit", "plans to
hold", "agreed to hold", "the upcoming summit": planned.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from parsers.extraction.triggers import TriggerBook, infinitive, lemma_of

# Links from a clause up to the word that governs it: "agreed [to hold] talks",
# "said [it would] meet", "refused [to attend]".
_GOVERNING = frozenset({"xcomp", "ccomp", "advcl", "acl", "relcl", "pcomp", "conj"})
_STEPS = 3
# Speakers that are no one in particular: what they say is hearsay.
_HEARSAY = frozenset({"report", "source", "media", "newspaper", "outlet", "insider", "rumor"})


# Events that exist once said: a proposal that is rejected, an accusation that is denied
# was still made.
SPOKEN = frozenset({"STATEMENT", "ACCUSE", "REQUEST", "THREATEN", "PROPOSE", "PROTEST"})


def modality(
    trigger: Token,
    predicate: Token,
    book: TriggerBook,
    event_type: str = "",
    *,
    negative: bool = False,
) -> str:
    """`negative`: the trigger's own "no" makes it the event ("has no intention of
    meeting" is a rejection), so that "no" does not deny it."""
    chain = _chain(trigger, predicate)
    if _denied(trigger, predicate, book, spoken=event_type in SPOKEN, negative=negative):
        return "denied"
    reported = _reported(trigger.sent, chain, book)
    if reported and not _planned(trigger, chain, book):
        return "reported"
    if _hypothetical(chain, book):
        return "hypothetical"
    if _planned(trigger, chain, book):
        # "Seoul plans to inform Tokyo ..., according to an official": a plan, whoever
        # tells of it; "reported" would say it happened.
        return "planned"
    return "asserted"


def _chain(trigger: Token, predicate: Token) -> list[Token]:
    """The trigger, its predicate and the verbs that govern the predicate's clause."""
    chain = [trigger] if trigger == predicate else [trigger, predicate]
    if infinitive(predicate) and predicate.i >= 2:
        # "threats to resume tests", "plans to hold talks": the noun the infinitive
        # follows governs it, also where the parse hangs the verb elsewhere.
        noun = predicate.doc[predicate.i - 2]
        if noun.pos_ == "NOUN" and predicate.doc[predicate.i - 1].lower_ == "to":
            chain.append(noun)
    token = predicate
    for _ in range(_STEPS):
        if token.dep_ not in _GOVERNING or token.head == token:
            break
        if token.dep_ == "conj":
            # "fired a missile and warned": conjuncts share the head's governors, not
            # the head itself. "promised to work ... and to visit": a second infinitive
            # the parse joins to the governing verb is governed by it.
            if infinitive(token) and any(
                c.dep_ == "xcomp" and infinitive(c) for c in token.head.children
            ):
                chain.append(token.head)
            token = token.head
            continue
        came_by = token.dep_ if token.dep_ == "acl" or infinitive(token) else ""
        token = token.head
        if token.dep_ == "prep":  # "for talks" -> "arrived"
            token = token.head
        chain.append(token)
        if came_by and token.pos_ == "NOUN" and token.dep_ in ("dobj", "attr"):
            # "is considering ways to deliver aid", "announced plans to hold talks": the
            # verb the noun is the object of governs the clause too.
            token = token.head
            chain.append(token)
    return chain


def _denied(
    trigger: Token,
    predicate: Token,
    book: TriggerBook,
    *,
    spoken: bool = False,
    negative: bool = False,
) -> bool:
    """ "did not meet", "no talks", "has no intention to hold talks", "refused to
    attend", "halted the drills", "denied that it had held talks". A negation reaches
    an event through its own clause and the verbs it completes ("did not agree to hold
    talks"), not through a clause beside it ("did not..., while accusing")."""
    if not negative and any(
        c.dep_ == "det" and c.lower_ in ("no", "neither") for c in trigger.children
    ):
        return True
    if any(c.lower_ in ("neither", "nor", "never") for c in predicate.children):
        return True  # "would neither accept nor respond"
    if (
        trigger.dep_ == "pobj"
        and trigger.head.head.pos_ == "NOUN"
        and any(c.dep_ == "det" and c.lower_ == "no" for c in trigger.head.head.children)
    ):
        return True  # "no interest in talks", "no plans for a summit"
    own = [trigger] if trigger == predicate else [trigger, predicate]
    # The verb a noun is the object of denies it ("cancelled the talks", "refused
    # talks"), unless the noun names something said ("rejected the proposal": it was
    # made); a verb the noun only hangs on by a preposition does not ("in the
    # statement, she rejected ...").
    governs = trigger != predicate and not spoken and trigger.dep_ != "pobj"
    governors: list[Token] = [predicate] if governs else []
    token = predicate
    for _ in range(_STEPS):
        if token.dep_ in ("xcomp", "ccomp") and token.head != token:
            token = token.head
        elif token.dep_ == "acl" and token.head.pos_ in ("NOUN", "PROPN"):
            token = token.head  # "no intention to hold"
        else:
            break
        governors.append(token)
        if token.dep_ != "ccomp":
            own.append(token)
    for token in own:
        if any(c.dep_ == "neg" for c in token.children):
            return True
        if token != trigger and any(c.dep_ == "det" and c.lower_ == "no" for c in token.children):
            return True
    # A verb that denies what it governs, not itself: the refusal happened.
    return any(lemma_of(t) in book.negating_verbs for t in governors if t != trigger)


def _reported(sentence: Span, chain: list[Token], book: TriggerBook) -> bool:
    if any(t.lower_ in book.reported_adverbs for t in sentence):
        return True
    lowered = sentence.text.lower()
    if "according to" in lowered:
        return True
    for token in chain[1:]:
        if lemma_of(token) in book.reported_verbs:
            return True
        # "news reports said", "sources said": hearsay by its speaker.
        if lemma_of(token) in book.speech_verbs and any(
            c.dep_ == "nsubj" and c.lemma_.lower() in _HEARSAY for c in token.children
        ):
            return True
    return False


def _conditional(chain: list[Token]) -> bool:
    """ "if it fires", "would impose sanctions if it fired": a condition on the clause."""
    for token in chain:
        for child in token.children:
            if child.dep_ == "mark" and child.lower_ in ("if", "unless", "whether"):
                return True
            if child.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in child.children
            ):
                return True
    return False


def _told_future(token: Token, chain: list[Token], book: TriggerBook) -> bool:
    """ "said they would hold talks": a "will" told in the past, not a supposition."""
    saying = token.head
    return (
        token.dep_ == "ccomp"
        and lemma_of(saying) in book.speech_verbs | {"announce", "report"}
        and (
            saying.tag_ in ("VBD", "VBN")
            # "decided to end the pact, saying it would notify Tokyo": the participle
            # tells what was said then.
            or (saying.tag_ == "VBG" and saying.dep_ == "advcl" and saying.head.tag_ == "VBD")
        )
        and not _conditional(chain)
    )


def _governing_noun(trigger: Token) -> Token | None:
    """ "the proposal for talks", "plans for a summit", "calls for dialogue": the noun a
    noun event hangs on through a preposition."""
    if (
        trigger.dep_ == "pobj"
        and trigger.head.lower_ in ("for", "of", "to")
        and (trigger.head.head.pos_ == "NOUN")
    ):
        return trigger.head.head
    return None


def _hypothetical(chain: list[Token], book: TriggerBook) -> bool:
    noun = _governing_noun(chain[0])
    if noun is not None and noun.lemma_.lower() in book.hypothetical_nouns:
        return True
    # "ready for talks", "willing to meet": an adjective between the event and its verb;
    # "if Pyongyang returns to talks": a condition on the verb a noun event hangs on.
    word = chain[0]
    for _ in range(3):
        if word.head == word or word.pos_ in ("VERB", "AUX"):
            break
        word = word.head
        if word.pos_ == "ADJ" and word.lemma_.lower() in book.hypothetical_adjectives:
            return True
    if (
        chain[0].dep_ == "pobj"
        and word != chain[0]
        and word.pos_ in ("VERB", "AUX")
        and _conditional([word])
    ):
        return True
    for position, token in enumerate(chain):
        if token.pos_ == "ADJ" and token.lemma_.lower() in book.hypothetical_adjectives:
            return True
        for child in token.children:
            if child.dep_ == "aux" and child.lower_ in book.hypothetical_auxiliaries:
                if child.lower_ == "would" and _told_future(token, chain, book):
                    continue
                return True
            if child.dep_ == "mark" and child.lower_ in ("if", "unless", "whether"):
                return True
        if token.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in token.children
        ):
            return True
        if (
            position > 0
            and lemma_of(token) in book.hypothetical_verbs
            and not _beside(chain, position)
        ):
            return True
        if (
            position > 0
            and token.pos_ == "NOUN"
            and token.lemma_.lower() in book.hypothetical_nouns
            and not _accepted(token)
        ):
            return True  # "an invitation to visit", "an offer to talk"
    return False


def _accepted(noun: Token) -> bool:
    """ "accepted an invitation to visit": what is offered and accepted is planned."""
    return noun.dep_ in ("dobj", "obj") and lemma_of(noun.head) in ("accept", "agree", "approve")


def _beside(chain: list[Token], position: int) -> bool:
    """The verb a noun event only hangs on by a preposition does not govern it; nor do
    the verbs above, where the noun is the occasion ("agreed to expand trade at a meeting
    in Moscow": the meeting took place)."""
    first = chain[0]
    if first.dep_ != "pobj" or first.pos_ != "NOUN":
        return False
    return position == 1 or first.head.lower_ in _OCCASION


_OCCASION = frozenset({"at", "during"})


def _planned(trigger: Token, chain: list[Token], book: TriggerBook) -> bool:
    noun = _governing_noun(trigger)
    if noun is not None and noun.lemma_.lower() in book.planned_nouns:
        return True
    for child in trigger.children:
        if child.dep_ in ("amod", "compound") and child.lower_ in book.planned_modifiers:
            return True
    for position, token in enumerate(chain):
        for child in token.children:
            if child.dep_ == "aux" and child.lower_ in book.future_auxiliaries:
                return True
            if child.dep_ == "aux" and child.lower_ == "would" and _told_future(token, chain, book):
                return True
        if position > 0 and lemma_of(token) in book.planned_verbs and not _beside(chain, position):
            return True
        if position > 0 and token.pos_ == "NOUN" and _accepted(token):
            return True
        # "to visit Seoul in the near future", "will meet soon"
        if position <= 1 and any(
            (c.dep_ == "advmod" and c.lower_ == "soon")
            or (
                c.dep_ == "prep"
                and c.lower_ == "in"
                and any(g.lemma_.lower() == "future" for g in c.children)
            )
            for c in token.children
        ):
            return True
        # "Kim to visit Seoul": a headline's infinitive is what is to come.
        if (
            position <= 1
            and infinitive(token)
            and (
                token.dep_ == "ROOT"
                or (
                    token.dep_ in ("relcl", "acl")
                    and token.head.dep_ == "ROOT"
                    and token.head.pos_ == "PROPN"
                )
            )
        ):
            return True
        # "is to visit", "are due to meet"
        if token.dep_ == "xcomp" and token.head.lemma_ == "be":
            return True
        if token.dep_ == "xcomp" and token.head.lower_ == "due":
            return True
    return False
