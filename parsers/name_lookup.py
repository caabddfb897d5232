"""A name as a person types it (any romanization, Hangul, a surname) to a known entity.

Names are compared as extraction compares them: by their name key (parsers.extraction.
names), the reference's own index first (the actor extraction would have linked the
name to), then the names and aliases the warehouse holds. A name that is only part of
known names ("Ortagus") resolves when it belongs to exactly one of them; an unknown
name comes back with the closest known ones.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from parsers.extraction.names import name_key
from parsers.extraction.reference import Reference
from parsers.extraction.romanization import text_entity_keys

# Extraction keys a reference actor's entity as "ref:<actor id>".
REFERENCE_ENTITY_PREFIX = "ref:"
# How close an unknown name must be to a known one to be suggested (difflib ratio).
SUGGESTION_CUTOFF = 0.7
SUGGESTIONS = 5
LISTED_CANDIDATES = 8
# A part of a name shorter than this ("Li", "Oh") matches too many names to mean one.
MIN_PART_LENGTH = 3

_WORDS = re.compile(r"[^\W_]+")


def reference_entity_id(actor_id: str) -> str:
    return f"{REFERENCE_ENTITY_PREFIX}{actor_id}"


@dataclass(frozen=True, slots=True)
class KnownName:
    """One way of writing one entity."""

    entity_id: str
    name: str  # the entity's canonical name
    form: str  # this way of writing it


@dataclass(frozen=True, slots=True)
class NameMatch:
    entity_id: str
    name: str
    typed: str
    form: str  # the known form the typed name matched
    whole: bool  # False when the typed name is only part of that form (a surname)


class NameNotFound(LookupError):
    def __init__(self, typed: str, suggestions: list[str]) -> None:
        self.typed = typed
        self.suggestions = suggestions
        hint = f"; closest known: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"no one known as {typed!r}{hint}")


class NameAmbiguous(LookupError):
    def __init__(self, typed: str, candidates: list[str]) -> None:
        self.typed = typed
        self.candidates = candidates
        listed = ", ".join(candidates[:LISTED_CANDIDATES])
        if len(candidates) > LISTED_CANDIDATES:
            listed += f" and {len(candidates) - LISTED_CANDIDATES} more"
        super().__init__(f"{typed!r} could be {listed}: give more of the name")


class NameBook:
    """Every known way of writing every known entity, indexed by name key."""

    def __init__(self, reference: Reference, known: Iterable[KnownName] = ()) -> None:
        self._reference = reference
        self._by_key: dict[str, dict[str, KnownName]] = {}
        self._by_id: dict[str, KnownName] = {}
        self._by_part: dict[str, dict[str, KnownName]] = {}
        for actor in reference.actors.values():
            entity_id = reference_entity_id(actor.id)
            for form in (*actor.surface_forms, *([actor.hangul] if actor.hangul else [])):
                self._add(KnownName(entity_id, actor.name, form))
        for item in known:
            self._add(item)

    def _add(self, item: KnownName) -> None:
        key = name_key(item.form)
        if not key:
            return
        self._by_key.setdefault(key, {}).setdefault(item.entity_id, item)
        self._by_id.setdefault(item.entity_id, item)
        words = [name_key(w) for w in _WORDS.findall(item.form)]
        # Every run of whole words: "ortagus", "yojong", "kimyo" ...
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                part = "".join(words[start:end])
                if len(part) >= MIN_PART_LENGTH and part != key:
                    self._by_part.setdefault(part, {}).setdefault(item.entity_id, item)

    def resolve(self, typed: str) -> NameMatch:
        key = name_key(typed)
        if not key:
            raise NameNotFound(typed, [])
        # What extraction would link the name to comes first.
        actor_id = self._reference.by_key.get(key)
        if actor_id is not None:
            actor = self._reference.actors[actor_id]
            return NameMatch(reference_entity_id(actor_id), actor.name, typed, typed, True)
        whole = self._by_key.get(key, {})
        if whole:
            return self._one(typed, whole, whole=True)
        # Then the entity extraction keys the name to, were a text to write it so:
        # "Mount Kumgang ..." finds the "Kumgangsan ..." a text named.
        keyed = {
            entity_id: self._by_id[entity_id]
            for entity_id in text_entity_keys(typed)
            if entity_id in self._by_id
        }
        if keyed:
            return self._one(typed, keyed, whole=True)
        part = self._by_part.get(key, {})
        if part:
            return self._one(typed, part, whole=False)
        raise NameNotFound(typed, self.suggest(typed))

    def _one(self, typed: str, found: dict[str, KnownName], *, whole: bool) -> NameMatch:
        # An actor of the reference outranks names only the texts gave (a misspelt
        # "Donlad Trump" does not make "Trump" ambiguous).
        reference = [k for k in found.values() if k.entity_id.startswith(REFERENCE_ENTITY_PREFIX)]
        candidates = reference or list(found.values())
        if len({k.entity_id for k in candidates}) > 1:
            raise NameAmbiguous(typed, sorted({k.name for k in candidates}))
        item = candidates[0]
        return NameMatch(item.entity_id, item.name, typed, item.form, whole)

    def suggest(self, typed: str) -> list[str]:
        """Canonical names of the known names closest to `typed`, best first."""
        close = difflib.get_close_matches(
            name_key(typed), list(self._by_key), n=SUGGESTIONS * 3, cutoff=SUGGESTION_CUTOFF
        )
        names: list[str] = []
        for key in close:
            for item in self._by_key[key].values():
                if item.name not in names:
                    names.append(item.name)
        return names[:SUGGESTIONS]
