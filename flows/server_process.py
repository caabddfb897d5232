"""The Prefect server of `peninsula serve`, as a child process that cannot stall or linger.

- Its output goes to a rotating log file (logs/server.log in the Prefect home), read
  line by line by a thread: never to a pipe that nobody reads.
- A port already in use is reported with what holds it, before anything starts.
- It runs in a session of its own, so that Ctrl-C in the terminal reaches `serve` first
  (which stops the runner while the server still answers, then the server); and it is
  told to stop when its parent dies, so that a killed `serve` leaves no server behind.

No Prefect import here: PREFECT_API_URL must be set before Prefect is imported.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from flows.logfiles import LineLog, pump
from flows.prefect_env import api_answers, read_serve_note

SERVER_START_TIMEOUT = 120.0
# Asked to stop, the server gets this long to finish before it is killed.
SERVER_STOP_SECONDS = 3.0
_PR_SET_PDEATHSIG = 1
_TCP_LISTEN = "0A"


class ServerError(RuntimeError):
    """The server cannot start or stopped; the message says why and what to do."""


class ManagedServer:
    def __init__(self, port: int, log: LineLog) -> None:
        self.port = port
        self.api = f"http://127.0.0.1:{port}/api"
        self.log = log
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, timeout: float = SERVER_START_TIMEOUT) -> str:
        """Start `prefect server start` and wait until it answers; returns the API URL."""
        if problem := port_problem(self.port):
            raise ServerError(problem)
        env = {
            **os.environ,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            # The UI must call this server's API, also on a port other than 4200.
            "PREFECT_UI_API_URL": self.api,
            "PREFECT_API_URL": self.api,
            "PYTHONUNBUFFERED": "1",
        }
        prefect = Path(sys.executable).parent / "prefect"
        self._process = subprocess.Popen(
            [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        assert self._process.stdout is not None
        pump(self._process.stdout, self.log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ServerError(
                    f"the Prefect server exited at start (code {self._process.returncode}); "
                    f"its last lines ({self.log.path}):\n" + "\n".join(self.log.tail())
                )
            if api_answers(self.api, timeout=2):
                return self.api
            time.sleep(0.5)
        self.stop()
        raise ServerError(
            f"the Prefect server did not answer on {self.api} within {timeout:g} s; "
            f"see {self.log.path}"
        )

    def watch(self, on_exit: Callable[[int], object]) -> None:
        """Call on_exit(returncode) from a thread if the server exits unasked."""
        process = self._process
        assert process is not None

        def wait() -> None:
            code = process.wait()
            if not self._stopping.is_set():
                on_exit(code)

        threading.Thread(target=wait, name="server-watch", daemon=True).start()

    def stop(self, seconds: float = SERVER_STOP_SECONDS) -> None:
        """SIGINT (uvicorn's graceful stop), then SIGKILL after `seconds`."""
        self._stopping.set()
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent dies (Linux; elsewhere a no-op)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


# -- who holds a port ---------------------------------------------------------------------
def port_problem(port: int) -> str | None:
    """Why a server cannot listen on 127.0.0.1:port, naming what holds it; None if free.

    Binds as uvicorn does (SO_REUSEADDR: a socket in TIME_WAIT does not count).
    """
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            return None
        except OSError:
            pass
    holders = port_holders(port)
    advice = f"stop it or choose another port with --port (e.g. --port {port + 1})"
    if not holders:
        return f"port {port} is in use by another program (its owner is not visible); {advice}"
    note = read_serve_note()
    named = []
    for pid, command in holders:
        what = f"PID {pid} ({command})"
        if note is not None and pid in (note.pid, note.server_pid):
            what += ", the Prefect server of an earlier `peninsula serve`, still running"
            if api_answers(note.api, timeout=2):
                what += f" and answering on {note.api}"
        named.append(what)
    pids = " ".join(str(pid) for pid, _ in holders)
    return f"port {port} is in use by {'; '.join(named)}; {advice} (to stop it: kill {pids})"


def port_holders(port: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes listening on a TCP port (Linux /proc; else [])."""
    inodes = _listening_inodes(port)
    if not inodes:
        return []
    wanted = {f"socket:[{inode}]" for inode in inodes}
    holders = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fds = f"/proc/{entry.name}/fd"
            links = {os.readlink(f"{fds}/{fd}") for fd in os.listdir(fds)}
        except OSError:
            continue  # gone, or another user's: not visible
        if links & wanted:
            holders.append((int(entry.name), _command_line(int(entry.name))))
    return holders


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as handle:
                next(handle)
                for row in handle:
                    fields = row.split()
                    local, state, inode = fields[1], fields[3], fields[9]
                    if state == _TCP_LISTEN and int(local.rsplit(":", 1)[1], 16) == port:
                        inodes.add(inode)
        except (OSError, StopIteration, IndexError, ValueError):
            continue
    return inodes


def _command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            words = handle.read().rstrip(b"\0").split(b"\0")
    except OSError:
        return "?"
    program, *arguments = (w.decode(errors="replace") for w in words)
    if (
        Path(program).name.startswith("python")
        and arguments
        and arguments[0].endswith(("/prefect", "/peninsula"))
    ):
        program, *arguments = arguments  # a console script: named by itself
    # One line: a script given with -c spans several.
    text = " ".join(" ".join([Path(program).name, *arguments]).split())
    return text if len(text) <= 120 else text[:117] + "..."
