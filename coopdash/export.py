"""The whole database as Parquet files in one zip, for those who work on the figures elsewhere."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from coopdash import states

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
    """A zip of one Parquet file per table, all from one state of the database (no writer is held up)."""
    buffer = io.BytesIO()
    with (
        states.reading(database) as (con, _),
        tempfile.TemporaryDirectory() as folder,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as bundle,
    ):
        for table in TABLES:
            target = Path(folder) / f"{table}.parquet"
            con.table(table).write_parquet(str(target), compression="zstd")
            bundle.write(target, target.name)
    return buffer.getvalue()
