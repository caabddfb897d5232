"""Where a sentence may hold a name: spans found by the model, by patterns and by the
shape of Korean names, and the tests a span must pass to be a name (not a credit, not a
title, not a headline shouted in capitals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from parsers.extraction.coreference import KOREAN_SURNAMES, is_korean_syllable
from parsers.extraction.descriptions import ROLE_WORDS
from parsers.extraction.name_words import NameWords
from parsers.extraction.reference import Actor

POSSESSIVE = frozenset({"'s", "\u2019s", "'", "\u2019"})
_PLURAL_POSSESSORS = frozenset({"people", "women", "children", "men"})
# Words of a photo or story credit next to an agency's name: "Photo: Yonhap".
_CREDIT_WORDS = frozenset(
    {"photo", "photos", "picture", "pictures", "image", "video", "file", "source", "courtesy"}
)


@dataclass(slots=True)
class NameSpan:
    start: int  # token span [start, end)
    end: int
    source: str  # 'reference', 'model', 'pattern'
    label: str
    actor: Actor | None = None
    name: str = ""


def part_of_a_title(span: Span) -> bool:
    """ "minister of Foreign Affairs", "president of the State Affairs": in wire copy
    that writes titles in lower case, the capitalized rest is part of the title."""
    root = span.root
    if root.dep_ != "pobj" or root.head.lower_ != "of":
        return False
    holder = root.head.head
    return holder.is_lower and holder.lower_ in ROLE_WORDS


def remainders(
    doc: Doc, candidate: NameSpan, covering: list[NameSpan], words: NameWords
) -> list[NameSpan]:
    """Runs of two or three capitalized proper nouns of a model span that no reference
    name covers: a person's name the model ran together with an institution's."""
    if not covering:
        return []
    found = []
    run: list[Token] = []
    for token in [*doc[candidate.start : candidate.end], None]:
        free = token is not None and not any(c.start <= token.i < c.end for c in covering)
        if free and token.pos_ == "PROPN" and token.is_title and token.is_alpha:
            run.append(token)
            continue
        if 2 <= len(run) <= 3 and not any(words.head_type(t.text) for t in run):
            span = doc[run[0].i : run[-1].i + 1]
            found.append(NameSpan(span.start, span.end, "pattern", "PERSON", None, span.text))
        run = []
    return found


# A broadcast transcript's speaker line: '[Soundbite] KIM YOU-GEUN (NATIONAL SECURITY
# OFFICE) : "..."' - a name in capitals, the speaker's post, a colon, the quote.
_TRANSCRIPT_SPEAKER = re.compile(
    r"^\s*(?:\[[^\]]{1,40}\]\s*)?"
    r"(?P<who>[A-Z][A-Z'\u2019.-]*(?:\s+[A-Z][A-Z'\u2019.-]*){1,3})"
    r"\s*(?:\([^()]{1,80}\))?\s*:\s*[\"\u201c]"
)


def transcript_speaker(doc: Doc) -> NameSpan | None:
    """The person a transcript's paragraph gives the floor to, named as people write
    names ("Kim You-geun"): the model reads no name in capitals."""
    match = _TRANSCRIPT_SPEAKER.match(doc.text)
    if match is None:
        return None
    span = doc.char_span(*match.span("who"), alignment_mode="expand")
    if span is None:
        return None
    name = " ".join(word.capitalize() for word in match.group("who").split())
    return NameSpan(span.start, span.end, "transcript", "PERSON", None, name)


def korean_names(doc: Doc) -> list[NameSpan]:
    """Korean names the model misses or cuts: "Ri Pyong Chol", "No Kwang-chol" (a
    surname and two romanized syllables, spaced or hyphenated)."""
    found = []
    for i, token in enumerate(doc[:-2]):
        if not (token.is_title and token.lower_ in KOREAN_SURNAMES):
            continue
        first, second = doc[i + 1], doc[i + 2]
        if not (first.is_title and is_korean_syllable(first.lower_)):
            continue
        if second.is_title and is_korean_syllable(second.lower_):
            end = i + 3
        elif (
            second.text == "-"
            and i + 3 < len(doc)
            and doc[i + 3].is_lower
            and is_korean_syllable(doc[i + 3].text)
        ):
            end = i + 4
        else:
            continue
        span = doc[i:end]
        found.append(NameSpan(i, end, "pattern", "PERSON", None, span.text))
    return found


_PLACE_KINDS = frozenset({"LOC", "GPE"})


def named_as_place(span: Span, words: NameWords) -> str | None:
    """ "the province of Jagang", "Jagang, a province" (LOC); "the city of Khasan",
    "Khasan, a town" (GPE): the kind of place the text says the name is, if it says."""
    root = span.root
    if root.dep_ == "pobj" and root.head.lower_ == "of":
        kind = words.head_type(root.head.head.text)
        return kind if kind in _PLACE_KINDS else None
    for child in root.children:
        if child.dep_ == "appos" and (kind := words.head_type(child.text)) in _PLACE_KINDS:
            return kind
    return None


def looks_like_a_person(span: Span, words: NameWords) -> bool:
    """A name the model calls an organization or a place that the text presents as a
    person: "Minister Alexander Kozlov", "Alexandr Kozlov, minister of ..."."""
    if not 2 <= len(span) <= 4 or not all(t.pos_ == "PROPN" and t.is_title for t in span):
        return False
    if any(words.head_type(t.text) for t in span):
        return False
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.lower_ in words.titles and before.text[:1].isupper():
        return True
    after = doc[span.end : span.end + 4]
    return (
        len(after) >= 2 and after[0].text == "," and any(t.lower_ in ROLE_WORDS for t in after[1:])
    )


def overlap(a: NameSpan, b: NameSpan) -> bool:
    return a.start < b.end and b.start < a.end


def name_word(token: Token) -> bool:
    """A word that can stand inside a name before its last word: a capitalized noun,
    adjective or number, the hyphen of "Inter-Korean", the apostrophe of "Workers'"."""
    if token.text in ("-", "&"):
        return True
    if token.text in POSSESSIVE:
        # The plural's possessive of "People's Army", "Workers' Party", "Women's
        # Union"; not "Germany's Foreign Ministry" or "Pyongyang's Sunan International
        # Airport", where the possessor is a name of its own.
        before = token.nbor(-1) if token.i > 0 else None
        if before is None:
            return False
        if token.text in ("'", "\u2019"):
            return before.text.endswith("s")
        return before.lower_ in _PLURAL_POSSESSORS
    return token.text[:1].isupper() and token.pos_ in ("PROPN", "NOUN", "ADJ", "NUM")


def extend_with_of(doc: Doc, end: int, words: NameWords) -> int:
    """ "Committee for the Peaceful Reunification of the Country", "Sea of Okhotsk"."""
    best = end
    i = end
    # The first connector must be a preposition: "and the Korean Central News Agency"
    # after "Rodong Sinmun" is another name.
    while i < len(doc) and doc[i].lower_ in ("of", "for", "on"):
        j = i
        while j < len(doc) and doc[j].lower_ in words.connectors:
            j += 1
        k = j
        while k < len(doc) and doc[k].text[:1].isupper() and doc[k].is_alpha:
            k += 1
        if k == j:
            break
        best = i = k
    return best


def acronym_after(doc: Doc, end: int) -> Token | None:
    """ "Korean Central News Agency (KCNA)": the acronym the text gives a name."""
    if end + 2 < len(doc):
        opening, word, closing = doc[end], doc[end + 1], doc[end + 2]
        if opening.text == "(" and closing.text == ")" and word.text.isupper() and word.is_alpha:
            return word
    return None


def is_credit(doc: Doc, candidate: NameSpan) -> bool:
    """An agency named as the credit of a photo or story, not as an actor: "(Yonhap)",
    "(Pool via AP)", "Yonhap/AP", "/TASS/", "Photo: Yonhap", "Source: Xinhua", "photo
    taken by Kyodo". Also an acronym in brackets after a common noun ("ballistic missile
    (IRBM)"), which names no organization."""
    if candidate.label != "ORG":
        return False
    span = doc[candidate.start : candidate.end]
    if "/" in span.text or "|" in span.text:
        return True
    before = doc[candidate.start - 1] if candidate.start > 0 else None
    after = doc[candidate.end] if candidate.end < len(doc) else None
    if before is not None and before.text in ("/", "|"):
        return True
    if after is not None and after.text in ("/", "|"):
        return True
    if after is not None and after.text == ")":
        opening = next(
            (
                t
                for t in reversed(doc[max(0, candidate.start - 8) : candidate.start])
                if t.text == "("
            ),
            None,
        )
        if opening is not None:
            rest = doc[candidate.end + 1 : after.sent.end]
            if all(t.is_punct or t.is_space for t in rest):
                return True  # a credit in brackets closing its sentence
            if opening.i == candidate.start - 1 and opening.i > 0 and doc[opening.i - 1].is_lower:
                return True  # "(IRBM)" after "missile"
    window = doc[max(0, candidate.start - 4) : candidate.start]
    credited = any(t.lower_ in _CREDIT_WORDS for t in window)
    return credited and any(t.text == ":" or t.lower_ in ("by", "via") for t in window)


def shouting_sentences(doc: Doc) -> set[int]:
    """Starts of sentences written all in capitals ("PHOTO NOT FOR SALE") or in headline
    case ("Kim Suggests Occupying South Korea in the Event of War"): page chrome and
    headlines, where the model sees names in every capital, and only names the reference
    knows are taken."""
    found = set()
    for sent in doc.sents:
        letters = [t.text for t in sent if t.is_alpha and len(t.text) > 1]
        if len(letters) >= 3 and all(w.isupper() for w in letters):
            found.add(sent.start)
            continue
        long_words = [t for t in sent if t.is_alpha and len(t.text) > 3]
        capitalized = [t for t in long_words if t.text[:1].isupper()]
        # Names crowd a sentence too ("North Korea blew up the Inter-Korean Joint Liaison
        # Office"): headline case capitalizes its verbs as well.
        verbs = [t for t in sent if t.pos_ == "VERB" and t.i > sent.start]
        if (
            len(long_words) >= 4
            and len(capitalized) >= 0.8 * len(long_words)
            and verbs
            and all(t.text[:1].isupper() for t in verbs)
        ):
            found.add(sent.start)
    return found
