"""Korean names across romanization systems.

One Korean name reaches English text in several spellings: South Korean outlets use the
Revised Romanization or family habits ("Song Young-moo", "Kang Kyung-wha"), KCNA a
McCune-Reischauer style without breves ("Song Yong Mu", "Kang Kyong Hwa"). The name key
(`names.name_key`) only drops spacing, hyphens and case, so these stay apart. Here each
syllable is folded to one spelling: the back vowels, which the systems and family
spellings write every which way (one syllable is "Kyung", "Kyong" and "Gyeong"; another
"Chul", "Chol" and "Cheol"), become one letter; "ee" is "i"; the initials the systems swap
(g/k, d/t, b/p, j/ch, r/l) become one; "wh" is "hw" and "sh" is "s". Folding the back
vowels together loses little: a whole name of two to four syllables must still agree.
Only names whose every word is made of Korean syllables are folded, so "Donald Trump"
or "Sergei Lavrov" never are.
"""

from __future__ import annotations

import re

from parsers.extraction.names import name_key

# One romanized Korean syllable: an initial, a glide, a vowel, a final consonant.
_INITIAL = r"(?:kk|tt|pp|ss|jj|ch|sh|wh|hw|k|g|n|d|t|r|l|m|b|p|s|j|h)?"
_VOWEL = r"(?:yeo|yae|wae|ae|ya|eo|ye|yo|yu|eu|ui|wa|wo|we|wi|oe|oo|ou|ee|a|e|i|o|u)"
_FINAL = r"(?:ng|k|n|t|l|m|p)?"
_SYLLABLE = f"{_INITIAL}{_VOWEL}{_FINAL}"
# A word of a Korean name: one syllable, or two written together ("Jinping" is not
# Korean but is two such syllables: folding it only ever meets its own spellings).
_NAME_WORD = re.compile(f"(?:{_SYLLABLE}){{1,2}}")
_WORDS = re.compile(r"[A-Za-z]+")

# Applied in order to each syllable-made word, lowercased.
_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^wh", "hw"),
        (r"^sh", "s"),
        (r"eo|eu|oo|ou|u", "o"),
        (r"ee", "i"),
        (r"^g", "k"),
        (r"^d", "t"),
        (r"^b", "p"),
        (r"^j", "ch"),
        (r"^r", "l"),
    )
)


def korean_words(name: str) -> list[str] | None:
    """The words of a name of two to four Korean-syllable words, else None."""
    words = [w.lower() for w in _WORDS.findall(name)]
    if not 2 <= len(words) <= 4 or re.search(r"[^A-Za-z\s\-'.]", name):
        return None
    if not all(_NAME_WORD.fullmatch(w) for w in words):
        return None
    return words


def _fold(word: str, folds: tuple[tuple[re.Pattern[str], str], ...] = _FOLDS) -> str:
    for pattern, replacement in folds:
        word = pattern.sub(replacement, word)
    return word


def romanization_key(name: str) -> str | None:
    """One key for every spelling of a Korean name; None for a name that is not one."""
    words = korean_words(name)
    if words is None:
        return None
    return name_key("".join(_fold(w) for w in words))


# "Mount Kumgang" is "Kumgangsan" in Korean word order ("san": mountain).
_MOUNT = re.compile(r"\b(?:Mount|Mt\.?)\s+([A-Z][a-z]+)")


def place_name_key(name: str) -> str:
    """The name key of a place or body named after a Korean mountain, whichever way the
    mountain is written: "Mount Kumgang International Tourism Administration" and
    "Kumgangsan International Tourism Administration" are one body."""

    def korean_order(match: re.Match[str]) -> str:
        word = match.group(1)
        return f"{word}san" if _NAME_WORD.fullmatch(word.lower()) else match.group(0)

    return name_key(_MOUNT.sub(korean_order, name))


# Given names transliterated from Cyrillic reach English copy in several spellings: TASS
# and KCNA write "Alexandr", "Sergey", "Dmitry" where others write "Alexander", "Sergei",
# "Dmitri". Folded in the given names only (the surname keeps the name key readable):
# "ks" is "x", "y" is "i", a closing "ii" or "ei" is "i", and a closing "er" after a
# consonant is "r" ("Pyotr"/"Peter" stay apart: they differ in more than spelling).
_GIVEN_NAME_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"ks", "x"),
        (r"y", "i"),
        (r"(?:ii|ei)$", "i"),
        (r"(?<=[bcdfghjklmnpqrstvwxz])er$", "r"),
    )
)


def person_name_key(name: str) -> str:
    """One key for the spellings of a person's name: a Korean name across romanizations,
    other names with their given names folded as transliterations vary."""
    korean = romanization_key(name)
    if korean is not None:
        return korean
    words = [w.lower() for w in _WORDS.findall(name)]
    if len(words) < 2 or not name.isascii():
        return name_key(name)
    given = [_fold(word, _GIVEN_NAME_FOLDS) for word in words[:-1]]
    return name_key("".join([*given, words[-1]]))


# Extraction keys an entity found only in the text as "txt:<key>".
TEXT_ENTITY_PREFIX = "txt:"


def text_entity_key(name: str, entity_type: str) -> str:
    """The key extraction gives an entity the text alone names: a person's across
    romanizations and transliterations, a place's or body's across the ways its mountain
    is written. The same name in two articles is one entity."""
    folded = person_name_key(name) if entity_type == "PERSON" else place_name_key(name)
    return TEXT_ENTITY_PREFIX + folded


def text_entity_keys(name: str) -> tuple[str, str]:
    """The keys a name would have as a text-only person and as any other entity: what a
    name typed or given elsewhere may be known by."""
    return text_entity_key(name, "PERSON"), text_entity_key(name, "ORG")
