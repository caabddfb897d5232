"""The load path as plain functions: read, skip what is stored, parse, load one batch.

The Prefect flow calls these; tests and benchmarks can call them without Prefect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flows.files import InputProblem, read_document
from parsers import ParseError, parse_document, parse_sidecar
from warehouse import LoadCounts, ParsedDocument, RawDocument, Warehouse


@dataclass(slots=True)
class BatchReport:
    counts: LoadCounts = field(default_factory=LoadCounts)
    # (path, reason) of every input that did not become an article.
    failures: list[tuple[str, str]] = field(default_factory=list)

    def add(self, other: BatchReport) -> None:
        self.counts.add(other.counts)
        self.failures.extend(other.failures)


def parse_raw(document: RawDocument) -> ParsedDocument:
    """Parse one raw document; a failure is a value carrying its reason, never an exception."""
    try:
        sidecar = (
            parse_sidecar(document.meta.encode("utf-8"), Path(document.origin).name + ".meta.json")
            if document.meta is not None
            else None
        )
        return ParsedDocument(document, article=parse_document(document.content, sidecar))
    except ParseError as exc:
        return ParsedDocument(document, error=str(exc))
    except Exception as exc:  # a parser bug must cost one document, not the run
        return ParsedDocument(document, error=f"parser crashed: {type(exc).__name__}: {exc}")


def read_all(paths: Sequence[Path]) -> tuple[list[RawDocument], list[InputProblem]]:
    documents: list[RawDocument] = []
    problems: list[InputProblem] = []
    for path in paths:
        result = read_document(path)
        (problems if isinstance(result, InputProblem) else documents).append(result)  # type: ignore[arg-type]
    return documents, problems


def split_known(
    paths: Sequence[Path], warehouse: Warehouse
) -> tuple[list[Path], int, list[InputProblem]]:
    """Which files need work: those whose bytes are not yet stored as a parsed document."""
    documents, problems = read_all(paths)
    parsed = warehouse.parsed_doc_ids([d.doc_id for d in documents])
    todo = [Path(d.origin) for d in documents if d.doc_id not in parsed]
    return todo, len(documents) - len(todo), problems


def ingest_batch(paths: Sequence[Path], warehouse: Warehouse, run_id: str) -> BatchReport:
    """Read, parse and load one batch of files in one warehouse transaction."""
    documents, problems = read_all(paths)
    parsed = [parse_raw(d) for d in documents]
    report = BatchReport(counts=warehouse.load_batch(parsed, run_id))
    report.failures.extend((p.document.origin, p.error) for p in parsed if p.error is not None)
    report.failures.extend((p.path, p.reason) for p in problems)
    report.counts.failed += len(problems)
    return report
