"""Rotating log files for long-running processes: nothing they print can fill a pipe.

`peninsula serve` runs for weeks. A child's output that goes to a pipe nobody reads
stalls the child once the pipe's buffer is full (the Prefect server did, 17 to 32 minutes
in); output that goes to a plain file grows without end. Here every line goes to a
rotating file, and to the console as well when asked.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import threading
from collections import deque
from pathlib import Path
from typing import IO, BinaryIO

# Ten files of 10 MB per log: weeks of a quiet server, days of a noisy one.
MAX_BYTES = 10_000_000
BACKUPS = 9
# Lines kept in memory to quote when something dies.
TAIL_LINES = 40


class LineLog:
    """One rotating log file; lines are stamped with the date and time they arrived."""

    def __init__(self, path: Path, echo: IO[str] | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
        self._handler.setFormatter(
            logging.Formatter("%(asctime)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S")
        )
        self._echo = echo
        self._tail: deque[str] = deque(maxlen=TAIL_LINES)
        self._lock = threading.Lock()

    def line(self, text: str, *, echo: bool = True) -> None:
        """Write one line (and show it, if this log is shown and `echo`)."""
        text = text.rstrip("\r\n")
        record = logging.LogRecord("peninsula", logging.INFO, "", 0, text, None, None)
        with self._lock:
            self._tail.append(text)
            try:
                self._handler.emit(record)  # handles its own errors: never raises
                if echo and self._echo is not None:
                    self._echo.write(text + "\n")
                    self._echo.flush()
            except (OSError, ValueError):
                pass  # a closed console must not stop the logging

    def tail(self, lines: int = 10) -> list[str]:
        with self._lock:
            return list(self._tail)[-lines:]

    def close(self) -> None:
        with self._lock:
            self._handler.close()


class LogStream(io.TextIOBase):
    """A text stream (for sys.stdout and sys.stderr) that writes whole lines to a LineLog."""

    def __init__(self, log: LineLog) -> None:
        super().__init__()
        self._log = log
        self._pending = ""
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        with self._lock:
            self._pending += text
            *lines, self._pending = self._pending.split("\n")
        for line in lines:
            self._log.line(line)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            rest, self._pending = self._pending, ""
        if rest:
            self._log.line(rest)


def pump(stream: BinaryIO, log: LineLog) -> threading.Thread:
    """Copy a child's output into the log, line by line, until the child closes it.

    The thread reads whatever happens: a line that cannot be decoded is logged with
    replacement characters, and a failure to write never stops the reading.
    """

    def run() -> None:
        with stream:
            for raw in iter(stream.readline, b""):
                try:
                    log.line(raw.decode("utf-8", errors="replace"))
                except Exception:  # keep draining: a stalled reader stalls the child
                    continue

    thread = threading.Thread(target=run, name=f"log:{log.path.name}", daemon=True)
    thread.start()
    return thread
