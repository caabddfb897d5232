"""Whom a word stands for: names, pronouns, "the two leaders", "the North Korean
leader", "a spokesperson of the ministry", "his government"; and the state an actor acts
for. Shared by events (who took part) and quotes (who spoke).
"""

from __future__ import annotations

import itertools
from datetime import date

from spacy.tokens import Span, Token

from parsers.extraction.descriptions import OFFICIAL_WORDS
from parsers.extraction.mentions import Reading
from parsers.extraction.model import ArticleEntity, ArticleEvent, Mention
from parsers.extraction.states import StateIndex
from parsers.extraction.triggers import lemma_of

PERSONAL = frozenset({"he", "she", "him", "her", "his"})
COLLECTIVE = frozenset({"it", "they", "we", "them", "us", "its", "their", "our"})
# Words that describe someone who comments rather than speaks for a state or a body.
_COMMENTATORS = frozenset(
    """former ex analyst analysts professor lecturer researcher fellow expert scholar
    historian economist strategist consultant commentator""".split()
)
# Words that say a person is a woman: "she" is not her brother.
_FEMALE = frozenset(
    """sister wife lady daughter mother woman spokeswoman chairwoman madam ms mrs queen
    princess congresswoman businesswoman""".split()
)
# Common nouns for an office, and the reference's titles for it, the first preferred:
# "the North Korean leader" is its Supreme Leader, not the head of its assembly.
_OFFICE_TITLES = {
    "president": ("president", "president of the state affairs commission"),
    "leader": (
        "supreme leader",
        "general secretary",
        "president",
        "prime minister",
        "president of the state affairs commission",
    ),
    "premier": ("premier", "prime minister"),
    "minister": ("prime minister",),  # "the Japanese prime minister" (with "prime")
    "chancellor": ("chancellor",),
}
_FOREIGN_MINISTER = ("minister of foreign affairs", "foreign minister", "secretary of state")
_DEFENSE_MINISTER = ("minister of national defense", "defense minister", "secretary of defense")


def _office_titles(token: Token) -> tuple[str, ...] | None:
    """The reference's titles for the office a noun names: "president", "leader",
    "foreign minister", "prime minister"."""
    role = token.lemma_.lower()
    words = {c.lower_ for c in token.children if c.dep_ in ("compound", "amod")}
    if role == "minister":
        if "foreign" in words:
            return _FOREIGN_MINISTER
        if words & {"defense", "defence"}:
            return _DEFENSE_MINISTER
        if "prime" not in words:
            return None
    return _OFFICE_TITLES.get(role)


# Words that say an office's holder is not the one of the article's day.
_NOT_SITTING = frozenset(
    {"former", "late", "then", "ex", "previous", "past", "next", "future", "incoming"}
)
# Heads of a body's name that "the ministry" or "the agency" points back with.
_BODY_HEADS = frozenset(
    """ministry agency committee council office command party assembly bureau department
    commission cabinet embassy mission service secretariat""".split()
)
_FEMININE = frozenset({"she", "her", "hers", "herself"})
_CLAUSE_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
# Nouns for a state's own bodies: "his government" acts for the state he leads.
_BODIES = frozenset(
    """government administration country nation military army navy forces ministry
    cabinet regime leadership authorities state""".split()
)
# Nouns for those who speak or act for a body: "a spokesperson of the ministry".
SPOKESPEOPLE = frozenset(
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
}


class Referents:
    """Whom the words of one article stand for."""

    def __init__(
        self,
        index: StateIndex,
        entities: dict[str, ArticleEntity],
        mentions: list[Mention],
        speech_verbs: frozenset[str],
    ) -> None:
        self.index = index
        self.reference = index.reference
        self.entities = entities
        self.speech_verbs = speech_verbs
        # The article's paragraphs by number: for what "they" and "it added" point back to.
        self.readings: dict[int, Reading] = {}
        # The article's day: who held an office then ("the Russian president").
        self.day: date | None = None
        # Per paragraph, the people named, by position: for "he" and "she".
        self.people: dict[int, list[tuple[int, str]]] = {}
        # Every name in order (paragraph, position, entity): for "the two leaders".
        self.named: list[tuple[int, int, str]] = []
        # The same for nationality adjectives, found when first asked for.
        self._nationalities: list[tuple[int, int, str]] | None = None
        for mention in mentions:
            if mention.nested:
                continue
            self.named.append((mention.paragraph_seq, mention.start, mention.entity))
            if entities[mention.entity].type == "PERSON":
                self.people.setdefault(mention.paragraph_seq, []).append(
                    (mention.start, mention.entity)
                )

    def entities_of(self, token: Token, reading: Reading) -> list[str]:
        """The entities a noun phrase names: its own name, its appositive's ("his
        counterpart, Wang Yi"), or the state of its nationality adjective ("the North
        Korean leader"); a pronoun resolved to whom it stands for."""
        key = reading.entity_at[token.i]
        if key is not None:
            return [key]
        if token.lower_ in ("who", "which", "that") and token.head.dep_ == "relcl":
            # "Guterres, who called on North Korea to ...": whom the clause describes.
            return self.entities_of(token.head.head, reading)
        if token.pos_ == "PRON":
            if token.lower_ in ("they", "them", "their"):
                group = self._group(token, reading)
                if group:
                    return group
            resolved = self.pronoun(token, reading)
            return [resolved] if resolved else []
        if token.ent_type_ == "NORP":
            state = self._demonym(token)
            return [state] if state else []
        collective = self._collective(token, reading)
        if collective:
            return collective
        described = self._described(token, reading) or self._described_person(token, reading)
        if described is not None:
            return [described]
        found: list[str] = []
        for child in token.children:
            if child.dep_ == "appos":
                found.extend(self.entities_of(child, reading))
        if found:
            return found
        if token.lemma_.lower() in OFFICIAL_WORDS:
            # "Japan's ambassador to South Korea Sato Kenji": the name that
            # ends the title's phrase is whom it describes.
            edge = token.right_edge
            key = reading.entity_at[edge.i]
            if edge != token and key is not None and self.entities[key].type == "PERSON":
                return [key]
        if token.lemma_.lower() in SPOKESPEOPLE:
            # "Russian delegates at the United Nations": the state they are of; "the
            # Japanese prime minister": who held the office then.
            state = self._nationality(token)
            if state is not None:
                holder = self._holder(token, state)
                return [holder] if holder is not None else [state]
            # "a spokesperson of the North's foreign ministry", "an official at the ministry"
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ in ("of", "for", "at", "from"):
                    for pobj in child.children:
                        if pobj.dep_ == "pobj" and reading.entity_at[pobj.i] is not None:
                            return [reading.entity_at[pobj.i]]  # type: ignore[list-item]
        if _office_titles(token) is not None:
            # "China's foreign minister": who held the office then.
            for child in token.children:
                key = reading.entity_at[child.i] if child.dep_ == "poss" else None
                if key is not None and self.index.is_state(key):
                    holder = self._holder(token, key)
                    if holder is not None:
                        return [holder]
        for child in token.children:
            if (
                child.dep_ in ("compound", "poss", "nmod")
                and reading.entity_at[child.i] is not None
            ):
                found.append(reading.entity_at[child.i])  # type: ignore[arg-type]
            elif (
                child.dep_ == "prep"
                and child.lower_ == "of"
                and (token.lemma_.lower() in _BODIES or token.lemma_.lower() in _COLLECTIVE_NOUNS)
                and token.tag_ == "NNS"
            ):
                # "the governments of Shinzo Abe and Moon Jae-in", "the leaders of Japan
                # and South Korea": theirs.
                for pobj in _objects(child):
                    found.extend(k for k in [reading.entity_at[pobj.i]] if k is not None)
            elif (
                child.dep_ == "poss" and child.pos_ == "PRON" and (token.lemma_.lower() in _BODIES)
            ):
                # "his government", "its military": the government of whom it stands for.
                resolved = self.pronoun(child, reading)
                if resolved is not None:
                    found.append(resolved)
        if found:
            return found
        state = self._nationality(token)
        if state is not None:
            holder = self._holder(token, state)
            return [holder] if holder is not None else [state]
        return []

    def _holder(self, token: Token, state: str) -> str | None:
        """ "the Russian president", "China's foreign minister" on the article's day:
        who held that office of that state then."""
        if token.tag_ not in ("NN", "NNP"):
            return None
        if any(t.lower_ in _NOT_SITTING for t in token.doc[token.left_edge.i : token.i]):
            # "the former president", "the late leader", "then-president": not who
            # held the office on the article's day.
            return None
        titles = _office_titles(token)
        if titles is None:
            return None
        # Without the article's day: whoever of the people it names held the office.
        among = (
            None
            if self.day is not None
            else frozenset(k.removeprefix("ref:") for k in self.entities if k.startswith("ref:"))
        )
        holder = self.index.office_holder(state.removeprefix("ref:"), titles, self.day, among)
        return self.state_entity(holder) if holder is not None else None

    def _nationality(self, token: Token) -> str | None:
        """ "the North Korean leader", "North Korean fighter jets": the state of the
        nationality adjective, also on a noun that modifies the head."""
        modifiers = [c for c in token.children if c.dep_ in ("amod", "compound")]
        nested = [g for c in modifiers if c.dep_ == "compound" for g in c.children]
        for child in [*modifiers, *nested]:
            if child.dep_ in ("amod", "compound") and child.ent_type_ == "NORP":
                state = self._demonym(child)
                if state is not None:
                    return state
        return None

    def _states_by_nationality(self) -> list[tuple[int, int, str]]:
        """(paragraph, position, state) of every nationality adjective of the article."""
        if self._nationalities is None:
            self._nationalities = []
            for seq, reading in self.readings.items():
                for ent in reading.doc.ents:
                    actor_id = self.index.demonyms.get(ent.text.lower())
                    if ent.label_ == "NORP" and actor_id is not None:
                        self._nationalities.append((seq, ent.start_char, f"ref:{actor_id}"))
        return self._nationalities

    def _demonym(self, token: Token) -> str | None:
        """ "North Korean" -> North Korea: the state of a nationality adjective."""
        phrase = " ".join(t.lower_ for t in token.subtree if t.ent_type_ == "NORP")
        actor_id = self.index.demonyms.get(phrase) or self.index.demonyms.get(token.lower_)
        return self.state_entity(actor_id) if actor_id else None

    def _sentences_before(self, token: Token, reading: Reading) -> list[tuple[Reading, Span]]:
        """The sentences before the word, nearest first: its own up to the word, those
        before it in its paragraph, then in the two paragraphs before."""
        found = [(reading, s) for s in token.doc.sents if s.end <= token.sent.start]
        found.reverse()
        found.insert(0, (reading, token.doc[token.sent.start : token.i]))
        for seq in (reading.seq - 1, reading.seq - 2):
            earlier = self.readings.get(seq)
            if earlier is not None:
                found.extend((earlier, s) for s in reversed(list(earlier.doc.sents)))
        return found

    def _group(self, token: Token, reading: Reading) -> list[str]:
        """ "they": the two or more named together as the subject of a sentence before
        ("Choe Son Hui and Wang Yi held talks. They denounced ...")."""
        for earlier, sent in self._sentences_before(token, reading)[:3]:
            for word in sent:
                if word.dep_ != "nsubj":
                    continue
                if not word.conjuncts:
                    # "The two sides exchanged views ... They denounced": whom they are.
                    collective = self._collective(word, earlier)
                    if collective:
                        return collective
                    continue
                keys = [
                    earlier.entity_at[w.i]
                    for w in (word, *word.conjuncts)
                    if earlier.entity_at[w.i] is not None
                ]
                if len(keys) >= 2:
                    return list(dict.fromkeys(keys))  # type: ignore[arg-type]
        # "Xi Jinping and Russian President Vladimir Putin wave ... after their talks",
        # where the parse does not join the two: the names joined by "and" before it.
        sent = token.sent
        named: list[tuple[int, str]] = []
        for word in token.doc[sent.start : token.i]:
            key = reading.entity_at[word.i]
            if key is not None and (not named or named[-1][1] != key):
                named.append((word.i, key))
        for (i, first), (j, second) in itertools.pairwise(named):
            between = token.doc[i:j]
            if (
                first != second
                and self.entities[first].type == self.entities[second].type
                and any(w.lower_ == "and" for w in between)
                and not any(w.lower_ in (",", ";") or w.pos_ == "VERB" for w in between)
            ):
                return [first, second]
        return []

    def _last_speaker(
        self, token: Token, reading: Reading, word: str, paragraphs: int = 3
    ) -> str | None:
        """ "it added", "they said": the body that was said to speak last, in the word's
        paragraph or the `paragraphs` - 1 before it."""
        for earlier, sent in self._sentences_before(token, reading):
            if earlier.seq <= reading.seq - paragraphs:
                break
            for verb in sent:
                if lemma_of(verb) not in self.speech_verbs or verb.pos_ != "VERB":
                    continue
                for subject in verb.children:
                    if subject.dep_ != "nsubj":
                        continue
                    if subject.pos_ == "PRON":
                        keys = [k for k in [earlier.entity_at[subject.i]] if k is not None]
                    else:  # "the North Korean regime said"
                        keys = self.entities_of(subject, earlier)
                    for key in keys:
                        if pronoun_fits(word, self.entities[key].type):
                            return key
        return None

    def _speaker_again(self, token: Token, reading: Reading, word: str) -> str | None:
        """ "The Russian president told reporters that the North Korean leader ... . Russia
        has expertise, he said.": a "he" who speaks again is who spoke last, not the
        person named last, unless its own sentence names someone before it."""
        if token.dep_ != "nsubj" or lemma_of(token.head) not in self.speech_verbs:
            return None
        if any(start < token.idx for start, _ in self._people_in_sentence(token, reading)):
            return None
        speaker = self._last_speaker(token, reading, word, paragraphs=2)
        if speaker is None or not self.fitting([speaker], word):
            return None
        return speaker

    def _people_in_sentence(self, token: Token, reading: Reading) -> list[tuple[int, str]]:
        start, end = token.sent.start_char, token.sent.end_char
        return [(i, k) for i, k in self.people.get(reading.seq, []) if start <= i < end]

    def _described(self, token: Token, reading: Reading) -> str | None:
        """ "the ministry", "the agency": the body of that kind named last."""
        word = token.lemma_.lower()
        if (
            token.pos_ != "NOUN"
            or word not in _BODY_HEADS
            or not any(c.dep_ == "det" and c.lower_ == "the" for c in token.children)
            or any(c.dep_ in ("compound", "amod", "prep", "poss") for c in token.children)
        ):
            return None
        for seq, start, key in reversed(self.named):
            if (seq, start) >= (reading.seq, token.idx):
                continue
            entity = self.entities[key]
            if entity.type == "ORG" and word in entity.name.lower().split():
                return key
        return None

    def _described_person(self, token: Token, reading: Reading) -> str | None:
        """ "the ambassador", "the envoy": the person named last, in this paragraph or
        the two before, whom the text has called so."""
        word = token.lemma_.lower()
        if (
            token.pos_ != "NOUN"
            or word not in OFFICIAL_WORDS
            or word in ("official", "officer", "diplomat", "sister")
            or not any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in token.children)
            or any(c.dep_ in ("compound", "amod", "prep", "poss") for c in token.children)
        ):
            return None
        for seq in range(reading.seq, max(reading.seq - 3, 0), -1):
            people = self.people.get(seq, [])
            if seq == reading.seq:
                people = [(start, k) for start, k in people if start < token.idx]
            for _, key in reversed(people):
                if word in self.entities[key].descriptors:
                    return key
        return None

    def _collective(self, token: Token, reading: Reading) -> list[str]:
        """ "the two leaders", "both countries": the last two people or states named;
        "the two Koreas": North and South Korea."""
        if token.lower_ == "koreas" and {"north-korea", "south-korea"} <= set(
            self.reference.actors
        ):
            return [self.state_entity("north-korea"), self.state_entity("south-korea")]
        if token.tag_ not in ("NNS", "NNPS") or token.lemma_.lower() not in _COLLECTIVE_NOUNS:
            return []
        if not any(
            c.lower_ in ("two", "both") or (c.dep_ == "det" and c.lower_ == "the")
            for c in token.children
        ):
            return []
        wanted = _COLLECTIVE_NOUNS[token.lemma_.lower()]
        seen: list[str] = []
        named = self.named
        if wanted == "GPE":
            # "rulings of South Korean courts for Japanese firms ... the two countries":
            # a nationality adjective names its state too.
            named = sorted([*named, *self._states_by_nationality()])
        for seq, start, key in reversed(named):
            if (seq, start) >= (reading.seq, token.idx):
                continue
            if key not in self.entities:  # a state named only by its adjective
                key = self.state_entity(key.removeprefix("ref:"))
            entity = self.entities[key]
            if wanted == "GPE" and entity.type == "PERSON":
                # "Choe held talks with Wang. The two sides ...": the states they act for.
                state = self.index.state_of(entity)
                if state is None:
                    continue
                key = self.state_entity(state)
            elif entity.type != wanted:
                continue
            if key in seen:
                continue
            if wanted == "GPE" and key.removeprefix("ref:") not in self.index.state_ids:
                continue
            seen.append(key)
            if len(seen) == 2:
                return seen
        return []

    def pronoun(self, token: Token, reading: Reading) -> str | None:
        word = token.lower_
        if word not in PERSONAL | COLLECTIVE:
            return None
        # "North Korea said it would ...": the speaker of the governing verb.
        head = token.head
        for _ in range(3):
            if head.dep_ in ("ccomp", "xcomp") and lemma_of(head.head) in self.speech_verbs:
                speaker = next((c for c in head.head.children if c.dep_ == "nsubj"), None)
                if speaker is not None and speaker != token:
                    key = reading.entity_at[speaker.i]
                    if key is not None and pronoun_fits(word, self.entities[key].type):
                        return key
                break
            if head.head == head:
                break
            head = head.head
        if word in PERSONAL:
            speaker = self._speaker_again(token, reading, word)
            if speaker is not None:
                return speaker
            # The person named last before it, in this paragraph or the one before, who
            # can be a "she" or a "he".
            here = [k for start, k in self.people.get(reading.seq, []) if start < token.idx]
            earlier = [k for _, k in self.people.get(reading.seq - 1, [])]
            if word in _FEMININE:
                # A woman the text has named as one, paragraphs back if need be, before
                # a person it says nothing of; of two, the one a sentence is about.
                if any(self.female(k) for k in here):
                    return self._subject_of([k for k in here if self.female(k)], reading.seq)
                for seq in range(reading.seq - 1, 0, -1):
                    women = [k for _, k in self.people.get(seq, []) if self.female(k)]
                    if women:
                        return self._subject_of(women, seq)
            for keys in (here, earlier):
                if keys:
                    fitting = self.fitting(keys, word)
                    if fitting:
                        return fitting[-1]
            if here or earlier:
                return None
            # Nobody in this paragraph or the one before: the person named last.
            for seq in range(reading.seq - 2, 0, -1):
                fitting = self.fitting([k for _, k in self.people.get(seq, [])], word)
                if fitting:
                    return fitting[-1]
            return None
        if (
            word in ("it", "they")
            and token.dep_ == "nsubj"
            and lemma_of(token.head) in self.speech_verbs
        ):
            # "North Korea conducted a test, which it said was ...": the sentence's own
            # subject first; else "It added": the one who spoke last.
            subject = self._clause_subject(token, reading) if word == "it" else None
            speaker = subject or self._last_speaker(token, reading, word)
            if speaker is not None:
                return speaker
        if word in ("it", "its"):
            # The state or body its clause, or a clause above it, is about: "North Korea
            # appears to be resorting to ... its threats".
            subject = self._clause_subject(token, reading)
            if subject is not None:
                return subject
            # The state or body named last before it, in this paragraph or the one before.
            for seq, start, key in reversed(self.named):
                if seq < reading.seq - 1 or (seq, start) >= (reading.seq, token.idx):
                    continue
                entity = self.entities[key]
                if entity.type == "ORG" or (
                    entity.type == "GPE" and key.removeprefix("ref:") in self.index.state_ids
                ):
                    return key
        return None

    def _clause_subject(self, token: Token, reading: Reading) -> str | None:
        head = token
        for _ in range(6):
            if head.head == head:
                return None
            head = head.head
            if head.pos_ not in ("VERB", "AUX"):
                continue
            if head == token.head and token.dep_ == "nsubj":
                # Its own clause says nothing of it: "a test, which it said was ...".
                continue
            # "X fired ..., the JCS said, three days after it launched": not the speaker
            # but the subject of what is said.
            speaking = lemma_of(head) in self.speech_verbs
            for child in head.children:
                if speaking and child.dep_ == "ccomp":
                    child = next((c for c in child.children if c.dep_ == "nsubj"), child)
                elif child.dep_ not in _CLAUSE_SUBJECTS or speaking:
                    continue
                # "North Korea was condemned ... for its launch": a passive clause is
                # about its subject too.
                if child.dep_ not in _CLAUSE_SUBJECTS or child.i >= token.i:
                    continue
                key = reading.entity_at[child.i]
                if key is None:
                    return None
                entity = self.entities[key]
                if entity.type == "ORG" or (
                    entity.type == "GPE" and key.removeprefix("ref:") in self.index.state_ids
                ):
                    return key
                return None
        return None

    def _subject_of(self, keys: list[str], seq: int) -> str:
        """Of these people named in paragraph `seq`, the last one a sentence has as its
        subject; else the last named."""
        reading = self.readings.get(seq)
        if reading is not None:
            subjects = [
                key
                for token in reading.doc
                if token.dep_ in ("nsubj", "nsubjpass")
                and (key := reading.entity_at[token.i]) in keys
            ]
            if subjects:
                return subjects[-1]
        return keys[-1]

    def female(self, key: str) -> bool:
        """Whether the text ("his sister") or the reference says the person is a woman."""
        if self.entities[key].descriptors & _FEMALE:
            return True
        actor = self.reference.actors.get(key.removeprefix("ref:"))
        return actor is not None and actor.gender == "female"

    def fitting(self, keys: list[str], pronoun: str) -> list[str]:
        """The people a "she" or a "he" can stand for, as far as the text tells."""
        female = [k for k in keys if self.female(k)]
        if pronoun in _FEMININE:
            return female or keys
        return [k for k in keys if k not in female]

    def state_entity(self, actor_id: str) -> str:
        """The entity key of a reference actor, added to the article's entities."""
        key = f"ref:{actor_id}"
        if key not in self.entities:
            actor = self.reference.actors[actor_id]
            self.entities[key] = ArticleEntity(
                key, actor.name, actor.type, actor.country, actor.wikidata
            )
        return key

    def normalize_actors(self, event: ArticleEvent) -> None:
        """A capital named as an actor is its state ("Washington" -> United States), another
        city is no actor at all, and Kim Jong Un's launch is also North Korea's."""
        for key, role in list(event.actors.items()):
            entity = self.entities[key]
            if entity.type == "GPE" and key.removeprefix("ref:") not in self.index.state_ids:
                del event.actors[key]
                actor = self.reference.actors.get(key.removeprefix("ref:"))
                if actor and actor.capital_of in self.index.state_ids:
                    event.actors.setdefault(self.state_entity(actor.capital_of), role)
                continue
            if entity.type != "GPE":
                state_id = self.index.state_of(entity)
                if state_id is not None:
                    event.actors.setdefault(self.state_entity(state_id), role)

    def speaks_for_others(self, key: str) -> bool:
        """A state, a body, or a person in office; not an analyst, nor a former official
        speaking for no one but themselves."""
        entity = self.entities[key]
        if entity.type in ("GPE", "ORG"):
            return True
        if entity.type != "PERSON" or entity.descriptors & _COMMENTATORS:
            return False
        return bool(entity.descriptors & OFFICIAL_WORDS)


def _objects(preposition: Token) -> list[Token]:
    return [t for c in preposition.children if c.dep_ == "pobj" for t in (c, *c.conjuncts)]


def pronoun_fits(word: str, entity_type: str) -> bool:
    if word in PERSONAL:
        return entity_type == "PERSON"
    return entity_type in ("GPE", "ORG")
