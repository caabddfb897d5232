"""Finding and reading saved article files (I/O only; parsing happens elsewhere).

Paths are plain strings here: a rerun over thousands of unchanged files is mostly
this module's work, and pathlib objects cost several times more than str.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from warehouse import RawDocument

SIDECAR_SUFFIX = ".meta.json"
_GLOB_CHARS = frozenset("*?[")
# What a folder holds that is an article: text and saved pages. Anything else in a
# folder (READMEs, data files, images) is skipped and listed, unless --include names it.
ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".htm", ".html", ".xhtml", ".shtml"})
_IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".tif", ".tiff", ".ico", ".heic"}
)
# Files every project folder has, whatever their extension (README.txt is no article).
_PROJECT_FILES = frozenset(
    {"readme", "license", "licence", "copying", "notice", "changelog", "changes", "authors"}
)
# An extensionless file (a page saved by wget as view/AEN...) is read this far to tell.
_SNIFF_BYTES = 4096


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input that yielded no document at all: a missing path, an unreadable file."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file found in a folder (or by a pattern) and left alone, with the reason."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Selection:
    """Which files of a folder or pattern to load: --include and --exclude glob patterns.

    A pattern matches a file's name or its path below the folder given ("*.md",
    "drafts/*"). With include patterns, exactly the files they match are loaded, of any
    type; without, the article files. Exclude patterns win over both. A file named
    on its own is always loaded.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def skip_reason(self, path: str, relative: str) -> str | None:
        """None to load the file; else why it is skipped."""
        name = os.path.basename(path)
        for pattern in self.exclude:
            if _matches(pattern, relative, name):
                return f"excluded by --exclude {pattern}"
        if self.include:
            if any(_matches(pattern, relative, name) for pattern in self.include):
                return None
            return "not matched by --include"
        return _not_an_article(path, name)


def _matches(pattern: str, relative: str, name: str) -> bool:
    return fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(name, pattern)


def _not_an_article(path: str, name: str) -> str | None:
    stem, suffix = os.path.splitext(name)
    suffix = suffix.lower()
    if stem.lower() in _PROJECT_FILES:
        return f"{name} is a project file, not an article"
    if suffix in ARTICLE_SUFFIXES:
        return None
    if suffix == ".json":
        return "a .json file that is not a sidecar (NAME.meta.json)"
    if suffix in _IMAGE_SUFFIXES:
        return "an image"
    if not suffix and _looks_like_text(path):
        return None
    kind = f"a {suffix} file" if suffix else "a file without extension that is not text"
    return f"{kind}, not an article (articles are .txt or .html; --include loads others)"


def _looks_like_text(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return True  # reading it fails later, with the reason, as for any file
    return b"\0" not in head


def discover(
    inputs: Iterable[str | os.PathLike[str]], selection: Selection | None = None
) -> tuple[list[str], list[InputProblem], list[Skipped]]:
    """Expand files, folders (recursively) and glob patterns into a sorted list of files.

    Hidden files and folders and sidecars are left out silently: they are not articles.
    Other files of a folder or pattern that are not articles (see Selection) are
    returned as skipped, with the reason.
    """
    selection = selection or Selection()
    found: set[str] = set()
    skipped: dict[str, Skipped] = {}
    problems: list[InputProblem] = []

    def take(candidates: Iterable[tuple[str, str]]) -> int:
        taken = 0
        for path, relative in candidates:
            if reason := selection.skip_reason(path, relative):
                skipped.setdefault(path, Skipped(path, reason))
            else:
                found.add(path)
                taken += 1
        return taken

    for item in inputs:
        text = os.fspath(item)
        if _GLOB_CHARS & set(text) and not os.path.exists(text):
            candidates: list[tuple[str, str]] = []
            for match in glob.glob(text, recursive=True):
                if os.path.isdir(match):
                    candidates.extend(_walk(match))
                elif os.path.isfile(match) and _is_article_name(os.path.basename(match)):
                    path = os.path.normpath(match)
                    candidates.append((path, path))
            if not take(candidates) and not candidates:
                problems.append(InputProblem(text, "the pattern matches no file"))
        elif os.path.isdir(text):
            before = len(skipped)
            if not take(_walk(text)):
                reason = (
                    "the folder holds no file to load"
                    if len(skipped) == before
                    else "the folder holds no article file (its other files are listed as skipped)"
                )
                problems.append(InputProblem(text, reason))
        elif os.path.isfile(text):
            if text.endswith(SIDECAR_SUFFIX):
                problems.append(InputProblem(text, "a sidecar, read with its article, not alone"))
            else:
                found.add(os.path.normpath(text))
        elif os.path.exists(text):
            problems.append(InputProblem(text, "not a regular file or folder"))
        else:
            problems.append(InputProblem(text, "no such file or folder"))
    left_out = [skipped[p] for p in sorted(skipped) if p not in found]
    return sorted(found), problems, left_out


def missing_inputs(inputs: Iterable[str | os.PathLike[str]]) -> list[InputProblem]:
    """The inputs that name nothing at all: refused before any work starts."""
    problems = []
    for item in inputs:
        text = os.fspath(item)
        if os.path.exists(text):
            continue
        if _GLOB_CHARS & set(text):
            if not glob.glob(text, recursive=True):
                problems.append(InputProblem(text, "the pattern matches no file"))
        else:
            problems.append(InputProblem(text, "no such file or folder"))
    return problems


def _walk(folder: str) -> Iterator[tuple[str, str]]:
    """(path, path below the folder) of every file, hidden ones and sidecars left out."""
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if _is_article_name(name):
                path = os.path.normpath(os.path.join(root, name))
                yield path, os.path.relpath(path, folder)


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
