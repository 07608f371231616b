"""The whole database as Parquet files in one zip, for those who work on the figures elsewhere."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import duckdb

# Every table and view a user may want, by name; the files inside the zip are named after them.
TABLES = (
    "libraries",
    "imports",
    "usage",
    "usage_monthly",
    "contributions",
    "ill_activity",
    "cataloguing_activity",
    "import_problems",
    "rollbacks",
    "harvest_status",
    "harvest_access",
)


def parquet_zip(database: Path) -> bytes:
    """A zip of one Parquet file per table, read from a read-only connection (no writer is held up)."""
    con = duckdb.connect(str(database), read_only=True)
    buffer = io.BytesIO()
    try:
        with (
            tempfile.TemporaryDirectory() as folder,
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as bundle,
        ):
            for table in TABLES:
                target = Path(folder) / f"{table}.parquet"
                con.table(table).write_parquet(str(target), compression="zstd")
                bundle.write(target, target.name)
    finally:
        con.close()
    return buffer.getvalue()
