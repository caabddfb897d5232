"""Small helpers the outlet HTML parsers share: parsing, text of an element, page metadata."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from parsers.blocks import collapse

# Where the page says who it is, without building a tree: recognize() runs on every input.
_DECLARED_URL = re.compile(
    r"""<(?:link[^>]*\brel=["']?canonical|meta[^>]*\bproperty=["']?og:url)[^>]*>""",
    re.IGNORECASE,
)
_HREF_OR_CONTENT = re.compile(r"""\b(?:href|content)=["']?(?P<url>[^"'\s>]+)""", re.IGNORECASE)
_HOST = re.compile(r"^(?:https?:)?//(?P<host>[^/:?#]+)", re.IGNORECASE)


def make_soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def declared_hosts(data: str) -> set[str]:
    """Host names of the page's canonical link and og:url, read with a regex, lower case."""
    hosts = set()
    for tag in _DECLARED_URL.finditer(data):
        if (url := _HREF_OR_CONTENT.search(tag.group(0))) and (
            host := _HOST.match(url.group("url"))
        ):
            hosts.add(host.group("host").lower())
    return hosts


def text_of(element: Tag) -> str:
    """Visible text, white space collapsed; <br> counts as a space.

    get_text(" ") would put a space between an inline link and the comma after it
    ("said <a>Kim</a>," -> "said Kim ,"), so strings are joined as they are and
    only line breaks become white space.
    """
    parts = []
    for node in element.descendants:
        if isinstance(node, Comment):
            continue
        if isinstance(node, NavigableString):
            parts.append(str(node))
        elif node.name == "br":
            parts.append("\n")
    return collapse("".join(parts))


def meta_content(soup: BeautifulSoup, key: str) -> str | None:
    """content of <meta property=key> or <meta name=key>, collapsed; None when absent or empty."""
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    if not isinstance(tag, Tag):
        return None
    return collapse(str(tag.get("content") or "")) or None


def page_url(soup: BeautifulSoup) -> str | None:
    link = soup.find("link", rel="canonical")
    if isinstance(link, Tag) and (href := str(link.get("href") or "").strip()):
        return href
    return meta_content(soup, "og:url")


def json_ld(soup: BeautifulSoup) -> list[dict]:
    """Every JSON-LD object on the page; a block that does not parse is skipped, not fatal."""
    objects: list[dict] = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        items: Iterable = data if isinstance(data, list) else data.get("@graph", [data])
        objects.extend(item for item in items if isinstance(item, dict))
    return objects


def parse_timestamp(value: str | None) -> datetime | None:
    """An ISO 8601 time with an offset ("2024-04-28 07:00:00Z" too); None if naive or unreadable.

    A time without an offset is not guessed at: the caller knows the outlet's zone.
    """
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def has_ancestor(element: Tag, stop: Tag, names: frozenset[str], classes: frozenset[str]) -> bool:
    """Whether an element between `element` and `stop` has one of the names or classes."""
    for parent in element.parents:
        if parent is stop:
            return False
        if parent.name in names or classes.intersection(parent.get("class") or ()):
            return True
    return False


def replacement_chars(texts: Iterable[str]) -> int:
    return sum(text.count("\ufffd") for text in texts)
