"""Write COUNTER Release 5 and 5.1 reports as TSV/CSV, XLSX and JSON, laid out like real exports.

The sample generator, the import benchmark and the importer's tests all need files
a vendor could have produced, including slightly odd ones; one writer keeps them
alike. The same Report always gives the same bytes, so sample data can be
regenerated and compared. Layouts follow the Project COUNTER sample files and the
COUNTER Validator's samples (see /work/shared/corpus/counter/).
"""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.writer.excel import ExcelWriter

from coopdash.counter_spec import (
    HEADER_KEYS_R5,
    HEADER_KEYS_R51,
    METRIC_COLUMN,
    REPORTS,
    TOTAL_COLUMN,
)

MONTH_ABBREVIATIONS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
# Columns that R5.1 JSON moves into Attribute_Performance (R5 keeps them on the item).
ATTRIBUTE_COLUMNS = ("Data_Type", "Section_Type", "YOP", "Access_Type", "Access_Method")
# Tabular identifier columns and their Item_ID type in JSON.
ITEM_ID_TYPES = {
    "DOI": "DOI",
    "Proprietary_ID": "Proprietary",
    "ISBN": "ISBN",
    "Print_ISSN": "Print_ISSN",
    "Online_ISSN": "Online_ISSN",
    "URI": "URI",
}
# Zip entry time of every XLSX member (the earliest a zip can hold), as in COUNTER's samples.
ZIP_ENTRY_TIME = (1980, 1, 1, 0, 0, 0)
# Workbook created/modified time when the report's Created is not a timestamp.
FALLBACK_WORKBOOK_TIME = datetime(2000, 1, 1)
_EXCEPTION = re.compile(r"^(\d+):\s*(.*?)(?:\s*\((.*)\))?$")


@dataclass
class UsageRow:
    """One tabular row: an item (and its attributes), one metric, counts by month."""

    # COUNTER column name -> value, e.g. {"Title": ..., "Platform": ..., "Data_Type": ...}
    item: dict[str, str]
    metric_type: str
    counts: dict[date, int]  # first of month -> count; zero months may be omitted

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Report:
    """One COUNTER report: the header values and the rows, independent of file format.

    Header strings (report_filters, report_attributes, exceptions, metric_types)
    are in the tabular form, e.g. "Data_Type=Journal; Access_Method=Regular";
    the JSON writer turns them into the SUSHI structures.
    """

    report_id: str
    release: str  # "5" or "5.1"
    institution_name: str
    # e.g. [("ISNI", "1234123412341234")], may be empty
    institution_ids: list[tuple[str, str]]
    begin: date  # first day of the first month
    end: date  # last day of the last month
    columns: list[str]  # identifying and attribute columns, in order
    rows: list[UsageRow]
    created: str  # e.g. "2025-01-15T09:30:00Z"
    created_by: str
    report_filters: str = ""
    report_attributes: str = ""
    exceptions: str = ""
    metric_types: str = ""
    registry_record: str = ""  # R5.1 only


def report_months(begin: date, end: date) -> list[date]:
    """First day of every month from begin's month to end's month."""
    months = []
    month = begin.replace(day=1)
    while month <= end:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def month_heading(month: date) -> str:
    """date(2022, 1, 1) -> 'Jan-2022' (English whatever the locale, as COUNTER requires)."""
    return f"{MONTH_ABBREVIATIONS[month.month - 1]}-{month.year}"


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def report_name(report: Report) -> str:
    """The Report_Name the release uses; empty for an ID COUNTER does not define."""
    spec = REPORTS.get(report.report_id)
    return spec.name(report.release) if spec else ""


def header_values(report: Report) -> list[tuple[str, str]]:
    """The header block, (column A, column B) in COUNTER order for the report's release."""
    values = {
        "Report_Name": report_name(report),
        "Report_ID": report.report_id,
        "Release": report.release,
        "Institution_Name": report.institution_name,
        "Institution_ID": "; ".join(f"{kind}:{value}" for kind, value in report.institution_ids),
        "Metric_Types": report.metric_types,
        "Report_Filters": report.report_filters,
        "Report_Attributes": report.report_attributes,
        "Exceptions": report.exceptions,
        "Reporting_Period": f"Begin_Date={report.begin}; End_Date={report.end}",
        "Created": report.created,
        "Created_By": report.created_by,
        "Registry_Record": report.registry_record,
    }
    keys = HEADER_KEYS_R51 if report.release == "5.1" else HEADER_KEYS_R5
    return [(key, values[key]) for key in keys]


def _headings(report: Report, months: list[date]) -> list[str]:
    return [*report.columns, METRIC_COLUMN, TOTAL_COLUMN, *map(month_heading, months)]


def _body_rows(report: Report, months: list[date]) -> Iterator[list]:
    """Item values, metric, period total, monthly counts; rows with a zero total left out."""
    columns = report.columns
    for row in report.rows:
        counts = [row.counts.get(month, 0) for month in months]
        total = sum(counts)
        if total:
            item = row.item
            yield [
                *(item.get(column, "") for column in columns),
                row.metric_type,
                total,
                *counts,
            ]


def write_tabular(
    report: Report,
    path: Path,
    *,
    delimiter: str = "\t",
    encoding: str = "utf-8-sig",
    lineterminator: str = "\n",
    thousands_separator: bool = False,
) -> None:
    """Write a .tsv (default) or .csv report; every row padded to the table's width.

    thousands_separator writes counts as "1,234" (a vendor quirk; the csv module
    quotes them when the delimiter is a comma).
    """
    months = report_months(report.begin, report.end)
    headings = _headings(report, months)
    padding = [""] * (len(headings) - 2)
    rows = _body_rows(report, months)
    if thousands_separator:
        first_count = len(report.columns) + 1
        rows = ([*row[:first_count], *(f"{n:,}" for n in row[first_count:])] for row in rows)
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator)
        writer.writerows([key, value, *padding] for key, value in header_values(report))
        writer.writerow([""] * len(headings))
        writer.writerow(headings)
        writer.writerows(rows)


def write_xlsx(
    report: Report,
    path: Path,
    *,
    month_headings_as_dates: bool = False,
    release_as_number: bool = False,
) -> None:
    """Write a one-sheet workbook with numeric count cells, byte-for-byte reproducible.

    The two flags reproduce what Excel does to a report a person has edited: month
    headings become date cells shown as 'Jan-22', and Release becomes the number 5.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(report.report_id)
    for key, value in header_values(report):
        if key == "Release" and release_as_number:
            value = float(value) if "." in value else int(value)
        sheet.append([key, value])
    sheet.append([])
    months = report_months(report.begin, report.end)
    headings: list = _headings(report, months)
    if month_headings_as_dates:
        headings[-len(months) :] = [_date_cell(sheet, month) for month in months]
    sheet.append(headings)
    for row in _body_rows(report, months):
        sheet.append(row)
    stamp = _created_time(report.created)
    workbook.properties.created = workbook.properties.modified = stamp
    workbook.properties.creator = report.created_by
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps `modified` with the current time.
    ExcelWriter(workbook, ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True)).save()
    path.write_bytes(_with_fixed_zip_times(buffer.getvalue()))


def _date_cell(sheet, month: date) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=datetime(month.year, month.month, 1))
    cell.number_format = "mmm-yy"
    return cell


def _created_time(created: str) -> datetime:
    try:
        return datetime.fromisoformat(created).replace(tzinfo=None)
    except ValueError:
        return FALLBACK_WORKBOOK_TIME


def _with_fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with every entry dated ZIP_ENTRY_TIME (openpyxl uses the current time)."""
    source = ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = ZipInfo(info.filename, date_time=ZIP_ENTRY_TIME)
            entry.compress_type = ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return buffer.getvalue()


def write_json(report: Report, path: Path) -> None:
    """Write the SUSHI JSON of a PR, DR or TR (or a view of one): R5 or R5.1 layout by release."""
    if report.report_id.startswith("IR"):
        raise ValueError("item reports nest Items under parents; write them as TSV or CSV")
    if report.release == "5.1":
        document = {
            "Report_Header": _header_r51(report),
            "Report_Items": _items_r51(report),
        }
    else:
        document = {
            "Report_Header": _header_r5(report),
            "Report_Items": _items_r5(report),
        }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")


def _pairs(text: str) -> list[tuple[str, str]]:
    """'Name=v1|v2; Name2=v' -> [('Name', 'v1|v2'), ('Name2', 'v')]."""
    pairs = []
    for part in text.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            pairs.append((name, value))
    return pairs


def _exceptions(text: str) -> list[dict]:
    """'3030: No Usage Available for Requested Dates (2025-01)' -> SUSHI exception objects."""
    found = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = _EXCEPTION.match(part)
        if not match:
            raise ValueError(f"exception '{part}' is not 'Code: Message (Data)'")
        code, message, data = match.groups()
        found.append({"Code": int(code), "Message": message} | ({"Data": data} if data else {}))
    return found


def _metric_type_list(metric_types: str) -> list[str]:
    return [name.strip() for name in metric_types.split(";") if name.strip()]


def _header_r5(report: Report) -> dict:
    header: dict = {
        "Report_Name": report_name(report),
        "Report_ID": report.report_id,
        "Release": report.release,
        "Institution_Name": report.institution_name,
    }
    if report.institution_ids:
        header["Institution_ID"] = [{"Type": k, "Value": v} for k, v in report.institution_ids]
    filters = [
        {"Name": "Begin_Date", "Value": report.begin.isoformat()},
        {"Name": "End_Date", "Value": report.end.isoformat()},
    ]
    if report.metric_types:
        metric_types = "|".join(_metric_type_list(report.metric_types))
        filters.append({"Name": "Metric_Type", "Value": metric_types})
    filters += [{"Name": n, "Value": v} for n, v in _pairs(report.report_filters)]
    header["Report_Filters"] = filters
    if report.report_attributes:
        attributes = _pairs(report.report_attributes)
        header["Report_Attributes"] = [{"Name": n, "Value": v} for n, v in attributes]
    if report.exceptions:
        header["Exceptions"] = _exceptions(report.exceptions)
    header["Created"] = report.created
    header["Created_By"] = report.created_by
    return header


def _header_r51(report: Report) -> dict:
    header: dict = {
        "Release": report.release,
        "Report_ID": report.report_id,
        "Report_Name": report_name(report),
        "Created": report.created,
        "Created_By": report.created_by,
    }
    if report.institution_ids:
        header["Institution_ID"] = _namespaced(report.institution_ids)
    header["Institution_Name"] = report.institution_name
    header["Registry_Record"] = report.registry_record
    if report.report_attributes:
        header["Report_Attributes"] = {n: v.split("|") for n, v in _pairs(report.report_attributes)}
    filters: dict = {}
    if report.metric_types:
        filters["Metric_Type"] = _metric_type_list(report.metric_types)
    filters["Begin_Date"] = report.begin.isoformat()
    filters["End_Date"] = report.end.isoformat()
    filters |= {n: v.split("|") for n, v in _pairs(report.report_filters)}
    header["Report_Filters"] = filters
    if report.exceptions:
        header["Exceptions"] = _exceptions(report.exceptions)
    return header


def _namespaced(identifiers: list[tuple[str, str]]) -> dict[str, list[str]]:
    """[('ISNI', 'a'), ('ISNI', 'b')] -> {'ISNI': ['a', 'b']} (the R5.1 identifier shape)."""
    grouped: dict[str, list[str]] = {}
    for kind, value in identifiers:
        grouped.setdefault(kind, []).append(value)
    return grouped


def _item_fields(values: dict[str, str], release: str) -> dict:
    """JSON fields of an item: plain values, Publisher_ID and Item_ID, in column order."""
    fields: dict = {}
    for column, value in values.items():
        if not value:
            continue
        if column in ITEM_ID_TYPES:
            fields.setdefault("Item_ID", {})[ITEM_ID_TYPES[column]] = value
        elif column == "Publisher_ID":
            kind_values = []
            for part in value.split(";"):
                kind, _, ident = part.strip().partition(":")
                kind_values.append((kind, ident))
            fields[column] = (
                _namespaced(kind_values)
                if release == "5.1"
                else [{"Type": k, "Value": v} for k, v in kind_values]
            )
        else:
            fields[column] = value
    if release != "5.1" and "Item_ID" in fields:
        fields["Item_ID"] = [{"Type": k, "Value": v} for k, v in fields["Item_ID"].items()]
    return fields


def _grouped(rows: list[UsageRow], columns: list[str]) -> dict[tuple, list[UsageRow]]:
    groups: dict[tuple, list[UsageRow]] = {}
    for row in rows:
        groups.setdefault(tuple(row.item.get(c, "") for c in columns), []).append(row)
    return groups


def _items_r5(report: Report) -> list[dict]:
    months = report_months(report.begin, report.end)
    items = []
    for key, rows in _grouped(report.rows, report.columns).items():
        performance = []
        for month in months:
            instances = [
                {"Metric_Type": row.metric_type, "Count": row.counts[month]}
                for row in rows
                if row.counts.get(month)
            ]
            if instances:
                period = {
                    "Begin_Date": month.isoformat(),
                    "End_Date": month_end(month).isoformat(),
                }
                performance.append({"Period": period, "Instance": instances})
        if performance:
            item = _item_fields(dict(zip(report.columns, key)), report.release)
            items.append(item | {"Performance": performance})
    return items


def _items_r51(report: Report) -> list[dict]:
    months = report_months(report.begin, report.end)
    attribute_columns = [c for c in report.columns if c in ATTRIBUTE_COLUMNS]
    item_columns = [c for c in report.columns if c not in ATTRIBUTE_COLUMNS]
    items = []
    for key, item_rows in _grouped(report.rows, item_columns).items():
        attribute_performance = []
        for attributes, rows in _grouped(item_rows, attribute_columns).items():
            performance = {}
            for row in rows:
                counts = {f"{m:%Y-%m}": row.counts[m] for m in months if row.counts.get(m)}
                if counts:
                    performance[row.metric_type] = counts
            if performance:
                shown = {c: v for c, v in zip(attribute_columns, attributes) if v}
                attribute_performance.append(shown | {"Performance": performance})
        if attribute_performance:
            item = _item_fields(dict(zip(item_columns, key)), report.release)
            items.append(item | {"Attribute_Performance": attribute_performance})
    return items
