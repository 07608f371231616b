"""Rolling back one import: its rows go from every table, everything else stays, and the log says so."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from coopdash import counter_spec, sql
from coopdash.errors import CoopdashError

# Every table that holds an import's rows, by import_id.
TABLES = (
    "usage_counts",
    "usage_rows",
    "contributions",
    "ill_activity",
    "cataloguing_activity",
    "import_problems",
)


@dataclass(frozen=True)
class RolledBack:
    import_id: int
    file_name: str
    rows_removed: int


def roll_back(con: duckdb.DuckDBPyConnection, import_id: int, by: str | None) -> RolledBack:
    """Remove import `import_id` in one transaction; the usage it fed is counted again without it.

    Months it had replaced in an earlier file stay empty: the earlier counts were
    replaced, not kept; import that file again to restore them.
    """
    found = sql.rows(con, "rollback/import_to_roll_back", import_id=import_id)
    if not found:
        raise CoopdashError(f"there is no import #{import_id} to roll back")
    _, kind, file_name, library, report_id, months, *_ = found[0]
    con.begin()
    try:
        removed = sum(
            sql.execute(con, f"rollback/delete_{table}", import_id=import_id).fetchone()[0]
            for table in TABLES
        )
        if kind == "counter" and months:
            span = {"library_code": library, "first_month": min(months), "last_month": max(months)}
            family = counter_spec.REPORTS[report_id].master
            sql.execute(con, "import/usage_monthly_delete", **span, family=family)
            sql.execute(
                con, "import/usage_monthly_insert", **span, reports=list(counter_spec.FAMILIES[family])
            )
        sql.execute(con, "rollback/log", import_id=import_id, rows_removed=removed, by=by)
        sql.execute(con, "rollback/delete_import", import_id=import_id)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return RolledBack(import_id, file_name, removed)
