"""Where peninsula keeps its warehouse and reads its files: settings, not run parameters.

Each is an environment variable with a default under the working folder. `peninsula
serve` sets them for the runs it starts (they run in processes of its own), and a worker
of prefect.yaml takes them from its environment, so a run created through the API can
choose neither the warehouse it writes nor the files it reads outside the inbox.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

DB_ENV = "PENINSULA_DB"
DEFAULT_DB = Path("data/peninsula.duckdb")
SOURCES_ENV = "PENINSULA_SOURCES"
DEFAULT_SOURCES = Path("sources.yaml")
# The folders a load-files run created through the API (load-files/on-demand) may read;
# several are separated by os.pathsep (":"), like PATH.
INBOX_ENV = "PENINSULA_INBOX"
DEFAULT_INBOX = Path("data/inbox")


def warehouse_path() -> Path:
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def sources_path() -> Path:
    return Path(os.environ.get(SOURCES_ENV) or DEFAULT_SOURCES)


def inbox_folders() -> tuple[Path, ...]:
    listed = [Path(p) for p in os.environ.get(INBOX_ENV, "").split(os.pathsep) if p]
    return tuple(listed) or (DEFAULT_INBOX,)


def served_environment(db: Path, sources: Path, inbox: Sequence[Path]) -> dict[str, str]:
    """The settings of a serving process, as absolute paths, for the runs it starts."""
    return {
        DB_ENV: str(db.resolve()),
        SOURCES_ENV: str(sources.resolve()),
        INBOX_ENV: os.pathsep.join(str(folder.resolve()) for folder in inbox),
    }
