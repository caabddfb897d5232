"""The flows the deployments run (`peninsula serve`, prefect.yaml).

A deployment's run parameters are whatever reaches the API. So these flows take no
warehouse path and no sources file: both are settings of the process that runs them
(flows/settings.py), and a load-files run reads only under the inbox folders. Each
flow has the name of the flow it runs, and runs it inside its own run (`.fn`): the run
a user or a schedule started is the one with the reports.
"""

from __future__ import annotations

import os

from prefect import flow
from prefect.states import Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from flows.derive import reprocess_flow
from flows.files import Selection
from flows.inbox import outside_inbox, real_folders
from flows.ingest_feeds import FLOW_NAME as FEEDS_FLOW
from flows.ingest_feeds import ingest_feeds
from flows.load_files import FLOW_NAME as FILES_FLOW
from flows.load_files import load_inputs
from flows.settings import inbox_folders, sources_path, warehouse_path


@flow(name=FILES_FLOW, persist_result=False, task_runner=ThreadPoolTaskRunner(max_workers=2))
def load_inbox(
    paths: list[str] | None = None,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
) -> State:
    """Load saved files from the inbox folders into the warehouse and derive them.

    `paths`: files, folders or glob patterns under the inbox folders; default: all of
    them. A path outside them fails the run, naming it, before any file is read.
    """
    folders = inbox_folders()
    inputs = [os.fspath(p) for p in paths] if paths else [str(f) for f in folders]
    if refusals := outside_inbox(inputs, folders):
        return Failed(message="; ".join(refusals))
    selection = Selection(tuple(include or ()), tuple(exclude or ()))
    db = str(warehouse_path())
    return load_inputs(inputs, db, selection, derive=True, within=real_folders(folders))


@flow(name=FEEDS_FLOW, persist_result=False)
def poll_feeds(source: str | None = None) -> State:
    """Poll the feeds of the sources file (or of one source), load new articles, derive."""
    return ingest_feeds.fn(
        source=source, sources_file=str(sources_path()), db=str(warehouse_path()), derive=True
    )


@flow(name="reprocess", persist_result=False)
def reprocess_all(force: bool = False) -> State:
    """Re-derive everything when the reference or the rules changed (see reprocess)."""
    return reprocess_flow.fn(db=str(warehouse_path()), force=force)
