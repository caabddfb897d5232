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


def sidecar_path(path: Path) -> Path | None:
    """`story.txt.meta.json`, else `story.meta.json`, when either exists."""
    for candidate in (
        path.with_name(path.name + SIDECAR_SUFFIX),
        path.with_name(path.stem + SIDECAR_SUFFIX),
    ):
        if candidate.is_file():
            return candidate
    return None


def read_document(path: Path) -> RawDocument | InputProblem:
    """The file's bytes and its sidecar's text, or why they could not be read."""
    try:
        content = path.read_bytes()
        meta_path = sidecar_path(path)
        meta = meta_path.read_bytes().decode("utf-8", errors="replace") if meta_path else None
    except OSError as exc:
        return InputProblem(str(path), f"cannot read: {exc.strerror or exc}")
    return RawDocument(content=content, origin=str(path), meta=meta)
