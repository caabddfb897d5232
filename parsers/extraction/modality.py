"""Whether an event happened, from the parse: asserted, reported, planned, hypothetical,
denied.

"did not meet", "no talks", "denied supplying arms", "failed to reach a deal": denied.
"reportedly", "according to", "KCNA reported that": reported. "could lift", "if the talks
resume", "wants to meet", "threatened to scrap": hypothetical. "will visit", "plans to
hold", "agreed to hold", "the upcoming summit": planned.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from parsers.extraction.triggers import TriggerBook, lemma_of

# Links from a clause up to the word that governs it: "agreed [to hold] talks",
# "said [it would] meet", "refused [to attend]".
_GOVERNING = frozenset({"xcomp", "ccomp", "advcl", "acl", "relcl", "pcomp", "conj"})
_STEPS = 3
# Speakers that are no one in particular: what they say is hearsay.
_HEARSAY = frozenset({"report", "source", "media", "newspaper", "outlet", "insider", "rumor"})


def modality(trigger: Token, predicate: Token, book: TriggerBook) -> str:
    chain = _chain(trigger, predicate)
    if _denied(trigger, predicate, book):
        return "denied"
    if _reported(trigger.sent, chain, book):
        return "reported"
    if _hypothetical(chain, book):
        return "hypothetical"
    if _planned(trigger, chain, book):
        return "planned"
    return "asserted"


def _chain(trigger: Token, predicate: Token) -> list[Token]:
    """The trigger, its predicate and the verbs that govern the predicate's clause."""
    chain = [trigger] if trigger == predicate else [trigger, predicate]
    token = predicate
    for _ in range(_STEPS):
        if token.dep_ not in _GOVERNING or token.head == token:
            break
        if token.dep_ == "conj":
            # "fired a missile and warned": conjuncts share the head's governors, not
            # the head itself.
            token = token.head
            continue
        token = token.head
        if token.dep_ == "prep":  # "for talks" -> "arrived"
            token = token.head
        chain.append(token)
    return chain


def _denied(trigger: Token, predicate: Token, book: TriggerBook) -> bool:
    """ "did not meet", "no talks", "has no intention to hold talks", "refused to
    attend", "halted the drills", "denied that it had held talks". A negation reaches
    an event through its own clause and the verbs it completes ("did not agree to hold
    talks"), not through a clause beside it ("did not..., while accusing")."""
    if any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in trigger.children):
        return True
    own = [trigger] if trigger == predicate else [trigger, predicate]
    governors: list[Token] = [] if trigger == predicate else [predicate]
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


def _hypothetical(chain: list[Token], book: TriggerBook) -> bool:
    for position, token in enumerate(chain):
        for child in token.children:
            if child.dep_ == "aux" and child.lower_ in book.hypothetical_auxiliaries:
                return True
            if child.dep_ == "mark" and child.lower_ in ("if", "unless", "whether"):
                return True
        if token.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in token.children
        ):
            return True
        if position > 0 and lemma_of(token) in book.hypothetical_verbs:
            return True
    return False


def _planned(trigger: Token, chain: list[Token], book: TriggerBook) -> bool:
    for child in trigger.children:
        if child.dep_ in ("amod", "compound") and child.lower_ in book.planned_modifiers:
            return True
    for position, token in enumerate(chain):
        for child in token.children:
            if child.dep_ == "aux" and child.lower_ in book.future_auxiliaries:
                return True
        if position > 0 and lemma_of(token) in book.planned_verbs:
            return True
        # "is to visit", "are due to meet"
        if token.dep_ == "xcomp" and token.head.lemma_ == "be":
            return True
        if token.dep_ == "xcomp" and token.head.lower_ == "due":
            return True
    return False
