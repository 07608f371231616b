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
from coopdash.errors import ReportFormatError
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
from coopdash.registry import normalise

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
        platforms = same_names(con, checks.warnings)
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
        key = {
            "library_code": code,
            "report_id": report.report_id,
            "months": report.months,
            "platforms": platforms,
        }
        span = {"library_code": code, "first_month": min(report.months), "last_month": max(report.months)}
        write_import(
            con,
            read_file,
            context,
            provenance,
            Replacement("import/replaced_rows", "import/set_aside_replaced", "import/delete_replaced", key),
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
        shown = ", ".join(f"'{p}'" for p in platforms if p) or "none given"
        result.note += (
            f": the counts of {code}'s {report.report_id} for platform(s) {shown} in "
            f"{month_label(min(report.months))} to {month_label(max(report.months))}"
        )


def same_names(con: duckdb.DuckDBPyConnection, warnings: list[str]) -> list[str]:
    """Write the file's platform and database names as they are already stored, where the registry's
    comparison (case, width, punctuation: registry.normalise) finds them the same; the platforms'
    stored spellings (with '' for rows that give none) are what the file replaces.

    Names identify a report's scope: 'rtp' for 'RTP' must replace the earlier report, not sit
    beside it and double the figures, nor split one platform in two in the charts.
    """
    stored: dict[str, dict[str, list[str]]] = {"platform": {}, "database": {}}
    for kind, name in sql.rows(con, "import/counter_stored_names"):
        stored[kind].setdefault(normalise(name), []).append(name)
    staged: dict[str, list[str]] = {"platform": [], "database": []}
    for kind, name in sql.rows(con, "import/counter_staged_names"):
        staged[kind].append(name)
    renames: dict[str, dict[str, str]] = {"platform": {}, "database": {}}
    for kind, names in staged.items():
        chosen: dict[str, str] = {}  # normalised -> the spelling used
        for name in names:
            key = normalise(name)
            spellings = stored[kind].get(key, [])
            spelling = name if name in spellings else (spellings[0] if spellings else chosen.get(key, name))
            chosen.setdefault(key, spelling)
            if spelling != name:
                renames[kind][name] = spelling
                warnings.append(
                    f"the {kind} '{name}' is read as '{spelling}', as it is written "
                    + ("in the data already stored" if spellings else "elsewhere in this file")
                    + " (names are compared ignoring case, width and punctuation, as the registry compares them)"
                )
    if renames["platform"] or renames["database"]:
        sql.execute(
            con,
            "import/counter_rename_names",
            platforms_from=list(renames["platform"]),
            platforms_to=list(renames["platform"].values()),
            databases_from=list(renames["database"]),
            databases_to=list(renames["database"].values()),
        )
    keys = {normalise(name) for name in staged["platform"]}
    platforms = sorted({renames["platform"].get(name, name) for name in staged["platform"]})
    platforms += sorted({name for key in keys for name in stored["platform"].get(key, [])} - set(platforms))
    if sql.scalar(con, "import/counter_rows_without_platform"):
        platforms.append("")
    return platforms


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


def repeated_cells(con, report: CounterReport, warnings: list[str]) -> None:
    """The same item, metric and month given twice, in a tabular file's rows or a JSON item's entries:
    the same count twice is kept once (with a warning); two different counts refuse the file."""
    where = report.position
    for differing, cells, first in sql.rows(con, "import/counter_repeated_cells"):
        said = (
            f"{where} {first['lines'][1]} repeats {where} {first['lines'][0]}: '{first['item']}' "
            f"{first['metric_type']} {month_label(first['month'])}, {first['counts'][0]} and {first['counts'][1]}"
        )
        if differing:
            raise ReportFormatError(
                f"{cells} count(s) are given twice for the same item, metric and month with different "
                f"values (first: {said}); which is right cannot be known, so nothing was imported: "
                "correct the file, or ask the provider for it again",
                file=report.file_name,
            )
        sql.execute(con, "import/counter_drop_repeated_cells")
        warnings.append(
            f"{cells} count(s) are given twice for the same item, metric and month with the same value "
            f"(first: {said}); each was counted once"
        )


@dataclass
class Checks:
    rows: int
    skipped: int
    warnings: list[str]


def check_staged(con, report: CounterReport, library) -> Checks:
    """Apply the COUNTER Validator's rules and ours to the staged rows; say what was done."""
    warnings = list(report.warnings)
    where = report.position
    has_totals = "reporting_period_total" in report.table.column_names
    # Before a count given twice is dropped: each row's total is compared with its own months.
    mismatch = sql.rows(con, "import/counter_total_mismatches") if has_totals else []
    repeated_cells(con, report, warnings)
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
