"""Direct quotes and who said them, with or without quote marks.

- Marked quotes: the speaker is the subject of the verb of saying next to the quote
  ('"...," the ministry said', 'Moon said, "..."', '"...," said Kim', 'Putin was quoted as
  saying "..."'), read from the parse; a second quote of the same speaker needs no
  attribution of its own ('"...," he said. "..."'), and a quote left open at the end of
  a paragraph goes on in the next one.
- Transcripts: 'KIM YOU-GEUN (NATIONAL SECURITY OFFICE): "..."'.
- Lost marks: a paragraph that ends ", the ministry said." is a quote up to there;
  'the decision said, and went on:' makes the next paragraphs the speaker's words.
- "he", "she", "it", "the agency", "the spokesman": whom the text names last that fits,
  the speaker of the quote just before, nobody when the text leaves a doubt.
A quote of a few words inside a sentence is partial.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from parsers.extraction.descriptions import words_of
from parsers.extraction.mentions import Reading
from parsers.extraction.model import Quote
from parsers.extraction.names import name_key
from parsers.extraction.referents import COLLECTIVE, PERSONAL, SPOKESPEOPLE, Referents
from parsers.extraction.triggers import lemma_of

_OPENING = frozenset({'"', "\u201c"})
_CLOSING = frozenset({'"', "\u201d"})
_PARTIAL_MAX_WORDS = 5
_MIN_UNMARKED_WORDS = 6
# Verbs that attribute words besides the verbs of saying: "was quoted as saying",
# "was reported as saying", "wrote", "asked".
_ATTRIBUTING = frozenset(
    {
        "quote",
        "report",
        "write",
        "ask",
        "tweet",
        "post",
        "call",
        "describe",
        "dub",
        "label",
        "brand",
    }
)
# What a speaker is called when the text does not repeat its name: "the agency said".
_DOCUMENTS = frozenset(
    """report statement decision dispatch announcement commentary article editorial
    release notice letter message""".split()
)
# The last words of a paragraph that hand over to the next ones: "and went on:".
_INTRODUCING = re.compile(
    r"(?:went\s+on|continued|as\s+follows|reads?|read\s+in\s+part|said|says|stated|added)"
    r"\s*:\s*$",
    re.IGNORECASE,
)
# "KIM YOU-GEUN (CHEONG WA DAE NATIONAL SECURITY OFFICE) :" before a quote.
_TRANSCRIPT = re.compile(
    r"(?P<who>[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*){1,3})\s*(?:\([^)]*\))?\s*:\s*$"
)
# A paragraph ending in its attribution: '..., Kim Myong Gil said outside the embassy.'
_PLAIN_SPEECH = r"(?:said|says|added|adds|stated|noted)"
# "Ortagus said ...": a paragraph that opens with its speaker reports, it does not quote.
_OPENS_WITH_SPEAKER = re.compile(rf"^[^,]{{1,60}}?\s+{_PLAIN_SPEECH}\b")
_TRAILING_ATTRIBUTION = re.compile(
    rf",\s+(?:{_PLAIN_SPEECH}\s+(?P<who2>[A-Z][^,]{{0,60}}?)(?:,[^.]*)?"
    rf"|(?P<who>[^,]{{1,60}}?(?:,[^,]{{1,120}},)?)\s+{_PLAIN_SPEECH}"
    rf"(?:\s(?!that\b)[^,]{{0,60}})?)"
    # "..., Miller said in a statement, using the initials of ..."
    rf"(?:,\s+(?:using|citing|adding|referring|noting|according|calling)\b[^.]*)?"
    rf"[.,:]?\s*(?:and\s+went\s+on\s*:)?\s*$"
)


@dataclass(slots=True)
class _Marked:
    """A stretch between quote marks in one paragraph."""

    reading: Reading
    start: int  # of the quoted text, inside the marks
    end: int
    closed: bool  # False: the quote runs on into the next paragraph
    speaker: str | None = None
    speaker_text: str | None = None


@dataclass(slots=True)
class _State:
    """What the paragraphs before say about who speaks."""

    readings: list[Reading]
    last_speaker: str | None = None
    last_speaker_seq: int = 0
    # Paragraphs handed over to a speaker by 'and went on:'.
    handed_to: tuple[str, str] | None = None
    open_chain: list[_Marked] = field(default_factory=list)
    # Every quote so far, in order: marked stretches get their speaker late (a quote
    # that runs on is attributed where it ends).
    found: list[_Marked | Quote] = field(default_factory=list)


class QuoteFinder:
    def __init__(self, speech_verbs: frozenset[str]) -> None:
        self.speech_verbs = speech_verbs | _ATTRIBUTING

    def find(self, readings: list[Reading], referents: Referents) -> list[Quote]:
        state = _State(readings)
        for reading in readings:
            marked = _marked_stretches(reading)
            if state.open_chain and not (marked and marked[0].start <= 1):
                state.open_chain = []  # the quote left open did not go on
            handed = state.handed_to is not None and reading.kind == "body"
            if marked and handed and all(_partial_words(reading, m) for m in marked):
                marked = []  # words quoted inside a speaker's own paragraph
            if marked:
                self._marked(reading, marked, referents, state)
                state.handed_to = None
                continue
            if handed and state.handed_to is not None:
                key, text = state.handed_to
                state.found.append(Quote(key, text, reading.doc.text.strip(), reading.seq, False))
                continue
            self._unmarked(reading, referents, state)
        quotes = []
        for item in state.found:
            if isinstance(item, Quote):
                quotes.append(item)
                continue
            doc = item.reading.doc
            text = doc.text[item.start : item.end].strip().rstrip(",").strip()
            if not text:
                continue
            quotes.append(
                Quote(
                    item.speaker,
                    item.speaker_text,
                    text,
                    item.reading.seq,
                    _partial(doc, item, text),
                )
            )
        return quotes

    # -- quotes between marks ------------------------------------------------------------
    def _marked(
        self, reading: Reading, marked: list[_Marked], referents: Referents, state: _State
    ) -> None:
        doc = reading.doc
        inside = {t.i for m in marked for t in _tokens(doc, m.start, m.end)}
        previous: _Marked | None = None
        for stretch in marked:
            verb = self._attributing_verb(doc, stretch, inside)
            if verb is not None:
                stretch.speaker, stretch.speaker_text = self._speaker(
                    verb, reading, referents, stretch, state
                )
            else:
                stretch.speaker, stretch.speaker_text = self._transcript(
                    doc, stretch, reading, referents
                )
            if stretch.speaker is None and verb is None:
                # '"...," he said. "..."': the words go on, the speaker is the same.
                if previous is not None and previous.speaker is not None:
                    stretch.speaker, stretch.speaker_text = previous.speaker, previous.speaker_text
                elif stretch.start <= 1 and state.open_chain:
                    last = state.open_chain[-1]
                    stretch.speaker, stretch.speaker_text = last.speaker, last.speaker_text
            previous = stretch
        # A quote left open runs on: the speaker named at its end speaks all of it.
        chain = [*state.open_chain]
        for stretch in marked:
            chain.append(stretch)
            if stretch.closed:
                speaker = next((s for s in reversed(chain) if s.speaker), None)
                for part in chain:
                    if part.speaker is None and speaker is not None:
                        part.speaker, part.speaker_text = speaker.speaker, speaker.speaker_text
                chain = []
        state.open_chain = chain
        state.found.extend(marked)
        for stretch in marked:
            text = doc.text[stretch.start : stretch.end]
            if stretch.speaker is not None and not _partial(doc, stretch, text):
                state.last_speaker, state.last_speaker_seq = stretch.speaker, reading.seq

    def _attributing_verb(self, doc: object, stretch: _Marked, inside: set[int]) -> Token | None:
        """The verb of saying outside the quote that attributes it: after the quote in
        its sentence first ('"...," the ministry said'), else before it ('Moon said,
        "..."')."""
        tokens = list(doc)  # type: ignore[call-overload]
        after = [t for t in tokens if t.idx > stretch.end and t.i not in inside]
        before = [t for t in tokens if t.idx < stretch.start and t.i not in inside]
        start_sentence = _sentence_at(doc, stretch.start)
        # Up to the end of the attribution's sentence, read from its punctuation: the
        # parser's sentence breaks err around quote marks and names ('"...!" Trump wrote',
        # "Cheong Wa Dae said").
        for token in after[:30]:
            if token.text in _OPENING:
                break  # the next quote's words
            if self._says(token):
                return token
            if token.text in (".", "!", "?") and token.i > after[0].i and not _abbreviation(token):
                break
        for token in reversed(before):
            if start_sentence is not None and token.sent != start_sentence:
                break
            if self._says(token):
                return token
        return None

    def _says(self, token: Token) -> bool:
        return token.pos_ in ("VERB", "AUX") and lemma_of(token) in self.speech_verbs

    def _speaker(
        self,
        verb: Token,
        reading: Reading,
        referents: Referents,
        stretch: _Marked,
        state: _State,
    ) -> tuple[str | None, str | None]:
        subject = _subject_of(verb, stretch)
        if subject is not None and (subject.lower_ in PERSONAL or subject.lower_ in COLLECTIVE):
            return self._pronoun(subject, reading, referents, stretch, state), subject.text
        # The words that name the speaker: the subject's phrase, else what stands between
        # the quote and its verb ('"...," Park Won-gon, professor of ..., said').
        if subject is not None and subject.dep_ in ("nsubj", "nsubjpass"):
            start, end = subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge)
        elif verb.idx > stretch.end:
            start, end = stretch.end + 1, verb.idx
        else:
            sentence = verb.sent
            start, end = sentence.start_char, verb.idx
        text = reading.doc.text[start:end].strip(' ,"\u201c\u201d')
        if subject is not None and reading.entity_at[subject.i] is not None:
            return reading.entity_at[subject.i], text  # "Cheong Wa Dae said", "Park said"
        if subject is not None and subject.pos_ == "PROPN" and subject.n_lefts == 0:
            # "Kim, a vice department director ..., said": which Kim the story is about.
            by_surname = _surname_speaker(subject.text, referents, state)
            if by_surname is not None:
                return by_surname, text
        named = _named_in(referents, reading, start, end, text)
        if named is not None:
            return named, text
        if subject is not None:
            named = self._named(subject, reading, referents, state)
            if named is None and subject.pos_ == "PROPN" and subject.n_lefts == 0:
                named = _surname_speaker(subject.text, referents, state)
            return named, text
        return None, None

    def _named(
        self, subject: Token, reading: Reading, referents: Referents, state: _State
    ) -> str | None:
        """The entity a subject phrase names, or the body a role noun speaks for."""
        found = referents.entities_of(subject, reading)
        people = [k for k in found if referents.entities[k].type == "PERSON"]
        if people:
            return people[0]
        if found:
            return found[0]
        lemma = subject.lemma_.lower()
        if lemma in _DOCUMENTS:
            # "the decision said": whoever the text says issued it ("The Supreme People's
            # Assembly issued a decision", "KCNA reported").
            issuer = _issuer(lemma, reading, subject.idx, state.readings, referents)
            if issuer is not None:
                return issuer
        if lemma in SPOKESPEOPLE or lemma in _DOCUMENTS:
            # "the spokesman said", "the report says": the body last named.
            return _last_named(referents, reading, subject.idx, ("ORG",))
        if subject.pos_ == "NOUN" and any(c.lower_ == "the" for c in subject.children):
            # "the agency said", "the ministry said": the body of that kind named last.
            return _last_named(referents, reading, subject.idx, ("ORG",), head=lemma)
        return _by_name(referents, subject.doc[subject.left_edge.i : subject.i + 1].text)

    def _pronoun(
        self,
        pronoun: Token,
        reading: Reading,
        referents: Referents,
        stretch: _Marked,
        state: _State,
    ) -> str | None:
        word = pronoun.lower_
        resolved = reading.entity_at[pronoun.i]
        if resolved is not None:
            return resolved  # "He said ..." already read as the one person just named
        if word in PERSONAL:
            # The person named earlier in the paragraph (outside the quote); else the
            # speaker of a quote in the paragraph before; else the one person that
            # paragraph names. "she" and "he" keep to whom the text says they fit.
            here = referents.fitting(
                [
                    key
                    for start, key in referents.people.get(reading.seq, [])
                    if start < max(stretch.start, pronoun.idx) and not _within(start, stretch)
                ],
                word,
            )
            if here:
                return here[-1]
            if state.last_speaker and state.last_speaker_seq >= reading.seq - 1:
                # The speaker just quoted, also a body whose unnamed spokesman spoke.
                return state.last_speaker
            # The paragraphs before, nearest first: the person they make the subject of a
            # sentence, else the one person they name.
            for seq in range(reading.seq - 1, max(0, reading.seq - 4), -1):
                earlier = referents.fitting(
                    _distinct(k for _, k in referents.people.get(seq, [])), word
                )
                if not earlier:
                    continue
                subject = _subject_person(state.readings, seq, set(earlier))
                if subject is not None:
                    return subject
                if len(earlier) == 1:
                    return earlier[0]
                break
            if (
                not earlier
                and state.last_speaker
                and referents.entities[state.last_speaker].type == "PERSON"
            ):
                return state.last_speaker
            return None
        if state.last_speaker and referents.entities[state.last_speaker].type in ("ORG", "GPE"):
            return state.last_speaker
        return referents.pronoun(pronoun, reading)

    def _transcript(
        self, doc: object, stretch: _Marked, reading: Reading, referents: Referents
    ) -> tuple[str | None, str | None]:
        before = doc.text[: max(0, stretch.start - 1)].rstrip()  # type: ignore[attr-defined]
        line = before.rsplit("]", 1)[-1]
        match = _TRANSCRIPT.search(line)
        if match is None:
            return None, None
        who = match.group("who").strip()
        return _by_name(referents, who), who

    # -- quotes without marks ------------------------------------------------------------
    def _unmarked(self, reading: Reading, referents: Referents, state: _State) -> None:
        """Sentences that end in their attribution (", Kim Myong Gil said outside the
        embassy."): the words from the last such end up to there are a quote."""
        if reading.kind != "body":
            return
        text = reading.doc.text
        quote_start = 0
        for sent in reading.doc.sents:
            match = _TRAILING_ATTRIBUTION.search(sent.text.rstrip())
            if match is None:
                continue
            start = sent.start_char + match.start()
            group = "who2" if match.group("who2") else "who"
            who = match.group(group).strip()
            verb = next(
                (t for t in sent if t.idx >= start and self._says(t)),
                None,
            )
            speaker = None
            if verb is not None:
                stretch = _Marked(reading, quote_start, start, True)
                speaker, _ = self._speaker(verb, reading, referents, stretch, state)
            if speaker is None:
                speaker = _by_name(referents, who)
            quoted = text[quote_start:start].strip()
            quote_start = sent.end_char
            if speaker is None or len(quoted.split()) < _MIN_UNMARKED_WORDS:
                continue
            # "Ortagus said the U.S. accepted ..." opens with its speaker: reported speech.
            opening = _OPENS_WITH_SPEAKER.match(quoted)
            if opening is not None:
                continue
            state.found.append(Quote(speaker, who, quoted, reading.seq, partial=False))
            state.last_speaker, state.last_speaker_seq = speaker, reading.seq
            if _INTRODUCING.search(sent.text.rstrip()):
                state.handed_to = (speaker, who)


def _marked_stretches(reading: Reading) -> list[_Marked]:
    text = reading.doc.text
    found: list[_Marked] = []
    start: int | None = None
    for i, ch in enumerate(text):
        if start is None and ch in _OPENING:
            start = i + 1
        elif start is not None and ch in _CLOSING:
            if i > start:
                found.append(_Marked(reading, start, i, True))
            start = None
    if start is not None and len(text) - start > 1:
        found.append(_Marked(reading, start, len(text), False))
    return found


def _tokens(doc: object, start: int, end: int) -> list[Token]:
    return [t for t in doc if start <= t.idx < end]  # type: ignore[attr-defined]


def _sentence_at(doc: object, char: int) -> Span | None:
    for sent in doc.sents:  # type: ignore[attr-defined]
        if sent.start_char <= char < sent.end_char:
            return sent
    return None


def _subject_of(verb: Token, stretch: _Marked) -> Token | None:
    """Who speaks: the verb's subject, the subject of its passive ("Putin was quoted as
    saying"), or that of the verb it depends on ("..., he said, adding"); never a word of
    the quote itself, and of two subjects the one nearest the verb ("..., said Brewer")."""
    token = verb
    for _ in range(3):
        subjects = [
            c
            for c in token.children
            if c.dep_ in ("nsubj", "nsubjpass") and not _within(c.idx, stretch)
        ]
        if subjects:
            return min(subjects, key=lambda c: abs(c.i - verb.i))
        if token.dep_ in ("advcl", "xcomp", "conj", "pcomp") and token.head != token:
            token = token.head
            if token.dep_ == "prep":
                token = token.head
            continue
        break
    return None


def _phrase(token: Token) -> str:
    doc = token.doc
    return doc[token.left_edge.i : token.right_edge.i + 1].text.strip(" ,")


def _partial_words(reading: Reading, stretch: _Marked) -> bool:
    text = reading.doc.text[stretch.start : stretch.end]
    return len(text.split()) <= _PARTIAL_MAX_WORDS and stretch.start > 1


def _partial(doc: object, stretch: _Marked, text: str) -> bool:
    if len(text.split()) > _PARTIAL_MAX_WORDS:
        return False
    before = doc.text[: max(0, stretch.start - 1)].rstrip()  # type: ignore[attr-defined]
    # A few words at the head of their sentence, alone, are a quote of their own.
    return bool(before) and not before.endswith((".", ":", '"', "\u201d"))


_ABBREVIATED = frozenset(
    """col gen lt adm maj sgt capt cmdr dr mr mrs ms prof sen rep gov st jr sr no vs""".split()
)


def _abbreviation(period: Token) -> bool:
    """The period of "Col." or "Gen.", not the end of a sentence."""
    return period.i > 0 and period.nbor(-1).lower_.rstrip(".") in _ABBREVIATED


def _subject_person(readings: list[Reading], seq: int, people: set[str]) -> str | None:
    """Of these people, the one a sentence of paragraph `seq` has as its subject."""
    reading = next((r for r in readings if r.seq == seq), None)
    if reading is None:
        return None
    for sent in reading.doc.sents:
        for token in sent:
            if token.dep_ == "nsubj" and token.head.dep_ == "ROOT":
                key = reading.entity_at[token.i]
                if key in people:
                    return key
    return None


def _issuer(
    lemma: str, reading: Reading, before: int, readings: list[Reading], referents: Referents
) -> str | None:
    """Who the text says made a document: the subject of the verb whose object it is
    ("issued a decision"), or of the verb of the same word ("KCNA reported")."""
    for earlier in reversed([r for r in readings if r.seq <= reading.seq]):
        for token in reversed(list(earlier.doc)):
            if earlier.seq == reading.seq and token.idx >= before:
                continue
            if token.lemma_.lower() != lemma:
                continue
            verb = token.head if token.dep_ in ("dobj", "obj") else token
            if verb.pos_ not in ("VERB", "AUX"):
                continue
            for child in verb.children:
                if child.dep_ == "nsubj":
                    key = earlier.entity_at[child.i]
                    if key is not None:
                        return key
    return None


def _surname_speaker(word: str, referents: Referents, state: _State) -> str | None:
    """ "Kim said" where the article names several Kims: the one who spoke last, else
    the one it named first (whom the story is about)."""
    people = [
        key
        for _, _, key in referents.named
        if referents.entities[key].type == "PERSON"
        and referents.entities[key].name.replace("-", " ").lower().split()[0] == word.lower()
    ]
    people = _distinct(people) or [
        key
        for _, _, key in referents.named
        if referents.entities[key].type == "PERSON"
        and referents.entities[key].name.lower().split()[-1] == word.lower()
    ]
    if state.last_speaker in people:
        return state.last_speaker
    return people[0] if people else None


def _within(position: int, stretch: _Marked) -> bool:
    return stretch.start <= position < stretch.end


def _distinct(keys: object) -> list[str]:
    seen: list[str] = []
    for key in keys:  # type: ignore[attr-defined]
        if key not in seen:
            seen.append(key)
    return seen


def _last_named(
    referents: Referents,
    reading: Reading,
    before: int,
    types: tuple[str, ...],
    head: str | None = None,
) -> str | None:
    """The entity of these types named last before a position (this paragraph and the
    ones before); with `head`, one whose name ends in that word ("the agency")."""
    for seq, start, key in reversed(referents.named):
        if (seq, start) >= (reading.seq, before):
            continue
        entity = referents.entities[key]
        if entity.type not in types:
            continue
        if head is not None and not entity.name.lower().split()[-1].startswith(head):
            names = {entity.name.lower()}
            if not any(head in n.split() for n in names):
                continue
        return key
    return None


def _named_in(
    referents: Referents, reading: Reading, start: int, end: int, text: str
) -> str | None:
    """Whom an attribution names: the person mentioned in it, else the one person its
    description fits ("the North's top negotiator"), else the body or state it names."""
    inside = _distinct(
        key for seq, at, key in referents.named if seq == reading.seq and start <= at < end
    )
    people = [k for k in inside if referents.entities[k].type == "PERSON"]
    if people:
        return people[0]
    described = _described_person(text, referents)
    if described is not None:
        return described
    bodies = [k for k in inside if referents.entities[k].type in ("ORG", "GPE")]
    return bodies[-1] if bodies else None


def _described_person(text: str, referents: Referents) -> str | None:
    words = words_of(text)
    if len(words) < 2:
        return None
    scored = sorted(
        (
            (len(words & e.descriptors), e.key)
            for e in referents.entities.values()
            if e.type == "PERSON" and e.descriptors
        ),
        reverse=True,
    )
    if scored and scored[0][0] >= 2 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


def _by_name(referents: Referents, text: str) -> str | None:
    """An entity of the article whose name or surface is this text ("KIM YOU-GEUN")."""
    key = name_key(text)
    if not key:
        return None
    for entity in referents.entities.values():
        if name_key(entity.name) == key or any(name_key(s) == key for s in entity.surfaces):
            return entity.key
    return None
