"""Finding and reading saved article files (I/O only; parsing happens elsewhere).

Paths are plain strings here: a rerun over thousands of unchanged files is mostly
this module's work, and pathlib objects cost several times more than str.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from warehouse import RawDocument

SIDECAR_SUFFIX = ".meta.json"
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input that yielded no document at all: a missing path, an unreadable file."""

    path: str
    reason: str


def discover(inputs: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[InputProblem]]:
    """Expand files, folders (recursively) and glob patterns into a sorted list of files.

    Hidden files and folders and sidecars are skipped: they are not articles.
    """
    found: set[str] = set()
    problems: list[InputProblem] = []
    for item in inputs:
        text = os.fspath(item)
        if _GLOB_CHARS & set(text) and not os.path.exists(text):
            files: list[str] = []
            for match in glob.glob(text, recursive=True):
                if os.path.isdir(match):
                    files.extend(_walk(match))
                elif os.path.isfile(match) and _is_article_name(os.path.basename(match)):
                    files.append(os.path.normpath(match))
            if not files:
                problems.append(InputProblem(text, "the pattern matches no file"))
            found.update(files)
        elif os.path.isdir(text):
            files = list(_walk(text))
            if not files:
                problems.append(InputProblem(text, "the folder holds no file to load"))
            found.update(files)
        elif os.path.isfile(text):
            if text.endswith(SIDECAR_SUFFIX):
                problems.append(InputProblem(text, "a sidecar, read with its article, not alone"))
            else:
                found.add(os.path.normpath(text))
        elif os.path.exists(text):
            problems.append(InputProblem(text, "not a regular file or folder"))
        else:
            problems.append(InputProblem(text, "no such file or folder"))
    return sorted(found), problems


def _walk(folder: str) -> Iterator[str]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if _is_article_name(name):
                yield os.path.normpath(os.path.join(root, name))


def _is_article_name(name: str) -> bool:
    return not name.startswith(".") and not name.endswith(SIDECAR_SUFFIX)


def find_sidecars(paths: Sequence[str]) -> dict[str, str | None]:
    """Each file's sidecar (`story.txt.meta.json`, else `story.meta.json`) or None.

    Lists each folder once instead of probing two names per file.
    """
    listings: dict[str, set[str]] = {}
    found: dict[str, str | None] = {}
    for path in paths:
        folder, name = os.path.split(path)
        names = listings.get(folder)
        if names is None:
            try:
                names = {n for n in os.listdir(folder or ".") if n.endswith(SIDECAR_SUFFIX)}
            except OSError:
                names = set()
            listings[folder] = names
        sidecar = None
        if names:
            for candidate in (name + SIDECAR_SUFFIX, os.path.splitext(name)[0] + SIDECAR_SUFFIX):
                if candidate in names:
                    sidecar = os.path.join(folder, candidate)
                    break
        found[path] = sidecar
    return found


def file_signature(path: str, sidecar: str | None) -> str | None:
    """Size and modification time of a file and its sidecar; None when unreadable."""
    try:
        stat = os.stat(path)
        signature = f"{stat.st_size}:{stat.st_mtime_ns}"
        if sidecar is not None:
            side = os.stat(sidecar)
            signature += f"|{os.path.basename(sidecar)}:{side.st_size}:{side.st_mtime_ns}"
    except OSError:
        return None
    return signature


def read_document(path: str, sidecar: str | None = None) -> RawDocument | InputProblem:
    """The file's bytes and its sidecar's text, or why they could not be read."""
    try:
        signature = file_signature(path, sidecar)
        with open(path, "rb") as handle:
            content = handle.read()
        meta = None
        if sidecar is not None:
            with open(sidecar, "rb") as handle:
                meta = handle.read().decode("utf-8", errors="replace")
    except OSError as exc:
        return InputProblem(path, f"cannot read: {exc.strerror or exc}")
    return RawDocument(content=content, origin=path, meta=meta, signature=signature)
