"""The Atom feed of new events, beside the warehouse: any feed reader can follow it.

The feed holds the events first seen in the last FEED_DAYS days (newest first, at most
FEED_ENTRIES), one entry per event under a stable id: a reader that polls less often
than peninsula runs still gets every event once, and never one twice.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from feedgen.feed import FeedGenerator

from flows.briefing import display_date, event_title, headline
from warehouse import Warehouse
from warehouse.digest import FeedItem, recent_new_events

FEED_DAYS = 30
FEED_ENTRIES = 500
FEED_SUFFIX = "-events.xml"


def events_feed_path(db: Path) -> Path:
    """Beside the warehouse, named after it: data/peninsula.duckdb ->
    data/peninsula-events.xml."""
    return db.parent / f"{db.stem}{FEED_SUFFIX}"


def write_events_feed(warehouse: Warehouse) -> tuple[Path, int]:
    """Rewrite the feed from the warehouse (atomically); returns its path and entries."""
    items = recent_new_events(warehouse, days=FEED_DAYS, limit=FEED_ENTRIES)
    path = events_feed_path(warehouse.path)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(render_feed(items, warehouse.path))
    os.replace(partial, path)
    return path, len(items)


def render_feed(items: Sequence[FeedItem], db: Path) -> bytes:
    feed = FeedGenerator()
    # One feed per warehouse file: its id follows from the file's absolute path.
    digest = hashlib.sha256(str(db.resolve()).encode("utf-8")).hexdigest()[:16]
    feed.id(f"urn:peninsula:events:{digest}")
    feed.title(f"peninsula: new events ({db.name})")
    feed.subtitle(f"Events first seen in the last {FEED_DAYS} days, newest first")
    feed.author({"name": "peninsula"})
    feed.link(href=events_feed_path(db).resolve().as_uri(), rel="self")
    feed.language("en")
    feed.updated(max((i.seen_at for i in items), default=datetime.now(UTC)))
    # feedgen puts the entry added last first: add the oldest first.
    for item in reversed(items):
        event = item.event
        entry = feed.add_entry()
        entry.id(f"urn:peninsula:event:{event.event_id}")
        entry.title(event_title(event))
        entry.updated(item.seen_at)
        entry.published(item.seen_at)
        for url in dict.fromkeys(u for _, _, u, _ in item.reports if u):
            entry.link(href=url, rel="related")
        entry.category(term=event.event_type)
        entry.content(_entry_html(item), type="html")
    return feed.atom_str(pretty=True)


def _entry_html(item: FeedItem) -> str:
    event = item.event
    rows = [
        ("When", display_date(event.event_date, event.date_precision) or "undated"),
        ("What", f"{event.event_type} ({event.modality})"),
        ("Who", "; ".join(f"{a.name} ({a.role})" for a in event.actors) or "-"),
        ("Where", event.place or "-"),
    ]
    parts = [f"<p>{escape(event.summary)}</p>", "<dl>"]
    parts += [f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows]
    parts.append("</dl><p>Reported by:</p><ul>")
    for source, title, url, published in item.reports:
        when = f", {published:%Y-%m-%d}" if published else ""
        label = f"{escape(headline(title))} ({escape(source)}{when})"
        parts.append(
            f'<li><a href="{escape(url)}">{label}</a></li>' if url else f"<li>{label}</li>"
        )
    parts.append("</ul>")
    return "".join(parts)
