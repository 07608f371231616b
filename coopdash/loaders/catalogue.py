"""Load catalogue records: what each member contributed, one row per record and library role.

The reader (importers/marc.py) reads and attributes the records; here they are
stored so that a record never counts twice: a later file holding the same record
(same OCLC number or control number) for the same library and role replaces the
earlier row. Records the reader could not read or attribute are stored as
import_problems and listed in the warnings, never dropped silently.
"""

from __future__ import annotations

from functools import cache

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from coopdash import sql
from coopdash.importers.contributions import LocalRules
from coopdash.importers.marc import CatalogueFile, RecordProblem, read_catalogue
from coopdash.load import ImportContext, ImportResult, Provenance, ReadFile, Replacement, write_import
from coopdash.registry import Registry
from coopdash.sample import SYNTHETIC_SIGNATURE

PROBLEMS_LISTED = 20  # in the warnings; import_problems keeps them all


@cache
def _rules(registry: Registry) -> LocalRules:
    return LocalRules.load(registry=registry)


def read(data: bytes, file_name: str, context: ImportContext) -> tuple[CatalogueFile, bool]:
    registry = context.registry
    catalogue = read_catalogue(data, file_name, registry, _rules(registry), context.library, context.strict)
    return catalogue, SYNTHETIC_SIGNATURE.encode() in data


def store(
    con: duckdb.DuckDBPyConnection, read_file: ReadFile, context: ImportContext, result: ImportResult
) -> None:
    catalogue, synthetic = read_file.parsed
    result.kind, result.format = "catalogue", catalogue.format
    con.register("stage_contribution_rows", catalogue.table)
    con.register("stage_problems", problems_table(catalogue.skipped))
    staged_as = ""
    try:
        warnings = list(catalogue.warnings) + problem_lines(catalogue.skipped)
        repeats, first_record = sql.rows(con, "import/catalogue_repeats")[0]
        staged_as = "table" if repeats else "view"
        sql.execute(con, "import/catalogue_stage" if repeats else "import/catalogue_stage_as_read")
        if repeats:
            warnings.append(
                f"{repeats} record(s) appear more than once in the file (first: record {first_record}); "
                "each was counted once, from its last occurrence"
            )
        table = catalogue.table
        owners = {
            row["values"]: row["counts"] for row in pc.value_counts(table.column("library_code")).to_pylist()
        }
        months = sorted(m for m in pc.unique(table.column("contributed_on")).to_pylist() if m is not None)
        write_import(
            con,
            read_file,
            context,
            Provenance(
                kind="catalogue",
                format=catalogue.format,
                library_code=context.library or (max(owners, key=owners.get) if owners else None),
                months=months,
                period_begin=months[0] if months else None,
                period_end=months[-1] if months else None,
                rows=pc.count_distinct(table.column("record_number")).as_py(),  # records imported
                skipped=len(catalogue.skipped),
                long_rows=sql.scalar(con, "import/catalogue_stored_rows"),
                warnings=warnings,
                synthetic=synthetic,
            ),
            Replacement(
                "import/catalogue_replaced_rows",
                "import/catalogue_set_aside_replaced",
                "import/catalogue_delete_replaced",
                {},
            ),
            [("import/catalogue_insert", {}), ("import/problems_insert", {})],
            result,
        )
    finally:
        con.unregister("stage_contribution_rows")
        con.unregister("stage_problems")
        if staged_as == "table":
            con.execute("drop table stage_contributions")
        elif staged_as == "view":
            con.execute("drop view stage_contributions")
    if result.note:
        result.note += " (the same records for the same library and role)"


def problems_table(problems: list[RecordProblem]) -> pa.Table:
    return pa.table(
        {
            "position": pa.array([p.number for p in problems], pa.int32()),
            "source_offset": pa.array([p.offset for p in problems], pa.int64()),
            "source_line": pa.array([p.line for p in problems], pa.int32()),
            "reason": pa.array([p.reason for p in problems], pa.string()),
        }
    )


def problem_lines(problems: list[RecordProblem]) -> list[str]:
    """One warning per record not imported (the first PROBLEMS_LISTED), saying where and why."""
    lines = [f"{problem.where}: {problem.reason}; not imported" for problem in problems[:PROBLEMS_LISTED]]
    if len(problems) > PROBLEMS_LISTED:
        lines.append(
            f"... and {len(problems) - PROBLEMS_LISTED} more record(s) not imported (all are in import_problems)"
        )
    return lines
