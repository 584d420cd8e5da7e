"""Everything DuckDB: schema and migrations, loading, run bookkeeping, read-side queries.

Takes plain rows (dicts); never imports ``cleaners`` or ``flows``.
"""

from warehouse import dedup_state
from warehouse.connection import open_warehouse
from warehouse.errors import SchemaVersionError, WarehouseError, WarehouseLocked
from warehouse.inbox import processed_files
from warehouse.load import Batch, LandResult, land
from warehouse.queries import (
    ArticleDetail,
    WarehouseStats,
    article_detail,
    stats,
)
from warehouse.runs import finish_run, start_run
from warehouse.writer import Writer

__all__ = [
    "ArticleDetail",
    "Batch",
    "LandResult",
    "SchemaVersionError",
    "WarehouseError",
    "WarehouseLocked",
    "WarehouseStats",
    "Writer",
    "article_detail",
    "dedup_state",
    "finish_run",
    "land",
    "open_warehouse",
    "processed_files",
    "start_run",
    "stats",
]
