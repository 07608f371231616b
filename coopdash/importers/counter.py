"""Turn any COUNTER R5/R5.1 file (TSV, CSV, XLSX, XLS, SUSHI JSON) into one checked report.

Which report it is comes from the file itself: the header by name, checked
against the columns. Anything the file gets wrong that can be repaired without
guessing is repaired and said in a warning; anything else is refused with a
message naming the file and the problem.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

import pyarrow as pa
import pyarrow.compute as pc

from coopdash import counter_spec
from coopdash.errors import NoReportInFile, ReportFormatError, UnsupportedReport
from coopdash.importers import counter_dates, counter_months, limits, sniff
from coopdash.importers import counter_fields as fields
from coopdash.importers.counter_json import read_json
from coopdash.importers.counter_tabular import TabularParts, read_text, read_workbook
from coopdash.sample import SYNTHETIC_MARKER

# R4 report codes, so a Release 4 file is refused by name, not as "unknown".
_R4_IDS = re.compile(r"^(JR|BR|DB|PR|MR|TR)\d[A-Z_0-9]*$")
# Exceptions after which an empty report is not "no usage" but "no answer".
_NOT_A_REPORT = re.compile(r"^(1011|1020|20[0-9]{2}|303[1-9]|30[5-7][0-9])\b")
# COUNTER's own month headings: tabular Mmm-yyyy (English), JSON yyyy-mm.
_STANDARD_MONTH = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{4}|\d{4}-\d{2}")
_FAMILY_COLUMNS = {"IR": "Item", "TR": "Title", "DR": "Database"}


@dataclass
class CounterReport:
    """A report read and checked, ready to be staged. `table` holds one row per data row."""

    file_name: str
    format: str
    encoding: str
    report_id: str
    report_name: str
    release: str
    institution_name: str
    institution_ids: list[tuple[str, str]]
    period_begin: date
    period_end: date
    months: list[date]
    created: str
    created_by: str
    exceptions: list[str]
    table: pa.Table
    position: str  # what source_line counts: 'line', 'row' (spreadsheet) or 'item' (JSON)
    blank_rows: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def synthetic(self) -> bool:
        return SYNTHETIC_MARKER in self.created_by.upper()

    @property
    def spec(self) -> counter_spec.ReportSpec:
        return counter_spec.REPORTS[self.report_id]


def read_counter(data: bytes, file_name: str) -> CounterReport:
    """Read a COUNTER report from its bytes; `file_name` is only for messages."""
    kind = sniff.detect_format(data)
    if kind == "xml":
        head = data[:4000].decode("utf-8", "replace")
        if "ReportResponse" in head or "counter" in head.lower():
            raise UnsupportedReport(
                "this is a COUNTER Release 4 SUSHI XML response, which is not supported: "
                "ask the provider for the Release 5 or 5.1 report",
                file=file_name,
            )
        raise ReportFormatError("this XML file is not a COUNTER report", file=file_name)
    if kind == "json":
        parts = read_json(data, file_name)
    elif kind in ("xlsx", "xls"):
        parts = read_workbook(data, file_name, kind)
    else:
        parts = read_text(data, file_name)
    return assemble(parts, file_name)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def assemble(parts: TabularParts, file_name: str) -> CounterReport:
    header = parts.header
    position = {"json": "item", "xlsx": "row", "xls": "row"}.get(parts.format, "line")
    limits.check_cell_lengths([*header.values(), *parts.heading], parts.body, position, file_name)
    warnings = list(parts.warnings)
    if parts.encoding.startswith(("gb18030", "utf-16")):
        warnings.append(
            f"the file is {parts.encoding.upper()} text, not the UTF-8 COUNTER asks for; it was read as {parts.encoding.upper()}"
        )
    release = fields.parse_release(header.get("Release"), file_name)
    report_id = _report_id(header, release, file_name, warnings)
    spec = counter_spec.REPORTS[report_id]
    names, months, headings = _columns(parts.heading, file_name, warnings)
    others = [f"c{i}" for i in range(len(parts.heading)) if f"c{i}" not in names]
    if parts.body.num_rows or parts.format != "json":  # a JSON report of nothing has no columns
        _check_family(spec, headings, file_name)

    exceptions = fields.parse_exceptions(_text(header.get("Exceptions")))
    written = _text(header.get("Reporting_Period"))
    begin, end = counter_dates.parse_period(written)
    months_in_columns = [m for m, _ in months]
    if begin is None or end is None:
        if not months_in_columns:
            raise ReportFormatError(
                "the header has no Reporting_Period and the table no month columns", file=file_name
            )
        begin = begin or months_in_columns[0]
        end = end or _month_end(months_in_columns[-1])
        given = (
            f"Reporting_Period '{written}' could not be read"
            if written
            else "the header gives no Reporting_Period"
        )
        warnings.append(f"{given}; taken from the month columns ({begin.isoformat()} to {end.isoformat()})")
    if end < begin:
        raise ReportFormatError(f"Reporting_Period ends ({end}) before it begins ({begin})", file=file_name)
    period = fields.month_range(begin, end)
    table = parts.body
    if parts.format == "json":
        covered = period  # JSON lists only months with usage; the period says what was asked
        outside = [m for m in months_in_columns if m not in period]
    elif months_in_columns:
        covered = months_in_columns
        outside = [m for m in months_in_columns if m not in period]
        missing = [m for m in period if m not in months_in_columns]
        if missing:
            warnings.append(
                f"Reporting_Period covers {_span(period)} but there are no month columns for "
                f"{_list(missing)}; only the months present were imported"
            )
    else:
        table, covered = _total_as_month(parts, names, period, file_name, warnings)
        outside = []
    if outside:
        warnings.append(
            f"{len(outside)} month(s) with counts lie outside the Reporting_Period "
            f"({_span(period)}): {_list(outside)}; they were imported as the file gives them"
        )
        covered = sorted(set(covered) | set(outside))

    if exceptions:
        warnings.append("the provider reported exception(s): " + "; ".join(exceptions))
        if table.num_rows == 0 and any(_NOT_A_REPORT.match(e) for e in exceptions):
            raise NoReportInFile(
                "the report has no usage rows and the provider's exception says why: "
                + "; ".join(exceptions)
                + " (nothing was imported, so no month is overwritten with zeros)",
                file=file_name,
            )
    month_columns = {_month_of(name): column for column, name in names.items() if name.startswith("m_")}
    covered = counter_months.settle(
        covered,
        period,
        counter_months.MonthCounts.of(table, month_columns),
        counter_dates.parse_created(header.get("Created")),
        date.today(),
        exceptions,
        file_name,
        warnings,
    )
    for month, column in month_columns.items():
        if month not in covered:
            del names[column]  # its cells are not imported
    table = _renamed(table, names, others)
    return CounterReport(
        file_name=file_name,
        format=parts.format,
        encoding=parts.encoding,
        report_id=report_id,
        report_name=_text(header.get("Report_Name")) or spec.name(release),
        release=release,
        institution_name=_text(header.get("Institution_Name")),
        institution_ids=fields.parse_identifiers(_text(header.get("Institution_ID"))),
        period_begin=begin,
        period_end=end,
        months=covered,
        created=_text(header.get("Created")),
        created_by=_text(header.get("Created_By")),
        exceptions=exceptions,
        table=table,
        position=position,
        blank_rows=parts.blank_rows,
        warnings=warnings,
    )


def _month_of(name: str) -> date:
    """The month of a storage name 'm_2022_01'."""
    return date(int(name[2:6]), int(name[7:9]), 1)


def _renamed(table: pa.Table, names: dict[str, str], others: list[str]) -> pa.Table:
    """The body with its columns under their storage names. The columns that are not COUNTER's
    (`others`) are kept only as `unlisted`, the text of them all, so that two rows they tell
    apart are never taken for one item given twice."""
    columns = {name: table.column(column) for column, name in names.items()}
    if others:
        columns["unlisted"] = pc.binary_join_element_wise(
            *[pc.fill_null(table.column(column), "") for column in others], "\x1f"
        )
    columns["source_line"] = table.column("source_line")
    return pa.table(columns)


def _report_id(header: dict, release: str, file_name: str, warnings: list[str]) -> str:
    raw_id = _text(header.get("Report_ID"))
    name = " ".join(_text(header.get("Report_Name")).split())
    report_id = fields.normalise_report_id(raw_id)
    if not report_id:
        report_id = fields.report_id_from_name(name) or ""
        if not report_id:
            raise ReportFormatError(
                f"the header has no Report_ID and its Report_Name ('{name}') is not a COUNTER R5 report name",
                file=file_name,
            )
        warnings.append(f"the header has no Report_ID; '{report_id}' was taken from Report_Name '{name}'")
    if report_id not in counter_spec.REPORTS:
        if _R4_IDS.match(report_id.replace("_", "")):
            raise UnsupportedReport(
                f"Report_ID '{raw_id}' is a COUNTER Release 4 report, which is not supported: "
                "ask the provider for the Release 5 or 5.1 report",
                file=file_name,
            )
        raise ReportFormatError(
            f"Report_ID '{raw_id}' is not a COUNTER Release 5 report "
            f"(known: {', '.join(counter_spec.REPORTS)})",
            file=file_name,
        )
    spec = counter_spec.REPORTS[report_id]
    if name and name.casefold() != spec.name(release).casefold():
        named = fields.report_id_from_name(name)
        if named and named != report_id:
            warnings.append(
                f"Report_Name '{name}' is the name of {named}, but Report_ID says {report_id}; "
                f"filed as {report_id}, which the columns agree with"
            )
        elif not named:
            warnings.append(
                f"Report_Name '{name}' is not the COUNTER name of {report_id} "
                f"('{spec.name(release)}'); filed as {report_id}"
            )
    return report_id


def _columns(heading: list[object], file_name: str, warnings: list[str]):
    """Map each heading to its storage name: usage column, metric_type, total or m_YYYY_MM."""
    names: dict[str, str] = {}
    headings: set[str] = set()
    months: list[tuple[date, str]] = []
    odd_months: list[tuple[object, date]] = []
    unknown = []
    unreadable = []
    for index, cell in enumerate(heading):
        column = f"c{index}"
        canonical = fields.canonical_column(cell)
        if canonical == counter_spec.METRIC_COLUMN:
            names[column] = "metric_type"
        elif canonical == counter_spec.TOTAL_COLUMN:
            names[column] = "reporting_period_total"
        elif canonical:
            names[column] = counter_spec.ITEM_COLUMNS[canonical]
            headings.add(canonical)
        else:
            month = fields.parse_month_heading(cell)
            if month and not (isinstance(cell, str) and _STANDARD_MONTH.fullmatch(cell.strip())):
                odd_months.append((cell, month))
            if month:
                name = f"m_{month.year:04d}_{month.month:02d}"
                if name in names.values():
                    raise ReportFormatError(
                        f"the month {fields.month_label(month)} has two columns", file=file_name
                    )
                names[column] = name
                months.append((month, column))
            elif _text(cell) and (months or _looks_like_month(cell)):
                unreadable.append((index, cell))
            elif _text(cell):
                unknown.append(_text(cell))
    if unreadable:
        shown = ", ".join(f"'{_shown(cell)}' (column {index + 1})" for index, cell in unreadable[:5])
        raise ReportFormatError(
            f"{len(unreadable)} column heading(s) among the months cannot be read as a month: {shown}. "
            "Nothing was imported, so no month is replaced in part; correct the heading(s) and import again "
            "(months from 1990 to 2100 are read, in forms such as Jan-2022, 2022-01 or 2022年1月)",
            file=file_name,
        )
    used = list(names.values())
    twice = sorted({n for n in used if used.count(n) > 1})
    if twice:
        raise ReportFormatError(f"column(s) given twice: {', '.join(twice)}", file=file_name)
    if unknown:
        warnings.append(f"column(s) {', '.join(repr(u) for u in unknown)} are not COUNTER columns; ignored")
    if odd_months:
        cell, month = odd_months[0]
        shown = cell.isoformat() if hasattr(cell, "isoformat") else str(cell)
        kind = "an Excel date cell" if hasattr(cell, "isoformat") else f"'{shown}'"
        warnings.append(
            f"{len(odd_months)} month heading(s) are not in COUNTER's Mmm-yyyy form (first: {kind}); "
            f"read as months (e.g. {fields.month_label(month)})"
        )
    months.sort()
    return names, months, headings


# A heading that was meant as a month: a year in it, or a word and a two-digit year ('Jal-22').
_MONTH_LIKE = re.compile(r"(?<!\d)(19|20|21)\d\d(?!\d)|^[^\W\d_]{3,9}\.?[\s\-/.]*\d\d$")


def _looks_like_month(cell: object) -> bool:
    if isinstance(cell, (date, datetime)):
        return True  # a date cell outside the months read
    return bool(_MONTH_LIKE.search(unicodedata.normalize("NFKC", str(cell)).strip()))


def _shown(cell: object) -> str:
    return cell.isoformat() if isinstance(cell, (date, datetime)) else _text(cell)


def _check_family(spec: counter_spec.ReportSpec, headings: set[str], file_name: str) -> None:
    """Refuse a file whose Report_ID and columns describe different reports."""
    family = next((f for f, column in _FAMILY_COLUMNS.items() if column in headings), "PR")
    if family != spec.master:
        column = _FAMILY_COLUMNS.get(family)
        because = f"it has a {column} column" if column else "it has no Title, Item or Database column"
        raise ReportFormatError(
            f"Report_ID says {spec.report_id} but the columns are those of a {family} report ({because})",
            file=file_name,
        )
    if "Platform" not in headings:
        raise ReportFormatError("the table has no Platform column", file=file_name)


def _total_as_month(
    parts: TabularParts, names: dict, period: list[date], file_name: str, warnings: list[str]
):
    """A report without month columns is usable only when its period is one month."""
    total = next((c for c, n in names.items() if n == "reporting_period_total"), None)
    if total is None:
        raise ReportFormatError(
            "the table has neither month columns nor Reporting_Period_Total", file=file_name
        )
    if len(period) != 1:
        raise ReportFormatError(
            f"the report has no month columns (it was run with Exclude_Monthly_Details) and covers "
            f"{len(period)} months ({_span(period)}): the dashboard needs monthly counts, so export "
            "it again with monthly details, or one file per month",
            file=file_name,
        )
    month = period[0]
    names[total] = f"m_{month.year:04d}_{month.month:02d}"
    warnings.append(
        f"no month columns; Reporting_Period_Total was taken as the usage of {fields.month_label(month)}, "
        "the one month of the Reporting_Period"
    )
    return parts.body, [month]


def _month_end(month: date) -> date:
    following = fields.month_range(month, date(month.year + 1, month.month, 1))[1]
    return date.fromordinal(following.toordinal() - 1)


def _span(months: list[date]) -> str:
    return f"{fields.month_label(months[0])} to {fields.month_label(months[-1])}"


def _list(months: list[date], shown: int = 6) -> str:
    text = ", ".join(fields.month_label(m) for m in months[:shown])
    return text + (f" and {len(months) - shown} more" if len(months) > shown else "")
