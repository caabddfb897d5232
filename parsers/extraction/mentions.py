"""Finding who and what an article mentions, and resolving short references.

Three passes over each sentence: names the reference knows (longest match first),
organizations and people the text introduces itself, then short references
("Oba", "Kim, the top North Korean negotiator") to the people already found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.extraction.model import ArticleEntity, Mention
from parsers.extraction.names import name_key
from parsers.extraction.reference import Actor, Reference
from parsers.extraction.text import NEXT_NAME_WORD, WORD

# Words that open a sentence or a clause and are capitalized for that reason only.
STOPWORDS = frozenset(
    """a an the but and or if in on at of for to from by with after before since while despite
    such it its his her their our we they he she what when where who why how having hours
    this that these those there here as also yet still so then however meanwhile monday
    tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december news source professor president minister
    former senior last next according""".split()
)
KOREAN_SURNAMES = frozenset(
    """kim lee yi ri rhee park pak choi choe jung chung jong kang cho jo yoon yun jang chang
    lim im han oh o seo suh shin sin kwon hwang ahn an song yoo yu ryu hong jeon chon ko
    moon mun yang son bae baek paek heo nam shim sim noh roh ha kwak sung cha joo ju woo koo
    min hyon hyun jon kye chae ra""".split()
) | frozenset(
    # Chinese names are written surname first in English copy too.
    """wang li zhang liu chen yang zhao huang zhou wu xu sun hu zhu gao lin he guo ma luo
    liang zheng xie tang feng dong xiao cao yuan deng fu shen zeng peng lu su jiang cai jia
    ding wei xue ye yan pan du dai xia zhong tian ren fan fang shi yao tan liao zou xiong
    hao kong bai cui mao qiu qin gu hou shao meng long wan duan qian yin""".split()
)
ROLE_NOUNS = (
    r"professor|lecturer|researcher|fellow|analyst|scholar|expert|diplomat|official|"
    r"spokesperson|spokesman|spokeswoman|negotiator|envoy|ambassador|minister|secretary|"
    r"director|chief|head|chairman|chairwoman|leader|president|adviser|advisor|general|"
    r"commander|lawmaker|senator|representative|reporter|correspondent|editor|"
    r"vice\s+minister|deputy|officer|strategist|economist|historian|member|dean|"
    r"founder|manager|consultant|attorney|lawyer|sister|aide"
)
_CLAUSE_CHAR = r"(?:[^,;.]|\.(?!\s|$)|\.(?=\s[a-z]))"  # periods of "U.S." but not a sentence end
_ROLE_AFTER = re.compile(
    rf"^,\s+(?:(?:a|an|the|his|her)\s+)?(?P<role>{_CLAUSE_CHAR}{{0,80}}?\b(?:{ROLE_NOUNS})\b"
    rf"{_CLAUSE_CHAR}*)(?=[,;.]|$)",
    re.IGNORECASE,
)
# Words of a title or a nationality written before a name, capitalized with it:
# "Chinese Foreign Minister Wang Yi", "Vice Defense Minister Kim Seon-ho".
_TITLE_PREFIX_WORDS = frozenset(
    """minister secretary president premier chairman chairwoman ambassador envoy spokesperson
    spokesman spokeswoman director general commander chief admiral senator representative
    governor mayor professor vice deputy foreign defense defence unification prime cabinet
    chinese japanese russian american korean british french german national security adviser
    advisor special lt gen adm col sgt state first lady leader""".split()
)
# Capitalized pairs that look like names but end like organizations or things.
_NOT_PERSON_ENDINGS = frozenset(
    """steel command bureau corp company group bank army navy force forces guard news times
    post herald daily journal industries electronics motors airlines air koryo court embassy
    mission assembly station complex house office treasury pentagon kremlin programme
    program fund cosmodrome island islands province prefecture county sea strait bay river
    mountain mountains peninsula ministry agency council committee party""".split()
)
# Titles written before a name and capitalized as part of it: "Professor Leif-Eric Easley".
_TITLE_WORDS = frozenset(
    {"professor", "president", "minister", "ambassador", "general", "senator", "chairman"}
)
# Role nouns as a set, for the word just before a name ("spokesperson Morgan Ortagus"):
# a look-up instead of a regex search over the text before every name.
_ROLE_WORDS = frozenset(w.replace("\\s+", " ") for w in ROLE_NOUNS.split("|")) | frozenset(
    {"prof.", "gen.", "sen.", "rep.", "amb."}
)
_SPEECH_WORDS = frozenset(
    "said says added told noted argued wrote stressed warned explained asked".split()
)
_SPEECH = (
    r"(?:said|says|added|told|noted|argued|wrote|stressed|warned|explained|asked|pointed\s+out)"
)
_SPEECH_AFTER = re.compile(rf"^,?\s+{_SPEECH}\b")
# Capitalized words in a row. The word boundary before the first is written as a
# look-behind after its capital, `[A-Z](?<!\w[A-Z])`, which means the same as `\b[A-Z]`
# but lets the regex engine skip straight to capitals instead of trying every position.
_PERSON_NAME = re.compile(
    r"[A-Z](?<!\w[A-Z])[a-z]+(?:-[A-Za-z][a-z]+)?(?:\s+[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?){1,5}\b"
)
_CAPITALIZED_WORD = re.compile(r"[A-Z](?<!\w[A-Z])[a-z]+\b")  # \b[A-Z][a-z]+\b, as above
_ORG_HEADS = (
    r"University|Institute|Center|Centre|Council|Agency|Ministry|Committee|Foundation|"
    r"Association|Party|Command|Office|Department|Academy|Corporation|Bank|Service|"
    r"Organization|Commission|Federation|Union|College|School|Forum|Society|Group|"
    r"Bureau|Embassy|Mission|Court|Assembly|Guard|Navy|Army|Forces|Company|Programme|Fund|"
    r"Secretariat|Headquarters"
)
_PLACE_NAME = re.compile(
    r"\b(?:(?:Mount|Mt\.)\s+[A-Z][a-z]+|[A-Z][a-z]+(?:-[a-z]+)?\s+"
    r"(?P<head>Island|Islands|Province|Prefecture|County|Strait|Bay|River|Sea))\b"
)
_PLACE_TYPES = {"province": "GPE", "prefecture": "GPE", "county": "GPE"}
# A word every place name above holds, for a quick test before the full pattern.
_PLACE_CUE = re.compile(r"Mount|Mt\.|Island|Province|Prefecture|County|Strait|Bay|River|Sea")
_ORG_NAME = re.compile(
    rf"\b(?:[A-Z][\w'\u2019.-]*\s+)*?(?:[A-Z][\w'\u2019.-]*\s+)?(?:{_ORG_HEADS})\b"
    rf"(?:\s+(?:of|for|on)(?:\s+(?:the|and|[A-Z][\w'\u2019.-]*)){{1,6}})?"
    rf"(?:\s+\((?P<acronym>[A-Z]{{2,8}})\))?"
)
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|to|from|near|outside|inside|into|via|arriving in|visit(?:ed|ing)?)\s+$",
    re.IGNORECASE,
)


@dataclass
class SentenceText:
    paragraph_seq: int
    index: int
    text: str
    offset: int  # of the sentence within its paragraph


class MentionFinder:
    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        lowercase_openers = sorted(
            {
                re.escape(form.split()[0])
                for actor in reference.actors.values()
                for form in actor.surface_forms
                if form[:1].islower()
            }
        )
        # Where a name can open, and the word that opens it: matching the whole word
        # saves a second regex call per opener, and skips no other opener, as an opener
        # only starts where a word does.
        self._openers = re.compile(
            r"\b(?=[A-Z0-9]"
            + "".join(f"|{w}\\b" for w in lowercase_openers)
            + rf")(?P<word>{WORD.pattern})"
        )
        self._lowercase_ok = set()
        self._all_caps = set()
        for actor in reference.actors.values():
            keys: dict[str, list[str]] = {}
            for form in actor.surface_forms:
                keys.setdefault(name_key(form), []).append(form)
            for key, forms in keys.items():
                if any(f[:1].islower() for f in forms):
                    self._lowercase_ok.add(key)
                if all(_letters(f).isupper() for f in forms):
                    self._all_caps.add(key)

    def find(self, sentences: list[SentenceText]) -> tuple[dict[str, ArticleEntity], list[Mention]]:
        entities: dict[str, ArticleEntity] = {}
        mentions: list[Mention] = []
        for sentence in sentences:
            text = sentence.text
            # An organization named around a reference name is the organization:
            # "United Nations Command", not "United Nations" + "Command".
            organizations = _org_matches(text, [])
            references = [
                (start, end, actor)
                for start, end, actor in self._reference_matches(text)
                if not any(
                    o_start <= start and end <= o_end and (o_end - o_start) > (end - start)
                    for o_start, o_end, _, _ in organizations
                )
            ]
            taken: list[tuple[int, int]] = []
            for start, end, actor in references:
                entity = self._entity_for_actor(actor, text, start, end, entities)
                self._add(entities, mentions, entity, sentence, start, end)
                taken.append((start, end))
            for start, end, name, acronym in organizations:
                if _overlaps(start, end, taken):
                    continue
                entity = _text_entity(entities, name, "ORG")
                if acronym:
                    entity.surfaces.add(acronym)
                self._add(entities, mentions, entity, sentence, start, end)
                taken.append((start, end))
            for match in _place_matches(text):
                start, end = match.span()
                if _overlaps(start, end, taken) or match.group().split()[0].lower() in STOPWORDS:
                    continue
                head = (match.group("head") or "").lower()
                entity = _text_entity(entities, match.group(), _PLACE_TYPES.get(head, "LOC"))
                self._add(entities, mentions, entity, sentence, start, end)
                taken.append((start, end))
            for start, end, name in _person_matches(sentence.text, taken):
                entity = _text_entity(entities, name, "PERSON")
                _describe(entity, sentence.text, start, end, entities)
                self._add(entities, mentions, entity, sentence, start, end)
                taken.append((start, end))
        mentions.extend(_short_references(sentences, entities, mentions))
        mentions.sort(key=lambda m: (m.paragraph_seq, m.sentence, m.start))
        mentions.extend(_pronoun_references(sentences, entities, mentions))
        mentions.sort(key=lambda m: (m.paragraph_seq, m.sentence, m.start))
        return entities, mentions

    def _reference_matches(self, text: str) -> list[tuple[int, int, Actor]]:
        """Reference names in the text; of overlapping matches the longest wins.

        Only words that can open a name are tried (capitalized ones, and the few
        lowercase openers of aliases such as "the North"): most words cannot.
        """
        prefixes, by_key = self.reference.prefixes, self.reference.by_key
        limit = self.reference.max_words
        candidates: list[tuple[int, int, str]] = []
        for opener in self._openers.finditer(text):
            start = opener.start()
            word: re.Match[str] | None = opener
            key = ""
            words = 0
            longest = None
            # Word by word, while some name still starts with what has been read.
            while word is not None:
                token = word.group("word")
                key += token.lower() if token.isascii() and token.isalnum() else name_key(token)
                words += 1
                if key not in prefixes:
                    break
                actor_id = by_key.get(key)
                if actor_id and self._case_fits(key, text[start : word.end()]):
                    longest = (start, word.end(), actor_id)
                if words == limit:
                    break
                word = NEXT_NAME_WORD.match(text, word.end())
            if longest:
                candidates.append(longest)
        chosen: list[tuple[int, int, str]] = []
        for start, end, actor_id in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if all(end <= c_start or start >= c_end for c_start, c_end, _ in chosen):
                chosen.append((start, end, actor_id))
        return [(start, end, self.reference.actors[a]) for start, end, a in sorted(chosen)]

    def _case_fits(self, key: str, surface: str) -> bool:
        if surface[:1].islower() and key not in self._lowercase_ok:
            return False
        return not (key in self._all_caps and not _letters(surface).isupper())

    def _entity_for_actor(
        self, actor: Actor, text: str, start: int, end: int, entities: dict[str, ArticleEntity]
    ) -> ArticleEntity:
        # "Pyongyang said", "Washington's failure": a capital that acts is its state.
        # "arriving in Beijing", "the Hanoi summit", a dateline: the city itself.
        if actor.capital_of and _acts_as_state(text, start, end):
            actor = self.reference.actors.get(actor.capital_of, actor)
        entity = entities.get(f"ref:{actor.id}")
        if entity is None:
            entity = ArticleEntity(
                key=f"ref:{actor.id}",
                name=actor.name,
                type=actor.type,
                country=actor.country,
                wikidata=actor.wikidata,
            )
            for office in actor.offices:
                entity.descriptors.update(_words(office.title))
            entities[entity.key] = entity
        if actor.type == "PERSON":
            _describe(entity, text, start, end, entities)
        return entity

    @staticmethod
    def _add(
        entities: dict[str, ArticleEntity],
        mentions: list[Mention],
        entity: ArticleEntity,
        sentence: SentenceText,
        start: int,
        end: int,
    ) -> None:
        surface = sentence.text[start:end]
        entity.surfaces.add(surface)
        entities.setdefault(entity.key, entity)
        mentions.append(
            Mention(
                entity.key,
                sentence.paragraph_seq,
                sentence.index,
                sentence.offset + start,
                sentence.offset + end,
                surface,
            )
        )


_STATE_VERB_AFTER = re.compile(
    r"^(?:['\u2019]s\b|\s+(?:has|have|had|is|was|will|would|could|can|may|might|must|should"
    r"|did|does|said|says|wants|sees|seems|appears|[a-z]+ed)\b|\s+and\s+[A-Z])"
)


def _acts_as_state(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 30) : start]
    if _LOCATIVE_BEFORE.search(before):
        return False
    return bool(_STATE_VERB_AFTER.match(text[end : end + 30]) or before.endswith("between "))


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha())


def words_of(text: str) -> set[str]:
    """Content words, for comparing descriptions ("top nuclear negotiator")."""
    return _words(text)


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


def _words(text: str) -> set[str]:
    return {_SYNONYMS.get(w, w) for w in _LETTERS.findall(text.lower()) if w not in _FUNCTION_WORDS}


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end in taken)


def _text_entity(entities: dict[str, ArticleEntity], name: str, type_: str) -> ArticleEntity:
    key = f"txt:{name_key(name)}"
    entity = entities.get(key)
    if entity is None:
        entity = ArticleEntity(key=key, name=name, type=type_)
        entities[key] = entity
    return entity


# A head word, for a quick test before the full pattern. Without a leading \b (every
# head starts a word in the pattern anyway) the engine skips straight to capitals.
_ORG_HEAD = re.compile(rf"(?:{_ORG_HEADS})\b")
_ORG_HEAD_WORD = re.compile(_ORG_HEADS)


def _org_matches(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str, str | None]]:
    if not _ORG_HEAD.search(text):
        return []  # the common case, and far cheaper than the full pattern
    found = []
    for match in _ORG_NAME.finditer(text):
        start, end = match.span()
        name = match.group()
        if match.group("acronym"):
            name = name[: name.rfind("(")].rstrip()
        words = name.split()
        # Leading sentence words and possessors are not part of the name
        # ("But Ewha Womans University", "the North's Korean Central News Agency").
        while words and (words[0].lower() in STOPWORDS or words[0].endswith(("'s", "\u2019s"))):
            start += len(words[0]) + 1
            words = words[1:]
        while words and words[-1].lower() in {"of", "for", "on", "the", "and"}:
            words = words[:-1]
        name = " ".join(words)
        if len(words) < 2 or _overlaps(start, start + len(name), taken):
            continue
        found.append(
            (
                start,
                end if match.group("acronym") else start + len(name),
                name,
                match.group("acronym"),
            )
        )
    return found


def _place_matches(text: str) -> list[re.Match[str]]:
    if not _PLACE_CUE.search(text):
        return []  # the common case, and far cheaper than the full pattern
    return list(_PLACE_NAME.finditer(text))


def _person_matches(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    found = []
    for match in _PERSON_NAME.finditer(text):
        start, end = match.span()
        words = match.group().split()
        titled = False
        # "Chinese Foreign Minister Wang Yi": the name is what follows the last title word.
        cut = max(
            (i + 1 for i, w in enumerate(words) if w.lower() in _TITLE_PREFIX_WORDS), default=0
        )
        if cut:
            titled = True
            start += len(" ".join(words[:cut])) + 1
            words = words[cut:]
        while words and words[0].lower() in STOPWORDS:
            titled = titled or words[0].lower() in _TITLE_WORDS
            start += len(words[0]) + 1
            words = words[1:]
        if not 2 <= len(words) <= 3 or any(w.lower() in STOPWORDS for w in words):
            continue
        if words[-1].lower() in _NOT_PERSON_ENDINGS or _ORG_HEAD_WORD.fullmatch(words[-1]):
            continue
        end = start + len(" ".join(words))
        if _overlaps(start, end, taken):
            continue
        before, after = text[max(0, start - 40) : start], text[end : end + 160]
        evidence = (
            titled
            or _ROLE_AFTER.match(after)
            or _last_word(before) in _ROLE_WORDS
            or _SPEECH_AFTER.match(after)
            or _last_word(before).rstrip(",") in _SPEECH_WORDS
        )
        if evidence:
            found.append((start, end, " ".join(words)))
    return found


_CLAUSE_OPENING = re.compile(r"[,;(]|\b(?:said|and|with|between|since|of|by|after)\b")


def _describe(
    entity: ArticleEntity,
    text: str,
    start: int,
    end: int,
    entities: dict[str, ArticleEntity],
) -> None:
    """Keep the role and affiliation the text gives a person next to the name."""
    after = _ROLE_AFTER.match(text[end : end + 200])
    if after:
        role = after.group("role").strip()
        entity.descriptors.update(_words(role))
        if entity.role is None:
            entity.role = role
            entity.affiliation = _affiliation(role, entities)
    before = text[max(0, start - 80) : start]
    title = _last_word(before)
    if title in _ROLE_WORDS:
        # "U.S. State Department spokesperson Morgan Ortagus": the words up to the name.
        clause = _CLAUSE_OPENING.split(before)[-1]
        clause = " ".join(clause.split()[-5:])
        entity.descriptors.update(_words(clause))
        if entity.role is None:
            entity.role = clause or title
            entity.affiliation = _affiliation(clause, entities)
    # "the North's top nuclear negotiator, Kim Myong-gil,": an appositive in front.
    front = before.rstrip()
    if front.endswith(","):
        phrase = front[:-1]
        phrase = phrase[max(phrase.rfind(","), phrase.rfind(";")) + 1 :].strip()
        if 3 <= len(phrase) <= 80 and _last_word(phrase + " ") in _ROLE_WORDS:
            entity.descriptors.update(_words(phrase))
            if entity.role is None:
                entity.role = phrase


def _last_word(before: str) -> str:
    """The word just before a position, lowercased ("" when there is none)."""
    words = before[-40:].split()
    return words[-1].lower() if words else ""


def _affiliation(role: str, entities: dict[str, ArticleEntity]) -> str | None:
    key = name_key(role)
    for entity in entities.values():
        if entity.type == "ORG" and any(name_key(s) in key for s in entity.surfaces if s):
            return entity.key
    return None


def _short_references(
    sentences: list[SentenceText], entities: dict[str, ArticleEntity], mentions: list[Mention]
) -> list[Mention]:
    """Surname-only references, resolved only where the article leaves one candidate."""
    people: dict[str, list[ArticleEntity]] = {}
    for entity in entities.values():
        if entity.type == "PERSON":
            people.setdefault(_surname(entity.name), []).append(entity)
    spans = {(m.paragraph_seq, m.start) for m in mentions}
    # Surnames of leaders the article names, to read "Trump and Kim" as a leaders' pair.
    leader_surnames = "|".join(
        re.escape(_surname(e.name).title())
        for e in entities.values()
        if e.type == "PERSON" and e.descriptors & _LEADER_WORDS
    )
    found = []
    for sentence in sentences:
        for match in _CAPITALIZED_WORD.finditer(sentence.text):
            surname = match.group().lower()
            candidates = people.get(surname)
            if not candidates or (sentence.paragraph_seq, sentence.offset + match.start()) in spans:
                continue
            if _inside_longer_name(sentence.text, match.start(), match.end()):
                continue
            entity = _pick(candidates, sentence.text, match.start(), match.end(), leader_surnames)
            if entity is None:
                continue
            found.append(
                Mention(
                    entity.key,
                    sentence.paragraph_seq,
                    sentence.index,
                    sentence.offset + match.start(),
                    sentence.offset + match.end(),
                    match.group(),
                )
            )
    return found


def _surname(name: str) -> str:
    words = name.replace("-", " ").split()
    if words and words[0].lower() in KOREAN_SURNAMES and len(words) >= 2:
        return words[0].lower()
    return words[-1].lower() if words else ""


_NAME_GOES_ON = re.compile(r" [A-Z][a-z]")
_NAME_BEFORE = re.compile(r"[A-Z][a-z]+ $")


def _inside_longer_name(text: str, start: int, end: int) -> bool:
    """'Kim' in 'Kim Jong Un' or 'Trump' in 'Trump-Kim' is not a short reference alone."""
    before, after = text[max(0, start - 30) : start], text[end : end + 3]
    return bool(_NAME_GOES_ON.match(after)) or bool(_NAME_BEFORE.search(before))


_LEADER_WORDS = frozenset({"leader", "president", "chairman", "supreme", "premier"})


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
    role_after = _ROLE_AFTER.match(text[end : end + 200])
    context = _words(text[max(0, start - 60) : start]) | _words(
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


def _pronoun_references(
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
