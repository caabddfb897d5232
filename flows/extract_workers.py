"""Extraction over worker processes: the model is CPU-bound, so every core should work.

Each worker process loads its own extractor (the spaCy model and the reference index) once
and then derives chunks of a batch; the parent process alone touches the warehouse, as
DuckDB allows a single writer. Workers are spawned, not forked: the parent may run Prefect
threads, which a fork would copy in an unknown state.

Deliberately free of Prefect: a worker imports only what extraction needs.
"""

from __future__ import annotations

import functools
import math
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from types import TracebackType

from parsers.extraction import Extractor
from parsers.extraction.extract import Derived, StoredReading
from parsers.model import Article

Job = tuple[Article, StoredReading | None]

# A batch smaller than this runs in the parent: shipping it to a worker costs more than
# it saves, and a batch of kept analyses (no model run) is cheap anyway.
MIN_JOBS_FOR_WORKERS = 8
# Chunks per worker and batch: small enough that both workers stay busy to the end of a
# batch, large enough for the model's own batching (nlp.pipe) to pay.
CHUNKS_PER_WORKER = 3


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@functools.cache
def process_extractor() -> Extractor:
    """The extractor of this process, built on first use and kept."""
    return Extractor()


def _warm() -> None:
    process_extractor().nlp  # noqa: B018 - load the model before the first chunk arrives


def _derive_chunk(jobs: list[Job]) -> list[Derived]:
    return process_extractor().derive(jobs)


class ExtractionWorkers:
    """Derive batches of articles over `workers` processes (1: in this process).

    A context manager: the processes start on entry, with the model loaded, and stop on
    exit. Results come back in the order of the jobs.
    """

    def __init__(self, workers: int | None = None, extractor: Extractor | None = None) -> None:
        self.workers = workers if workers is not None else default_workers()
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")
        self._extractor = extractor
        self._executor: Executor | None = None

    @property
    def extractor(self) -> Extractor:
        if self._extractor is None:
            self._extractor = process_extractor()
        return self._extractor

    def __enter__(self) -> ExtractionWorkers:
        if self.workers > 1:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm,
            )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def derive(self, jobs: Sequence[Job]) -> list[Derived]:
        if self._executor is None or len(jobs) < MIN_JOBS_FOR_WORKERS:
            return self.extractor.derive(jobs)
        size = math.ceil(len(jobs) / (self.workers * CHUNKS_PER_WORKER))
        chunks = [list(jobs[start : start + size]) for start in range(0, len(jobs), size)]
        return [derived for chunk in self._executor.map(_derive_chunk, chunks) for derived in chunk]
