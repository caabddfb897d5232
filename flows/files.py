"""Finding and reading saved article files (I/O only; parsing happens elsewhere).

Paths are plain strings here: a rerun over thousands of unchanged files is mostly
this module's work, and pathlib objects cost several times more than str.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from flows.settings import INBOX_ENV
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
# The largest file read as one article. A saved news page, scripts and inline images
# included, stays under a few MB; anything far bigger is not an article, and reading it
# whole would cost the run its memory. `ingest --max-file-bytes` (a flow parameter) or
# PENINSULA_MAX_FILE_BYTES changes it.
DEFAULT_MAX_FILE_BYTES = int(os.environ.get("PENINSULA_MAX_FILE_BYTES", 20_000_000))
# The bytes of files read, parsed and loaded as one batch (as well as --batch-size files).
# A batch is held in memory several times over (the bytes, the parsed articles, the
# Arrow tables DuckDB reads) and two are in flight (one parsed while the one before
# loads): bounded by bytes, a folder of big pages stays within the run's memory.
DEFAULT_BATCH_BYTES = 32_000_000
_READ_CHUNK = 1 << 20
# What a path is when it is not a regular file, for the refusal.
_FILE_TYPES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def display_path(path: str) -> str:
    """The path as text that can be stored, printed and sent anywhere.

    A file name is bytes; Python keeps the ones that are not UTF-8 as lone surrogates,
    which DuckDB, Arrow and a UTF-8 terminal refuse. They are shown as \\xNN instead.
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path


def not_regular_reason(mode: int, link: bool = False) -> str | None:
    """Why a file of this st_mode is refused, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _FILE_TYPES if test(mode)), "not a regular file")
    through = " (through a symbolic link)" if link else ""
    return f"{kind}{through}, not a regular file: refused"


def size_refusal(size: int | str, limit: int) -> str:
    return (
        f"larger than the {limit:,}-byte limit for one file ({size}; "
        "ingest --max-file-bytes or PENINSULA_MAX_FILE_BYTES raises it)"
    )


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
    kind = (
        f"a {display_path(suffix)} file" if suffix else "a file without extension that is not text"
    )
    return f"{kind}, not an article (articles are .txt or .html; --include loads others)"


def _looks_like_text(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return True  # reading it fails later, with the reason, as for any file
    return b"\0" not in head


def is_inside(path: str, roots: Sequence[str]) -> bool:
    """Whether `path`, resolved, is one of `roots` (resolved already) or below one."""
    real = os.path.realpath(path)
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def outside_reason(path: str) -> str:
    real = display_path(os.path.realpath(path))
    return f"leads to {real}, outside the inbox folders ({INBOX_ENV}): refused"


def discover(
    inputs: Iterable[str | os.PathLike[str]],
    selection: Selection | None = None,
    within: Sequence[str] = (),
) -> tuple[list[str], list[InputProblem], list[Skipped]]:
    """Expand files, folders (recursively) and glob patterns into a sorted list of files.

    Hidden files and folders and sidecars are left out silently: they are not articles.
    Other files of a folder or pattern that are not articles (see Selection) are
    returned as skipped, with the reason. With `within` (resolved folders: the inbox of
    a run created through the API), a file that resolves outside them is refused: a
    symbolic link or a pattern does not lead out.
    """
    selection = selection or Selection()
    found: set[str] = set()
    skipped: dict[str, Skipped] = {}
    problems: list[InputProblem] = []

    def take(candidates: Iterable[tuple[str, str]]) -> int:
        taken = 0
        for path, relative in candidates:
            if reason := selection.skip_reason(path, relative):
                skipped.setdefault(path, Skipped(display_path(path), reason))
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
                    candidates.extend(_walk(match, problems, skipped))
                elif not _is_article_name(os.path.basename(match)):
                    continue
                elif os.path.isfile(match):
                    path = os.path.normpath(match)
                    candidates.append((path, path))
                elif reason := _type_refusal(match):
                    problems.append(InputProblem(display_path(match), reason))
            if not take(candidates) and not candidates:
                problems.append(InputProblem(display_path(text), "the pattern matches no file"))
        elif os.path.isdir(text):
            before = len(skipped)
            if not take(_walk(text, problems, skipped)):
                reason = (
                    "the folder holds no file to load"
                    if len(skipped) == before
                    else "the folder holds no article file (its other files are listed as skipped)"
                )
                problems.append(InputProblem(display_path(text), reason))
        elif os.path.isfile(text):
            if text.endswith(SIDECAR_SUFFIX):
                problems.append(
                    InputProblem(display_path(text), "a sidecar, read with its article, not alone")
                )
            else:
                found.add(os.path.normpath(text))
        elif os.path.exists(text):
            reason = _type_refusal(text) or "not a regular file or folder"
            problems.append(InputProblem(display_path(text), reason))
        else:
            problems.append(InputProblem(display_path(text), "no such file or folder"))
    if within:
        for path in sorted(p for p in found if not is_inside(p, within)):
            found.discard(path)
            problems.append(InputProblem(display_path(path), outside_reason(path)))
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
                problems.append(InputProblem(display_path(text), "the pattern matches no file"))
        else:
            problems.append(InputProblem(display_path(text), "no such file or folder"))
    return problems


def _walk(
    folder: str, problems: list[InputProblem], skipped: dict[str, Skipped]
) -> Iterator[tuple[str, str]]:
    """(path, path below the folder) of every regular file, hidden ones and sidecars
    left out. FIFOs, devices and sockets (also behind a symbolic link) are refused by
    type: opening a FIFO blocks, and /dev/zero never ends. Symbolic links to folders
    are listed as skipped: following them can loop or leave the folder given."""
    pending = [folder]
    while pending:
        root = pending.pop()
        try:
            entries = sorted(os.scandir(root), key=lambda e: e.name)
        except OSError as exc:
            problems.append(InputProblem(display_path(root), f"cannot list: {exc.strerror}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = os.path.normpath(entry.path)
            try:
                link = entry.is_symlink()
                if entry.is_dir():
                    if link:
                        reason = "a symbolic link to a folder, not followed"
                        skipped.setdefault(path, Skipped(display_path(path), reason))
                    else:
                        pending.append(entry.path)
                    continue
                if not _is_article_name(entry.name):
                    continue
                if entry.is_file():
                    yield path, os.path.relpath(path, folder)
                    continue
                mode = entry.stat().st_mode
            except OSError as exc:  # a dangling link, a file gone meanwhile
                problems.append(InputProblem(display_path(path), f"cannot read: {exc.strerror}"))
                continue
            reason = not_regular_reason(mode, link) or "not a regular file: refused"
            problems.append(InputProblem(display_path(path), reason))


def _type_refusal(path: str) -> str | None:
    try:
        return not_regular_reason(os.stat(path).st_mode, os.path.islink(path))
    except OSError as exc:
        return f"cannot read: {exc.strerror}"


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


def read_document(
    path: str, sidecar: str | None = None, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> RawDocument | InputProblem:
    """The file's bytes and its sidecar's text, or why they could not be read.

    Only regular files are read (the type is checked on the open file, so a file
    swapped for a FIFO meanwhile is refused too), and no more than max_bytes of them:
    a file that is, or grows, larger is refused with the limit, never read whole.
    The document's origin is the path as text (display_path).
    """
    origin = display_path(path)
    reading = None  # the article; then its sidecar, named in a refusal
    try:
        signature = file_signature(path, sidecar)
        content = read_bounded(path, max_bytes)
        meta = None
        if sidecar is not None:
            reading = f"sidecar {display_path(os.path.basename(sidecar))}: "
            meta = read_bounded(sidecar, max_bytes).decode("utf-8", errors="replace")
    except FileRefused as exc:
        return InputProblem(origin, f"{reading or ''}{exc.reason}")
    except OSError as exc:
        return InputProblem(origin, f"{reading or ''}cannot read: {exc.strerror or exc}")
    return RawDocument(content=content, origin=origin, meta=meta, signature=signature)


class FileRefused(Exception):
    """A file not read: not a regular file, or over the size limit (reason says which)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_bounded(path: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes:
    return b"".join(_chunks(path, max_bytes))


def _chunks(path: str, max_bytes: int) -> Iterator[bytes]:
    if reason := not_regular_reason(os.stat(path).st_mode, os.path.islink(path)):
        raise FileRefused(reason)  # checked before opening: opening a FIFO blocks
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    with os.fdopen(fd, "rb", buffering=0) as handle:
        size = os.fstat(fd)
        if reason := not_regular_reason(size.st_mode):
            raise FileRefused(reason)
        if size.st_size > max_bytes:
            raise FileRefused(size_refusal(f"{size.st_size:,} bytes", max_bytes))
        total = 0
        while chunk := handle.read(min(_READ_CHUNK, max_bytes + 1 - total)):
            total += len(chunk)
            if total > max_bytes:  # it grew while being read
                raise FileRefused(size_refusal("growing while read", max_bytes))
            yield chunk
