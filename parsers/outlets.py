"""Which outlet a saved page comes from, read from where a page credits itself.

Only positions that name the page's outlet or its wire are asked (see generic_text): a
dateline's agency, a "Source:" field, a credit line, a byline credit, a reporter's
e-mail domain. A name met in a sentence ("according to Yonhap") says nothing about who
published the page, and a file name says nothing at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from parsers.blocks import collapse
from parsers.yaml_text import parse_yaml

_NAME_SEPARATORS = re.compile(r"\s*(?:/|\||,|\+|\band\b|\bvia\b)\s*")
# Brackets, bullets and a language tag ("KCNA.kp (En)") around the names.
_DECORATION = re.compile(r"\((?:en|eng|english)\)|[()\[\]\u2022\u00b7:]+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Outlet:
    key: str
    names: tuple[str, ...]
    domains: tuple[str, ...]
    zone: ZoneInfo


@dataclass(frozen=True, slots=True)
class _Table:
    by_name: dict[str, Outlet]
    by_domain: dict[str, Outlet]
    by_key: dict[str, Outlet]


def _fold(name: str) -> str:
    return collapse(name.replace(".", " ")).casefold()


@cache
def _table() -> _Table:
    text = resources.files("parsers.reference").joinpath("outlets.yaml").read_text("utf-8")
    by_name: dict[str, Outlet] = {}
    by_domain: dict[str, Outlet] = {}
    by_key: dict[str, Outlet] = {}
    for entry in parse_yaml(text)["outlets"]:
        outlet = Outlet(
            entry["key"], tuple(entry["names"]), tuple(entry["domains"]), ZoneInfo(entry["zone"])
        )
        if outlet.key in by_key:
            raise ValueError(f"parsers/reference/outlets.yaml: key {outlet.key!r} twice")
        by_key[outlet.key] = outlet
        for name in outlet.names:
            if _fold(name) in by_name:
                raise ValueError(f"parsers/reference/outlets.yaml: name {name!r} twice")
            by_name[_fold(name)] = outlet
        for domain in outlet.domains:
            by_domain[domain.casefold()] = outlet
    return _Table(by_name, by_domain, by_key)


def outlet_by_key(key: str | None) -> Outlet | None:
    return _table().by_key.get(key) if key else None


def outlet_named(name: str) -> Outlet | None:
    """'Yonhap', 'KYODO NEWS', 'The Korea Herald' -> the outlet; None for any other text."""
    return _table().by_name.get(_fold(_DECORATION.sub(" ", name)))


def outlets_named(credit: str) -> list[Outlet] | None:
    """Every outlet of a credit made only of outlet names: 'AFP-JIJI', 'KCNA Pyongyang
    Times', 'Korea Pool/Yonhap/AP' (a pool is a photographer's arrangement, not a name,
    and is passed over). None when any part of the credit is not an outlet's name."""
    found: list[Outlet] = []
    for part in _NAME_SEPARATORS.split(_DECORATION.sub(" ", credit)):
        words = part.split()
        if not words or words[-1].casefold() == "pool":
            continue
        outlets = _split_names(words)
        if outlets is None and "-" in part:
            # 'AFP-JIJI': two agencies joined; 'ITAR-TASS' stays one name (tried first).
            halves = [_split_names(half.split()) for half in part.split("-")]
            outlets = None if None in halves else [o for h in halves for o in h or ()]
        if outlets is None:
            return None
        found.extend(outlets)
    return found or None


def _split_names(words: list[str]) -> list[Outlet] | None:
    """Words that are one outlet name or several side by side ('KCNA Pyongyang Times')."""
    if not words:
        return []
    for end in range(len(words), 0, -1):
        outlet = outlet_named(" ".join(words[:end]))
        if outlet is not None:
            rest = _split_names(words[end:])
            if rest is not None:
                return [outlet, *rest]
    return None


def outlet_of_address(address: str) -> Outlet | None:
    """'kim@yna.co.kr' -> Yonhap: a reporter's address names the outlet."""
    domain = address.rpartition("@")[2].casefold()
    table = _table().by_domain
    while domain:
        if domain in table:
            return table[domain]
        domain = domain.partition(".")[2]
    return None


def outlet_of_url(url: str | None) -> Outlet | None:
    """The outlet whose web domain serves the URL (a sidecar's `url`)."""
    if not url:
        return None
    host = re.sub(r"^[a-z]+://", "", url.strip().casefold()).split("/", 1)[0].split(":", 1)[0]
    return outlet_of_address(f"@{host}")
