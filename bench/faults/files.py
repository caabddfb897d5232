"""Saved files: rows 2, 3, 4, 9 and 11 of issue 13.

The hostile inputs of rows 3, 4, 9 and 11 share one folder with the seeds and one
`peninsula ingest`: each must load or be refused by name on its own, and the good files
beside them must load. Each input gets its row, read from the command's output and the
warehouse (time and RSS are the shared run's). Row 2's batches run on their own.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bench.faults.common import (
    SEEDS,
    Context,
    Outcome,
    articles,
    compared,
    ingest,
    loaded_line,
    page,
    run_peninsula,
    stage_times,
    summarize,
    writable,
    write_pages,
)


def text_article(title: str, words: str = "") -> str:
    return (
        f"{title}\n\nSEOUL, March 4 (Yonhap) -- {title} was reported on Monday. {words}\n\n"
        "Officials said talks would continue next week.\n"
    )


@dataclass(frozen=True)
class Hostile:
    row: str
    label: str
    make: Callable[[Path], str]  # builds the input in the folder; returns its shown name
    loads: bool
    reason: str  # what a refusal must say beside the name (the limit or the check)


def fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.txt")
    return "pipe.txt"


def dev_zero(folder: Path) -> str:
    os.symlink("/dev/zero", folder / "zero.txt")
    return "zero.txt"


_sockets: list[socket.socket] = []


def unix_socket(folder: Path) -> str:
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "socket.txt"))
    _sockets.append(listener)
    return "socket.txt"


def sparse_3gb(folder: Path) -> str:
    with open(folder / "huge.txt", "wb") as handle:  # 3 GB on no disk space
        handle.truncate(3_000_000_000)
    return "huge.txt"


def odd_name(folder: Path) -> str:
    with open(os.path.join(os.fsencode(folder), b"caf\xe9 report.txt"), "wb") as handle:
        handle.write(text_article("Cafe opens in Pyongyang").encode())
    return "caf\\xe9 report.txt"


def utf16_bom(folder: Path) -> str:
    data = text_article("Envoys meet in Beijing on UTF-16 day").encode("utf-16")
    assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    (folder / "utf16.txt").write_bytes(data)
    return "utf16.txt"


def with_sidecar(name: str, sidecar: str) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        (folder / f"{name}.txt").write_text(text_article(f"Sidecar story {name}"))
        (folder / f"{name}.txt.meta.json").write_text(sidecar)
        return f"{name}.txt.meta.json"

    return make


def base64_charset(folder: Path) -> str:
    html = page(3001).decode().replace('charset="utf-8"', 'charset="base64"')
    (folder / "base64.html").write_text(html)
    return "base64.html"


def linked_folder(folder: Path) -> str:
    outside = folder.parent / "outside"
    outside.mkdir()
    (outside / "elsewhere.txt").write_text(text_article("A story outside the inbox"))
    os.symlink(outside, folder / "linked")
    return "linked"


def nul_after_8k(folder: Path) -> str:
    text = text_article("Binary tail story", "More words. " * 800)  # ~9.7 KB
    (folder / "nul.txt").write_bytes(text.encode() + b"\0tail\n")
    return "nul.txt"


ESCAPED_TITLE = "Talks resume \x1b[31min red\x1b[0m\x1b]0;owned\x07 at Panmunjom"


def terminal_escapes(folder: Path) -> str:
    (folder / "escapes.txt").write_text(text_article(ESCAPED_TITLE, "\x1b[2J\x1b[H Cleared."))
    return "escapes.txt"


HOSTILE = [
    Hostile("3", "FIFO in the folder", fifo, False, "not a regular file"),
    Hostile("3", "symlink to /dev/zero", dev_zero, False, "not a regular file"),
    Hostile("3", "unix socket in the folder", unix_socket, False, "not a regular file"),
    Hostile("3", "3 GB file (sparse)", sparse_3gb, False, "-byte limit"),
    Hostile("4", "non-UTF-8 file name", odd_name, True, ""),
    Hostile("9", "UTF-16 text with a BOM", utf16_bom, True, ""),
    Hostile(
        "9",
        "sidecar: a 100,000-digit number",
        with_sidecar("digits", '{"url": ' + "9" * 100_000 + "}"),
        False,
        "must be a string",
    ),
    Hostile(
        "9",
        "sidecar: JSON nested 100,000 deep",
        with_sidecar("deep", "[" * 100_000 + "]" * 100_000),
        False,
        "nested too deeply",
    ),
    Hostile(
        "9",
        "sidecar: encoding zlib_codec",
        with_sidecar("zlib", json.dumps({"encoding": "zlib_codec"})),
        False,
        "not a text encoding",
    ),
    Hostile("9", "page with meta charset base64", base64_charset, True, ""),
    Hostile("11", "symlinked sub-folder", linked_folder, False, "not followed"),
    Hostile("11", "NUL byte after the first 8 KiB", nul_after_8k, False, "NUL byte"),
    Hostile("11", "terminal escapes in the text", terminal_escapes, True, ""),
]


def parsed_origins(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute(
            "SELECT origin FROM documents d JOIN articles a USING (article_id)"
            " WHERE d.status = 'parsed'"
        ).fetchall()
    return [row[0] for row in rows]


def hostile_folder(ctx: Context) -> list[Outcome]:
    """Rows 3, 4, 9 and 11: one folder of hostile inputs beside the seeds."""
    base = ctx.folder("hostile")
    folder = base / "inbox"
    shutil.copytree(SEEDS, folder)
    seeds = len(list(folder.iterdir()))
    names = [(h, h.make(folder)) for h in HOSTILE]
    db = base / "p.duckdb"
    run = ingest(ctx, [folder], db, base / "ingest.log")
    origins = parsed_origins(db) if db.exists() else []
    expected = seeds + sum(h.loads for h in HOSTILE)
    rows = [
        compared(
            "rows 3/4/9/11: the folder as a whole", summarize(run, "failed"), run, expected, db
        )
    ]
    for hostile, name in names:
        loaded = sum(origin.endswith("/" + name) for origin in origins)
        if hostile.loads:
            outcome = "loaded" if loaded == 1 else f"NOT LOADED ({loaded} articles)"
            sound = loaded == 1
        else:
            said = [line for line in run.lines(name) if hostile.reason in line]
            outcome = said[0][:150] if said else f"(no line naming {name} with {hostile.reason!r})"
            sound = bool(said) and loaded == 0
        rows.append(
            Outcome(
                f"row {hostile.row}: {hostile.label}",
                outcome,
                run.seconds,
                run.peak_rss_mb,
                int(hostile.loads and loaded < 1),
                max(0, loaded - 1),
                writable(db),
                sound,
                cpu_seconds=run.cpu_seconds,
            )
        )
    rows.append(escapes_not_printed(ctx, db, base))
    for listener in _sockets:
        listener.close()
    return rows


def escapes_not_printed(ctx: Context, db: Path, base: Path) -> Outcome:
    """Row 11: what `peninsula sql` prints of the escaped title holds no escape."""
    query = "SELECT title FROM articles WHERE title LIKE '%Panmunjom%'"
    run = run_peninsula(["sql", query, "--db", str(db)], ctx, base / "sql.log")
    shown = run.lines("Panmunjom")
    raw = "\x1b" in run.output or "\x07" in run.output
    outcome = (
        f"printed raw ({len(shown)} lines)"
        if raw
        else f"shown without escapes: {shown[0][:70]!r}"
        if shown
        else "(title not printed)"
    )
    return Outcome(
        "row 11: `peninsula sql` of the escaped title",
        outcome,
        run.seconds,
        run.peak_rss_mb,
        0,
        0,
        writable(db),
        bool(shown) and not raw,
        cpu_seconds=run.cpu_seconds,
    )


def uncreatable_db(ctx: Context) -> list[Outcome]:
    """Row 9: --db under a folder that cannot be created (a file stands in its way)."""
    base = ctx.folder("nodb")
    (base / "a-file").write_text("not a folder\n")
    db = base / "a-file" / "sub" / "p.duckdb"
    run = ingest(ctx, [SEEDS], db, base / "ingest.log")
    lines = [line for line in run.output.splitlines() if line.strip()]
    traceback = "Traceback" in run.output
    said = [line for line in lines if str(db.parent.parent) in line]
    outcome = (
        f"exit {run.code}, {len(lines)} lines{', a TRACEBACK' if traceback else ''}: "
        f"{(said or lines or ['(nothing)'])[-1][:140]}"
    )
    sound = run.code not in (0, None) and not traceback and len(lines) == 1 and bool(said)
    return [
        Outcome(
            "row 9: --db under an uncreatable folder",
            outcome,
            run.seconds,
            run.peak_rss_mb,
            0,
            0,
            None,
            sound,
            cpu_seconds=run.cpu_seconds,
        )
    ]


def thousand_pages(ctx: Context) -> list[Outcome]:
    """Row 2: 1,000 saved pages of 100 KB in one ingest (100 MB in one batch)."""
    base = ctx.folder("thousand")
    size = write_pages(base / "inbox", range(1, 1001), 100_000)
    db = base / "p.duckdb"
    run = ingest(ctx, [base / "inbox"], db, base / "ingest.log", "-v")
    case = f"row 2: 1,000 pages of 100 KB ({size / 1e6:.0f} MB) in one ingest"
    said = f"{summarize(run, 'failed')}; {stage_times(run)}"
    return [compared(case, said, run, 1000, db)]


def one_big_file(ctx: Context) -> list[Outcome]:
    """Row 2: one 60 MB page among 10 good ones, at the default size limit and with the
    limit raised so that the big page is read and parsed."""
    base = ctx.folder("big")
    folder = base / "inbox"
    write_pages(folder, range(2001, 2011), 0)
    (folder / "big.html").write_bytes(page(2100, 60_000_000))
    rows = []
    limits = (
        ("default limit", ()),
        ("limit raised to 100 MB", ("--max-file-bytes", "1" + "0" * 8)),
    )
    for label, extra in limits:
        db = base / f"p-{len(rows)}.duckdb"
        run = ingest(ctx, [folder], db, base / f"ingest-{len(rows)}.log", *extra)
        good = articles(db)
        big_loaded = any(origin.endswith("/big.html") for origin in parsed_origins(db))
        refusal = [line for line in run.lines("big.html") if line.startswith("failed")]
        if big_loaded:
            outcome, sound = "the 60 MB page loaded; " + loaded_line(run), True
            good -= 1
        else:
            outcome = refusal[0][:150] if refusal else "(no line naming big.html)"
            sound = bool(refusal) and ("limit" in outcome or "--max-file-bytes" in extra)
        rows.append(
            Outcome(
                f"row 2: a 60 MB page among 10 ({label})",
                outcome,
                run.seconds,
                run.peak_rss_mb,
                max(0, 10 - good),
                max(0, good - 10),
                writable(db),
                sound,
                cpu_seconds=run.cpu_seconds,
            )
        )
    return rows


CASES = [hostile_folder, uncreatable_db, thousand_pages, one_big_file]
