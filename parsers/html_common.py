"""Small helpers the outlet HTML parsers share: parsing, text of an element, page metadata."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Comment, NavigableString, SoupStrainer, Tag
from bs4.builder import LXMLTreeBuilder

from parsers.blocks import collapse

# Where the page says who it is, without building a tree: recognize() runs on every input.
_DECLARED_URL = re.compile(
    r"""<(?:link[^>]*\brel=["']?canonical|meta[^>]*\bproperty=["']?og:url)[^>]*>""",
    re.IGNORECASE,
)
_HREF_OR_CONTENT = re.compile(r"""\b(?:href|content)=["']?(?P<url>[^"'\s>]+)""", re.IGNORECASE)
_HOST = re.compile(r"^(?:https?:)?//(?P<host>[^/:?#]+)", re.IGNORECASE)


Wanted = Callable[[str, Mapping[str, str]], bool]
"""(tag name, attributes as written) -> whether a parser reads that element.

Asked only about elements outside every element already kept. It may keep more than
the parser reads, never less: the parser's own selectors then pick from the few
elements kept, as they did from the whole page.
"""


def make_soup(html: str, wanted: Wanted | None = None) -> BeautifulSoup:
    """The page as a tree; with `wanted`, only the elements it accepts, each whole.

    An article page is mostly navigation, scripts and link lists: built whole, its tree
    costs far more than reading the story does (most of the 70 ms an 80 KB page took,
    and every soupsieve select_one then walked all of it). With `wanted`, an element it accepts is
    built with everything inside it, in page order; the rest of the page, and the text
    between kept elements, is left out. Only its ancestors are lost to a kept element:
    `wanted` has to accept any ancestor that a parser's selectors look for.
    """
    if wanted is None:
        return BeautifulSoup(html, "lxml")
    return BeautifulSoup(html, builder=_SkimmingTreeBuilder(wanted), parse_only=_Only(wanted))


def is_page_metadata(name: str, attrs: Mapping[str, str]) -> bool:
    """What meta_content, page_url and json_ld read: <meta>, <link>, JSON-LD scripts."""
    return name in ("meta", "link") or (name == "script" and "ld+json" in attrs.get("type", ""))


def class_among(attrs: Mapping[str, str], names: frozenset[str]) -> bool:
    """Whether the class attribute has one of `names`, split on white space as bs4 splits it.

    Whole class names: "js-category-to-nav" on a page's <body> is not "category".
    """
    return not names.isdisjoint(attrs.get("class", "").split())


class _Only(SoupStrainer):
    """bs4's parse_only filter from a `wanted` predicate; no loose text between elements.

    bs4 asks it only while no kept element is open (everything inside one is built).
    """

    def __init__(self, wanted: Wanted) -> None:
        super().__init__()
        self.wanted = wanted

    def allow_tag_creation(
        self, nsprefix: str | None, name: str, attrs: Mapping[str, str] | None
    ) -> bool:
        return self.wanted(name, attrs or {})

    def allow_string_creation(self, string: str) -> bool:
        return False


class _SkimmingTreeBuilder(LXMLTreeBuilder):
    """bs4's lxml tree builder, quick to pass over what parse_only leaves out.

    lxml hands bs4 every start tag, string and end tag. For a start tag bs4 copies the
    attributes and resolves namespaces before it asks the SoupStrainer, and even dropped
    strings and end tags go through its bookkeeping: with parse_only alone, building an
    80 KB page still took half the time of building it whole. While no kept element is
    open (the soup itself is the current tag), this builder asks `wanted` at once and
    passes on nothing it refuses, nor the strings and end tags bs4 would drop then.
    Inside a kept element every event goes to bs4 as usual. The tree is the one that
    parse_only=_Only(wanted) gives without this class; only the time differs.
    """

    def __init__(self, wanted: Wanted) -> None:
        super().__init__()
        self.wanted = wanted

    # lxml calls these three as a parser target's methods, for every element of the page;
    # it passes `nsmap` because the signature takes it, as LXMLTreeBuilder's does.
    def start(self, tag: str, attrib: dict[str, str], nsmap: dict | None = None) -> None:
        soup = self.soup
        if soup is not None and soup.currentTag is soup and not self.wanted(tag, attrib):
            return
        super().start(tag, attrib, {} if nsmap is None else nsmap)

    def end(self, tag: str) -> None:
        soup = self.soup
        if soup is None or soup.currentTag is not soup:
            super().end(tag)

    def data(self, content: str) -> None:
        soup = self.soup
        if soup is None or soup.currentTag is not soup:
            super().data(content)


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


def canonical_url(soup: BeautifulSoup, base: str | None = None) -> str | None:
    """The page's own address (canonical link, else og:url), absolute, without fragment;
    None when it declares none, or one that cannot be an article's (a site's home page).

    A relative declaration is read against `base`, the address the page came from.
    """
    declared = page_url(soup)
    if not declared:
        return None
    address = urljoin(base, declared) if base else declared
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.path in ("", "/") and not parts.query:
        return None  # a home page declared by a template for every page
    return urlunsplit(parts._replace(fragment=""))


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
    A date alone ("2024-04-28") is naive too, so it never becomes an invented midnight.
    """
    moment = _iso(value)
    return moment if moment is not None and moment.tzinfo is not None else None


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class TimeClaim:
    """One place on a page that says when the article was published, and what it says."""

    where: str
    moment: datetime | None
    # False when the page wrote a wall-clock time and the outlet's zone came from us.
    explicit_offset: bool = True


def timestamp_claim(where: str, value: object, zone: tzinfo | None = None) -> TimeClaim:
    """A machine-readable time; one written without an offset is read in `zone` if given.

    Only a full date and time counts: a bare date says nothing about the hour.
    """
    if not isinstance(value, str) or len(value.strip()) <= len("2024-04-28"):
        return TimeClaim(where, None)
    moment = _iso(value)
    if moment is None or (moment.tzinfo is None and zone is None):
        return TimeClaim(where, None)
    if moment.tzinfo is None:
        return TimeClaim(where, moment.replace(tzinfo=zone), explicit_offset=False)
    return TimeClaim(where, moment)


# The visible time is printed to the minute; the tags carry seconds.
AGREEMENT = timedelta(minutes=1)


def settle_published_at(
    claims: Sequence[TimeClaim], tolerance: timedelta = AGREEMENT
) -> tuple[datetime | None, tuple[str, ...]]:
    """The time to keep, and a note for every claim that disagrees with it.

    The first claim written with its own offset wins (a wall-clock time read in the zone
    we assume can be wrong by the zone); the claims are listed in the outlet's order of
    trust. A claim more than `tolerance` away is not silently overruled: it is reported,
    because it usually means an update time printed over the first one, or a wrong zone.
    """
    present = [(claim, claim.moment) for claim in claims if claim.moment is not None]
    if not present:
        return None, ()
    kept, kept_moment = next(((c, m) for c, m in present if c.explicit_offset), present[0])
    notes = tuple(
        f"published time: {claim.where} says {moment.isoformat()}, "
        f"{_describe(moment - kept_moment)} than {kept.where} ({kept_moment.isoformat()}), "
        "which was kept"
        for claim, moment in present
        if claim is not kept and abs(moment - kept_moment) > tolerance
    )
    return kept_moment, notes


def _describe(gap: timedelta) -> str:
    minutes = round(abs(gap).total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    size = f"{hours} h {minutes} min" if hours else f"{minutes} min"
    return f"{size} {'later' if gap > timedelta(0) else 'earlier'}"


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
