"""Where Prefect keeps its state, and which server a command talks to. No Prefect import
here: these settings must be in the environment before Prefect is imported.

Every command (`ingest`, `ingest-feeds`, `reprocess`, `serve`, `run`) and every served
deployment uses one Prefect home, `data/prefect` unless PREFECT_HOME says otherwise, so
that every run lands in one history, the one the dashboard shows. A running
`peninsula serve` leaves a note there (serve.json) naming its server: the other commands
then use that server instead of starting a temporary one.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

# Relative to the working folder, like the default warehouse (data/peninsula.duckdb).
DEFAULT_PREFECT_HOME = Path("data") / "prefect"
SERVE_NOTE = "serve.json"
LOGS = "logs"


def prefect_home() -> Path:
    """PREFECT_HOME, else data/prefect; absolute, so child processes agree on it."""
    return Path(os.environ.get("PREFECT_HOME") or DEFAULT_PREFECT_HOME).expanduser().resolve()


def logs_dir() -> Path:
    return prefect_home() / LOGS


def configure(verbose: bool) -> Path:
    """Defaults for a command-line run, each one overridable by the environment; returns
    the Prefect home (created: Prefect creates its home but not the folders above it)."""
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_HOME"] = str(home)
    # There is no telemetry endpoint to reach offline, and users did not ask for one.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # A new PREFECT_HOME migrates its database on first start: 20 s is not always enough.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    if not verbose:
        # The command prints its own one-line outcome; Prefect's log (with tracebacks
        # of failed tasks) is there with --verbose, and in the Prefect UI.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    return home


@dataclass(frozen=True, slots=True)
class ServeNote:
    """What a running `peninsula serve` tells the other commands about itself."""

    api: str
    pid: int
    server_pid: int | None
    started_at: str


def write_serve_note(note: ServeNote) -> Path:
    path = prefect_home() / SERVE_NOTE
    path.write_text(json.dumps(asdict(note), indent=2) + "\n", encoding="utf-8")
    return path


def remove_serve_note(pid: int) -> None:
    """Remove the note if it is this process's (a newer serve may have replaced it)."""
    note = read_serve_note()
    if note is not None and note.pid == pid:
        (prefect_home() / SERVE_NOTE).unlink(missing_ok=True)


def read_serve_note() -> ServeNote | None:
    try:
        data = json.loads((prefect_home() / SERVE_NOTE).read_text(encoding="utf-8"))
        return ServeNote(**data)
    except (OSError, ValueError, TypeError):
        return None


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, alive
    return True


def api_answers(api: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api}/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def running_serve() -> ServeNote | None:
    """The `peninsula serve` running on this Prefect home, if its server answers."""
    note = read_serve_note()
    if note is None or not process_alive(note.pid) or not api_answers(note.api):
        return None
    return note


def use_running_server() -> str | None:
    """Point Prefect at the server of a running `peninsula serve`, unless PREFECT_API_URL
    names one already; returns the API URL in use, None when a temporary server will start."""
    if api := os.environ.get("PREFECT_API_URL"):
        return api
    note = running_serve()
    if note is None:
        return None
    os.environ["PREFECT_API_URL"] = note.api
    return note.api
