"""Rolling back one import: its rows go from every table, what it replaced comes back, and the log says so."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from coopdash import counter_spec, sql
from coopdash.errors import CoopdashError

# Every table that holds an import's rows, by import_id: the live tables, and the rows of it
# a later import replaced (set aside in replaced_*).
TABLES = (
    "usage_counts",
    "usage_rows",
    "contributions",
    "ill_activity",
    "cataloguing_activity",
    "import_problems",
    "replaced_usage_counts",
    "replaced_contributions",
    "replaced_ill_activity",
    "replaced_cataloguing_activity",
)
# The tables whose rows an import replaces, and so sets aside.
REPLACING = ("usage_counts", "contributions", "ill_activity", "cataloguing_activity")


@dataclass(frozen=True)
class RolledBack:
    import_id: int
    file_name: str
    rows_removed: int
    rows_restored: int = 0


def roll_back(con: duckdb.DuckDBPyConnection, import_id: int, by: str | None) -> RolledBack:
    """Remove import `import_id` in one transaction, and put back the rows it replaced; the usage
    it fed is counted again.

    A replaced row whose place a later import now holds stays set aside, under that import
    (rolling it back in turn restores the row); every other comes back, and its import is
    superseded by that much less (so it counts as covered again).
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
        restored = _restore(con, import_id)
        if kind == "counter" and months:
            span = {"library_code": library, "first_month": min(months), "last_month": max(months)}
            family = counter_spec.REPORTS[report_id].master
            sql.execute(con, "import/usage_monthly_delete", **span, family=family)
            sql.execute(
                con, "import/usage_monthly_insert", **span, reports=list(counter_spec.FAMILIES[family])
            )
        sql.execute(
            con, "rollback/log", import_id=import_id, rows_removed=removed, rows_restored=restored, by=by
        )
        sql.execute(con, "rollback/delete_import", import_id=import_id)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return RolledBack(import_id, file_name, removed, restored)


def _restore(con: duckdb.DuckDBPyConnection, import_id: int) -> int:
    """Put back the rows `import_id` had set aside where their place is free; how many."""
    for table in REPLACING:
        sql.execute(con, f"rollback/reassign_{table}", import_id=import_id)
    per_import = sql.rows(con, "rollback/restored_per_import", import_id=import_id)
    for owner, rows in per_import:
        sql.execute(con, "rollback/unsupersede", import_id=owner, rows=rows)
    for table in REPLACING:
        sql.execute(con, f"rollback/restore_{table}", import_id=import_id)
        sql.execute(con, f"rollback/forget_restored_{table}", import_id=import_id)
    return sum(rows for _, rows in per_import)
