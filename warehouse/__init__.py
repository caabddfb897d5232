"""The DuckDB warehouse: the only package that talks to duckdb."""

from warehouse.batch import LoadCounts, ParsedDocument, RawDocument
from warehouse.store import RunSummary, Warehouse, WarehouseError

__all__ = [
    "LoadCounts",
    "ParsedDocument",
    "RawDocument",
    "RunSummary",
    "Warehouse",
    "WarehouseError",
]
