"""Finding and reading saved article files (I/O only; parsing happens elsewhere)."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from warehouse import RawDocument

SIDECAR_SUFFIX = ".meta.json"
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input that yielded no document at all: a missing path, an unreadable file."""

    path: str
    reason: str


def discover(inputs: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[InputProblem]]:
    """Expand files, folders (recursively) and glob patterns into a sorted list of files.

    Hidden files and folders and sidecars are skipped: they are not articles.
    """
    found: set[Path] = set()
    problems: list[InputProblem] = []
    for item in inputs:
        text = os.fspath(item)
        if _GLOB_CHARS & set(text) and not Path(text).exists():
            matches = [Path(m) for m in glob.glob(text, recursive=True)]
            files = [m for m in matches if m.is_file() and _is_article_file(m)]
            for folder in (m for m in matches if m.is_dir()):
                files.extend(_walk(folder))
            if not files:
                problems.append(InputProblem(text, "the pattern matches no file"))
            found.update(files)
            continue
        path = Path(text)
        if path.is_dir():
            files = list(_walk(path))
            if not files:
                problems.append(InputProblem(text, "the folder holds no file to load"))
            found.update(files)
        elif path.is_file():
            found.add(path)
        elif path.exists():
            problems.append(InputProblem(text, "not a regular file or folder"))
        else:
            problems.append(InputProblem(text, "no such file or folder"))
    return sorted(found), problems


def _walk(folder: Path) -> Iterable[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            path = Path(root, name)
            if _is_article_file(path):
                yield path


def _is_article_file(path: Path) -> bool:
    return not path.name.startswith(".") and not path.name.endswith(SIDECAR_SUFFIX)


def find_sidecars(paths: Iterable[Path]) -> dict[Path, Path | None]:
    """Each file's sidecar (`story.txt.meta.json`, else `story.meta.json`) or None.

    Lists each folder once instead of probing two names per file: a rerun over
    thousands of files should cost a few directory reads, not thousands of stats.
    """
    listings: dict[Path, set[str]] = {}
    found: dict[Path, Path | None] = {}
    for path in paths:
        names = listings.get(path.parent)
        if names is None:
            try:
                names = set(os.listdir(path.parent))
            except OSError:
                names = set()
            listings[path.parent] = names
        found[path] = next(
            (
                path.with_name(candidate)
                for candidate in (path.name + SIDECAR_SUFFIX, path.stem + SIDECAR_SUFFIX)
                if candidate in names
            ),
            None,
        )
    return found


def file_signature(path: Path, sidecar: Path | None) -> str | None:
    """Size and modification time of a file and its sidecar; None when unreadable."""
    try:
        stat = path.stat()
        signature = f"{stat.st_size}:{stat.st_mtime_ns}"
        if sidecar is not None:
            side = sidecar.stat()
            signature += f"|{sidecar.name}:{side.st_size}:{side.st_mtime_ns}"
    except OSError:
        return None
    return signature


def read_document(path: Path, sidecar: Path | None = None) -> RawDocument | InputProblem:
    """The file's bytes and its sidecar's text, or why they could not be read."""
    try:
        signature = file_signature(path, sidecar)
        content = path.read_bytes()
        meta = sidecar.read_bytes().decode("utf-8", errors="replace") if sidecar else None
    except OSError as exc:
        return InputProblem(str(path), f"cannot read: {exc.strerror or exc}")
    return RawDocument(content=content, origin=str(path), meta=meta, signature=signature)
