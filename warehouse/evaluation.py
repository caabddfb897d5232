"""What the warehouse holds for each article, in the shape the scorer compares."""

from __future__ import annotations

from parsers.scoring import ArticleView, EntityView, EventView, QuoteView, keys
from warehouse.store import Warehouse


def article_views(warehouse: Warehouse) -> tuple[dict[str, ArticleView], list[EntityView]]:
    """Views keyed by the path of the file each article was loaded from (with the
    article as stored, for its anatomy), and every entity of the warehouse. The file, not
    the title, ties a gold entry to its article: saved text does not always carry a
    headline."""
    with warehouse.reader() as conn:
        names: dict[str, set[str]] = {}
        types: dict[str, str] = {}
        for entity_id, name, entity_type in conn.execute(
            "SELECT entity_id, name, entity_type FROM entities"
        ).fetchall():
            names.setdefault(entity_id, set()).add(name)
            types[entity_id] = entity_type
        for entity_id, alias in conn.execute(
            "SELECT entity_id, alias FROM entity_aliases"
        ).fetchall():
            names.setdefault(entity_id, set()).add(alias)
        entity_views = {
            entity_id: EntityView(entity_id, keys(frozenset(n)), types.get(entity_id, "?"))
            for entity_id, n in names.items()
        }
        origins = conn.execute(
            "SELECT origin, article_id FROM documents WHERE article_id IS NOT NULL"
        ).fetchall()
        views = {
            article_id: ArticleView([], [], [])
            for (article_id,) in conn.execute("SELECT article_id FROM articles").fetchall()
        }
        for article_id, entity_id in conn.execute(
            "SELECT DISTINCT article_id, entity_id FROM mentions"
        ).fetchall():
            views[article_id].entities.append(entity_views[entity_id])
        for article_id, speaker, text in conn.execute(
            "SELECT article_id, speaker_entity_id, text FROM quotes"
        ).fetchall():
            speaker_names = entity_views[speaker].names if speaker in entity_views else frozenset()
            views[article_id].quotes.append(QuoteView(speaker_names, text))
        events = conn.execute(
            """
            SELECT DISTINCT m.article_id, e.event_id, e.event_type, e.event_date,
                   e.date_precision, coalesce(r.place_entity_id, e.place_entity_id),
                   r.modality,
                   (SELECT list(entity_id) FROM event_actors a WHERE a.event_id = e.event_id)
            FROM events e JOIN event_mentions m USING (event_id)
            -- Whether it happened or was planned, and where, is what this article says
            -- (a plan and what came of it are one event, told as planned by one article
            -- only; one outlet names the spaceport, another the region); what it leaves
            -- out, the other reports of the event fill in.
            JOIN article_events r ON r.article_event_id = m.article_event_id
            """
        ).fetchall()
        for article_id, event_id, event_type, day, precision, place, modality, actors in events:
            views[article_id].events.append(
                EventView(
                    event_id,
                    event_type,
                    day,
                    precision,
                    entity_views[place].names if place in entity_views else frozenset(),
                    tuple(entity_views[a].names for a in actors or () if a in entity_views),
                    modality,
                )
            )
    for article_id, article in warehouse.read_articles(list(views)):
        views[article_id].article = article
    by_origin = {origin: views[a] for origin, a in origins if a in views}
    return by_origin, list(entity_views.values())
