"""What a weapons test tested: a nuclear device or a missile, from the words of its clause.

A nuclear test and a missile launch by one state in one week are two happenings; told
apart, a report that gives no day still finds the one test it tells of.
"""

from __future__ import annotations

from collections.abc import Mapping

from spacy.tokens import Token

from parsers.extraction.triggers import lemma_of

# The words that describe the test: its modifiers, its object and what the object is of.
_DESCRIBING = frozenset({"amod", "compound", "nmod", "dobj", "obj", "nsubjpass", "npadvmod"})


def weapon_kind(trigger: Token, kinds: Mapping[str, frozenset[str]]) -> str | None:
    """The first kind (in the data's order) whose words the test's clause uses; None
    when it names none ("the test")."""
    words = {lemma_of(trigger)}
    for child in trigger.children:
        if child.dep_ in _DESCRIBING:
            words |= _with_modifiers(child)
        elif child.dep_ == "prep" and child.lower_ == "of":
            for thing in child.children:
                if thing.dep_ == "pobj":
                    words |= _with_modifiers(thing)
    return next((kind for kind, said in kinds.items() if words & said), None)


def _with_modifiers(token: Token) -> set[str]:
    return {lemma_of(token)} | {
        lemma_of(c) for c in token.children if c.dep_ in ("amod", "compound", "nmod")
    }
