"""The headings and cell values of OCLC statistics exports, read the way people type them.

OCLC's own exports, a library's re-keyed CSV and an Excel copy of either spell the
same column differently and hold the same figure as text, a number or a date
cell: these helpers give each the one meaning docs/oclc_statistics.md says, or
None when a value cannot be read, so the caller can name the line.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta

from coopdash.importers.counter_fields import parse_month_heading

# field -> the headings that mean it (matched by `heading_key`).
MONTH_COLUMN = {"month": ("Month", "Period", "Date")}
INSTITUTION_COLUMN = {"institution": ("Institution", "Symbol", "OCLC Symbol", "Library")}
ILL_COLUMNS = {
    "borrowing_requests": ("Borrowing Requests", "Borrowing Total", "Requests Borrowed", "Borrowed"),
    "borrowing_filled": ("Borrowing Filled", "Borrowing Requests Filled", "Filled Borrowing"),
    "borrowing_unfilled": ("Borrowing Unfilled", "Borrowing Not Filled", "Unfilled Borrowing"),
    "borrowing_turnaround": ("Borrowing Turnaround", "Average Borrowing Turnaround"),
    "lending_requests": ("Lending Requests", "Lending Total", "Requests Lent", "Lent"),
    "lending_filled": ("Lending Filled", "Lending Requests Filled", "Filled Lending"),
    "lending_unfilled": ("Lending Unfilled", "Lending Not Filled", "Unfilled Lending"),
    "lending_turnaround": ("Lending Turnaround", "Average Lending Turnaround"),
}
CATALOGUING_COLUMNS = {
    "new_records": (
        "New Records",
        "New WorldCat Records",
        "Original Records",
        "Original Cataloging",
        "Original Cataloguing",
        "Records Created",
    ),
    "holdings_set": ("Holdings Set", "Holdings Added", "Set Holdings", "Copy Cataloging", "Copy Cataloguing"),
    "records_replaced": ("Records Replaced", "Replaced", "Records Enhanced", "Enhanced", "Replace/Enhance"),
    "authority_records": ("Authority Records", "Authorities", "Authority Work"),
}
REQUEST_COLUMNS = {
    "request_id": ("Request ID", "Request Number"),
    "request_date": ("Request Date", "Date Submitted", "Submitted", "Created"),
    "filled": ("Filled",),
    "status": ("Status",),
    "date_received": ("Date Received",),
    "date_shipped": ("Date Shipped",),
    "date_supplied": ("Date Filled", "Supplied"),
    "role": ("Role",),
}
# Columns that are understood and deliberately not read: no warning for them.
READ_PAST = (
    "Title",
    "OCLC Number",
    "Lender",
    "Borrower",
    "Cataloguer",
    "Cataloger",
    "Staff",
    "User",
    "Workstation",
    "Fill Rate",
    "Borrowing Fill Rate",
    "Lending Fill Rate",
    "Notes",
)

ROLES = ("borrowing", "lending")
ACTIVITIES = tuple(CATALOGUING_COLUMNS)
_ROLE_WORDS = {"borrowing": "borrowing", "borrower": "borrowing", "借入": "borrowing"}
_ROLE_WORDS |= {"lending": "lending", "lender": "lending", "借出": "lending"}
_YES = {"y", "yes", "1", "true", "filled", "是"}
_NO = {"n", "no", "0", "false", "unfilled", "否", ""}
FILLED_STATUSES = {"filled", "shipped", "received", "returned", "complete", "completed", "closedfilled"}
_NOT_GIVEN = {"", "-", "—", "n/a", "na", "none"}
_EXCEL_EPOCH = date(1899, 12, 30)
MAX_COUNT = 2**53  # beyond this a "count" is a damaged cell, and would not survive a float


def heading_key(cell: object) -> str:
    """'Borrowing Turnaround (days)', 'borrowing_turnaround' -> 'borrowingturnaround'.

    Case, width, spaces, punctuation and a unit in brackets are ignored.
    """
    text = unicodedata.normalize("NFKC", str(cell or "")).casefold()
    text = re.sub(r"\([^)]*\)", "", text)
    return re.sub(r"[\W_]+", "", text)


def _by_key(*tables: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {
        heading_key(spelling): name
        for table in tables
        for name, spellings in table.items()
        for spelling in spellings
    }


FIELDS = _by_key(MONTH_COLUMN, INSTITUTION_COLUMN, ILL_COLUMNS, CATALOGUING_COLUMNS, REQUEST_COLUMNS)
READ_PAST_KEYS = {heading_key(heading) for heading in READ_PAST}
INSTITUTION_KEYS = {key for key, name in FIELDS.items() if name == "institution"}


def text(value: object) -> str:
    """A cell as trimmed text ('' for empty); whole floats from Excel lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def is_blank(cells: list[object]) -> bool:
    return not any(text(cell) for cell in cells)


def looks_like_value(cell: object) -> bool:
    """True for a cell that holds data (a number, a date, a month), never a column heading."""
    if cell is None:
        return False
    if not isinstance(cell, str):
        return True
    value = text(cell)
    return value[:1].isdigit() or parse_month_heading(value) is not None


def is_total(cells: list[object]) -> bool:
    """An appended total row: its first filled cell says Total (Grand Total, Totals:, 合计, ...)."""
    first = next((text(cell) for cell in cells if text(cell)), "").casefold()
    return bool(re.match(r"(grand\s*|sub-?\s*)?totals?\b|合计|总计", first))


def parse_count(value: object) -> int | None:
    """A whole number of requests or records (blank is 0), or None if the cell is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            return None
        number = int(value)
    else:
        raw = re.sub(r"[,\s]", "", text(value))
        if not raw:
            return 0
        if not re.fullmatch(r"\d+(\.0+)?", raw):
            return None
        number = int(raw.split(".")[0])
    return number if 0 <= number < MAX_COUNT else None


def parse_days(value: object) -> float | None:
    """An average turnaround in days, or None when not given; ValueError when it is not a number of days."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        raw = text(value).casefold()
        if raw in _NOT_GIVEN:
            return None
        raw = re.sub(r"\s*(days?|天)$", "", raw)
        if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", raw):
            raise ValueError(value)
        number = float(raw)
    if not (math.isfinite(number) and 0 <= number < 10000):
        raise ValueError(value)
    return number


def parse_day(value: object) -> date | None:
    """A request or supply date: yyyy-mm-dd (also / or .), mm/dd/yyyy, yyyy年m月d日, an Excel date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value) and 20000 < value < 80000:  # an Excel serial day that lost its format
            return _EXCEL_EPOCH + timedelta(days=int(value))
        return None
    raw = text(value)
    time = r"(?:[ t]\d{1,2}:\d\d(?::\d\d)?(?:\.\d+)?\s*(?:am|pm)?)?"
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + time, raw, re.I) or re.fullmatch(
        r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?" + time, raw, re.I
    )
    if m:
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})" + time, raw, re.I)
        if not m:
            return None
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        # OCLC writes US dates (month first); a first part over 12 can only be a day.
        month, day = (second, first) if first > 12 else (first, second)
    if not 1990 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_month(value: object) -> date | None:
    """The month a Month cell names (first day), from a month ('Jan-2024', '2024年1月') or a full date."""
    month = parse_month_heading(value)
    if month is None:
        day = parse_day(value)
        month = day.replace(day=1) if day else None
    return month


def parse_role(value: object) -> str | None:
    """'Borrowing', 'Lender', '借出', ... -> 'borrowing' or 'lending'."""
    return _ROLE_WORDS.get(heading_key(value))


def role_in_title(lines: list[str]) -> str | None:
    """The role a title line names ('Borrower Resource Sharing Stats'), or None if none or both."""
    found = set()
    for line in lines:
        for word in re.findall(r"[a-z]+|借入|借出", unicodedata.normalize("NFKC", line).casefold()):
            if word in _ROLE_WORDS:
                found.add(_ROLE_WORDS[word])
    return found.pop() if len(found) == 1 else None


def parse_filled(value: object) -> bool | None:
    """A Filled cell (Y/N, Yes/No, 1/0, 是/否; blank is no), or None if it is neither."""
    key = heading_key(value)
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def status_is_filled(value: object) -> bool:
    return heading_key(value) in FILLED_STATUSES
