"""Direct quotes and who said them, including quotes whose marks were lost.

- Quote marks: the attribution follows the quote (`"...," Park said`) or comes
  before it (`Park said, "..."`); a quote of a few words inside a sentence is partial.
- Marks lost (as in copy pasted from some sites): a paragraph whose sentence ends in
  ", Kim Myong Gil said outside ..." or ", said Ortagus, ..." is a quote up to there.
  A paragraph that opens with "Ortagus said ..." is reported speech, not a quote.
- "he added" / "she said": the speaker of the quote just before, or the one person the
  previous paragraph names; nobody when the text leaves a doubt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.extraction.coreference import SentenceText
from parsers.extraction.descriptions import words_of
from parsers.extraction.model import ArticleEntity, Mention, Quote

_QUOTED = re.compile(r"[\"\u201c](?P<text>[^\"\u201c\u201d]{2,}?)[\"\u201d]")
_SPEECH = (
    r"(?:said|says|added|adds|told(?:\s+(?:reporters|[A-Z]\w+|a\s+[\w\s]{0,30}?briefing))?"
    r"|noted|stressed|warned|argued|explained|wrote|insisted|pointed\s+out|claimed|asked"
    r"|was\s+quoted\s+as\s+saying|called|described|denounced|dubbed|labeled|labelled)"
)
_PRONOUN = re.compile(r"^(?:he|she|they)$", re.IGNORECASE)
_AFTER_WHO_SAID = re.compile(rf"^\s*,?\s*(?P<who>[^\"]{{1,140}}?)\s+{_SPEECH}\b")
_AFTER_SAID_WHO = re.compile(rf"^\s*,?\s*{_SPEECH}\s+(?P<who>[^\"]{{1,140}}?)(?:[.,;]|$)")
_SPEECH_WORD = re.compile(rf"\b{_SPEECH}\b")
# Lost marks are read only from plain speech verbs ("claimed that ..." is reported speech).
_PLAIN_SPEECH_VERBS = ("said", "says", "added", "adds")
_PLAIN_SPEECH = rf"(?:{'|'.join(_PLAIN_SPEECH_VERBS)})"
_TRAILING_ATTRIBUTION = re.compile(
    rf",\s+(?:{_PLAIN_SPEECH}\s+(?P<who2>[A-Z][^,]{{0,60}}?)(?:,[^.]*)?"
    rf"|(?P<who>[^,]{{1,60}}?(?:,[^,]{{1,120}},)?)\s+{_PLAIN_SPEECH}"
    rf"(?:\s(?!that\b)[^,]{{0,60}})?)\.\s*$"
)
# "Ortagus said ...": a paragraph that opens with its speaker.
_OPENS_WITH_SPEAKER = re.compile(rf"^[^,]{{1,60}}?\s+{_SPEECH}\b")
_PARTIAL_MAX_WORDS = 5
_MIN_LOST_QUOTE_WORDS = 6


@dataclass(frozen=True, slots=True)
class QuoteParagraph:
    seq: int
    text: str
    sentences: list[SentenceText]


def find_quotes(
    paragraphs: list[QuoteParagraph],
    entities: dict[str, ArticleEntity],
    mentions: list[Mention],
) -> list[Quote]:
    by_paragraph: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_paragraph.setdefault(mention.paragraph_seq, []).append(mention)
    quotes: list[Quote] = []
    previous_speaker: str | None = None  # speaker of a quote in the previous paragraph
    previous_people: list[str] = []
    for paragraph in paragraphs:
        local = by_paragraph.get(paragraph.seq, [])
        resolver = _SpeakerResolver(entities, local, previous_speaker, previous_people)
        # No quote found means no quote marks either: one quote per pair of marks.
        found = _marked_quotes(paragraph, resolver)
        if not found:
            found = _unmarked_quote(paragraph, resolver)
        quotes.extend(found)
        full = [q for q in found if q.speaker and not q.partial]
        previous_speaker = full[-1].speaker if full else None
        # A paragraph that names nobody ("In the statement, she rejected ...") keeps the
        # people of the one before: "she said" next still points to them.
        previous_people = (
            _distinct(m.entity for m in local if entities[m.entity].type == "PERSON")
            or previous_people
        )
    return quotes


def _distinct(keys: object) -> list[str]:
    seen: list[str] = []
    for key in keys:  # type: ignore[attr-defined]
        if key not in seen:
            seen.append(key)
    return seen


class _SpeakerResolver:
    def __init__(
        self,
        entities: dict[str, ArticleEntity],
        mentions: list[Mention],
        previous_speaker: str | None,
        previous_people: list[str],
    ) -> None:
        self.entities = entities
        self.mentions = mentions
        self.previous_speaker = previous_speaker
        self.previous_people = previous_people

    def resolve(self, who: str, start: int) -> str | None:
        """The entity the attribution text `who` (at `start` in the paragraph) names."""
        who = who.strip()
        if _PRONOUN.match(who):
            if self.previous_speaker:
                return self.previous_speaker
            people_here = _distinct(
                m.entity
                for m in self.mentions
                if m.start < start and self.entities[m.entity].type == "PERSON"
            )
            candidates = people_here or self.previous_people
            return candidates[0] if len(candidates) == 1 else None
        end = start + len(who)
        inside = [m for m in self.mentions if start <= m.start < end]
        for wanted in ("PERSON",):
            for mention in inside:
                if self.entities[mention.entity].type == wanted:
                    return mention.entity
        # "the North's top negotiator": a description that fits one person only.
        described = _described_person(who, self.entities)
        if described:
            return described
        for wanted in ("ORG", "GPE"):
            for mention in inside:
                if self.entities[mention.entity].type == wanted:
                    return mention.entity
        return None


def _described_person(who: str, entities: dict[str, ArticleEntity]) -> str | None:
    words = words_of(who)
    if len(words) < 2:
        return None
    scored = sorted(
        (
            (len(words & e.descriptors), e.key)
            for e in entities.values()
            if e.type == "PERSON" and e.descriptors
        ),
        reverse=True,
    )
    if scored and scored[0][0] >= 2 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


def _marked_quotes(paragraph: QuoteParagraph, resolver: _SpeakerResolver) -> list[Quote]:
    text = paragraph.text
    found = []
    for match in _QUOTED.finditer(text):
        quoted = match.group("text").strip().rstrip(",").strip()
        sentence_start = _sentence_start(paragraph, match.start())
        alone = not text[sentence_start : match.start()].strip().rstrip(":")
        partial = len(quoted.split()) <= _PARTIAL_MAX_WORDS and not alone
        who, at = _attribution(text, match, sentence_start)
        speaker = resolver.resolve(who, at) if who else None
        found.append(Quote(speaker, who.strip() if who else None, quoted, paragraph.seq, partial))
    return found


def _sentence_start(paragraph: QuoteParagraph, position: int) -> int:
    start = 0
    for sentence in paragraph.sentences:
        if sentence.offset <= position:
            start = sentence.offset
    return start


def _attribution(text: str, match: re.Match[str], sentence_start: int) -> tuple[str | None, int]:
    after = text[match.end() : match.end() + 200]
    for pattern in (_AFTER_SAID_WHO, _AFTER_WHO_SAID):
        hit = pattern.match(after)
        if hit and not _QUOTED.search(hit.group(0)):
            return hit.group("who"), match.end() + hit.start("who")
    before = text[sentence_start : match.start()]
    # 'Park said, "..."' or 'the ministry said Pyongyang would not hold such "..." talks':
    # the clause that ends in the last speech verb before the quote names the speaker.
    verbs = list(_SPEECH_WORD.finditer(before))
    if not verbs:
        return None, 0
    verb = verbs[-1]
    clause_start = max(before.rfind(mark, 0, verb.start()) for mark in ',;:"') + 1
    who = before[clause_start : verb.start()]
    if not who.strip() or len(who) > 120:
        return None, 0
    return who, sentence_start + clause_start


def _may_end_in_attribution(text: str) -> bool:
    """What _TRAILING_ATTRIBUTION needs, tested far more cheaply: a final period and a
    plain speech verb."""
    return text.rstrip().endswith(".") and any(verb in text for verb in _PLAIN_SPEECH_VERBS)


def _unmarked_quote(paragraph: QuoteParagraph, resolver: _SpeakerResolver) -> list[Quote]:
    for sentence in paragraph.sentences:
        if not _may_end_in_attribution(sentence.text):
            continue
        match = _TRAILING_ATTRIBUTION.search(sentence.text)
        if not match:
            continue
        group = "who2" if match.group("who2") else "who"
        who = match.group(group)
        speaker = resolver.resolve(who, sentence.offset + match.start(group))
        quoted = paragraph.text[: sentence.offset + match.start()].strip()
        opening = paragraph.sentences[0].text
        # "Ortagus said the U.S. accepted ..." opens with its speaker: reported speech.
        if speaker is None or len(quoted.split()) < _MIN_LOST_QUOTE_WORDS:
            return []
        if _OPENS_WITH_SPEAKER.match(opening):
            return []
        return [Quote(speaker, who.strip(), quoted, paragraph.seq, partial=False)]
    return []
