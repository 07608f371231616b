"""Open the dashboard's DuckDB file: where it is, its schema, and the registry copy in it.

The path comes from --db, else the COOPDASH_DB environment variable, else
data/coopdash.duckdb. Opening read-write applies `queries/schema/*.sql` in order
(every statement idempotent); writers do that on a draft (coopdash/writer.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from coopdash import counter_spec, sql, states
from coopdash.errors import CoopdashError
from coopdash.registry import ROOT, Registry

DEFAULT_DB = ROOT / "data" / "coopdash.duckdb"
ENV_DB = "COOPDASH_DB"
SCHEMA = sql.QUERIES / "schema"


def database_path(explicit: str | os.PathLike | None = None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_DB):
        return Path(os.environ[ENV_DB])
    return DEFAULT_DB


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open one file: read-write (schema applied) for a writer's draft, or read-only.

    Nothing opens a published state read-write: writers work on a draft
    (coopdash/writer.py); readers of the database use `states.reading`, which
    picks the current state and keeps it from being removed while read.
    """
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Every query that cares orders its rows; inserts that keep no order are faster.
    con = duckdb.connect(str(path), config={"preserve_insertion_order": False})
    apply_schema(con)
    return con


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Bring the file up to the current schema, and fill what a new table derives from."""
    had_usage_monthly = sql.rows(con, "maintenance/usage_monthly_exists")[0][0]
    for script in sorted(SCHEMA.glob("*.sql")):
        con.execute(script.read_text(encoding="utf-8"))
        sql.execute(con, "maintenance/record_schema_version", version=schema_number(script))
    if not had_usage_monthly:
        rebuild_usage_monthly(con)


def schema_number(script: Path) -> int:
    return int(script.name.split("_", 1)[0])


SCHEMA_LEVEL = max(schema_number(script) for script in SCHEMA.glob("*.sql"))


def schema_level(path: Path) -> int | None:
    """The newest schema file applied to the database at `path` (None: no database there yet)."""
    if states.current(path) is None:
        return None
    with states.reading(path) as (con, _):
        return sql.rows(con, "maintenance/schema_level")[0][0]


def restorable_level(path: Path) -> int:
    """The schema level of a copy about to be restored; refuses what is not a coopdash database."""
    if not path.is_file():
        raise CoopdashError(f"{path}: no such file to restore")
    with states.reading(path) as (con, _):
        try:
            return sql.scalar(con, "maintenance/schema_level")
        except duckdb.CatalogException:
            raise CoopdashError(
                f"{path} is a DuckDB database but not one of coopdash's (it has no schema_version table); "
                "nothing was changed"
            ) from None


def rebuild_usage_monthly(con: duckdb.DuckDBPyConnection) -> None:
    """Count usage_monthly again from every stored usage row, in one transaction."""
    con.begin()
    try:
        sql.execute(con, "maintenance/rebuild_usage_monthly_delete")
        sql.execute(con, "maintenance/rebuild_usage_monthly_insert", reports=list(counter_spec.PREFERENCE))
        con.commit()
    except BaseException:
        con.rollback()
        raise


def registry_rows(registry: Registry) -> list[dict]:
    """The registry as rows of the `libraries` table, ordered by code."""
    return [
        {
            "code": lib.code,
            "level": lib.level,
            "name_en": lib.name_en,
            "name_zh": lib.name_zh,
            "city_en": lib.city_en,
            "city_zh": lib.city_zh,
            "adcode": lib.adcode,
            "population": lib.population,
            "population_source": lib.population_source,
            "joined_on": lib.joined_on,
            "joined_before": lib.joined_before,
            "joined_note": lib.joined_note,
            "aliases": [f"{kind}:{value}" for kind, value in lib.aliases],
        }
        for lib in sorted(registry.libraries.values(), key=lambda lib: lib.code)
    ]


def is_current(path: Path, registry: Registry) -> bool:
    """Whether the database at `path` has the newest schema and this registry, so a start need not write it."""
    with states.reading(path) as (con, _):
        if sql.scalar(con, "maintenance/schema_level") != SCHEMA_LEVEL:
            return False
        stored = sql.rows(con, "registry/stored_libraries")
    return [tuple(row.values()) for row in registry_rows(registry)] == [tuple(row) for row in stored]


def sync_registry(con: duckdb.DuckDBPyConnection, registry: Registry) -> None:
    """Make the `libraries` table equal to the registry, in one transaction."""
    rows = registry_rows(registry)
    con.execute("begin transaction")
    try:
        sql.execute(con, "registry/delete_libraries")
        for row in rows:
            sql.execute(con, "registry/insert_library", **row)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
