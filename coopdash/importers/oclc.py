"""Read OCLC service statistics (interlibrary loan, cataloguing) into one long monthly table.

OCLC's Usage Statistics portal exports tab-delimited text named `.xls`, with
title lines above the table; libraries whose exports differ send a CSV or XLSX
with the same columns. The column-heading row, wherever it sits, decides which
report a file is. Every figure is checked, so the loader only ever sees whole
months; anything unreadable is refused naming the file and line. The files
accepted are specified in docs/oclc_statistics.md.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

from coopdash.errors import ReportFormatError
from coopdash.importers import limits, sniff
from coopdash.importers.counter_fields import month_label
from coopdash.importers.oclc_fields import (
    ACTIVITIES,
    CATALOGUING_COLUMNS,
    FIELDS,
    ILL_COLUMNS,
    INSTITUTION_KEYS,
    READ_PAST_KEYS,
    REQUEST_COLUMNS,
    ROLES,
    heading_key,
    is_blank,
    is_total,
    looks_like_value,
    parse_count,
    parse_day,
    parse_days,
    parse_filled,
    parse_month,
    parse_role,
    role_in_title,
    status_is_filled,
    text,
)
from coopdash.importers.workbook import read_sheets

HEADER_SCAN_LINES = 30
LOOKED_FOR = (
    "ILL monthly activity (a Month column with Borrowing/Lending columns), "
    "ILL request list (a Request ID column) and cataloguing activity (a Month column with "
    "New Records, Holdings Set, Records Replaced or Authority Records)"
)
ILL_SCHEMA = pa.schema(
    [
        ("institution", pa.string()),
        ("month", pa.date32()),
        ("role", pa.string()),
        ("requests", pa.int64()),
        ("filled", pa.int64()),
        ("unfilled", pa.int64()),
        ("turnaround_days", pa.float64()),
        ("turnaround_requests", pa.int64()),
        ("source_line", pa.int32()),
    ]
)
CATALOGUING_SCHEMA = pa.schema(
    [
        ("institution", pa.string()),
        ("month", pa.date32()),
        ("activity", pa.string()),
        ("count", pa.int64()),
        ("source_line", pa.int32()),
    ]
)
_USED = {
    "ill_monthly": {"month", "institution", *ILL_COLUMNS},
    "ill_requests": {"institution", *REQUEST_COLUMNS},
    "cataloguing": {"month", "institution", *CATALOGUING_COLUMNS},
}
_COUNTS = ("requests", "filled", "unfilled")
_ILL_COUNT_FIELDS = {f"{role}_{what}" for role in ROLES for what in _COUNTS}
# Which date a request list's turnaround runs to, by role: the first column present.
_SUPPLIED = {
    "borrowing": ("date_received", "date_supplied"),
    "lending": ("date_shipped", "date_supplied"),
}

Row = tuple[int, list[object]]  # (1-based line or spreadsheet row, cells)


@dataclass
class OclcStatistics:
    """A statistics export read and checked: one row per institution, month and role (or activity)."""

    kind: str  # 'ill' or 'cataloguing'
    report: str  # 'ill_monthly', 'ill_requests' or 'cataloguing'
    format: str  # 'tsv', 'csv', 'xlsx' or 'xls'
    encoding: str  # of a text file; '' for a workbook
    institution: str | None  # from an Institution/Symbol/Library header line
    table: pa.Table  # ILL_SCHEMA or CATALOGUING_SCHEMA
    months: list[date]
    rows: int  # data rows read
    skipped: int  # data rows dropped (Total rows, notes, repeats); blank rows are not counted
    warnings: list[str] = field(default_factory=list)


def read_oclc_statistics(data: bytes, file_name: str) -> OclcStatistics:
    """Read an OCLC statistics export from its bytes; `file_name` is only for messages."""
    fmt = sniff.detect_format(data)
    if fmt in ("json", "xml"):
        raise _not_delimited(data, fmt, file_name)
    if fmt in ("xlsx", "xls"):
        rows: Iterable[Row] = _workbook_rows(data, file_name, fmt)
        limits.check_statistics_rows(len(rows), file_name)
        encoding = ""
    else:
        content, encoding = sniff.decode_text(data, file_name)
        if "\n" not in content and "\r" in content:
            content = content.replace("\r", "\n")
        limits.check_statistics_rows(content.count("\n"), file_name)
        delimiter = _delimiter(content)
        fmt = "tsv" if delimiter == "\t" else "csv"
        rows = _text_rows(content, delimiter, file_name)
    return _Reader(file_name).read(iter(rows), fmt, encoding)


def _not_delimited(data: bytes, fmt: str, file_name: str) -> ReportFormatError:
    head = data[:8192].replace(b"\x00", b"").lower()
    if fmt == "json" and b"report_header" in head:
        message = "this is a COUNTER report: import it as usage"
    elif b"<html" in head or b"<table" in head:
        message = (
            "this is a web page (HTML) saved under a spreadsheet name, not an OCLC statistics export: "
            "open it in Excel and save it as tab-delimited text or XLSX"
        )
    else:
        message = f"this {fmt.upper()} file is not an OCLC statistics export (looked for {LOOKED_FOR})"
    return ReportFormatError(message, file=file_name)


def _text_rows(content: str, delimiter: str, file_name: str) -> Iterator[Row]:
    reader = csv.reader(sniff.lines_of(content), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            limits.check_columns(len(cells), file_name, line)
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise limits.cell_too_long(file_name, f"line {line}") from None
        raise ReportFormatError(
            f"the text cannot be split into cells ({exc})", file=file_name, line=line
        ) from None


def _delimiter(content: str) -> str:
    """The delimiter under which a column-heading row is found, naming the most known columns."""
    preferred = sniff.detect_delimiter(content, {"Institution:", "Symbol:", "Library:", "Period:"})
    head = [line for line in content[:20000].splitlines() if line.strip()][:HEADER_SCAN_LINES]

    def known_headings(delimiter: str) -> int:
        try:
            rows = [(0, cells) for cells in csv.reader(head, delimiter=delimiter)]
        except csv.Error:
            return 0
        _, _, heading = _split_header(iter(rows))
        return sum(heading_key(cell) in FIELDS for cell in heading or [])

    others = [d for d in sniff.DELIMITERS if d != preferred]
    return max([preferred, *others], key=known_headings)


def _workbook_rows(data: bytes, file_name: str, fmt: str) -> list[Row]:
    """The rows of the first sheet that holds a statistics table (else of the first sheet)."""
    sheets = [list(enumerate(rows, start=1)) for rows in read_sheets(data, file_name, fmt)]
    return next((rows for rows in sheets if _split_header(iter(rows))[2] is not None), sheets[0])


def _is_heading_row(cells: list[object]) -> bool:
    """A row naming a Month or Request ID column, among other headings and no values."""
    names = {FIELDS.get(heading_key(cell)) for cell in cells if isinstance(cell, str)}
    return (
        bool(names & {"month", "request_id"})
        and sum(bool(text(cell)) for cell in cells) >= 2
        and not any(looks_like_value(cell) or text(cell).endswith(":") for cell in cells)
    )


def _split_header(rows: Iterator[Row]) -> tuple[list[list[object]], int, list[object] | None]:
    """(the non-blank rows above the column headings, the headings' line, the headings or None)."""
    header: list[list[object]] = []
    for line, cells in rows:
        if is_blank(cells):
            continue
        if _is_heading_row(cells):
            return header, line, cells
        header.append(cells)
        if len(header) >= HEADER_SCAN_LINES:
            break
    return header, 0, None


def _header_institution(header: list[list[object]]) -> str | None:
    """The value of the first 'Institution:', 'Symbol:' or 'Library:' line."""
    for cells in header:
        values = [text(cell) for cell in cells if text(cell)]
        key, _, rest = values[0].partition(":")
        if heading_key(key) in INSTITUTION_KEYS:
            value = rest.strip() or (values[1] if len(values) > 1 else "")
            if value:
                return value
    return None


def _header_period(header: list[list[object]]) -> tuple[date, date] | None:
    """The months of a 'Period:' line ('2024-03', '2024-01 to 2024-12'), or None."""
    for cells in header:
        values = [text(cell) for cell in cells if text(cell)]
        key, _, rest = values[0].partition(":")
        if heading_key(key) == "period":
            value = (rest.strip() or (values[1] if len(values) > 1 else "")).replace("–", " to ")
            ends = [
                parse_month(part.strip())
                for part in re.split(r"\s+to\s+|\s+-\s+|/|至", value)
                if part.strip()
            ]
            if ends and all(ends):
                return ends[0], ends[-1]
    return None


def _cell(cells: list[object], index: int) -> object:
    return cells[index] if index < len(cells) else None


def _where(lines: list[int], shown: int = 5) -> str:
    listed = ", ".join(str(n) for n in lines[:shown])
    more = f" and {len(lines) - shown} more" if len(lines) > shown else ""
    return f"line{'s' if len(lines) > 1 else ''} {listed}{more}"


@dataclass
class _IllFigures:
    """The figures of one institution, month and role, as rows are added up."""

    line: int
    requests: int | None = 0
    filled: int | None = 0
    unfilled: int | None = 0
    days_total: float = 0.0
    days_weight: float = 0.0
    timed: int | None = 0  # requests the turnaround is over; None once an average came without its count

    def add(self, requests: int | None, filled: int | None, unfilled: int | None) -> None:
        self.requests = None if self.requests is None or requests is None else self.requests + requests
        self.filled = None if self.filled is None or filled is None else self.filled + filled
        self.unfilled = None if self.unfilled is None or unfilled is None else self.unfilled + unfilled

    def add_turnaround(self, days: float, weight: float, over: int | None) -> None:
        self.days_total += days * weight
        self.days_weight += weight
        self.timed = None if self.timed is None or over is None else self.timed + over

    def row(self) -> dict[str, object]:
        timed = self.days_weight > 0
        return {
            "requests": self.requests,
            "filled": self.filled,
            "unfilled": self.unfilled,
            "turnaround_days": round(self.days_total / self.days_weight, 4) if timed else None,
            "turnaround_requests": self.timed if timed else None,
            "source_line": self.line,
        }


class _Reader:
    """One file's reading: the file name for messages, and what was skipped for the warnings."""

    def __init__(self, file_name: str):
        self.file = file_name
        self.warnings: list[str] = []
        self.rows = 0
        self.totals: list[int] = []
        self.repeats: list[int] = []
        self.notes: list[int] = []
        self.short: list[int] = []
        self.dropped = 0  # rows dropped and warned about where they were found (repeated requests)

    def fail(self, message: str, line: int | None = None) -> ReportFormatError:
        return ReportFormatError(message, file=self.file, line=line)

    def read(self, rows: Iterator[Row], fmt: str, encoding: str) -> OclcStatistics:
        header, heading_line, heading = _split_header(rows)
        first = text(next((cell for cell in header[0] if text(cell)), "")) if header else ""
        if re.match(r"[\"'\ufeff\s]*report[_ ]name\b", first, re.I):
            raise self.fail("this is a COUNTER report: import it as usage")
        if heading is None:
            raise self.fail(
                f"this is not an OCLC statistics export: no column-heading row in the first "
                f"{HEADER_SCAN_LINES} non-blank lines (looked for {LOOKED_FOR})"
            )
        columns = self._columns(heading, heading_line)
        report = self._report(columns, heading_line)
        self._warn_unread(heading, columns, report, heading_line)
        titles = [text(cell) for cells in header for cell in cells if text(cell)]
        if report == "ill_monthly":
            table = self._ill_monthly(rows, heading, columns)
        elif report == "ill_requests":
            table = self._ill_requests(rows, heading, columns, titles, heading_line, _header_period(header))
        else:
            table = self._cataloguing(rows, heading, columns)
        if not self.rows:
            raise self.fail("the table under the column headings has no data rows", heading_line)
        self._refuse_future(table)
        self._warn_skipped()
        return OclcStatistics(
            kind="cataloguing" if report == "cataloguing" else "ill",
            report=report,
            format=fmt,
            encoding=encoding,
            institution=_header_institution(header),
            table=table,
            months=sorted(set(table.column("month").to_pylist())),
            rows=self.rows,
            skipped=len(self.totals) + len(self.repeats) + len(self.notes) + self.dropped,
            warnings=self.warnings,
        )

    def _refuse_future(self, table: pa.Table) -> None:
        """A month after the current one cannot hold activity yet: its Month cells are misread or wrong."""
        this_month = date.today().replace(day=1)
        late = [
            (m, line)
            for m, line in zip(
                table.column("month").to_pylist(), table.column("source_line").to_pylist(), strict=True
            )
            if m > this_month
        ]
        if late:
            month, line = min(late, key=lambda pair: pair[1])
            raise self.fail(
                f"{len(late)} figure(s) are for months after this one (first: {month_label(month)}): no "
                "activity can have been counted yet, so the Month cells are wrong; nothing was imported",
                line,
            )

    # --- the column headings

    def _columns(self, heading: list[object], line: int) -> dict[str, tuple[int, str]]:
        """field -> (column index, the heading as written)."""
        columns: dict[str, tuple[int, str]] = {}
        for index, cell in enumerate(heading):
            name = FIELDS.get(heading_key(cell))
            if name is None:
                continue
            if name in columns:
                raise self.fail(
                    f"the columns '{columns[name][1]}' and '{text(cell)}' both mean "
                    f"{name.replace('_', ' ')}: keep one",
                    line,
                )
            columns[name] = (index, text(cell))
        return columns

    def _report(self, columns: dict[str, tuple[int, str]], line: int) -> str:
        if "request_id" in columns:
            if "request_date" not in columns:
                raise self.fail(
                    "the request list has no request date column (Request Date, Date Submitted, "
                    "Submitted or Created), so its requests cannot be counted by month",
                    line,
                )
            return "ill_requests"
        ill = _ILL_COUNT_FIELDS & set(columns)
        cataloguing = set(CATALOGUING_COLUMNS) & set(columns)
        if ill and cataloguing:
            raise self.fail(
                "the column headings mix interlibrary loan and cataloguing counts: export them as two files",
                line,
            )
        if ill:
            return "ill_monthly"
        if cataloguing:
            return "cataloguing"
        raise self.fail(
            f"the column headings name a month column ('{columns['month'][1]}') but no count column "
            "this app reads: expected ILL counts such as 'Borrowing Requests', 'Borrowing Filled', "
            "'Lending Requests', or cataloguing counts such as 'New Records', 'Holdings Set', "
            "'Records Replaced' (see docs/oclc_statistics.md)",
            line,
        )

    def _warn_unread(self, heading: list[object], columns: dict, report: str, line: int) -> None:
        used = {index for name, (index, _) in columns.items() if name in _USED[report]}
        unread = [
            text(cell)
            for index, cell in enumerate(heading)
            if text(cell) and index not in used and heading_key(cell) not in READ_PAST_KEYS
        ]
        if unread:
            self.warnings.append(
                f"line {line}: column{'s' if len(unread) > 1 else ''} "
                f"{', '.join(repr(name) for name in unread)} not read (not a column of this report)"
            )

    # --- the body

    def _body(self, rows: Iterator[Row], heading: list[object]) -> Iterator[Row]:
        """The data rows: blank rows, Total rows and repeated column headings left out."""
        width = max((i + 1 for i, cell in enumerate(heading) if text(cell)), default=0)
        for line, cells in rows:
            if is_blank(cells):
                continue
            if is_total(cells):
                self.totals.append(line)
            elif _is_heading_row(cells):
                self.repeats.append(line)
            else:
                if len(cells) < width:  # a text file cut short, or an exporter that drops empty cells
                    self.short.append(line)
                yield line, cells

    def _month(self, cells: list[object], columns: dict, line: int, figures: Iterable[str]) -> date | None:
        """The row's month; None for a note row (no month and no figures), which is skipped."""
        index, heading = columns["month"]
        raw = _cell(cells, index)
        month = parse_month(raw)
        if month is not None:
            return month
        if not any(text(_cell(cells, columns[name][0])) for name in figures if name in columns):
            self.notes.append(line)
            return None
        if not text(raw):
            raise self.fail(f"the row has figures but no month in column '{heading}'", line)
        raise self.fail(
            f"'{text(raw)}' in column '{heading}' is not a month this app can read "
            "(such as 2024-01, Jan-2024, January 2024, 2024年1月 or 01/2024)",
            line,
        )

    def _count(self, cells: list[object], columns: dict, name: str, line: int) -> int | None:
        """The whole number in a count column (blank is 0); None if the file has no such column."""
        if name not in columns:
            return None
        index, heading = columns[name]
        raw = _cell(cells, index)
        count = parse_count(raw)
        if count is None:
            raise self.fail(f"'{text(raw)}' in column '{heading}' is not a count (a whole number)", line)
        return count

    def _days(self, cells: list[object], columns: dict, name: str, line: int) -> float | None:
        if name not in columns:
            return None
        index, heading = columns[name]
        raw = _cell(cells, index)
        try:
            return parse_days(raw)
        except ValueError:
            raise self.fail(f"'{text(raw)}' in column '{heading}' is not a number of days", line) from None

    def _institution(self, cells: list[object], columns: dict) -> str | None:
        if "institution" not in columns:
            return None
        return text(_cell(cells, columns["institution"][0])) or None

    # --- ILL monthly activity

    def _ill_monthly(self, rows: Iterator[Row], heading: list[object], columns: dict) -> pa.Table:
        roles = [role for role in ROLES if any(f"{role}_{what}" in columns for what in _COUNTS)]
        for role in roles:
            given = [what for what in _COUNTS if f"{role}_{what}" in columns]
            if len(given) < 2:
                missing = " and ".join(what for what in _COUNTS if what not in given)
                raise self.fail(
                    f"the file gives only {role} {given[0]}, not {role} {missing}: the dashboard needs two "
                    f"of requests, filled and unfilled for each role (the fill rates are filled over "
                    "requests), so nothing was imported; export the report with its Filled column"
                )
        figures = [name for name in columns if name in ILL_COLUMNS]
        found: dict[tuple, _IllFigures] = {}
        lines: dict[tuple, list[int]] = {}  # (institution, month) -> the lines giving it
        for line, cells in self._body(rows, heading):
            month = self._month(cells, columns, line, figures)
            if month is None:
                continue
            self.rows += 1
            institution = self._institution(cells, columns)
            lines.setdefault((institution, month), []).append(line)
            for role in roles:
                requests, filled, unfilled = self._ill_counts(cells, columns, role, line)
                entry = found.setdefault((institution, month, role), _IllFigures(line))
                entry.add(requests, filled, unfilled)
                days = self._days(cells, columns, f"{role}_turnaround", line)
                if days is not None:
                    entry.add_turnaround(days, weight=filled or 1, over=None)
        for (institution, month), given in lines.items():
            if len(given) > 1:
                self.warnings.append(
                    f"{_where(given)}: {month_label(month)}{f' ({institution})' if institution else ''} "
                    "is given more than once; the rows were added up"
                )
        return _ill_table(found)

    def _ill_counts(self, cells: list[object], columns: dict, role: str, line: int) -> tuple:
        """(requests, filled, unfilled), any one worked out from the other two; checked."""
        requests, filled, unfilled = (self._count(cells, columns, f"{role}_{what}", line) for what in _COUNTS)
        if requests is None:
            if filled is not None and unfilled is not None:
                requests = filled + unfilled
            return requests, filled, unfilled
        for what, value in (("filled", filled), ("unfilled", unfilled)):
            if value is not None and value > requests:
                raise self.fail(f"{role} {what} ({value}) is more than {role} requests ({requests})", line)
        if filled is not None and unfilled is not None and filled + unfilled > requests:
            raise self.fail(
                f"{role} filled ({filled}) and unfilled ({unfilled}) add up to more than "
                f"{role} requests ({requests})",
                line,
            )
        if filled is None and unfilled is not None:
            filled = requests - unfilled
        elif unfilled is None and filled is not None:
            unfilled = requests - filled
        return requests, filled, unfilled

    # --- ILL request lists

    def _ill_requests(
        self,
        rows: Iterator[Row],
        heading: list[object],
        columns: dict,
        titles: list[str],
        heading_line: int,
        period: tuple[date, date] | None,
    ) -> pa.Table:
        """Requests counted per month of request, over the report's own period only.

        OCLC's request reports cover one month, and list a request again in every
        month it is acted on: a March report holds February requests filled in
        March, which February's report already counted. So only the requests made
        in the report's period are counted: the months of its Period line, or
        without one the month of its latest request.
        """
        title_role = role_in_title(titles)
        if "role" not in columns and title_role is None:
            raise self.fail(
                "this request list does not say whether it is borrowing or lending: it has no Role "
                "column and no title line naming Borrower/Borrowing or Lender/Lending",
                heading_line,
            )
        if "filled" not in columns and "status" not in columns:
            raise self.fail("the request list has neither a Filled nor a Status column", heading_line)
        requests: dict[str, tuple] = {}
        repeated: list[int] = []
        backwards: list[int] = []
        for line, cells in self._body(rows, heading):
            request_id = text(_cell(cells, columns["request_id"][0]))
            requested = self._request_date(cells, columns, line, request_id)
            if requested is None:
                continue
            role = self._role(cells, columns, title_role, line)
            filled = self._filled(cells, columns, line)
            days = None
            supplied = self._supplied(cells, columns, role, line) if filled else None
            if supplied is not None:
                days = (supplied - requested).days
                if days < 0:
                    backwards.append(line)
                    days = None
            key = request_id or f"line {line}"
            if key in requests:
                repeated.append(line)
            requests[key] = (
                line,
                self._institution(cells, columns),
                requested.replace(day=1),
                role,
                filled,
                days,
            )
        self.rows, self.dropped = len(requests), len(repeated)
        if repeated:
            self.warnings.append(
                f"{_where(repeated)}: the request is listed again; only its last line was counted"
            )
        if backwards:
            self.warnings.append(
                f"{_where(backwards)}: supplied before requested; left out of the turnaround"
            )
        made = sorted({entry[2] for entry in requests.values()})
        first, last = period or (made[-1], made[-1])
        earlier = sorted(entry[0] for entry in requests.values() if not first <= entry[2] <= last)
        if earlier:
            self.warnings.append(
                f"{len(earlier)} request(s) were made outside the report's period ({month_label(first)}"
                f"{'' if first == last else ' to ' + month_label(last)}) and were left out: they are listed "
                f"because they were acted on again, and count in their own month's report ({_where(earlier)})"
            )
            self.dropped += len(earlier)
        found: dict[tuple, _IllFigures] = {}
        for line, institution, month, role, filled, days in sorted(requests.values(), key=lambda r: r[0]):
            if not first <= month <= last:
                continue
            entry = found.setdefault((institution, month, role), _IllFigures(line))
            entry.add(1, int(filled), int(not filled))
            if days is not None:
                entry.add_turnaround(days, weight=1, over=1)
        return _ill_table(found)

    def _request_date(self, cells: list[object], columns: dict, line: int, request_id: str) -> date | None:
        index, heading = columns["request_date"]
        raw = _cell(cells, index)
        requested = parse_day(raw)
        if requested is None and request_id:
            if not text(raw):
                raise self.fail(f"request {request_id} has no date in column '{heading}'", line)
            raise self.fail(
                f"'{text(raw)}' in column '{heading}' is not a date this app can read "
                "(such as 2024-03-05, 03/05/2024 or 2024年3月5日)",
                line,
            )
        if requested is None:
            self.notes.append(line)
        return requested

    def _role(self, cells: list[object], columns: dict, title_role: str | None, line: int) -> str | None:
        if "role" not in columns:
            return title_role  # not None: checked before the rows are read
        index, heading = columns["role"]
        raw = _cell(cells, index)
        role = parse_role(raw) or (title_role if not text(raw) else None)
        if role is None:
            raise self.fail(
                f"'{text(raw)}' in column '{heading}' is neither borrowing nor lending "
                "(Borrowing/Lending, Borrower/Lender or 借入/借出)",
                line,
            )
        return role

    def _filled(self, cells: list[object], columns: dict, line: int) -> bool:
        if "filled" in columns:
            index, heading = columns["filled"]
            filled = parse_filled(_cell(cells, index))
            if filled is None:
                raise self.fail(
                    f"'{text(_cell(cells, index))}' in column '{heading}' is neither yes nor no "
                    "(Y/N, Yes/No, 1/0 or 是/否)",
                    line,
                )
            return filled
        return status_is_filled(_cell(cells, columns["status"][0]))

    def _supplied(self, cells: list[object], columns: dict, role: str, line: int) -> date | None:
        name = next((name for name in _SUPPLIED[role] if name in columns), None)
        if name is None:
            return None
        index, heading = columns[name]
        raw = _cell(cells, index)
        supplied = parse_day(raw)
        if supplied is None and text(raw):
            raise self.fail(f"'{text(raw)}' in column '{heading}' is not a date this app can read", line)
        return supplied

    # --- cataloguing activity

    def _cataloguing(self, rows: Iterator[Row], heading: list[object], columns: dict) -> pa.Table:
        activities = [activity for activity in ACTIVITIES if activity in columns]
        found: dict[tuple, list[int]] = {}  # (institution, month, activity) -> [count, first line]
        for line, cells in self._body(rows, heading):
            month = self._month(cells, columns, line, activities)
            if month is None:
                continue
            self.rows += 1
            institution = self._institution(cells, columns)
            for activity in activities:
                count = self._count(cells, columns, activity, line)
                found.setdefault((institution, month, activity), [0, line])[0] += count
        keys = sorted(found, key=lambda k: (k[0] is not None, k[0] or "", k[1], ACTIVITIES.index(k[2])))
        return pa.Table.from_pylist(
            [
                {
                    "institution": i,
                    "month": m,
                    "activity": a,
                    "count": found[(i, m, a)][0],
                    "source_line": found[(i, m, a)][1],
                }
                for i, m, a in keys
            ],
            schema=CATALOGUING_SCHEMA,
        )

    def _warn_skipped(self) -> None:
        if self.totals:
            self.warnings.append(
                f"{_where(self.totals)}: Total row{'s' if len(self.totals) > 1 else ''} dropped "
                "(totals are worked out from the months)"
            )
        if self.repeats:
            self.warnings.append(f"{_where(self.repeats)}: the column headings again; skipped")
        if self.notes:
            self.warnings.append(f"{_where(self.notes)}: no month and no figures; skipped as a note")
        short = [line for line in self.short if line not in self.notes]
        if short:
            self.warnings.append(
                f"{_where(short)}: fewer cells than column headings; the missing cells were read as blank"
            )


def _ill_table(found: dict[tuple, _IllFigures]) -> pa.Table:
    keys = sorted(found, key=lambda k: (k[0] is not None, k[0] or "", k[1], ROLES.index(k[2])))
    return pa.Table.from_pylist(
        [
            {
                "institution": institution,
                "month": month,
                "role": role,
                **found[(institution, month, role)].row(),
            }
            for institution, month, role in keys
        ],
        schema=ILL_SCHEMA,
    )


def has_statistics_table(data: bytes) -> bool:
    """Whether the file holds a statistics table (a Month or Request ID heading row); never raises."""
    try:
        fmt = sniff.detect_format(data)
        if fmt in ("xlsx", "xls"):
            sheets = read_sheets(data, "", fmt)
            return any(_split_header(iter(enumerate(rows, start=1)))[2] is not None for rows in sheets)
        if fmt != "text":
            return False
        content, _ = sniff.decode_text(data, "")
        content = content.replace("\r\n", "\n").replace("\r", "\n")
        return _split_header(_text_rows(content, _delimiter(content), ""))[2] is not None
    except limits.TooLarge:
        raise  # refused unread whatever the file is: say so, not "not a report"
    except ReportFormatError:
        return False
