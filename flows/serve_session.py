"""`peninsula serve` from start to stop: the server, the logs, the runner, and a bounded exit.

    check the port -> start the Prefect server (output to logs/server.log)
    -> leave a note for the other commands (serve.json) -> serve the deployments
       (this process's own output, and its flow runs', to logs/serve.log)
    -> on Ctrl-C, or when the server dies: stop the runner, then the server, within
       STOP_SECONDS; what does not stop by then is killed.

No Prefect import at module level: PREFECT_API_URL must be set before Prefect is imported.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import IO

from flows.logfiles import LineLog, LogStream
from flows.prefect_env import (
    ServeNote,
    logs_dir,
    remove_serve_note,
    running_serve,
    write_serve_note,
)
from flows.server_process import ManagedServer, ServerError, port_problem

# Ctrl-C to exit: the runner stops, then the server (SERVER_STOP_SECONDS); whatever is
# still running this long after Ctrl-C is killed.
STOP_SECONDS = 9.0
# How often the served process looks for runs due (Prefect's default is 10 s): a run
# triggered from the UI or `peninsula run` starts within this many seconds.
RUNNER_POLL_SECONDS = "5"


# The default polling interval of the feeds.
FEEDS_EVERY_MINUTES = 15


def check_feeds_interval(minutes: int) -> str | None:
    """Why `minutes` is not a usable polling interval; None when it is.

    A cron step (`*/N`) is regular only when N divides the hour.
    """
    if minutes < 1 or 60 % minutes:
        usable = ", ".join(str(n) for n in range(1, 61) if 60 % n == 0)
        return f"--feeds-every {minutes}: use a number of minutes that divides the hour ({usable})"
    return None


class ServeError(RuntimeError):
    """serve cannot start; the message says why and what to do."""


class _Exit:
    """The way out: Ctrl-C or the server's death ask for it; a timer makes sure of it.

    Before the runner's event loop runs, Ctrl-C is Python's KeyboardInterrupt. Once it
    runs (bind), Ctrl-C asks the runner to stop in the loop, where it can do so cleanly;
    a second Ctrl-C, or STOP_SECONDS without an exit, kills what is left.
    """

    def __init__(self, say: Callable[[str], None], server: ManagedServer | None) -> None:
        self.say = say
        self.server = server
        self.server_code: int | None = None
        self._asked = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: Callable[[bool], Awaitable[None]] | None = None

    def bind(
        self, loop: asyncio.AbstractEventLoop, stop: Callable[[bool], Awaitable[None]]
    ) -> None:
        self._loop, self._stop = loop, stop
        loop.add_signal_handler(signal.SIGINT, self._request)

    def _request(self) -> None:
        """In the loop: the first request stops the runner, a second one kills."""
        if self._asked.is_set():
            self._force()
        self.ask()
        assert self._loop is not None and self._stop is not None
        self._loop.create_task(self._stop(self.server_code is None))

    def ask(self) -> None:
        """Start the countdown (once): past STOP_SECONDS, everything is killed."""
        if self._asked.is_set():
            return
        self._asked.set()
        timer = threading.Timer(STOP_SECONDS, self._force)
        timer.daemon = True
        timer.start()

    def server_died(self, code: int) -> None:
        """From the thread watching the server: say so, and stop."""
        self.server_code = code
        tail = self.server.log.tail() if self.server else []
        where = self.server.log.path if self.server else "server.log"
        self.say(
            f"error: the Prefect server exited (code {code}); serve stops. Its last lines "
            f"({where}):\n" + "\n".join(tail)
        )
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._request)
        else:
            self.ask()
            os.kill(os.getpid(), signal.SIGINT)  # not serving yet: KeyboardInterrupt

    @property
    def code(self) -> int:
        return 1 if self.server_code is not None else 0

    def _force(self) -> None:
        self.say(f"still stopping {STOP_SECONDS:g} s after Ctrl-C: killing what is left")
        if self.server is not None:
            self.server.stop(seconds=0.5)
        remove_serve_note(os.getpid())
        os._exit(self.code or 130)


def serve_until_stopped(
    run: Callable[[str, Callable[[str], None], _Exit], None],
    *,
    port: int,
    terminal: IO[str],
    echo_logs: bool,
) -> int:
    """Start a server (unless PREFECT_API_URL names one), call run(api, say) until Ctrl-C
    or until the server dies; returns the exit code (0 after Ctrl-C, 1 if the server died).

    `run` must import Prefect itself (here PREFECT_API_URL is set first), and bind the
    third argument to its event loop (flows.serve.Stopper).
    """
    if other := running_serve():
        raise ServeError(
            f"peninsula serve is running already (PID {other.pid}, dashboard "
            f"{other.api.removesuffix('/api')}); stop it first, or give this one another "
            "PREFECT_HOME"
        )
    logs = logs_dir()
    echo = terminal if echo_logs else None
    own_log = LineLog(logs / "serve.log", echo=echo)

    def say(message: str) -> None:
        own_log.line(message, echo=False)
        terminal.write(message + "\n")
        terminal.flush()

    server: ManagedServer | None = None
    api = os.environ.get("PREFECT_API_URL")
    if not api:
        if problem := port_problem(port):
            raise ServeError(problem)
        server = ManagedServer(port, LineLog(logs / "server.log", echo=echo))
        say(f"Starting the Prefect server on port {port} (its log: {server.log.path})...")
        try:
            api = server.start()
        except ServerError as exc:
            raise ServeError(str(exc)) from None
        except KeyboardInterrupt:  # Ctrl-C while it starts: it runs in a session of its own
            server.stop()
            raise
        os.environ["PREFECT_API_URL"] = api
    os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", RUNNER_POLL_SECONDS)
    write_serve_note(
        ServeNote(
            api=api,
            pid=os.getpid(),
            server_pid=server.pid if server else None,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
    )
    way_out = _Exit(say, server)
    if server is not None:
        server.watch(way_out.server_died)
    say(f"Logs of the runs: {own_log.path}" + (" (shown here too)" if echo else ""))
    # Everything printed from here on (Prefect's logs, the flow runs' output) goes to
    # the log file; messages for the person at the terminal go through say().
    sys.stdout = sys.stderr = LogStream(own_log)
    try:
        run(api, say, way_out)
    except KeyboardInterrupt:
        pass
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        way_out.ask()
        if server is not None:
            say("Stopping the Prefect server...")
            server.stop()
        remove_serve_note(os.getpid())
    if way_out.server_code is None:
        say("Stopped. The schedules stay on: the next `peninsula serve` picks them up.")
    own_log.close()
    return way_out.code
