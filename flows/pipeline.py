"""The load path as plain functions: find what changed, read and parse, load a batch.

The Prefect flow calls these; tests and benchmarks can call them without Prefect.
"""

from __future__ import annotations

import dataclasses
import json
import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from flows.extract_workers import ExtractionWorkers, process_extractor
from flows.feed_pipeline import is_page_meta, parse_page_document
from flows.files import (
    DEFAULT_BATCH_BYTES,
    DEFAULT_MAX_FILE_BYTES,
    InputProblem,
    Selection,
    Skipped,
    discover,
    display_path,
    file_signature,
    find_sidecars,
    is_inside,
    outside_reason,
    read_document,
)
from parsers import ParseError, parse_document, parse_sidecar
from parsers.extraction import Extractor
from warehouse import LoadCounts, ParsedDocument, RawDocument, Warehouse
from warehouse.analyses import read_analyses, write_analyses
from warehouse.resolution import Resolution, resolve
from warehouse.store import Derivation


@dataclass(slots=True)
class BatchReport:
    counts: LoadCounts = field(default_factory=LoadCounts)
    # (path, reason) of every input that did not become an article.
    failures: list[tuple[str, str]] = field(default_factory=list)

    def add(self, other: BatchReport) -> None:
        self.counts.add(other.counts)
        self.failures.extend(other.failures)

    def add_problems(self, problems: Sequence[InputProblem]) -> None:
        self.failures.extend((p.path, p.reason) for p in problems)
        self.counts.failed += len(problems)


class ParsedBatch:
    """Parsed documents on their way to the loader.

    Deliberately not a list or a dataclass: Prefect walks those in task inputs looking
    for futures, and walking thousands of articles paragraph by paragraph costs seconds.
    """

    __slots__ = ("documents", "problems")

    def __init__(self, documents: list[ParsedDocument], problems: list[InputProblem]) -> None:
        self.documents = documents
        self.problems = problems

    def __len__(self) -> int:
        return len(self.documents) + len(self.problems)


def default_extractor() -> Extractor:
    """One extractor per process: loading the model and indexing the reference take a
    moment."""
    return process_extractor()


def derivation(extractor: Extractor | None = None) -> Derivation:
    extractor = extractor or default_extractor()
    return Derivation(extractor.reference, extractor.version)


def parse_raw(document: RawDocument, sidecar_path: str | None = None) -> ParsedDocument:
    """Parse one raw document; a failure is a value carrying its reason, never an exception.

    `sidecar_path` is the file its meta was read from, for the messages; a stored document
    (reprocessing) no longer knows it, and its sidecar is named after the article.
    """
    if is_page_meta(document.meta):  # a fetched page: parsed as its feed said
        return parse_page_document(document)
    try:
        sidecar = (
            parse_sidecar(
                document.meta.encode("utf-8"),
                # Beside the article, whose path the failure names: the file name says which.
                display_path(os.path.basename(sidecar_path))
                if sidecar_path
                else f"of {document.origin}",
            )
            if document.meta is not None
            else None
        )
        return ParsedDocument(document, article=parse_document(document.content, sidecar))
    except ParseError as exc:
        return ParsedDocument(document, error=str(exc))
    except Exception as exc:  # a parser bug must cost one document, not the run
        return ParsedDocument(document, error=f"parser crashed: {type(exc).__name__}: {exc}")


def read_all(
    paths: Sequence[str],
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    sidecars: dict[str, str | None] | None = None,
) -> tuple[list[RawDocument], list[InputProblem]]:
    """The files' documents (each with its sidecar's text) and why the others failed;
    `sidecars` is find_sidecars(paths) when the caller has it already."""
    documents: list[RawDocument] = []
    problems: list[InputProblem] = []
    for path, sidecar in (sidecars if sidecars is not None else find_sidecars(paths)).items():
        result = read_document(path, sidecar, max_bytes)
        if isinstance(result, InputProblem):
            problems.append(result)
        else:
            documents.append(result)
    return documents, problems


class FileScan:
    """What a run has to do. Opaque to Prefect for the same reason as ParsedBatch."""

    __slots__ = ("problems", "skipped", "todo", "total", "unchanged")

    def __init__(
        self,
        todo: list[str],
        unchanged: int,
        problems: list[InputProblem],
        total: int,
        skipped: list[Skipped] | None = None,
    ) -> None:
        self.todo = todo
        self.unchanged = unchanged
        self.problems = problems
        self.total = total
        self.skipped = skipped or []

    def batches(
        self,
        size: int,
        max_bytes: int = DEFAULT_MAX_FILE_BYTES,
        batch_bytes: int = DEFAULT_BATCH_BYTES,
    ) -> Iterator[FileBatch]:
        """The files to do in batches of at most `size` files and `batch_bytes` bytes on
        disk (a file larger than that alone is a batch of its own)."""
        paths: list[str] = []
        total = 0
        for path in self.todo:
            bytes_ = _size_on_disk(path)
            if paths and (len(paths) >= size or total + bytes_ > batch_bytes):
                yield FileBatch(paths, max_bytes)
                paths, total = [], 0
            paths.append(path)
            total += bytes_
        if paths:
            yield FileBatch(paths, max_bytes)


def _size_on_disk(path: str) -> int:
    """A file's size now; 0 for one gone or unreadable (its read reports why)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


class FileBatch:
    __slots__ = ("max_bytes", "paths")

    def __init__(self, paths: list[str], max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> None:
        self.paths = paths
        self.max_bytes = max_bytes

    def __len__(self) -> int:
        return len(self.paths)


# Files read and hashed at a time while scanning: their bytes are dropped once their
# ids are looked up, so a scan holds at most this many files' bytes.
SCAN_CHUNK = 200


def scan_inputs(
    inputs: Sequence[str],
    warehouse: Warehouse,
    selection: Selection | None = None,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    within: Sequence[str] = (),
) -> FileScan:
    """Expand the inputs and keep only the files that need work.

    A file whose size and mtime match what was recorded when it loaded is skipped
    unread; any other is read and hashed, and skipped if its bytes are loaded already.
    Files of a folder that are not articles are listed as skipped (see Selection).
    Paths are stored and reported as display_path text; the files are read by their
    real names. `within`: see flows.files.discover.
    """
    paths, problems, skipped = discover(inputs, selection, within)
    sidecars = find_sidecars(paths)
    if within:  # a sidecar is read too: it may not lead out either
        for path, sidecar in list(sidecars.items()):
            if sidecar is not None and not is_inside(sidecar, within):
                name = display_path(os.path.basename(sidecar))
                problems.append(
                    InputProblem(display_path(path), f"sidecar {name}: {outside_reason(sidecar)}")
                )
                del sidecars[path]
        paths = list(sidecars)
    real = {display_path(path): path for path in paths}
    signatures = {
        display_path(path): file_signature(path, sidecar) for path, sidecar in sidecars.items()
    }
    changed = [real[shown] for shown in warehouse.changed_files(signatures)]
    todo: list[str] = []
    unreadable: list[InputProblem] = []
    for start in range(0, len(changed), SCAN_CHUNK):
        documents, refused = read_all(changed[start : start + SCAN_CHUNK], max_bytes)
        unreadable.extend(refused)
        parsed = warehouse.parsed_doc_ids([d.doc_id for d in documents])
        todo.extend(real[d.origin] for d in documents if d.doc_id not in parsed)
        # Touched or copied, same bytes: remember the new size and mtime, so that the
        # next run skips these files unread as well.
        warehouse.record_signatures([d for d in documents if d.doc_id in parsed])
    unchanged = len(paths) - len(todo) - len(unreadable)
    return FileScan(todo, unchanged, [*problems, *unreadable], len(paths) + len(problems), skipped)


def parse_files(
    paths: Sequence[str],
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    found_at: Mapping[str, str] | None = None,
) -> ParsedBatch:
    """`found_at`: where some files came from (path -> URL), read as a sidecar's `url`
    would be; a real sidecar beside the file wins."""
    sidecars = find_sidecars(paths)
    documents, problems = read_all(paths, max_bytes, sidecars)
    if found_at:
        url_of = {display_path(path): url for path, url in found_at.items()}
        documents = [
            dataclasses.replace(d, meta=json.dumps({"url": url_of[d.origin]}))
            if d.meta is None and d.origin in url_of
            else d
            for d in documents
        ]
    sidecar_of = {display_path(path): sidecar for path, sidecar in sidecars.items()}
    return ParsedBatch([parse_raw(d, sidecar_of.get(d.origin)) for d in documents], problems)


def load_parsed(batch: ParsedBatch, warehouse: Warehouse, run_id: str) -> BatchReport:
    """Load one parsed batch in one warehouse transaction and report what happened."""
    report = BatchReport(counts=warehouse.load_batch(batch.documents, run_id))
    report.failures.extend(
        (p.document.origin, p.error) for p in batch.documents if p.error is not None
    )
    report.add_problems(batch.problems)
    return report


def ingest_batch(paths: Sequence[str], warehouse: Warehouse, run_id: str) -> BatchReport:
    """Read, parse and load one batch of files (the flow overlaps these steps instead)."""
    return load_parsed(parse_files(paths), warehouse, run_id)


def derive_articles(
    article_ids: Sequence[str],
    warehouse: Warehouse,
    extractor: Extractor | None = None,
    workers: ExtractionWorkers | None = None,
) -> list[tuple[str, str]]:
    """Extract entities, quotes and events of stored articles; returns (article, failure).

    The model's analysis of an article is kept: an article whose text and model are
    unchanged is re-derived from it without running the model.
    """
    workers = workers or ExtractionWorkers(1, extractor)
    extractor = extractor or workers.extractor
    articles = warehouse.read_articles(article_ids)
    kept = read_analyses(warehouse, [article_id for article_id, _ in articles], extractor.model)
    results = workers.derive([(article, kept.get(article_id)) for article_id, article in articles])
    write_analyses(
        warehouse,
        [
            (article_id, r.analysis)
            for (article_id, _), r in zip(articles, results, strict=True)
            if r.analysis is not None
        ],
    )
    items = [
        (article_id, r.extraction)
        for (article_id, _), r in zip(articles, results, strict=True)
        if r.extraction is not None
    ]
    failures = [
        (article_id, r.error or "no extraction")
        for (article_id, _), r in zip(articles, results, strict=True)
        if r.extraction is None
    ]
    warehouse.store_extractions(items, derivation(extractor))
    return failures


def resolve_events(
    warehouse: Warehouse, run_id: str | None = None, *, rebuild: bool | None = None
) -> Resolution:
    """Place the events of the articles derived since the last resolution across articles.

    Only those, and the stored events they could change, are read and written; `rebuild`
    True places every event again (reprocessing), with the same outcome; None decides by
    cost (warehouse.resolution.resolve).
    """
    version = default_extractor().version
    return resolve(warehouse, run_id or f"resolve-{uuid.uuid4()}", version, rebuild=rebuild)


def reprocess_documents(
    warehouse: Warehouse, run_id: str, batch_size: int, batch_bytes: int = DEFAULT_BATCH_BYTES
) -> BatchReport:
    """Re-parse every stored document with the current parsers (no refetching)."""
    report = BatchReport()
    for documents in warehouse.stored_documents(batch_size, batch_bytes):
        parsed = [parse_raw(d) for d in documents]
        counts = warehouse.load_batch(parsed, run_id, replace=True)
        report.add(BatchReport(counts, [(p.document.origin, p.error) for p in parsed if p.error]))
    return report
