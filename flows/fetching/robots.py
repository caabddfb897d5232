"""robots.txt for article pages, read once per host per run (RFC 9309 semantics).

- 2xx: the rules apply; a Crawl-delay slows that host down further.
- 4xx: no rules, everything may be fetched.
- 5xx or no answer: the site may be down or overloaded; fetch nothing from it now.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from flows.fetching.client import Fetcher


@dataclass(frozen=True, slots=True)
class RobotsVerdict:
    allowed: bool
    reason: str | None = None  # why not, when not
    # robots.txt unreachable: ask again next run (counted as an attempt at the page, so
    # a host that never answers is given up on like a page that never answers).
    retry_later: bool = False


class RobotsRules:
    def __init__(self, fetcher: Fetcher, user_agent: str) -> None:
        self._fetcher = fetcher
        self._agent = user_agent.split("/")[0]  # the product token: "peninsula"
        self._rules: dict[str, Protego | RobotsVerdict] = {}
        self._lock = threading.Lock()

    def verdict(self, url: str) -> RobotsVerdict:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            if site not in self._rules:
                self._rules[site] = self._read(site, parts.netloc)
            rules = self._rules[site]
        if isinstance(rules, RobotsVerdict):
            return rules
        if rules.can_fetch(url, self._agent):
            return RobotsVerdict(True)
        return RobotsVerdict(False, f"robots.txt of {parts.netloc} disallows {parts.path}")

    def _read(self, site: str, host: str) -> Protego | RobotsVerdict:
        response = self._fetcher.get(f"{site}/robots.txt", "robots")
        if response.status is not None and 200 <= response.status < 300:
            text = (response.body or b"").decode("utf-8", errors="replace")
            rules = Protego.parse(text)
            delay = rules.crawl_delay(self._agent)
            if delay:
                self._fetcher.slow_down(host, float(delay))
            return rules
        if response.status is not None and 400 <= response.status < 500:
            return RobotsVerdict(True)
        if response.refused:
            # The site's address (or the URL's scheme) is refused: its pages will be
            # refused the same way, each once and for good, by the fetcher itself.
            return RobotsVerdict(True)
        return RobotsVerdict(
            False,
            f"robots.txt of {host} unreachable ({response.describe()}); not fetching now",
            retry_later=True,
        )
