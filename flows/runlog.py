"""The run log's one rule for flows: a run that breaks off still leaves its row, saying why."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from datetime import datetime

from warehouse import LoadCounts, Warehouse

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def recorded_crash(
    db: str,
    run_id: str,
    flow_name: str,
    inputs: Sequence[str],
    started: datetime,
    counts: LoadCounts | None = None,
) -> Iterator[None]:
    """Write a 'crashed' row with the counts so far when the block raises, then re-raise."""
    try:
        yield
    except BaseException as exc:  # an interrupted run is logged too
        try:
            Warehouse(db).record_run(
                run_id,
                flow_name,
                inputs,
                started,
                counts or LoadCounts(),
                status="crashed",
                message=f"crashed: {type(exc).__name__}: {exc}",
            )
        except Exception as failure:  # what broke the run matters more than its log
            logger.warning("could not log the crash of %s: %s", run_id, failure)
        raise
