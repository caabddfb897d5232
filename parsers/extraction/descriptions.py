"""What the text says a person is: the role and affiliation written next to a name.

"Park Won-gon, professor of international politics at Handong Global University",
"U.S. State Department spokesperson Morgan Ortagus", "the North's top nuclear
negotiator, Kim Myong-gil,". The words of such descriptions also tell apart two people
who share a surname ("Kim, the top North Korean negotiator").
"""

from __future__ import annotations

import re

from parsers.extraction.model import ArticleEntity
from parsers.extraction.names import name_key

ROLE_NOUNS = (
    r"professor|lecturer|researcher|fellow|analyst|scholar|expert|diplomat|official|"
    r"spokesperson|spokesman|spokeswoman|negotiator|envoy|ambassador|minister|secretary|"
    r"director|chief|head|chairman|chairwoman|leader|president|adviser|advisor|general|"
    r"commander|lawmaker|senator|representative|reporter|correspondent|editor|"
    r"vice\s+minister|deputy|officer|strategist|economist|historian|member|dean|"
    r"founder|manager|consultant|attorney|lawyer|sister|aide|premier|governor|mayor"
)
_CLAUSE_CHAR = r"(?:[^,;.]|\.(?!\s|$)|\.(?=\s[a-z]))"  # periods of "U.S." but not a sentence end
ROLE_AFTER = re.compile(
    rf"^,\s+(?:(?:a|an|the|his|her)\s+)?(?P<role>{_CLAUSE_CHAR}{{0,80}}?\b(?:{ROLE_NOUNS})\b"
    rf"{_CLAUSE_CHAR}*)(?=[,;.]|$)",
    re.IGNORECASE,
)
# Role nouns as a set, for the word just before a name ("spokesperson Morgan Ortagus").
ROLE_WORDS = frozenset(w.replace("\\s+", " ") for w in ROLE_NOUNS.split("|")) | frozenset(
    {"prof.", "gen.", "sen.", "rep.", "amb."}
)
# Roles of people who speak for a state or an organization, not about it: their words
# are the state's statements ("spokesperson", "minister"), an analyst's are not.
OFFICIAL_WORDS = frozenset(
    """spokesperson spokesman spokeswoman minister secretary ambassador envoy president
    premier chairman chairwoman leader director chief commander general negotiator
    diplomat official governor mayor senator lawmaker representative deputy head aide
    adviser advisor officer sister""".split()
)

# Function words carry no description; titles ("president") do, so they stay.
_FUNCTION_WORDS = frozenset(
    """a an the but and or of for to from by with in on at as his her their its s who which
    that this now also""".split()
)
# Words that describe the same role or country in different ways.
_SYNONYMS = {
    "envoy": "negotiator",
    "korean": "korea",
    "koreans": "korea",
    "american": "us",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
}
_LETTERS = re.compile(r"[a-z]+")
_CLAUSE_OPENING = re.compile(r"[,;(]|\b(?:said|and|with|between|since|of|by|after)\b")


# What opens a clause rather than a description: "who was described as her top aide",
# "that the minister's deputy". The role is the noun phrase after it.
_ROLE_OPENING = re.compile(
    r"^(?:who|that|which)\s+(?:(?:is|was|has\s+been|had\s+been|serves\s+as|served\s+as)\s+)?"
    r"(?:(?:described|known|identified|named)\s+as\s+)?(?:(?:a|an|the)\s+)?",
    re.IGNORECASE,
)


# Where a clause ends and an appositive in front of a name may begin.
_FRONT_CLAUSE = re.compile(
    r"\b(?:said|says|told|that|when|while|because|whom|which|announced|reported)\b"
)


def clean_role(role: str) -> str:
    """The description without the words that only join it to the sentence."""
    role = role.strip()
    return _ROLE_OPENING.sub("", role, count=1).strip() or role


def words_of(text: str) -> set[str]:
    """Content words, for comparing descriptions ("top nuclear negotiator")."""
    return {_SYNONYMS.get(w, w) for w in _LETTERS.findall(text.lower()) if w not in _FUNCTION_WORDS}


def last_word(before: str) -> str:
    """The word just before a position, lowercased ("" when there is none)."""
    words = before[-40:].split()
    return words[-1].lower() if words else ""


def describe(
    entity: ArticleEntity,
    text: str,
    start: int,
    end: int,
    entities: dict[str, ArticleEntity],
) -> None:
    """Keep the role and affiliation the text gives a person next to the name."""
    after = ROLE_AFTER.match(text[end : end + 200])
    if after:
        role = clean_role(after.group("role"))
        entity.descriptors.update(words_of(role))
        if entity.role is None:
            entity.role = role
            entity.affiliation = _affiliation(role, entities)
    before = text[max(0, start - 80) : start]
    title = last_word(before)
    clause = _CLAUSE_OPENING.split(before)[-1]
    # "Japan's ambassador to South Korea Sato Kenji": a title a few words
    # before the name, with where the person is sent between.
    sent_to = re.search(
        rf"\b(?i:{ROLE_NOUNS})\s+to\s+(?:the\s+)?(?:[A-Z][\w.'-]*\s+){{1,4}}$", clause
    )
    if title in ROLE_WORDS or sent_to:
        # "U.S. State Department spokesperson Morgan Ortagus": the words up to the name.
        clause = " ".join(clause.split()[-(9 if sent_to else 5) :])
        entity.descriptors.update(words_of(clause))
        if entity.role is None:
            entity.role = clean_role(clause) or title
            entity.affiliation = _affiliation(clause, entities)
    # "the North's top nuclear negotiator, Kim Myong-gil,": an appositive in front.
    front = before.rstrip()
    if front.endswith(","):
        phrase = front[:-1]
        phrase = phrase[max(phrase.rfind(","), phrase.rfind(";")) + 1 :]
        # "Officials said that the minister's aide, Lee ...": the words after the verb.
        phrase = _FRONT_CLAUSE.split(phrase)[-1].strip()
        if 3 <= len(phrase) <= 80 and last_word(phrase + " ") in ROLE_WORDS:
            # "Kim Yo-jong, the sister of the leader, Kim Jong-un": he is the leader;
            # the words before "of" are hers.
            phrase = re.split(r"\s+of\s+", phrase)[-1]
            entity.descriptors.update(words_of(phrase))
            if entity.role is None:
                entity.role = clean_role(phrase)


def _affiliation(role: str, entities: dict[str, ArticleEntity]) -> str | None:
    key = name_key(role)
    for entity in entities.values():
        if entity.type == "ORG" and any(name_key(s) in key for s in entity.surfaces if s):
            return entity.key
    return None
