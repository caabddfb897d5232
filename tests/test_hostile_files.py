"""Inputs that are not plain article files: FIFOs, devices, sockets, links to them,
files over the size limit, names that are not UTF-8. Each is refused or loaded by name,
and the good files beside it load."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from flows.files import discover, read_document
from flows.pipeline import ingest_batch, scan_inputs
from tests.conftest import VOA_SEED, YONHAP_SEED
from warehouse import Warehouse

# A name with a byte that is not UTF-8 (Latin-1 "é"), as a file copied from an old
# Windows share or a zip archive can have.
T = TypeVar("T")
ODD_NAME = b"Pyongyang caf\xe9 report.txt"


def within(seconds: float, work: Callable[[], T]) -> T:
    """Run work() in a thread; fail the test (instead of hanging it) when it blocks."""
    result: dict = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still blocked after {seconds} s"
    return result["value"]


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    """Two good articles beside a FIFO, a link to /dev/zero, a socket and a link to a
    folder."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(YONHAP_SEED, folder / "yonhap.txt")
    shutil.copy(VOA_SEED, folder / "voa.txt")
    os.mkfifo(folder / "pipe.txt")
    os.symlink("/dev/zero", folder / "zero.txt")
    os.symlink("/dev/zero", folder / "zero")  # no extension: sniffing it must not read it
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "socket.txt"))
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", folder / "linked")
    yield folder
    listener.close()


def test_fifos_devices_and_sockets_are_refused_by_type_and_the_rest_load(
    hostile_folder: Path, tmp_path: Path
) -> None:
    warehouse = Warehouse(tmp_path / "p.duckdb")
    found = within(20, lambda: scan_inputs([str(hostile_folder)], warehouse))
    reasons = {Path(p.path).name: p.reason for p in found.problems}
    assert reasons == {
        "pipe.txt": "a FIFO (named pipe), not a regular file: refused",
        "zero.txt": "a character device (through a symbolic link), not a regular file: refused",
        "zero": "a character device (through a symbolic link), not a regular file: refused",
        "socket.txt": "a socket, not a regular file: refused",
    }
    assert {Path(p.path).name: p.reason for p in found.skipped} == {
        "linked": "a symbolic link to a folder, not followed"
    }
    report = within(60, lambda: ingest_batch(found.todo, warehouse, "run-1"))
    assert report.counts.new == 2
    assert warehouse.table_counts()["articles"] == 2


def test_a_fifo_or_device_named_directly_is_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    files, problems, _ = within(10, lambda: discover([fifo, "/dev/zero"]))
    assert files == []
    assert [(p.path, p.reason.split(",")[0]) for p in problems] == [
        (str(fifo), "a FIFO (named pipe)"),
        ("/dev/zero", "a character device"),
    ]
    # Swapped in after discovery: the reader checks the type again before reading.
    refused = within(10, lambda: read_document(str(fifo)))
    assert refused.reason == "a FIFO (named pipe), not a regular file: refused"


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"Headline\n\n" + b"word " * 4000)  # 20,010 bytes
    refused = read_document(str(big), max_bytes=10_000)
    assert refused.path == str(big)
    assert refused.reason.startswith("larger than the 10,000-byte limit for one file (20,010 bytes")
    assert "--max-file-bytes" in refused.reason
    assert read_document(str(big), max_bytes=30_000).content == big.read_bytes()


def test_a_file_name_that_is_not_utf8_loads_and_is_reported_readably(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(YONHAP_SEED, folder / "yonhap.txt")
    odd = os.path.join(os.fsencode(folder), ODD_NAME)
    with open(odd, "wb") as handle:
        handle.write(b"Cafe opens in Pyongyang\n\nA cafe opened in the capital on Monday.")
    warehouse = Warehouse(tmp_path / "p.duckdb")
    found = scan_inputs([str(folder)], warehouse)
    report = ingest_batch(found.todo, warehouse, "run-1")
    assert (report.counts.new, report.failures) == (2, [])
    _, rows = warehouse.query("SELECT origin FROM documents")
    origins = {row[0] for row in rows}
    assert f"{folder}/Pyongyang caf\\xe9 report.txt" in origins
    # A rerun finds both unchanged, the odd name included (its signature was stored).
    again = scan_inputs([str(folder)], warehouse)
    assert (again.todo, again.unchanged, again.problems) == ([], 2, [])
