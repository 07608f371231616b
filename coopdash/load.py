"""Import files into the database: all or nothing per file, never the same file twice.

The only writer of usage data. Each file is read and checked first (outside any
transaction), then stored in one transaction: its provenance row in `imports`,
the rows it replaces removed, its own rows inserted. A failure anywhere rolls the
whole file back and leaves the database as it was; the next file goes ahead.
"""

from __future__ import annotations

import getpass
import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from coopdash import counter_spec, sql
from coopdash.errors import CoopdashError, ImportFailed, UnknownInstitution
from coopdash.importers.counter import CounterReport, read_counter
from coopdash.importers.counter_fields import month_label
from coopdash.registry import Registry

MAX_FILE_BYTES = int(os.environ.get("COOPDASH_MAX_FILE_MB", "200")) * 1024 * 1024
# Appended total rows and aggregate rows, matched on the column that names the item.
TOTAL_PATTERN = r"(?i)\s*(grand\s+)?totals?(\s+for\b.*|\s*:)?\s*|\s*(sum|summe|合计|总计)\s*"
AGGREGATE_PATTERN = r"(?i)\s*all\s+(databases|titles|journals|books|items|platforms|platform\s+usage)\s*"
IMPORTABLE_SUFFIXES = {".tsv", ".csv", ".txt", ".xlsx", ".xls", ".json"}


@dataclass
class ImportResult:
    """What became of one file; also the CLI's --json line."""

    path: str
    status: str  # imported, unchanged, replaced, failed
    format: str | None = None
    library: str | None = None
    report_id: str | None = None
    release: str | None = None
    rows: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    note: str | None = None  # what happened to stored data: replaced rows, or nothing at all
    import_id: int | None = None
    long_rows: int = 0
    replaced_rows: int = 0
    months: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and the importable files under any folder, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in IMPORTABLE_SUFFIXES and not p.name.startswith(".")
                )
            )
        else:
            files.append(path)
    return files


@dataclass
class ReadFile:
    """A file read and parsed, not yet stored: everything that needs no database."""

    path: Path
    sha256: str = ""
    size: int = 0
    report: CounterReport | None = None
    rows: pa.Table | None = None  # the report's rows with row_id and has_cells
    cells: pa.Table | None = None  # its month cells laid out long (see month_cells)
    error: CoopdashError | None = None


def read_file(path: Path, data: bytes | None = None) -> ReadFile:
    """Read and parse one file; a bad file gives a ReadFile carrying its error."""
    read = ReadFile(path)
    try:
        data = _read(path) if data is None else data
        read.sha256, read.size = hashlib.sha256(data).hexdigest(), len(data)
        read.report = read_counter(data, path.name)
        read.rows = _numbered(read.report.table)
        read.cells = month_cells(read.rows)
    except CoopdashError as exc:
        read.error = exc
    except Exception as exc:  # a reader bug must not end the batch; say it plainly instead
        read.error = ImportFailed(
            f"the file could not be read ({type(exc).__name__}: {exc}); this is a fault in coopdash, "
            "please report it with the file",
            file=path.name,
        )
    return read


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    registry: Registry,
    library: str | None = None,
    *,
    data: bytes | None = None,
    imported_by: str | None = None,
) -> ImportResult:
    """Import one file; never raises for a bad file, the result says what went wrong."""
    return store(con, read_file(path, data), registry, library, imported_by)


def import_files(
    con: duckdb.DuckDBPyConnection,
    paths: list[Path],
    registry: Registry,
    library: str | None = None,
    *,
    imported_by: str | None = None,
) -> Iterator[ImportResult]:
    """Import files in order, reading the next one in a thread while this one is stored.

    Reading and parsing need no database and mostly run outside the GIL
    (pyarrow, calamine), so they overlap with DuckDB's work on the file before.
    """
    with ThreadPoolExecutor(max_workers=1) as reader:
        upcoming = reader.submit(read_file, paths[0]) if paths else None
        for index in range(len(paths)):
            current = upcoming.result()
            if index + 1 < len(paths):
                upcoming = reader.submit(read_file, paths[index + 1])
            yield store(con, current, registry, library, imported_by)


def store(
    con: duckdb.DuckDBPyConnection,
    read: ReadFile,
    registry: Registry,
    library: str | None = None,
    imported_by: str | None = None,
) -> ImportResult:
    """Store one read file in its own transaction; the result says what came of it."""
    result = ImportResult(path=str(read.path), status="failed")
    try:
        _store(con, read, registry, library, imported_by, result)
    except ImportFailed as exc:
        exc.file = exc.file or read.path.name
        result.error = str(exc)
    except CoopdashError as exc:
        result.error = f"{read.path.name}: {exc}"
    except duckdb.Error as exc:
        result.error = f"{read.path.name}: the database refused the import ({exc}); nothing was changed"
    except Exception as exc:  # the transaction was rolled back; keep the batch going
        result.error = (
            f"{read.path.name}: the import stopped on an unexpected {type(exc).__name__} ({exc}); "
            "nothing was changed. This is a fault in coopdash: please report it with the file"
        )
    return result


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFailed(
                f"the file is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit "
                "(set COOPDASH_MAX_FILE_MB to raise it)",
                file=path.name,
            )
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read the file ({exc.strerror})", file=path.name) from None


def _store(con, read: ReadFile, registry, library, imported_by, result: ImportResult) -> None:
    if library is not None:
        registry.get(library)
    if read.sha256:
        # A file seen before (for any library when none is named) is the same file:
        # the same bytes always resolve to the same library.
        earlier = sql.rows(con, "import/find_unchanged", sha256=read.sha256, library_code=library)
        if earlier:
            _unchanged(con, result, earlier[0])
            return
    if read.error:
        raise read.error
    report = read.report
    result.format, result.report_id, result.release = report.format, report.report_id, report.release
    code = resolve_library(report, registry, library)
    result.library = code
    stage(con, read)
    try:
        checks = check_staged(con, report, registry.get(code))
        long_rows = sql.scalar(con, "import/counter_stored_cells")
        months = report.months
        con.execute("begin transaction")
        try:
            replaced = sql.rows(
                con, "import/replaced_rows", library_code=code, report_id=report.report_id, months=months
            )
            import_id = sql.scalar(
                con,
                "import/insert_import",
                file_name=read.path.name,
                sha256=read.sha256,
                bytes=read.size,
                format=report.format,
                encoding=report.encoding,
                report_id=report.report_id,
                report_name=report.report_name,
                release=report.release,
                library_code=code,
                institution_name=report.institution_name,
                institution_id="; ".join(f"{k}:{v}" for k, v in report.institution_ids),
                period_begin=report.period_begin,
                period_end=report.period_end,
                months=months,
                created=report.created,
                created_by=report.created_by,
                rows=checks.rows,
                skipped=checks.skipped,
                long_rows=long_rows,
                replaced_rows=sum(n for _, n in replaced),
                replaced_imports=[i for i, _ in replaced],
                warnings=checks.warnings,
                synthetic=report.synthetic,
                imported_by=imported_by or _user(),
            )
            sql.execute(
                con, "import/delete_replaced", library_code=code, report_id=report.report_id, months=months
            )
            sql.execute(
                con,
                "import/insert_usage_rows",
                library_code=code,
                report_id=report.report_id,
                release=report.release,
                import_id=import_id,
            )
            sql.execute(con, "import/insert_usage_counts", import_id=import_id)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        unstage(con)
    result.status = "replaced" if replaced else "imported"
    result.import_id = import_id
    result.rows, result.skipped, result.warnings = checks.rows, checks.skipped, checks.warnings
    result.long_rows = long_rows
    result.replaced_rows = sum(n for _, n in replaced)
    result.months = [m.strftime("%Y-%m") for m in months]
    if replaced:
        result.note = (
            f"replaced {result.replaced_rows} stored row(s) of earlier import(s) "
            f"#{', #'.join(str(i) for i, _ in replaced)} (same library, report, platform and months)"
        )


def _unchanged(con, result: ImportResult, earlier: tuple) -> None:
    import_id, code = earlier
    row = sql.rows(con, "import/import_summary", import_id=import_id)[0]
    result.status = "unchanged"
    result.import_id = import_id
    result.library = code
    result.format, result.report_id, result.release, result.rows, result.skipped, result.long_rows = row
    result.note = f"already imported as import #{import_id}; nothing changed"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def resolve_library(report: CounterReport, registry: Registry, explicit: str | None) -> str:
    """The member library a report belongs to: from its institution, or as the user says."""
    ids = report.institution_ids
    described = (
        " / ".join(
            part
            for part in (
                f"Institution_Name '{report.institution_name}'" if report.institution_name else "",
                "Institution_ID " + "; ".join(f"{k}:{v}" for k, v in ids) if ids else "",
            )
            if part
        )
        or "no Institution_Name or Institution_ID"
    )
    try:
        found = registry.find([report.institution_name], ids)
    except UnknownInstitution as exc:
        raise UnknownInstitution(f"{exc.reason}; give --library CODE", file=report.file_name) from None
    if explicit:
        if found and found != explicit:
            raise UnknownInstitution(
                f"the file belongs to '{found}' ({described}) but --library {explicit} was given; "
                "leave out --library or correct it",
                file=report.file_name,
            )
        return explicit
    if not found:
        raise UnknownInstitution(
            f"the institution ({described}) is not a member library: add it as an alias in "
            "data/libraries.csv, or give --library CODE",
            file=report.file_name,
        )
    return found


def _numbered(table: pa.Table) -> pa.Table:
    table = table.append_column("row_id", pa.array(range(table.num_rows), pa.int64()))
    return table.append_column("has_cells", _has_cells(table))


def stage(con: duckdb.DuckDBPyConnection, read: ReadFile) -> None:
    """Put the read file into temp tables stage_rows / stage_counts (no transaction needed)."""
    report = read.report
    con.register("stage_raw", read.rows)
    con.register("stage_cells", read.cells)
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
            warnings.append(f"{count} {noun}{named} {consequence} ({where} {_numbers(lines, count)})")
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


def _numbers(lines: list[int], count: int) -> str:
    text = ", ".join(str(n) for n in lines)
    return text + (f" and {count - len(lines)} more" if count > len(lines) else "")
