"""The `peninsula` command as a user runs it: a real process, real files, real server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

PENINSULA = Path(sys.executable).parent / "peninsula"


def peninsula(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PENINSULA), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


@pytest.fixture
def server_env(prefect_api_url: str, tmp_path: Path) -> dict[str, str]:
    return {"PREFECT_API_URL": prefect_api_url, "PREFECT_HOME": str(tmp_path / "prefect")}


@pytest.mark.prefect
def test_ingest_reports_new_then_unchanged(server_env: dict[str, str], tmp_path: Path) -> None:
    db = str(tmp_path / "p.duckdb")
    first = peninsula("ingest", "--db", db, env=server_env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("2 new, 0 updated, 0 unchanged, 0 failed (2 inputs)")
    again = peninsula("ingest", str(SEEDS), "--db", db, env=server_env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("0 new, 0 updated, 2 unchanged, 0 failed")


@pytest.mark.prefect
def test_ingest_names_each_bad_file_and_exits_nonzero(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for seed in SEEDS.iterdir():
        (inbox / seed.name).write_bytes(seed.read_bytes())
    (inbox / "blob.bin").write_bytes(bytes(range(256)))  # not an article: skipped
    (inbox / "blob.txt").write_bytes(bytes(range(256)))  # named as one: tried, and fails
    (inbox / "empty.txt").touch()
    (inbox / "old.txt").write_bytes("Caf\u00e9 talk\n\nPar\u00e9 was here.".encode("latin-1"))
    result = peninsula("ingest", str(inbox), "--db", str(tmp_path / "p.duckdb"), env=server_env)
    assert result.returncode == 1
    assert result.stdout.startswith("2 new, 0 updated, 0 unchanged, 3 failed (5 inputs)")
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed ")]
    assert sorted(failed) == sorted(
        [
            f"failed {inbox / 'blob.txt'}: binary content, not text (control bytes in the "
            "first 8 KiB)",
            f"failed {inbox / 'empty.txt'}: empty file",
            f"failed {inbox / 'old.txt'}: not valid UTF-8 at byte 3 (0xe9); the file looks "
            "like a legacy encoding such as Latin-1: convert it to UTF-8 or declare it with "
            '"encoding" in a NAME.meta.json sidecar',
        ]
    )
    assert "Traceback" not in result.stderr
    assert "1 file skipped, not articles (--include loads others):" in result.stderr
    assert (
        f"  {inbox / 'blob.bin'}: a .bin file, not an article (articles are .txt or .html; "
        "--include loads others)"
    ) in result.stderr.splitlines()


@pytest.mark.prefect
def test_sql_and_status_read_what_ingest_wrote(server_env: dict[str, str], tmp_path: Path) -> None:
    db = str(tmp_path / "p.duckdb")
    assert peninsula("ingest", "--db", db, env=server_env).returncode == 0
    result = peninsula(
        "sql",
        "--db",
        db,
        "--tz",
        "Asia/Seoul",
        "SELECT source, title, label, published_at, byline, dateline FROM articles ORDER BY 1",
    )
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"voa .*After North Korea Walks Away From Talks, Experts See Familiar Tactic"
        r" .*NULL .*NULL .*NULL .*NULL",
        result.stdout,
    )
    assert re.search(
        r"yonhap .*N\. Korea employs high-pressure tactics in nuke talks with U\.S\. .*"
        r"News Focus .*2019-10-07 11:12:00\+09 .*Song Sang-ho .*SEOUL, Oct\. 7 \(Yonhap\)",
        result.stdout,
    )
    status = peninsula("status", "--db", db)
    assert status.returncode == 0, status.stderr
    assert re.search(r"articles\s*│\s*2\b", status.stdout)
    assert "completed" in status.stdout


def test_sql_errors_are_one_line(tmp_path: Path) -> None:
    missing = peninsula("sql", "--db", str(tmp_path / "none.duckdb"), "SELECT 1")
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0
    assert "none.duckdb: no warehouse here yet" in missing.stderr


def test_every_command_is_documented_in_the_readme() -> None:
    from flows.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"peninsula {name}" in readme, f"`peninsula {name}` is not in the README"
    for group in app.registered_groups:
        assert f"peninsula {group.name}" in readme, f"`peninsula {group.name}` is not there"
        for command in group.typer_instance.registered_commands:
            name = f"{group.name} {command.name}"
            assert f"peninsula {name}" in readme, f"`peninsula {name}` is not in the README"


def test_a_locked_warehouse_is_one_clear_line(tmp_path: Path) -> None:
    """Another process keeps the file: ingest waits, then names it, before starting Prefect."""
    db = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True);"
            " time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        result = peninsula("ingest", "--db", str(db), env={"PENINSULA_LOCK_WAIT_SECONDS": "1"})
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert (
        f"busy.duckdb: locked by another process ({Path(os.path.realpath(sys.executable)).name},"
        f" PID {holder.pid})"
        " for more than 1 s" in result.stderr
    )


def test_a_db_whose_folder_cannot_be_created_is_one_clear_line(tmp_path: Path) -> None:
    """--db under a regular file: the path and the reason, no traceback, exit 2."""
    (tmp_path / "notes.txt").write_text("a file, not a folder\n", encoding="utf-8")
    db = tmp_path / "notes.txt" / "data" / "p.duckdb"
    feeds = ["ingest-feeds", "--sources", str(ROOT / "sources.yaml")]
    for command in (["ingest", str(SEEDS)], feeds):
        result = peninsula(*command, "--db", str(db))
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip() == (
            f"error: {db}: cannot create its folder {db.parent}: Not a directory"
        ), result.stderr


@pytest.mark.prefect
def test_a_refused_sidecar_is_named_itself(server_env: dict[str, str], tmp_path: Path) -> None:
    """story.meta.json beside story.txt, a FIFO as wire.txt.meta.json: each failure names
    the article and the sidecar at fault by its own name."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "story.txt").write_bytes((SEEDS / "000_960a1ecd3430c774.txt").read_bytes())
    (inbox / "story.meta.json").write_text('{"encoding": "zlib_codec"}', encoding="utf-8")
    (inbox / "wire.txt").write_bytes((SEEDS / "002_81aee9c10b823c90.txt").read_bytes())
    os.mkfifo(inbox / "wire.txt.meta.json")
    result = peninsula("ingest", str(inbox), "--db", str(tmp_path / "p.duckdb"), env=server_env)
    assert result.returncode == 1, result.stderr
    failed = sorted(line for line in result.stderr.splitlines() if line.startswith("failed "))
    assert failed == [
        f"failed {inbox / 'story.txt'}: sidecar story.meta.json: encoding "
        "'zlib_codec' is not a text encoding (name one like utf-8, utf-16, latin-1 or euc-kr)",
        f"failed {inbox / 'wire.txt'}: sidecar wire.txt.meta.json: a FIFO (named pipe), "
        "not a regular file: refused",
    ]
