"""After every run: the search index brought up to date, new items noted, the Atom feed
of new events rewritten, and the picture of recent weeks put on the run's page.

One call at the end of each flow (`refresh_desk(db)`). Each step stands alone and none
can fail the run: the index, the feed and the picture are derived from the warehouse and
the next run catches up on whatever this one could not do.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError
from prefect.logging import get_run_logger

from flows.atom import write_events_feed
from warehouse import Warehouse
from warehouse.browse import EventFilter, event_counts, latest_event_date
from warehouse.digest import record_sightings
from warehouse.search import refresh_index

PICTURE_ARTIFACT = "events-per-week"
# The picture on a run's page: this many weeks up to today.
PICTURE_WEEKS = 12


@dataclass(slots=True)
class DeskRefresh:
    index: str | None = None
    feed: str | None = None
    picture: bool = False
    problems: list[str] | None = None


def _logger() -> logging.Logger | logging.LoggerAdapter:
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)


@task(name="refresh-desk", cache_policy=NO_CACHE, persist_result=False)
def refresh_desk(db: str) -> DeskRefresh:
    """Search index, first sightings, Atom feed, picture: each tried, none fatal."""
    warehouse = Warehouse(db)
    log = _logger()
    done = DeskRefresh(problems=[])
    steps = (
        ("search index", lambda: setattr(done, "index", refresh_index(warehouse).describe())),
        ("new items", lambda: record_sightings(warehouse)),
        ("events feed", lambda: setattr(done, "feed", _feed(warehouse))),
        ("events picture", lambda: setattr(done, "picture", publish_picture(warehouse))),
    )
    for what, step in steps:
        try:
            step()
        except Exception as exc:  # the run's own work is done and kept: report, go on
            done.problems.append(f"{what}: {type(exc).__name__}: {exc}")  # type: ignore[union-attr]
            log.warning("could not refresh the %s: %s: %s", what, type(exc).__name__, exc)
    for line in (done.index, done.feed):
        if line:
            log.info(line)
    return done


def _feed(warehouse: Warehouse) -> str:
    path, entries = write_events_feed(warehouse)
    return f"events feed: {path} ({entries} entries)"


def recent_weeks(warehouse: Warehouse, today: date | None = None) -> tuple[EventFilter, str]:
    """The last PICTURE_WEEKS weeks; when none of them has a dated event (a backfill of
    old articles), the weeks up to the latest dated event, so the picture says something.
    Returns the range and a note on which weeks these are."""
    today = today or date.today()
    window = timedelta(weeks=PICTURE_WEEKS)
    chosen = EventFilter(since=today - window, until=today)
    latest = latest_event_date(warehouse, until=today)
    if latest is None or latest >= chosen.since:  # type: ignore[operator]
        return chosen, f"The last {PICTURE_WEEKS} weeks."
    return (
        EventFilter(since=latest - window, until=latest),
        f"No dated events in the last {PICTURE_WEEKS} weeks: the {PICTURE_WEEKS} weeks up "
        f"to the latest one ({latest}).",
    )


def publish_picture(warehouse: Warehouse) -> bool:
    """The picture as a markdown artifact with the PNG inline (a data: URI): Prefect
    artifacts hold text, and the UI's markdown shows such an image on the run's page."""
    from flows.plot import events_picture  # matplotlib: only when a picture is made

    chosen, window = recent_weeks(warehouse)
    counts = event_counts(warehouse, chosen, per="week")
    title = f"Events per week by type, {chosen.since} to {chosen.until}"
    png = events_picture(counts, title, window)
    lines = [
        f"# {title}",
        "",
        f"![Events per week by type]({data_uri(png)})",
        "",
        window,
        f"{sum(counts.counts.values())} events dated to the day" + _coarse_note(counts.too_coarse),
        "",
        "`peninsula timeline --plot FILE.png` draws any range; `peninsula timeline` lists it.",
    ]
    create_markdown_artifact(key=PICTURE_ARTIFACT, markdown="\n".join(lines), description=title)
    return True


def _coarse_note(too_coarse: int) -> str:
    if not too_coarse:
        return "."
    return f"; {too_coarse} more are dated only to the month or year, not drawn."


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
