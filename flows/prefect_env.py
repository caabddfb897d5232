"""Where Prefect keeps its state, and which server a command talks to. No Prefect import
here: these settings must be in the environment before Prefect is imported.

Every command (`ingest`, `ingest-feeds`, `reprocess`, `serve`, `run`) and every served
deployment uses one Prefect home, `data/prefect` unless PREFECT_HOME says otherwise, so
that every run lands in one history, the one the dashboard shows. A running
`peninsula serve` leaves a note there (serve.json) naming its server: the other commands
then use that server instead of starting a temporary one.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

# Relative to the working folder, like the default warehouse (data/peninsula.duckdb).
DEFAULT_PREFECT_HOME = Path("data") / "prefect"
SERVE_NOTE = "serve.json"
# Origins whose web pages may call a Prefect API from a browser (Prefect's default: any).
CORS_ORIGINS = "PREFECT_SERVER_CORS_ALLOWED_ORIGINS"
# The password of the server `peninsula serve` starts ("user:password", Prefect's basic
# auth): made on the first serve, kept in the Prefect home (data/prefect) readable by
# its owner only, and sent by every command. The UI asks for it once per browser.
AUTH_FILE = "api-auth"
SERVER_AUTH = "PREFECT_SERVER_API_AUTH_STRING"
CLIENT_AUTH = "PREFECT_API_AUTH_STRING"
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
    # A temporary server has no UI: no web page may call it (no Origin header is empty;
    # `peninsula serve` allows its own UI, see server_process).
    os.environ.setdefault(CORS_ORIGINS, "")
    if auth := api_auth_string():
        os.environ.setdefault(CLIENT_AUTH, auth)
    if not verbose:
        # The command prints its own one-line outcome; Prefect's log (with tracebacks
        # of failed tasks) is there with --verbose, and in the Prefect UI.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    return home


def auth_file() -> Path:
    return prefect_home() / AUTH_FILE


def api_auth_string(create: bool = False) -> str | None:
    """The served API's auth string; with `create`, made (once) when there is none."""
    path = auth_file()
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        if not create:
            return None
    value = f"peninsula:{secrets.token_urlsafe(24)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another serve made it meanwhile: use that one
        return api_auth_string()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value


def auth_headers(auth: str | None = None) -> dict[str, str]:
    """The Authorization header for a plain HTTP call to the served API (none if no auth)."""
    auth = auth or api_auth_string()
    if not auth:
        return {}
    return {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode("ascii")}


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
