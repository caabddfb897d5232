"""Who and what an article names: the model's entities, linked to the reference.

Per paragraph, three sources of names, in this order of trust:
1. names the reference holds (the gazetteer), linked and typed by the reference;
2. the model's entities (PERSON, ORG, GPE, LOC, FAC), cleaned of determiners, titles and
   possessives, linked to the reference where their name is one of its names, else kept
   as text entities typed by the model, corrected by their last word ("Amur Oblast" is a
   region, "Sunan International Airport" a facility);
3. region, site and organization names the model missed, found by that last word.
Then surnames and pronouns that point to people the article names in full, and single
words the model tags that the article never names in full: a leader's surname ("Xi" in a
2019 story), an acronym.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Doc, Token

from parsers.extraction.analysis import ParagraphText, nouns_tagged_as_verbs
from parsers.extraction.coreference import (
    SentenceText,
    body_references,
    pronoun_references,
    short_references,
    surname,
)
from parsers.extraction.descriptions import describe
from parsers.extraction.gazetteer import Gazetteer
from parsers.extraction.model import ArticleEntity, Mention
from parsers.extraction.name_spans import (
    POSSESSIVE,
    NameSpan,
    acronym_after,
    extend_with_of,
    is_credit,
    korean_names,
    looks_like_a_person,
    name_word,
    named_as_place,
    overlap,
    part_of_a_title,
    remainders,
    shouting_sentences,
    transcript_speaker,
)
from parsers.extraction.name_words import NameWords
from parsers.extraction.names import name_key
from parsers.extraction.reference import Actor, Reference
from parsers.extraction.romanization import TEXT_ENTITY_PREFIX, text_entity_key
from parsers.extraction.states import leads_on

MODEL_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
# Nouns a city owns as a place, not as a state: "Pyongyang's streets".
_PLACE_NOUNS = frozenset(
    """street streets airport suburb suburbs outskirts center centre district area
    residents people citizens mayor skyline downtown capital city square station port
    hotel heart""".split()
)
# Verbs of going somewhere: "traveled to Pyongyang" names the city.
_MOTION_VERBS = frozenset(
    """go travel fly arrive return come head visit move leave depart send deploy bring
    take""".split()
)
_STATE_PREPOSITIONS = frozenset({"with", "against", "between", "by", "on", "toward", "towards"})


@dataclass(slots=True)
class Reading:
    """One paragraph as extraction reads it: the model's Doc and, per token, the key of
    the entity it names (None where it names none)."""

    seq: int
    kind: str
    doc: Doc
    entity_at: list[str | None] = field(default_factory=list)
    sentence_of: list[int] = field(default_factory=list)  # token -> sentence index


class MentionFinder:
    def __init__(self, reference: Reference, words: NameWords) -> None:
        self.reference = reference
        self.words = words
        self.gazetteer = Gazetteer(reference)
        # Leaders by surname, for a surname alone that the article never gives in full.
        self._leaders: dict[str, list[Actor]] = {}
        for actor in reference.actors.values():
            if actor.type == "PERSON" and any(
                o.title.lower() in words.leader_titles for o in actor.offices
            ):
                self._leaders.setdefault(surname(actor.name), []).append(actor)

    def find(
        self, paragraphs: list[tuple[ParagraphText, Doc]], day: date | None
    ) -> tuple[dict[str, ArticleEntity], list[Mention], list[Reading]]:
        entities: dict[str, ArticleEntity] = {}
        mentions: list[Mention] = []
        readings: list[Reading] = []
        sentences: list[SentenceText] = []
        deferred: list[tuple[Reading, NameSpan]] = []
        # Name keys of the text entities' surfaces and acronyms -> their entity key.
        aliases: dict[str, str] = {}
        for paragraph, doc in paragraphs:
            nouns_tagged_as_verbs(doc)
            reading = Reading(paragraph.seq, paragraph.kind, doc, [None] * len(doc))
            for index, sent in enumerate(doc.sents):
                reading.sentence_of.extend([index] * len(sent))
                sentences.append(SentenceText(paragraph.seq, index, sent.text, sent.start_char))
            readings.append(reading)
            for candidate in self._candidates(doc):
                if candidate.end - candidate.start == 1 and candidate.actor is None:
                    deferred.append((reading, candidate))  # a single word: decided below
                    continue
                self._claim(reading, candidate, entities, mentions, aliases)
                for inner in self._nested(doc, candidate):
                    self._claim(reading, inner, entities, mentions, aliases, nested=True)
        _describe_people(readings, entities, mentions)
        mentions.extend(short_references(sentences, entities, mentions))
        mentions.extend(
            body_references(
                sentences,
                entities,
                mentions,
                self.words.organization_heads,
                self.words.connectors,
            )
        )
        claimed = {(m.paragraph_seq, m.start) for m in mentions}
        for reading, candidate in deferred:
            token = reading.doc[candidate.start]
            if (reading.seq, token.idx) in claimed:
                continue
            resolved = self._single_word(candidate, token, day, aliases, entities)
            if resolved is not None:
                self._claim(reading, resolved, entities, mentions, aliases)
                _describe_people([reading], entities, mentions[-1:])
        mentions = _one_name_for_a_shorter_one(entities, mentions)
        mentions.sort(key=lambda m: (m.paragraph_seq, m.sentence, m.start))
        mentions.extend(pronoun_references(sentences, entities, mentions))
        mentions.sort(key=lambda m: (m.paragraph_seq, m.sentence, m.start))
        self._mark_tokens(readings, mentions)
        return entities, mentions, readings

    # -- candidates ----------------------------------------------------------------------
    def _candidates(self, doc: Doc) -> list[NameSpan]:
        shouting = shouting_sentences(doc)
        references = []
        for start_char, end_char, actor in self.gazetteer.matches(doc.text):
            span = doc.char_span(start_char, end_char, alignment_mode="expand")
            if span is not None:
                references.append(
                    NameSpan(span.start, span.end, "reference", actor.type, actor, span.text)
                )
        if (speaker := transcript_speaker(doc)) is not None and not any(
            overlap(speaker, r) for r in references
        ):
            references.append(speaker)
        others = [
            c
            for c in self._model_candidates(doc) + self._pattern_candidates(doc) + korean_names(doc)
            if not (shouting and doc[c.start].sent.start in shouting)
        ]
        chosen: list[NameSpan] = []
        # A longer organization, site or place the model or a pattern names around a
        # reference name is that longer thing: "United Nations Command", "Sunan
        # International Airport". Otherwise the reference wins.
        winners = [
            o for o in others if any(self._contains(o, r, doc, references) for r in references)
        ]
        for reference in references:
            if not any(overlap(reference, w) for w in winners):
                chosen.append(reference)
        # What a model span holds besides the reference name it lost to may be a name
        # of its own: "the UN Robert Wood" after "Ambassador to".
        others += [
            rest
            for o in others
            if o not in winners
            for rest in remainders(doc, o, [c for c in chosen if overlap(c, o)], self.words)
        ]
        for candidate in sorted(
            winners + others, key=lambda c: (c.start - c.end, c.source != "model", c.start)
        ):
            if not any(overlap(candidate, c) for c in chosen):
                chosen.append(candidate)
        return [c for c in sorted(chosen, key=lambda c: c.start) if not is_credit(doc, c)]

    def _contains(
        self, outer: NameSpan, inner: NameSpan, doc: Doc, references: list[NameSpan]
    ) -> bool:
        if not (outer.start <= inner.start and inner.end <= outer.end):
            return False
        if (outer.start, outer.end) == (inner.start, inner.end) or inner.label == "PERSON":
            return False
        if outer.label not in ("ORG", "FAC", "LOC") or self._head_type(doc, outer) is None:
            return False
        # The longer name must add a capitalized word of its own, and end like a name of
        # its kind ("Command", "Airport"): "U.N. Security Council Resolutions" does not.
        # Words another reference name covers do not count: "Supreme People's Assembly of
        # the Democratic People's Republic of Korea" is the assembly, of that state.
        covered = {i for r in references if r is not inner for i in range(r.start, r.end)} | set(
            range(inner.start, inner.end)
        )
        extra = [t for t in doc[outer.start : outer.end] if t.i not in covered]
        # A title word after the name makes an office, not a body ("U.N.
        # Secretary-General"); before it, it is the body's own ("National Security
        # Council" is not the U.N.'s "Security Council").
        return any(
            t.text[:1].isupper()
            and (t.lower_ not in self.words.titles or t.i < inner.start)
            and not t.is_punct
            for t in extra
        )

    def _model_candidates(self, doc: Doc) -> list[NameSpan]:
        found = []
        for ent in doc.ents:
            if ent.label_ not in MODEL_LABELS:
                continue
            for start, end in self._clean(doc, ent.start, ent.end, ent.label_):
                candidate = self._named(doc, start, end, ent.label_, "model")
                if candidate is not None:
                    found.append(candidate)
        return found

    def _clean(self, doc: Doc, start: int, end: int, label: str) -> list[tuple[int, int]]:
        """The name inside a model span: without determiners, titles, possessives and
        punctuation at its edges; split at an inner possessive ("Pyongyang's Sunan
        International Airport") and, for places, at "of" before a known place
        ("Sentosa Island of Singapore")."""
        for i in range(start + 1, end - 1):
            if doc[i].text in POSSESSIVE and (
                label in ("GPE", "LOC", "FAC") or self.gazetteer.lookup(doc[start:i].text)
            ):
                return self._clean(doc, start, i, label) + self._clean(doc, i + 1, end, label)
        if label in ("GPE", "LOC", "FAC"):
            for i in range(start + 1, end - 1):
                rest = doc[i + 1 : end].text
                if doc[i].lower_ == "of" and self.gazetteer.lookup(rest) is not None:
                    return self._clean(doc, start, i, label) + self._clean(doc, i + 1, end, label)
        for i in range(start + 1, end):
            if doc[i].text == "(":  # "Office of Foreign Assets Control (OFAC"
                end = i
                break
        connectors = self.words.connectors
        while start < end and (
            doc[start].lower_ in _DETERMINERS
            or doc[start].is_punct
            or doc[start].tag_ == "PRP$"
            or (label == "PERSON" and doc[start].lower_ in self.words.titles)
            or (doc[start].is_lower and label != "ORG")
        ):
            start += 1
        while start < end and (
            doc[end - 1].text in POSSESSIVE
            or (doc[end - 1].is_punct and doc[end - 1].text != ")")
            or doc[end - 1].lower_ in connectors
            or (doc[end - 1].is_lower and doc[end - 1].pos_ not in ("NOUN", "PROPN"))
        ):
            end -= 1
        return [(start, end)] if start < end else []

    def _named(self, doc: Doc, start: int, end: int, label: str, source: str) -> NameSpan | None:
        span = doc[start:end]
        text = span.text
        actor = self.gazetteer.lookup(text)
        if actor is None and label == "PERSON" and len(text.split()) >= 3:
            # "Vladimir Vladimirovich Putin", "Donald John Trump": without the middle names.
            words = text.split()
            actor = self.gazetteer.lookup(f"{words[0]} {words[-1]}")
            actor = actor if actor is not None and actor.type == "PERSON" else None
        if actor is not None:
            return NameSpan(start, end, source, actor.type, actor, text)
        if label in ("ORG", "GPE") and looks_like_a_person(span, self.words):
            label = "PERSON"
        head = doc[end - 1]
        if head.tag_ == "JJ" or (head.tag_ == "NNPS" and label in ("GPE", "LOC")):
            return None  # "North Korean", "the two Koreas": no name of one thing
        if not any(t.text[:1].isupper() for t in span) or text.lower() in self.words.not_names:
            return None
        if label == "ORG" and part_of_a_title(span):
            return None  # "minister of Foreign Affairs": a title, not a ministry
        kind = self._head_type(doc, NameSpan(start, end, source, label))
        if kind is None and label in ("GPE", "ORG"):
            # "the northern province of Jagang", "the city of Khasan": the text says
            # what kind of place it is, whatever the model took the name for.
            kind = named_as_place(span, self.words)
        return NameSpan(start, end, source, kind or label, None, text)

    def _head_type(self, doc: Doc, candidate: NameSpan) -> str | None:
        """The type the name's head word gives it: the last word, or the last before
        "of" ("Sea of Japan", "Victoria University of Wellington")."""
        end = candidate.end
        for i in range(candidate.start + 1, candidate.end):
            if doc[i].lower_ in ("of", "for"):
                end = i
                break
        return self.words.head_type(doc[end - 1].text)

    def _pattern_candidates(self, doc: Doc) -> list[NameSpan]:
        """Names by their last word, where the model saw none: "Amur Oblast", "Capella
        Hotel", "Committee for the Peaceful Reunification of the Country"."""
        found = []
        for token in doc:
            kind = self.words.head_type(token.text)
            if kind is None or not token.text[:1].isupper():
                continue
            start = token.i
            while start > 0 and name_word(doc[start - 1]):
                start -= 1
            end = token.i + 1
            # "Committee for the Peaceful Reunification of the Country", "Sea of Japan";
            # not "Amur Oblast of the Far Eastern Region", two places.
            if kind == "ORG" or (kind == "LOC" and start == token.i):
                end = extend_with_of(doc, end, self.words)
            while start < end and (
                doc[start].lower_ in _DETERMINERS or doc[start].lower_ in self.words.titles
            ):
                start += 1
            if end - start < 2:
                continue
            candidate = self._named(doc, start, end, kind, "pattern")
            if candidate is not None:
                found.append(candidate)
        for token in doc[:-1]:  # "Mount Paektu"
            if token.lower_ in ("mount", "mt.") and token.text[:1].isupper():
                following = doc[token.i + 1]
                if following.text[:1].isupper() and following.is_alpha:
                    candidate = self._named(doc, token.i, token.i + 2, "LOC", "pattern")
                    if candidate is not None:
                        candidate.label = candidate.actor.type if candidate.actor else "LOC"
                        found.append(candidate)
        return found

    def _nested(self, doc: Doc, candidate: NameSpan) -> list[NameSpan]:
        """Names inside an organization's or a site's name that the text also names:
        "Central Committee of the Workers' Party of Korea", "Seoul's foreign ministry"."""
        if candidate.label not in ("ORG", "FAC") or candidate.end - candidate.start < 3:
            return []
        found = []
        for i in range(candidate.start + 1, candidate.end - 1):
            token = doc[i]
            if token.lower_ == "of":
                start = i + 1 + (doc[i + 1].lower_ == "the")
                part = (start, candidate.end)
            elif token.text in POSSESSIVE and i > candidate.start:
                part = (candidate.start, i)
            else:
                continue
            if part[0] >= part[1]:
                continue
            actor = self.gazetteer.lookup(doc[part[0] : part[1]].text)
            if actor is not None and (actor.id, part) != (
                candidate.actor.id if candidate.actor else None,
                (candidate.start, candidate.end),
            ):
                found.append(
                    NameSpan(*part, "reference", actor.type, actor, doc[part[0] : part[1]].text)
                )
                if token.lower_ == "of":
                    break
        return found

    # -- single words ------------------------------------------------------------------
    def _single_word(
        self,
        candidate: NameSpan,
        token: Token,
        day: date | None,
        aliases: dict[str, str],
        entities: dict[str, ArticleEntity],
    ) -> NameSpan | None:
        """A one-word name the article does not give in full: an acronym it introduced, a
        leader's surname, a place; a lone capitalized word the model calls a person is
        too often something else ("Twitter", "Capella") to be kept."""
        if name_key(token.text) in aliases:
            return candidate
        # A surname the article gives to people of its own ("Kim" beside Kim Yung-ho and
        # Kim Jong Un) is not the leader's: it stays unresolved rather than guessed.
        named_here = any(
            e.type == "PERSON" and surname(e.name) == token.lower_ for e in entities.values()
        )
        leader = None if named_here else self._leader(token.text, day)
        if leader is not None:
            return NameSpan(candidate.start, candidate.end, "model", "PERSON", leader, token.text)
        if candidate.label in ("GPE", "LOC") and token.is_title and token.is_alpha:
            # Not a word that only qualifies a thing: "an Angara carrier rocket".
            if token.dep_ == "compound" and token.head.is_lower:
                return None
            return candidate
        if candidate.label == "ORG" and token.is_upper and token.is_alpha and len(token) >= 2:
            return candidate
        return None

    def _leader(self, word: str, day: date | None) -> Actor | None:
        leaders = self._leaders.get(word.lower(), [])
        if day is not None:
            leaders = [a for a in leaders if leads_on(a, day, self.words.leader_titles)]
        return leaders[0] if len(leaders) == 1 else None

    # -- entities and mentions -----------------------------------------------------------
    def _claim(
        self,
        reading: Reading,
        candidate: NameSpan,
        entities: dict[str, ArticleEntity],
        mentions: list[Mention],
        aliases: dict[str, str],
        *,
        nested: bool = False,
    ) -> None:
        doc = reading.doc
        span = doc[candidate.start : candidate.end]
        if candidate.actor is None and candidate.label in ("PERSON", "ORG", "FAC"):
            # A known person or body spelled otherwise: another romanization, a typo.
            actor = self.gazetteer.lookup_spelling(candidate.name, candidate.label == "PERSON")
            if actor is not None and (actor.type == "PERSON") == (candidate.label == "PERSON"):
                candidate = replace(candidate, actor=actor)
        owner = self._other_owner(reading, candidate, entities, mentions)
        if owner is not None and candidate.actor is not None:
            # "the North's Ministry of National Defense" is not Seoul's ministry of that
            # name: the body of the state the text says it belongs to.
            entity = _text_entity(entities, f"{candidate.actor.name} of {owner.name}", "ORG")
            entity.country = owner.country
        elif candidate.actor is not None:
            actor = candidate.actor
            if actor.capital_of and _acts_as_state(span.root):
                actor = self.reference.actors.get(actor.capital_of, actor)
            entity = _reference_entity(entities, actor)
        elif (known := aliases.get(name_key(candidate.name))) is not None:
            entity = entities[known]
        else:
            entity = _text_entity(entities, candidate.name, candidate.label)
        entity.surfaces.add(span.text)
        sentence = reading.sentence_of[candidate.start]
        mentions.append(
            Mention(
                entity.key,
                reading.seq,
                sentence,
                span.start_char,
                span.end_char,
                span.text,
                nested,
            )
        )
        if candidate.actor is None:
            aliases[name_key(span.text)] = entity.key
            acronym = acronym_after(doc, candidate.end)
            if acronym is not None:
                entity.surfaces.add(acronym.text)
                aliases[name_key(acronym.text)] = entity.key

    @staticmethod
    def _other_owner(
        reading: Reading,
        candidate: NameSpan,
        entities: dict[str, ArticleEntity],
        mentions: list[Mention],
    ) -> ArticleEntity | None:
        """The state written as the possessor of a body the reference gives to another
        state ("the North's Ministry of National Defense"), if any."""
        actor = candidate.actor
        if actor is None or actor.type != "ORG" or actor.country is None or candidate.start < 2:
            return None
        doc = reading.doc
        if doc[candidate.start - 1].text not in POSSESSIVE:
            return None
        before = doc[candidate.start - 2]
        last = next(
            (m for m in reversed(mentions) if m.paragraph_seq == reading.seq and not m.nested),
            None,
        )
        if last is None or last.end != before.idx + len(before.text):
            return None
        owner = entities[last.entity]
        if owner.type != "GPE" or owner.country in (None, actor.country):
            return None
        return owner

    @staticmethod
    def _mark_tokens(readings: list[Reading], mentions: list[Mention]) -> None:
        by_seq = {r.seq: r for r in readings}
        for mention in mentions:
            if mention.nested:
                continue
            reading = by_seq[mention.paragraph_seq]
            span = reading.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            for i in range(span.start, span.end):
                reading.entity_at[i] = mention.entity


def _describe_people(
    readings: list[Reading], entities: dict[str, ArticleEntity], mentions: list[Mention]
) -> None:
    """Roles written next to people's names, once every name of the article is known (the
    affiliation is often named after the person)."""
    docs = {r.seq: r.doc for r in readings}
    for mention in mentions:
        entity = entities[mention.entity]
        doc = docs.get(mention.paragraph_seq)
        if entity.type != "PERSON" or doc is None:
            continue
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        sent = span.sent
        describe(
            entity,
            sent.text,
            mention.start - sent.start_char,
            mention.end - sent.start_char,
            entities,
        )


def _one_name_for_a_shorter_one(
    entities: dict[str, ArticleEntity], mentions: list[Mention]
) -> list[Mention]:
    """A building or body the article names once in full and once without one inner word
    ("Paekhwawon State Guesthouse", "the Paekhwawon Guest House") is one: the shorter
    name's entity is folded into the longer's. Words are compared run together, so a
    compound written in two words is the same word."""
    words = {
        key: [name_key(w) for w in entity.name.split()]
        for key, entity in entities.items()
        if key.startswith(TEXT_ENTITY_PREFIX)
        and entity.type in ("FAC", "ORG")
        and " " in entity.name
    }
    folded: dict[str, str] = {}
    for short, short_words in words.items():
        for long, long_words in words.items():
            if (
                long == short
                or long in folded
                or entities[long].type != entities[short].type
                or long_words[0] != short_words[0]
                or len(long_words) < 3
            ):
                continue
            joined = "".join(short_words)
            if any(
                "".join(long_words[:i] + long_words[i + 1 :]) == joined
                for i in range(1, len(long_words) - 1)
            ):
                folded[short] = long
                break
    if not folded:
        return mentions
    for short, long in folded.items():
        entities[long].surfaces |= entities.pop(short).surfaces
    return [replace(m, entity=folded.get(m.entity, m.entity)) for m in mentions]


def _reference_entity(entities: dict[str, ArticleEntity], actor: Actor) -> ArticleEntity:
    key = f"ref:{actor.id}"
    entity = entities.get(key)
    if entity is None:
        entity = ArticleEntity(key, actor.name, actor.type, actor.country, actor.wikidata)
        for office in actor.offices:
            entity.descriptors.update(office.title.lower().split())
        entities[key] = entity
    return entity


def _text_entity(entities: dict[str, ArticleEntity], name: str, type_: str) -> ArticleEntity:
    name = " ".join(name.split())
    # A person's name is keyed across romanizations and transliterations: "Kang
    # Kyung-wha" in one article and "Kang Kyong Hwa" in another are one person, as are
    # "Alexandr Kozlov" and "Alexander Kozlov".
    key = text_entity_key(name, type_)
    entity = entities.get(key)
    if entity is None:
        entity = ArticleEntity(key=key, name=name, type=type_)
        entities[key] = entity
    return entity


_VISITING = frozenset({"visit", "tour"})


def _acts_as_state(token: Token) -> bool:
    """ "Pyongyang said", "talks with Washington", "Seoul's decision": a capital acting
    for its state. "arriving in Pyongyang", "the Hanoi summit", "Pyongyang's streets":
    the city."""
    while token.dep_ == "conj" and token.head != token:
        token = token.head
    dep = token.dep_
    if dep in ("dobj", "obj") and token.head.lemma_.lower() in _VISITING:
        return False  # "visited Pyongyang": the city
    if dep in ("nsubj", "nsubjpass", "dobj", "dative", "iobj"):
        return True
    if dep == "poss":
        return token.head.lemma_.lower() not in _PLACE_NOUNS and token.head.ent_type_ not in (
            "FAC",
            "LOC",
        )
    if dep == "pobj":
        preposition = token.head
        if preposition.dep_ == "agent":
            return True
        word = preposition.lower_
        if word in _STATE_PREPOSITIONS:
            return True
        if word == "to":
            return preposition.head.lemma_.lower() not in _MOTION_VERBS
    return False
