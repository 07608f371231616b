"""Load COUNTER usage: stage a read report, check it against the COUNTER rules, store it.

The month columns are laid out long in Arrow (in the reader thread), the rows and
counts staged in temp tables, the Validator's rules and ours applied in SQL
(queries/import/counter_*.sql), and the result stored in usage_rows and
usage_counts in one transaction by load.write_import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from coopdash import counter_spec, sql
from coopdash.importers.counter import CounterReport, read_counter
from coopdash.importers.counter_fields import month_label
from coopdash.load import (
    ImportContext,
    ImportResult,
    Provenance,
    ReadFile,
    Replacement,
    numbers,
    resolve_library,
    write_import,
)

# Appended total rows and aggregate rows, matched on the column that names the item.
TOTAL_PATTERN = r"(?i)\s*(grand\s+)?totals?(\s+for\b.*|\s*:)?\s*|\s*(sum|summe|合计|总计)\s*"
AGGREGATE_PATTERN = r"(?i)\s*all\s+(databases|titles|journals|books|items|platforms|platform\s+usage)\s*"


@dataclass
class StagedReport:
    """A COUNTER report with its rows numbered and its month cells laid out long."""

    report: CounterReport
    rows: pa.Table  # the report's rows with row_id and has_cells
    cells: pa.Table  # its month cells, long (see month_cells)


def read(data: bytes, file_name: str, context: ImportContext) -> StagedReport:
    """The reader thread's share: parse, number the rows, reshape the month cells."""
    report = read_counter(data, file_name)
    rows = _numbered(report.table)
    return StagedReport(report, rows, month_cells(rows))


def store(
    con: duckdb.DuckDBPyConnection, read_file: ReadFile, context: ImportContext, result: ImportResult
) -> None:
    staged: StagedReport = read_file.parsed
    report = staged.report
    result.format, result.report_id, result.release = report.format, report.report_id, report.release
    code = resolve_library(
        context.registry, context.library, [report.institution_name], report.institution_ids, report.file_name
    )
    result.library = code
    stage(con, staged)
    try:
        checks = check_staged(con, report, context.registry.get(code))
        provenance = Provenance(
            kind="counter",
            format=report.format,
            encoding=report.encoding,
            library_code=code,
            report_id=report.report_id,
            report_name=report.report_name,
            release=report.release,
            institution_name=report.institution_name,
            institution_id="; ".join(f"{k}:{v}" for k, v in report.institution_ids),
            period_begin=report.period_begin,
            period_end=report.period_end,
            months=report.months,
            created=report.created,
            created_by=report.created_by,
            rows=checks.rows,
            skipped=checks.skipped,
            long_rows=sql.scalar(con, "import/counter_stored_cells"),
            warnings=checks.warnings,
            synthetic=report.synthetic,
        )
        key = {"library_code": code, "report_id": report.report_id, "months": report.months}
        span = {"library_code": code, "first_month": min(report.months), "last_month": max(report.months)}
        write_import(
            con,
            read_file,
            context,
            provenance,
            Replacement("import/replaced_rows", "import/delete_replaced", key),
            [
                (
                    "import/insert_usage_rows",
                    {"library_code": code, "report_id": report.report_id, "release": report.release},
                ),
                ("import/insert_usage_counts", {}),
                ("import/usage_monthly_delete", {**span, "family": report.spec.master}),
                (
                    "import/usage_monthly_insert",
                    {**span, "reports": list(counter_spec.FAMILIES[report.spec.master])},
                ),
            ],
            result,
        )
    finally:
        unstage(con)
    if result.note:
        result.note += " (same library, report, platform and months)"


def _numbered(table: pa.Table) -> pa.Table:
    table = table.append_column("row_id", pa.array(range(table.num_rows), pa.int64()))
    return table.append_column("has_cells", _has_cells(table))


def stage(con: duckdb.DuckDBPyConnection, staged: StagedReport) -> None:
    """Put the report into temp tables stage_rows / stage_counts (no transaction needed)."""
    report = staged.report
    con.register("stage_raw", staged.rows)
    con.register("stage_cells", staged.cells)
    sql.execute(
        con,
        "import/counter_stage_rows",
        master=report.spec.master,
        total_pattern=TOTAL_PATTERN,
        aggregate_pattern=AGGREGATE_PATTERN,
    )
    sql.execute(con, "import/counter_stage_counts")


def _has_cells(table: pa.Table) -> pa.ChunkedArray:
    """Per row: does any cell hold more than whitespace (a blank row is skipped silently)."""
    filled = pa.chunked_array([pa.array([False] * table.num_rows, pa.bool_())])
    for name in table.column_names:
        if name not in ("source_line", "row_id"):
            text = pc.utf8_trim_whitespace(table.column(name))
            filled = pc.or_(filled, pc.fill_null(pc.not_equal(text, ""), False))
    return filled


def month_cells(table: pa.Table) -> pa.Table:
    """The month columns laid out long: (row_id, month, cell, plain), blank cells left out.

    Done in Arrow because it is pure reshaping (the month columns become chunks of
    one column, no copy) and several times cheaper than an SQL UNPIVOT carrying
    the month name along; `plain` is the count of cells that are nothing but
    ASCII digits, so the SQL rule (counter_count) only has to read the odd ones.
    """
    names = [name for name in table.column_names if name.startswith("m_")]
    rows = table.num_rows
    row_id = table.column("row_id").combine_chunks()
    cells = pa.table(
        {
            "row_id": pa.chunked_array([row_id] * len(names), pa.int64()),
            "cell": pa.chunked_array([chunk for n in names for chunk in table.column(n).chunks], pa.string()),
            "month": pa.chunked_array(
                [pa.repeat(pa.scalar(date(int(n[2:6]), int(n[7:9]), 1), pa.date32()), rows) for n in names],
                pa.date32(),
            ),
        }
    )
    cells = cells.filter(pc.is_valid(cells.column("cell")))
    text = cells.column("cell")
    digits = pc.and_(pc.ascii_is_decimal(text), pc.less_equal(pc.utf8_length(text), 18))
    plain = pc.cast(pc.if_else(digits, text, pa.scalar(None, pa.string())), pa.int64())
    return cells.append_column("plain", plain)


def unstage(con: duckdb.DuckDBPyConnection) -> None:
    con.unregister("stage_raw")
    con.unregister("stage_cells")
    con.execute("drop table if exists stage_rows")
    con.execute("drop table if exists stage_counts")


@dataclass
class Checks:
    rows: int
    skipped: int
    warnings: list[str]


def check_staged(con, report: CounterReport, library) -> Checks:
    """Apply the COUNTER Validator's rules and ours to the staged rows; say what was done."""
    warnings = list(report.warnings)
    where = report.position
    classes = {row[0]: row[1:] for row in sql.rows(con, "import/counter_row_classes")}
    kept = classes.get("data", (0,))[0]
    skipped = 0
    for row_class, noun, consequence in (
        ("no_metric", "row(s) without a Metric_Type", "were skipped"),
        ("total", "appended total row(s)", "were dropped: they repeat the sum of the other rows"),
        ("aggregate", "aggregate row(s)", "were dropped: they would count the same use twice"),
    ):
        if row_class in classes:
            count, lines, names = classes[row_class]
            skipped += count
            named = f" such as '{names[0]}'" if names and names[0] else ""
            warnings.append(f"{count} {noun}{named} {consequence} ({where} {numbers(lines, count)})")
    reformatted = sql.rows(con, "import/counter_reformatted_cells")
    if reformatted:
        n, line, month, cell = reformatted[0]
        warnings.append(
            f"{n} count(s) were not written as plain digits (first: {where} {line} {month_label(month)} "
            f"'{cell}'); read as whole numbers"
        )
    bad = sql.rows(con, "import/counter_bad_cells")
    if bad:
        examples = ", ".join(
            f"{where} {line} {month_label(month)} '{cell}'" for _, line, month, _, cell in bad[:3]
        )
        warnings.append(f"{bad[0][0]} cell(s) are not whole counts and were left out ({examples})")
    metrics = {metric: (rows, line) for metric, rows, line in sql.rows(con, "import/counter_metric_rows")}
    unknown = sorted(m for m in metrics if m not in counter_spec.METRICS)
    if unknown:
        warnings.append(
            "unknown Metric_Type(s) "
            + ", ".join(f"'{m}' ({metrics[m][0]} rows, first at {where} {metrics[m][1]})" for m in unknown)
            + ": imported as written, but no chart uses them"
        )
    foreign = sorted(m for m in metrics if m in counter_spec.METRICS and m not in report.spec.metrics)
    if foreign:
        warnings.append(
            f"Metric_Type(s) {', '.join(foreign)} do not belong in a {report.report_id} report; imported as written"
        )
    for larger, smaller, n, first in sql.rows(con, "import/counter_rule_breaks"):
        warnings.append(
            f"{n} item-month(s) break the COUNTER rule {larger} >= {smaller} (first: '{first['item']}', "
            f"{month_label(first['month'])}, {first['larger_count']} < {first['smaller_count']}, {where} {first['line']})"
        )
    repeated = sql.rows(con, "import/counter_repeated_rows")
    if repeated:
        n, line, first_line, item, metric = repeated[0]
        warnings.append(
            f"{n} row(s) repeat an item and metric given before (first: {where} {line} repeats "
            f"{where} {first_line}, '{item}' {metric}); all were imported, check the file for double counting"
        )
    has_totals = "reporting_period_total" in report.table.column_names
    mismatch = sql.rows(con, "import/counter_total_mismatches") if has_totals else []
    if mismatch:
        n, line, total, month_sum = mismatch[0]
        warnings.append(
            f"{n} row(s) have a Reporting_Period_Total that is not the sum of their months "
            f"(first: {where} {line}, total '{total}', months add up to {month_sum}); the months were imported"
        )
    unique_title = any(m.startswith("Unique_Title_") for m in metrics)
    not_book = sql.rows(con, "import/counter_unique_title_not_book") if unique_title else []
    if not_book and not_book[0][0]:
        n, line, types = not_book[0]
        warnings.append(
            f"{n} row(s) carry a Unique_Title metric for Data_Type {', '.join(types)}; COUNTER defines "
            f"Unique_Title_* for books only (first at {where} {line})"
        )
    if library.joined_on:
        before = sql.rows(con, "import/counter_usage_before", joined_on=library.joined_on)
        if before and before[0][0]:
            n, first, last = before[0]
            warnings.append(
                f"{n} count(s) fall before {library.code} joined on {library.joined_on.isoformat()} "
                f"({month_label(first)} to {month_label(last)}); imported as the file gives them"
            )
    return Checks(rows=kept, skipped=skipped, warnings=warnings)
