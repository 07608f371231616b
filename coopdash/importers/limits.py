"""How large the parts of a file may be: each bound is checked before the work it guards.

The readers run in the server's own process for uploads, so a small hostile file
(a million columns in 10 MB, a 60 MB header field, JSON nested 100,000 deep, a
spreadsheet cell at XFD1048576) must be refused unread, not read slowly into
gigabytes. Each limit is far above what any real export holds and can be raised
through the environment variable named beside it; a refusal names the file,
what was found and the limit.
"""

from __future__ import annotations

import csv
import os

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from coopdash.errors import ReportFormatError


def _setting(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


# Columns of a table (a COUNTER report has some 30 item columns and one per month).
MAX_COLUMNS = _setting("COOPDASH_MAX_COLUMNS", 2_000)
# Characters in one cell or header field (a long author list is a few thousand).
MAX_CELL_CHARS = _setting("COOPDASH_MAX_CELL_KB", 128) * 1024
# Cells read into Python objects at once: a spreadsheet's used area, a text table read row
# by row, the objects and lists of a JSON document (a 200 MB SUSHI report has some 4 million).
MAX_CELLS = _setting("COOPDASH_MAX_CELLS", 20_000_000)
# Levels of nesting in a JSON document (a SUSHI report needs fewer than ten).
MAX_JSON_DEPTH = _setting("COOPDASH_MAX_JSON_DEPTH", 64)
# Lines of an OCLC statistics export, read one by one in Python (some 60 microseconds each):
# a year's request list of a large library has tens of thousands.
MAX_STATISTICS_ROWS = _setting("COOPDASH_MAX_STATISTICS_ROWS", 200_000)
# Records in one catalogue file (a 200 MB export of real records holds some 150,000; tiny
# hostile ones would make it millions, each costing as much time as a real one).
MAX_RECORDS = _setting("COOPDASH_MAX_RECORDS", 500_000)
# Tags in a MARCXML file (a 200 MB export of real records has some 9 million): each costs
# the reader a few microseconds, wherever it stands.
MAX_XML_TAGS = _setting("COOPDASH_MAX_XML_TAGS", 12_000_000)
# Elements in one MARCXML record (fields and subfields; an ISO 2709 record cannot hold 10,000).
MAX_RECORD_ELEMENTS = _setting("COOPDASH_MAX_RECORD_ELEMENTS", 20_000)

csv.field_size_limit(MAX_CELL_CHARS)  # the csv module's own bound, so its refusal is ours


class TooLarge(ReportFormatError):
    """A part of the file is over one of the limits above: refused unread."""


def refuse(what: str, limit: str, setting: str, file_name: str, line: int | None = None) -> TooLarge:
    """The refusal for `what` (e.g. 'a row has 1,000,001 columns'), saying the limit and how to raise it."""
    return TooLarge(
        f"{what}, over the limit of {limit} (set COOPDASH_{setting} to raise it); nothing was read "
        "further. No real export is that large: is this the right file?",
        file=file_name,
        line=line,
    )


def check_columns(count: int, file_name: str, line: int | None = None) -> None:
    if count > MAX_COLUMNS:
        raise refuse(f"a row has {count:,} columns", f"{MAX_COLUMNS:,}", "MAX_COLUMNS", file_name, line)


def check_cells(count: int, what: str, file_name: str) -> None:
    if count > MAX_CELLS:
        raise refuse(f"{what} {count:,} cells", f"{MAX_CELLS:,}", "MAX_CELLS", file_name)


def check_statistics_rows(count: int, file_name: str) -> None:
    if count > MAX_STATISTICS_ROWS:
        raise refuse(
            f"the file has {count:,} lines", f"{MAX_STATISTICS_ROWS:,}", "MAX_STATISTICS_ROWS", file_name
        )


def check_records(count: int, file_name: str) -> None:
    if count > MAX_RECORDS:
        raise refuse(f"the file holds {count:,} records", f"{MAX_RECORDS:,}", "MAX_RECORDS", file_name)


def check_xml_tags(data: bytes, file_name: str) -> None:
    tags = data.count(b"<")
    if tags > MAX_XML_TAGS:
        raise refuse(f"the XML holds {tags:,} tags", f"{MAX_XML_TAGS:,}", "MAX_XML_TAGS", file_name)


def cell_too_long(file_name: str, where: str = "") -> TooLarge:
    """A cell or header field over MAX_CELL_CHARS (the csv module's own field limit is set to it)."""
    return refuse(
        f"a cell{' at ' + where if where else ''} is longer than {MAX_CELL_CHARS:,} characters",
        f"{MAX_CELL_CHARS // 1024:,} KB",
        "MAX_CELL_KB",
        file_name,
    )


def check_cell_lengths(values: list[object], table: pa.Table, position: str, file_name: str) -> None:
    """Refuse a header value, heading or table cell over MAX_CELL_CHARS; `position` names what
    the table's source_line counts ('line', 'row', 'item')."""
    if any(isinstance(value, str) and len(value) > MAX_CELL_CHARS for value in values):
        raise cell_too_long(file_name, "the header")
    for name in table.column_names:
        column = table.column(name)
        if not pa.types.is_string(column.type) or not len(column):
            continue
        if (pc.max(pc.binary_length(column)).as_py() or 0) <= MAX_CELL_CHARS:
            continue  # no cell has more bytes, so none has more characters
        lengths = pc.utf8_length(column)
        longest = pc.max(lengths).as_py()
        if longest > MAX_CELL_CHARS:
            line = table.column("source_line")[pc.index(lengths, longest).as_py()].as_py()
            raise cell_too_long(file_name, f"{position} {line}")


def check_json(utf8: bytes, file_name: str) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH, or with more than MAX_CELLS objects and lists,
    before it is parsed (Python's parser would recurse, or build gigabytes of empty objects).

    `utf8` is the document as UTF-8, where a byte below 0x80 is always the character it
    looks like. Escaped backslashes and quotes are cut out (they can neither open nor
    close a string), then brackets outside strings are counted, a few megabytes at a
    time in numpy: a fraction of the cost of the parse it guards.
    """
    text = utf8.replace(b"\\\\", b"").replace(b'\\"', b"")
    in_string = depth = deepest = containers = 0
    for start in range(0, len(text), _CHUNK):
        raw = np.frombuffer(text, np.uint8, count=min(_CHUNK, len(text) - start), offset=start)
        inside = np.bitwise_xor.accumulate((raw == ord('"')).view(np.uint8)) ^ in_string
        in_string = int(inside[-1])
        outside = inside == 0
        opening = ((raw == ord("{")) | (raw == ord("["))) & outside
        closing = ((raw == ord("}")) | (raw == ord("]"))) & outside
        containers += int(np.count_nonzero(opening))
        if containers > MAX_CELLS:
            raise refuse(
                f"the JSON holds over {MAX_CELLS:,} objects and lists",
                f"{MAX_CELLS:,}",
                "MAX_CELLS",
                file_name,
            )
        brackets = np.flatnonzero(opening | closing)
        if len(brackets):
            levels = depth + np.cumsum(np.where(opening[brackets], 1, -1))
            deepest, depth = max(deepest, int(levels.max())), int(levels[-1])
    if deepest > MAX_JSON_DEPTH:
        raise refuse(
            f"the JSON is nested {deepest:,} levels deep", f"{MAX_JSON_DEPTH:,}", "MAX_JSON_DEPTH", file_name
        )


_CHUNK = 1 << 23  # bytes of JSON looked at at once
