"""One readable line per event, built from the clause that reports it.

"North Korea fired an intercontinental ballistic missile into the East Sea", "The United
States condemned the launch", "Xi Jinping held talks with Kim Jong Un in Pyongyang": the
clause's subject, verb, object and the phrases that say where and with whom, without the
asides (appositives that describe a name, relative clauses, what else the sentence says).
A pronoun subject takes the name of whom it stands for; a clause whose subject stands in
the clause above ("agreed to hold talks", "and warned Seoul") borrows it. A noun that
reports an event but is not what its clause is about ("since February's summit between
Trump and Kim collapsed") gives its own phrase.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Token

from parsers.extraction.arguments import clause_subjects
from parsers.extraction.model import ArticleEntity, ArticleEvent
from parsers.extraction.triggers import infinitive_after

# Parts of a clause a summary keeps.
_CLAUSE_PARTS = frozenset(
    {
        "nsubj",
        "nsubjpass",
        "aux",
        "auxpass",
        "neg",
        "prt",
        "dobj",
        "obj",
        "dative",
        "attr",
        "oprd",
        "agent",
        "prep",
        "acomp",
        "xcomp",
        "ccomp",
        "expl",
    }
)
# Parts of a phrase it drops.
_ASIDES = frozenset(
    {
        "relcl",
        "acl",
        "advcl",
        "parataxis",
        "mark",
        "advmod",
        "npadvmod",
        "dep",
        "meta",
        "intj",
        "preconj",
        "predet",
    }
)
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_TIME_ENTITIES = frozenset({"DATE", "TIME"})
_QUOTES = frozenset({'"', "\u201c", "\u201d", "``", "''", "(", ")", "[", "]", "\u2014", "--"})
_MAX_WORDS = 26
_PRONOUNS = frozenset({"he", "she", "it", "they", "we"})
_LABELS = {
    "MEETING": "Meeting",
    "STATEMENT": "Statement",
    "ACCUSE": "Accusation",
    "REQUEST": "Request",
    "THREATEN": "Threat",
    "REJECT": "Rejection",
    "AGREE": "Agreement",
    "PROPOSE": "Proposal",
    "WEAPONS_TEST": "Weapons test",
    "MILITARY_EXERCISE": "Military exercise",
    "SANCTION": "Sanctions",
    "EASE_SANCTIONS": "Sanctions relief",
    "AID": "Aid",
    "COOPERATE": "Cooperation",
    "PROTEST": "Protest",
    "ASSAULT": "Attack",
}


def summarize(
    event: ArticleEvent,
    trigger: Token,
    predicate: Token,
    entities: dict[str, ArticleEntity],
    entity_at: list[str | None],
    pronoun: Callable[[Token], str | None] | None = None,
) -> str:
    """`pronoun` tells whom a pronoun stands for, where the mentions do not."""
    noun = trigger.pos_ not in ("VERB", "AUX")
    keep = set()
    if noun and (predicate == trigger or trigger.dep_ in _SUBJECTS):
        # The noun's own phrase: "February's summit between Trump and Kim"; for a bare
        # noun that a clause is about, that clause ("The statement also repeated ...").
        keep = _phrase(trigger, entity_at)
        for child in trigger.children:
            if child.dep_ == "acl" and any(c.dep_ == "agent" for c in child.children):
                # "the sanctions imposed by Washington": who is in the participle.
                keep |= {child.i} | {
                    i for c in child.children if c.dep_ == "agent" for i in _phrase(c, entity_at)
                }
        if infinitive_after(trigger) and trigger.nbor(2).i not in keep:
            # "threats to resume its tests", where the parse hangs the verb elsewhere.
            keep |= {trigger.i + 1} | _phrase(trigger.nbor(2), entity_at)
        if len(keep) < 4 and trigger.dep_ in _SUBJECTS and trigger.head.pos_ in ("VERB", "AUX"):
            keep = _clause(trigger.head, entity_at)
        elif len(keep) < 3:
            # "ready for talks": a bare noun reads in the clause it stands in.
            verb = _verb_above(trigger)
            if verb is not None:
                keep = _clause(verb, entity_at) | keep
                if not _has_subject(verb):
                    subject = _borrowed_subject(verb)
                    if subject is not None:
                        keep |= _phrase(subject, entity_at)
    if not keep and _passive_participle(predicate):
        # "the new line, announced by Kim Jong Un": who did it, the verb, what.
        line = _participle_line(predicate, entities, entity_at, pronoun)
        if line:
            return line
    if not keep:
        verb = predicate
        # "North Korea appears to be resorting to ...": the clause that holds the subject.
        while verb.dep_ == "xcomp" and not _has_subject(verb) and verb.head != verb:
            verb = verb.head
        keep = _clause(verb, entity_at)
        if not _has_subject(verb):
            subject = _borrowed_subject(verb)
            if subject is not None:
                keep |= _phrase(subject, entity_at)
        keep |= _phrase(trigger, entity_at) if trigger.i not in keep else set()
    tokens = [trigger.doc[i] for i in sorted(keep)]
    # "which it said was a hydrogen bomb": the relative word points out of the line.
    while tokens and tokens[0].lower_ in _RELATIVE_WORDS and tokens[0].tag_ in ("WDT", "WP"):
        tokens = tokens[1:]
    if len(tokens) > _MAX_WORDS:
        tokens = _shortened(tokens, trigger)
    words = _render(tokens, entities, entity_at, pronoun)
    if len(words.split()) < 3:
        return _fallback(event, entities)
    return words[:1].upper() + words[1:]


_RELATIVE_WORDS = frozenset({"which", "that", "who", "whom"})


def _clause(verb: Token, entity_at: list[str | None]) -> set[int]:
    keep: set[int] = {verb.i}
    for child in verb.children:
        if child.dep_ in _CLAUSE_PARTS and not (child.dep_ == "prep" and _is_time(child)):
            keep |= _phrase(child, entity_at)
    return keep


def _phrase(token: Token, entity_at: list[str | None]) -> set[int]:
    """The token and the words of its phrase, without asides."""
    found = {token.i}
    for child in token.children:
        if child.dep_ in _ASIDES:
            continue
        if child.dep_ == "prep" and _is_time(child):
            continue
        if child.dep_ == "appos" and entity_at[token.i] is not None:
            continue  # "Kim Myong-gil, the North's top negotiator,": a description
        if child.dep_ == "punct" and not _kept_punctuation(child, token):
            continue
        if child.dep_ == "poss" and child.ent_type_ in _TIME_ENTITIES:
            continue  # "Saturday's talks": the date is not who
        found |= _phrase(child, entity_at)
    return found


def _kept_punctuation(punct: Token, head: Token) -> bool:
    if punct.text in ("-", "'s", "\u2019s", "'", "\u2019", "/", "&"):
        return True
    # The commas of a list ("Canada, Germany and France"), not of an aside.
    return punct.text == "," and any(c.dep_ == "conj" for c in head.children)


def _passive_participle(verb: Token) -> bool:
    return (
        verb.tag_ == "VBN"
        and verb.dep_ in ("acl", "advcl", "relcl")
        and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
        and any(c.dep_ == "agent" for c in verb.children)
    )


def _participle_line(
    verb: Token,
    entities: dict[str, ArticleEntity],
    entity_at: list[str | None],
    pronoun: Callable[[Token], str | None] | None,
) -> str:
    agent = next(c for c in verb.children if c.dep_ == "agent")
    doers = [c for c in agent.children if c.dep_ == "pobj"]
    if not doers:
        return ""
    parts = [
        _render(
            [verb.doc[i] for i in sorted(_phrase(doers[0], entity_at))],
            entities,
            entity_at,
            pronoun,
        ),
        verb.text,
    ]
    if verb.dep_ == "acl":
        thing = {
            i
            for i in _phrase(verb.head, entity_at)
            if not (verb.left_edge.i <= i <= verb.right_edge.i)
        }
        parts.append(_render([verb.doc[i] for i in sorted(thing)], entities, entity_at, pronoun))
    line = " ".join(p for p in parts if p)
    return line[:1].upper() + line[1:] if len(line.split()) >= 3 else ""


def _verb_above(token: Token) -> Token | None:
    for _ in range(6):
        if token.head == token:
            return None
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            return token
    return None


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in _SUBJECTS for c in verb.children)


def _borrowed_subject(verb: Token) -> Token | None:
    """The subject a clause without one takes from the clause it depends on ("agreed to
    hold talks", "and warned Seoul", "blamed the U.S. for staging drills")."""
    subjects = clause_subjects(verb)
    return subjects[0] if subjects else None


def _is_time(prep: Token) -> bool:
    return any(
        c.dep_ == "pobj" and (c.ent_type_ in _TIME_ENTITIES or c.like_num) for c in prep.children
    )


def _shortened(tokens: list[Token], trigger: Token) -> list[Token]:
    """The words nearest the trigger, within the length a line allows."""
    index = next((i for i, t in enumerate(tokens) if t.i >= trigger.i), 0)
    start = max(0, min(index - _MAX_WORDS // 3, len(tokens) - _MAX_WORDS))
    return tokens[start : start + _MAX_WORDS]


def _render(
    tokens: list[Token],
    entities: dict[str, ArticleEntity],
    entity_at: list[str | None],
    pronoun: Callable[[Token], str | None] | None,
) -> str:
    parts: list[str] = []
    named: set[str] = set()
    for position, token in enumerate(tokens):
        if token.text in _QUOTES:
            continue
        text = token.text
        if token.lower_ in _PRONOUNS and token.dep_ in _SUBJECTS:
            key = entity_at[token.i] or (pronoun(token) if pronoun is not None else None)
            # "North Korea said it would": a pronoun after its name stays a pronoun.
            if key is not None and key in entities and key not in named:
                text = entities[key].name
        elif entity_at[token.i] is not None:
            named.add(entity_at[token.i])  # type: ignore[arg-type]
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        gap = token.whitespace_ if following is not None else ""
        if following is not None and following.i != token.i + 1 and not gap:
            gap = " "
        parts.append(text + gap)
    return " ".join("".join(parts).split()).strip(" ,;:-")


def _fallback(event: ArticleEvent, entities: dict[str, ArticleEntity]) -> str:
    """When the clause gives no readable line: the type and who took part."""
    names = [entities[k].name for k in event.actors if k in entities]
    line = _LABELS[event.event_type]
    if names:
        line += ": " + ", ".join(names)
    if event.place and event.place in entities:
        line += f", in {entities[event.place].name}"
    return line
