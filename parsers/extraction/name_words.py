"""The words around and inside names (reference/name_words.yaml), loaded once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from parsers.yaml_text import parse_yaml

# Name heads by the type of thing they name, in the order a tie is broken.
_HEAD_TYPES = (
    ("facility_heads", "FAC"),
    ("region_heads", "LOC"),
    ("settlement_heads", "GPE"),
    ("organization_heads", "ORG"),
)


@dataclass(frozen=True)
class NameWords:
    version: str
    titles: frozenset[str]
    heads: dict[str, str]  # last word of a name -> the entity type it makes
    connectors: frozenset[str]
    leader_titles: frozenset[str]
    not_names: frozenset[str]
    demonyms: dict[str, str]  # "north korean" -> reference id of the state

    def head_type(self, word: str) -> str | None:
        return self.heads.get(word.lower())

    @property
    def organization_heads(self) -> frozenset[str]:
        return frozenset(word for word, kind in self.heads.items() if kind == "ORG")


@cache
def default_name_words() -> NameWords:
    text = resources.files("parsers.reference").joinpath("name_words.yaml").read_text("utf-8")
    return parse_name_words(text)


def parse_name_words(text: str) -> NameWords:
    data = parse_yaml(text)
    heads: dict[str, str] = {}
    for key, entity_type in _HEAD_TYPES:
        for word in data[key]:
            heads.setdefault(str(word).lower(), entity_type)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return NameWords(
        version=f"{data['version']}.{digest}",
        titles=frozenset(str(w).lower() for w in data["titles"]),
        heads=heads,
        connectors=frozenset(str(w).lower() for w in data["connectors"]),
        leader_titles=frozenset(str(w).lower() for w in data["leader_titles"]),
        not_names=frozenset(str(w).lower() for w in data["not_names"]),
        demonyms={str(k).lower(): str(v) for k, v in data["demonyms"].items()},
    )
