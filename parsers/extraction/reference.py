"""The actor reference (reference/actors.yaml) loaded into lookup tables.

The reference is data: people, organizations, states, places and sites with their
aliases and offices. This module only indexes it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from parsers.extraction.names import name_key
from parsers.extraction.romanization import romanization_key
from parsers.yaml_text import parse_yaml

ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})


@dataclass(frozen=True, slots=True)
class Office:
    title: str
    of: str
    start: str
    end: str | None


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    type: str
    country: str | None
    aliases: tuple[str, ...]
    hangul: str | None = None
    wikidata: str | None = None
    capital_of: str | None = None
    part_of: str | None = None
    offices: tuple[Office, ...] = ()
    gender: str | None = None  # "female" / "male" for people, where "she" or "he" needs it

    @property
    def surface_forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Reference:
    version: str
    actors: dict[str, Actor]
    # name key -> actor id, for every name and alias.
    by_key: dict[str, str] = field(repr=False)
    # The longest alias, in words: how far the matcher needs to look ahead.
    max_words: int = 1
    # Keys of every word-prefix of every name ("kim", "kimjong", "kimjongun"): the
    # matcher stops extending a span as soon as no name can start that way.
    prefixes: frozenset[str] = frozenset()
    # Romanization key (romanization.romanization_key) -> actor id, for Korean names
    # that one actor alone is spelled as.
    by_romanization: dict[str, str] = field(default_factory=dict, repr=False)


def load_reference(path: Path | None = None) -> Reference:
    if path is None:
        return default_reference()
    text = path.read_text(encoding="utf-8")
    return _build(parse_yaml(text), str(path), _digest(text))


@cache
def default_reference() -> Reference:
    text = resources.files("parsers.reference").joinpath("actors.yaml").read_text("utf-8")
    return _build(parse_yaml(text), "parsers/reference/actors.yaml", _digest(text))


def _digest(text: str) -> str:
    """Part of the reference's version: any edit of the file makes a new version."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _build(data: dict, origin: str, digest: str) -> Reference:
    actors: dict[str, Actor] = {}
    by_key: dict[str, str] = {}
    max_words = 1
    for raw in data["actors"]:
        offices = tuple(
            Office(
                title=o["title"],
                of=o["of"],
                start=str(o["start"]),
                end=None if o.get("end") is None else str(o["end"]),
            )
            for o in raw.get("offices") or ()
        )
        actor = Actor(
            id=raw["id"],
            name=raw["name"],
            type=raw["type"],
            country=raw.get("country"),
            aliases=tuple(raw.get("aliases") or ()),
            hangul=raw.get("hangul"),
            wikidata=raw.get("wikidata"),
            capital_of=raw.get("capital_of"),
            part_of=raw.get("part_of"),
            offices=offices,
            gender=raw.get("gender"),
        )
        if actor.type not in ENTITY_TYPES:
            raise ValueError(f"{origin}: actor {actor.id} has unknown type {actor.type!r}")
        actors[actor.id] = actor
        for form in actor.surface_forms:
            key = name_key(form)
            if key and key not in by_key:
                by_key[key] = actor.id
            max_words = max(max_words, len(form.replace("-", " ").split()))
    prefixes = set()
    for form in (f for actor in actors.values() for f in actor.surface_forms):
        key = ""
        for word in re.findall(r"[^\W_]+", form):
            key += name_key(word)
            prefixes.add(key)
    version = f"{data.get('version', '0')}.{digest}"
    return Reference(
        version, actors, by_key, max_words + 2, frozenset(prefixes), _by_romanization(actors)
    )


def _by_romanization(actors: dict[str, Actor]) -> dict[str, str]:
    owners: dict[str, set[str]] = {}
    for actor in actors.values():
        for form in actor.surface_forms:
            if (key := romanization_key(form)) is not None:
                owners.setdefault(key, set()).add(actor.id)
    # A spelling two actors fold to names neither for sure.
    return {key: ids.pop() for key, ids in owners.items() if len(ids) == 1}
