"""`NAME.meta.json` sidecars: facts about a saved file that its text does not carry."""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from parsers.decode import is_text_encoding
from parsers.model import ParseError

KNOWN_KEYS = frozenset({"url", "published_at", "source", "encoding", "language"})


@dataclass(frozen=True, slots=True)
class Sidecar:
    url: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    encoding: str | None = None
    language: str | None = None


def parse_sidecar(raw: bytes, name: str) -> Sidecar:
    """Read a sidecar, rejecting anything that would silently be ignored or misread."""
    try:
        # Every value must be a string, so a number is only read far enough to be refused
        # by its key below: as a Decimal, whose length has no limit (an int's has).
        data = json.loads(raw.decode("utf-8"), parse_int=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"sidecar {name}: not valid UTF-8 JSON ({exc})") from None
    except RecursionError:
        # The only thing json.loads reports this way: arrays or objects nested too deep.
        raise ParseError(f"sidecar {name}: JSON nested too deeply to read") from None
    if not isinstance(data, dict):
        raise ParseError(f"sidecar {name}: expected a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise ParseError(
            f"sidecar {name}: unknown key(s) {', '.join(unknown)}; "
            f"known keys are {', '.join(sorted(KNOWN_KEYS))}"
        )
    for key, value in data.items():
        if value is not None and not isinstance(value, str):
            raise ParseError(f"sidecar {name}: {key} must be a string or null")
    encoding = data.get("encoding") or None
    if encoding is not None:
        _check_encoding(encoding, name)
    return Sidecar(
        url=data.get("url") or None,
        published_at=_parse_instant(data.get("published_at"), name),
        source=data.get("source") or None,
        encoding=encoding,
        language=data.get("language") or None,
    )


def _check_encoding(encoding: str, name: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ParseError(f"sidecar {name}: encoding {encoding!r} is not a known encoding") from None
    if not is_text_encoding(encoding):
        raise ParseError(
            f"sidecar {name}: encoding {encoding!r} is not a text encoding "
            "(name one like utf-8, utf-16, latin-1 or euc-kr)"
        )


def _parse_instant(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise ParseError(
            f"sidecar {name}: published_at {value!r} is not an ISO 8601 timestamp"
        ) from None
    if instant.tzinfo is None:
        # A wall-clock time without its zone could be off by up to a day: refuse to guess.
        raise ParseError(
            f"sidecar {name}: published_at {value!r} has no UTC offset "
            "(write it like 2019-10-07T11:12:00+09:00)"
        )
    return instant
