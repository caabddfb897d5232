"""Short references to what the article names in full: a surname alone, "he", "she", a
body by its head word.

"Oba said" after "Mintaro Oba, a former U.S. diplomat"; "Kim, the top North Korean
negotiator" when the article names two Kims; '"...," he added.' after one person was
named; "a Council meeting" after "the U.N. Security Council". Each is resolved only where
the article leaves one candidate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from parsers.extraction.descriptions import ROLE_AFTER, words_of
from parsers.extraction.model import ArticleEntity, Mention

KOREAN_SURNAMES = frozenset(
    """kim lee yi ri rhee park pak choi choe jung chung jong kang cho jo yoon yun jang chang
    lim im han oh o seo suh shin sin kwon hwang ahn an song yoo yu ryu hong jeon chon ko
    moon mun yang son bae baek paek heo nam shim sim noh roh ha kwak sung cha joo ju woo koo
    min hyon hyun jon kye chae ra no to so thae ryang pyon tak ku""".split()
) | frozenset(
    # Chinese names are written surname first in English copy too.
    """wang li zhang liu chen yang zhao huang zhou wu xu sun hu zhu gao lin he guo ma luo
    liang zheng xie tang feng dong xiao cao yuan deng fu shen zeng peng lu su jiang cai jia
    ding wei xue ye yan pan du dai xia zhong tian ren fan fang shi yao tan liao zou xiong
    hao kong bai cui mao qiu qin gu hou shao meng long wan duan qian yin xi""".split()
)
# One syllable of a romanized Korean given name (McCune-Reischauer or Revised
# Romanization): "pyong", "chol", "hyun", "geun", "thae".
_KOREAN_SYLLABLE = re.compile(
    r"(?:kk|tt|pp|ss|jj|ch|ph|th|kh|[bcdghjklmnprstw])?"
    r"(?:wae|yae|yeo|a|ae|eo|eu|e|i|o|oe|ou|u|ui|wa|wo|we|wi|ya|ye|yo|yu|yi|oo|ee)"
    r"(?:ng|n|m|l|k|p|t|r|ck)?"
)
# \b[A-Z][a-z]+\b, also with a capital inside ("LaCamera", "McDonald"), written so that
# the regex engine skips straight to capitals.
_CAPITALIZED_WORD = re.compile(r"[A-Z](?<!\w[A-Z])[a-z]+(?:[A-Z][a-z]+)?\b")
_LEADER_WORDS = frozenset({"leader", "president", "chairman", "supreme", "premier"})


@dataclass(frozen=True, slots=True)
class SentenceText:
    paragraph_seq: int
    index: int
    text: str
    offset: int  # of the sentence within its paragraph


def is_korean_syllable(word: str) -> bool:
    return _KOREAN_SYLLABLE.fullmatch(word) is not None


def surname(name: str) -> str:
    words = name.replace("-", " ").split()
    if words and words[0].lower() in KOREAN_SURNAMES and len(words) >= 2:
        return words[0].lower()
    return words[-1].lower() if words else ""


def short_references(
    sentences: list[SentenceText], entities: dict[str, ArticleEntity], mentions: list[Mention]
) -> list[Mention]:
    """Surname-only references, resolved only where the article leaves one candidate."""
    people: dict[str, list[ArticleEntity]] = {}
    for entity in entities.values():
        if entity.type == "PERSON":
            people.setdefault(surname(entity.name), []).append(entity)
    # Surnames of leaders the article names, to read "Trump and Kim" as a leaders' pair.
    leader_surnames = "|".join(
        re.escape(surname(e.name).title())
        for e in entities.values()
        if e.type == "PERSON" and e.descriptors & _LEADER_WORDS
    )
    found = []
    for sentence, match in _lone_capitalized_words(sentences, mentions):
        candidates = people.get(match.group().lower())
        if not candidates:
            continue
        entity = _pick(candidates, sentence.text, match.start(), match.end(), leader_surnames)
        if entity is not None:
            found.append(_mention(entity, sentence, match))
    return found


def body_references(
    sentences: list[SentenceText],
    entities: dict[str, ArticleEntity],
    mentions: list[Mention],
    organization_heads: frozenset[str],
    connectors: frozenset[str],
) -> list[Mention]:
    """A body named by its capitalized head word alone ("the Council", "the Assembly"),
    where the article names exactly one body of several words with that head."""
    bodies: dict[str, list[ArticleEntity]] = {}
    for entity in entities.values():
        head = _head_word(entity.name, connectors) if entity.type == "ORG" else None
        if head is not None and head.lower() in organization_heads:
            bodies.setdefault(head, []).append(entity)
    if not bodies:
        return []
    return [
        _mention(candidates[0], sentence, match)
        for sentence, match in _lone_capitalized_words(sentences, mentions)
        if len(candidates := bodies.get(match.group(), [])) == 1
    ]


def _lone_capitalized_words(
    sentences: list[SentenceText], mentions: list[Mention]
) -> Iterator[tuple[SentenceText, re.Match[str]]]:
    """Each capitalized word that no mention claims and that is not part of a longer name:
    what a short reference may be."""
    spans = {(m.paragraph_seq, m.start) for m in mentions}
    for sentence in sentences:
        for match in _CAPITALIZED_WORD.finditer(sentence.text):
            if (sentence.paragraph_seq, sentence.offset + match.start()) in spans:
                continue
            if not _inside_longer_name(sentence.text, match.start(), match.end()):
                yield sentence, match


def _mention(entity: ArticleEntity, sentence: SentenceText, match: re.Match[str]) -> Mention:
    return Mention(
        entity.key,
        sentence.paragraph_seq,
        sentence.index,
        sentence.offset + match.start(),
        sentence.offset + match.end(),
        match.group(),
    )


def _head_word(name: str, connectors: frozenset[str]) -> str | None:
    """The word a body's name is built on, the last before any connector: "Council" in
    "United Nations Security Council", "Committee" in "Committee for the Peaceful
    Reunification of the Country". None for a name of one word."""
    words = name.split()
    if len(words) < 2:
        return None
    before = next((i for i, w in enumerate(words) if w.lower() in connectors), len(words))
    return words[before - 1] if before >= 1 else None


_NAME_GOES_ON = re.compile(r" [A-Z][a-z]")
_NAME_BEFORE = re.compile(r"(?P<word>[A-Z][a-z]+) $")
# Capitalized words that stand before a surname as a title, not as part of the name:
# "President Trump", "Chairman Kim", "Foreign Minister Kang".
_TITLES = frozenset(
    """president chairman chairwoman minister secretary premier leader ambassador envoy
    general admiral marshal senator governor mayor king queen emperor chancellor speaker
    director commissioner comrade mr mrs ms dr""".split()
)


def _inside_longer_name(text: str, start: int, end: int) -> bool:
    """'Kim' in 'Kim Jong Un' or 'Trump' in 'Trump-Kim' is not a short reference alone;
    'Trump' in 'President Trump' is."""
    before, after = text[max(0, start - 30) : start], text[end : end + 3]
    if _NAME_GOES_ON.match(after):
        return True
    word = _NAME_BEFORE.search(before)
    return word is not None and word["word"].lower() not in _TITLES


def _pick(
    candidates: list[ArticleEntity],
    text: str,
    start: int,
    end: int,
    leaders_nearby: str = "",
) -> ArticleEntity | None:
    if len(candidates) == 1:
        return candidates[0]
    # Several people share the surname: only a description next to it can decide.
    role_after = ROLE_AFTER.match(text[end : end + 200])
    context = words_of(text[max(0, start - 60) : start]) | words_of(
        role_after.group(0) if role_after else ""
    )
    scored = sorted(
        ((len(context & c.descriptors), c) for c in candidates), key=lambda pair: -pair[0]
    )
    # Two shared words at least ("top ... negotiator"): one ("north") decides nothing.
    if scored[0][0] >= 2 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    # "Trump and Kim", "a Trump-Kim meeting": named beside another country's leader,
    # a surname means that country's leader, when exactly one candidate leads.
    if _paired_with_leader(text, start, end, leaders_nearby):
        heads = [c for c in candidates if c.descriptors & _LEADER_WORDS]
        if len(heads) == 1:
            return heads[0]
    return None


def _paired_with_leader(text: str, start: int, end: int, leader_surnames: str) -> bool:
    if not leader_surnames:
        return False
    pair = rf"(?:{leader_surnames})"
    before, after = text[max(0, start - 40) : start], text[end : end + 40]
    return bool(
        re.search(rf"\b{pair}(?:\s+and\s+|-)$", before)
        or re.match(rf"(?:\s+and\s+|-){pair}\b", after)
    )


# A sentence that opens with "He" or "She", else a quote attributed to "he" or "she".
# Two patterns rather than one alternation: the second, led by its comma, is found much
# faster on its own.
_SUBJECT_PRONOUN = re.compile(r"(?:He|She)\b")
_QUOTE_PRONOUN = re.compile(r",[\"\u201d]?\s+(?:he|she)\s+(?:said|added|says|told)\b")


def pronoun_references(
    sentences: list[SentenceText], entities: dict[str, ArticleEntity], mentions: list[Mention]
) -> list[Mention]:
    """A "he" or "she" that opens a sentence or attributes a quote, resolved to the one
    person the sentence before names, and to nobody when it names none or several."""
    people_in: dict[tuple[int, int], list[str]] = {}
    for mention in mentions:
        if entities[mention.entity].type == "PERSON":
            people = people_in.setdefault((mention.paragraph_seq, mention.sentence), [])
            if mention.entity not in people:
                people.append(mention.entity)
    people_of_paragraph: dict[int, list[str]] = {}
    for (seq, _), people in sorted(people_in.items()):
        known = people_of_paragraph.setdefault(seq, [])
        known.extend(p for p in people if p not in known)
    found = []
    previous: SentenceText | None = None
    for sentence in sentences:
        match = _SUBJECT_PRONOUN.match(sentence.text) or _QUOTE_PRONOUN.search(sentence.text)
        if match and previous is not None:
            candidates = people_in.get((previous.paragraph_seq, previous.index), [])
            if (
                not candidates
                and match.start() > 0
                and sentence.paragraph_seq == previous.paragraph_seq
            ):
                # '"... . ...," he said.' closes a quote that began sentences ago: who
                # speaks is whom the paragraph before named.
                candidates = people_of_paragraph.get(sentence.paragraph_seq - 1, [])
            here = people_in.get((sentence.paragraph_seq, sentence.index), [])
            if len(candidates) == 1 and not here:
                pronoun = re.search(r"(?i)\b(?:he|she)\b", match.group())
                assert pronoun is not None
                start = match.start() + pronoun.start()
                found.append(
                    Mention(
                        candidates[0],
                        sentence.paragraph_seq,
                        sentence.index,
                        sentence.offset + start,
                        sentence.offset + start + len(pronoun.group()),
                        pronoun.group(),
                    )
                )
        previous = sentence
    return found
