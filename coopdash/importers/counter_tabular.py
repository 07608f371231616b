"""Read the tabular COUNTER layout (TSV, CSV, XLSX, XLS) into a header and a body table.

The header block is read by name, row by row, until the column-heading row (the
one with Metric_Type): where it sits differs between R5 (row 14), R5.1 (row 15)
and vendors who add or drop rows. The body of a delimited text file goes through
pyarrow's CSV reader, which is fast; a file it cannot take as is (ragged rows,
blank lines, line breaks inside cells) goes through the csv module instead, which
also keeps every row's line number exact.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import pyarrow as pa
import pyarrow.csv as pacsv

from coopdash import counter_spec
from coopdash.errors import ReportFormatError, UnsupportedReport
from coopdash.importers import limits, sniff
from coopdash.importers.counter_fields import canonical_column
from coopdash.importers.workbook import read_sheets

HEADER_SCAN_ROWS = 100
_R4_TITLE = re.compile(r"^\s*(journal|book|database|platform|multimedia|title)\s+report\s+\d|\(r4\)", re.I)
_HEADER_KEYS = {key.casefold(): key for key in counter_spec.HEADER_KEYS_R51}


@dataclass
class TabularParts:
    """A tabular report split into what its header says and what its body holds."""

    header: dict[str, object]
    heading: list[object]
    heading_line: int
    body: pa.Table  # columns c0..c{n-1} as strings (None for empty), plus source_line
    format: str
    encoding: str = ""
    blank_rows: int = 0
    warnings: list[str] = field(default_factory=list)


def header_key(cell: object) -> str | None:
    text = re.sub(r"[\s\-]+", "_", str(cell or "").strip().lstrip("\ufeff").strip('"'))
    return _HEADER_KEYS.get(text.casefold())


def _is_heading_row(row: list[object]) -> bool:
    return any(canonical_column(cell) == counter_spec.METRIC_COLUMN for cell in row)


def split_header(rows, file_name: str) -> tuple[dict[str, object], list[object], int]:
    """Walk the first rows: (header values by key, the heading row, its 1-based line number).

    `rows` yields (line number, cells). Refuses Release 4 files and files with no
    heading row in plain words.
    """
    header: dict[str, object] = {}
    for index, (line, row) in enumerate(rows):
        limits.check_columns(len(row), file_name, line)
        if index == 0 and row and isinstance(row[0], str) and _R4_TITLE.search(row[0]):
            raise UnsupportedReport(
                f"this is a COUNTER Release 4 report ('{row[0].strip()}'), which is not supported: "
                "ask the provider for the Release 5 or 5.1 report",
                file=file_name,
            )
        if _is_heading_row(row):
            return header, row, line
        key = header_key(row[0]) if row else None
        if key and key not in header:
            header[key] = row[1] if len(row) > 1 else None
        if index >= HEADER_SCAN_ROWS:
            break
    if not header:
        raise ReportFormatError(
            "this is not a COUNTER report: no Report_Name/Report_ID header and no "
            "column headings with Metric_Type",
            file=file_name,
        )
    raise ReportFormatError(
        f"no column-heading row with Metric_Type in the first {HEADER_SCAN_ROWS} lines "
        "(the report header was found, the table was not)",
        file=file_name,
    )


def read_text(data: bytes, file_name: str) -> TabularParts:
    text, encoding = sniff.decode_text(data, file_name)
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")
    delimiter = sniff.detect_delimiter(text, set(counter_spec.HEADER_KEYS_R51))
    reader = csv.reader(sniff.lines_of(text), delimiter=delimiter)

    def numbered():
        previous = 0
        for row in _rows(reader, file_name):
            yield previous + 1, row
            previous = reader.line_num

    header, heading, _ = split_header(numbered(), file_name)
    heading_end = reader.line_num  # physical line on which the heading row ends
    offset = 0
    for _ in range(heading_end):
        found = text.find("\n", offset)
        offset = len(text) if found < 0 else found + 1
    body_text = text[offset:]
    _refuse_if_cut_short(body_text, delimiter, len(heading), text.count("\n") + 1, file_name)
    parts = TabularParts(
        header, heading, heading_end, pa.table({}), "tsv" if delimiter == "\t" else "csv", encoding
    )
    width = len(heading)
    parts.body = _body_fast(body_text, delimiter, width, heading_end)
    if parts.body is None:
        parts.body, parts.blank_rows, extra = _body_exact(body_text, delimiter, width, heading_end, file_name)
        if extra:
            parts.warnings.append(
                f"{len(extra)} row(s) had cells beyond the last column heading; those cells were "
                f"ignored (line {_lines(extra)})"
            )
    return parts


def _rows(reader, file_name: str):
    """The csv reader's rows; its refusals (a cell over the size limit, a stray quote) in plain words."""
    try:
        yield from reader
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise limits.cell_too_long(file_name, f"line {reader.line_num}") from None
        raise ReportFormatError(
            f"the text cannot be split into cells ({exc})", file=file_name, line=reader.line_num
        ) from None


def _refuse_if_cut_short(body_text: str, delimiter: str, width: int, last_line: int, file_name: str) -> None:
    """A file that stops part-way through a row (no line break at the end, and too few cells) was cut
    short in transfer: importing it would replace whole months with part of them."""
    if not body_text or body_text.endswith(("\n", "\r")):
        return
    cells = next(csv.reader([body_text.rsplit("\n", 1)[-1]], delimiter=delimiter), [])
    if 0 < len(cells) < width:
        raise ReportFormatError(
            f"the file stops part-way through line {last_line} ({len(cells)} of {width} cells, and no line "
            "break at the end): it looks cut short, so nothing was imported; export or download it again",
            file=file_name,
        )


def _lines(lines: list[int], shown: int = 5) -> str:
    text = ", ".join(str(n) for n in lines[:shown])
    return text + (f" and {len(lines) - shown} more" if len(lines) > shown else "")


def _body_fast(body_text: str, delimiter: str, width: int, heading_end: int) -> pa.Table | None:
    """pyarrow's reader, when its row numbers are sure to be the file's lines."""
    stripped = body_text.rstrip("\r\n")
    if not stripped:
        return _table([[] for _ in range(width)], [])
    if "\n\n" in stripped or "\n\r\n" in stripped:
        return None
    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(stripped.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 19),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char='"', double_quote=True, newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if table.num_rows != stripped.count("\n") + 1:
        return None  # a quoted line break: row numbers would drift from line numbers
    first = heading_end + 1
    return table.append_column("source_line", pa.array(range(first, first + table.num_rows), pa.int32()))


def _body_exact(body_text: str, delimiter: str, width: int, heading_end: int, file_name: str):
    """The csv module, row by row: pads short rows, reports long ones, skips blank ones.

    Rows become Arrow columns a batch at a time, so a large file read this way holds
    Python strings for one batch only.
    """
    reader = csv.reader(sniff.lines_of(body_text), delimiter=delimiter)
    batches, rows, lines, extra, blank, previous = [], [], [], [], 0, 0
    for row in _rows(reader, file_name):
        line = heading_end + previous + 1
        previous = reader.line_num
        if not any(cell.strip() for cell in row):
            blank += 1
            continue
        if len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                extra.append(line)
            row = row[:width]
        rows.append(row + [""] * (width - len(row)))
        lines.append(line)
        if len(rows) * width >= _BATCH_CELLS:
            batches.append(_table([list(column) for column in zip(*rows)], lines))
            rows, lines = [], []
    if rows or not batches:
        columns = [list(column) for column in zip(*rows)] if rows else [[] for _ in range(width)]
        batches.append(_table(columns, lines))
    return pa.concat_tables(batches), blank, extra


_BATCH_CELLS = 1_000_000


def _table(columns: list[list], lines: list[int]) -> pa.Table:
    arrays = {
        f"c{i}": pa.array([value if value not in ("", None) else None for value in column], pa.string())
        for i, column in enumerate(columns)
    }
    arrays["source_line"] = pa.array(lines, pa.int32())
    return pa.table(arrays)


def cell_text(value: object) -> str | None:
    """An Excel cell as the text a CSV export of it would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def read_workbook(data: bytes, file_name: str, fmt: str) -> TabularParts:
    sheets = read_sheets(data, file_name, fmt)
    # The sheet that holds the report: the first whose A1 is a header key (or an R4 title).
    rows = next(
        (
            rows
            for rows in sheets
            if rows and rows[0] and (header_key(rows[0][0]) or _R4_TITLE.search(str(rows[0][0] or "")))
        ),
        sheets[0],
    )
    header, heading, heading_line = split_header(
        ((i + 1, [cell for cell in row]) for i, row in enumerate(rows)), file_name
    )
    while heading and heading[-1] in (None, ""):
        heading = heading[:-1]
    width = len(heading)
    body_rows, lines, blank, extra = [], [], 0, []
    for index in range(heading_line, len(rows)):
        row = [cell_text(cell) for cell in rows[index]]
        if not any(cell is not None for cell in row):
            blank += 1
            continue
        if any(cell is not None for cell in row[width:]):
            extra.append(index + 1)
        row = row[:width]
        body_rows.append(row + [None] * (width - len(row)))
        lines.append(index + 1)
    columns = [list(column) for column in zip(*body_rows)] if body_rows else [[] for _ in range(width)]
    parts = TabularParts(header, heading, heading_line, _table(columns, lines), fmt, fmt, blank)
    if extra:
        parts.warnings.append(
            f"{len(extra)} row(s) had cells beyond the last column heading; those cells were "
            f"ignored (row {_lines(extra)})"
        )
    return parts
