"""Parsers for the values in a COUNTER header and column headings.

Each takes what a real vendor file holds (text as typed, numbers and dates from
Excel, headings in other languages) and returns the one meaning COUNTER gives it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from coopdash import counter_spec
from coopdash.errors import ReportFormatError, UnsupportedReport

# Month abbreviations and names in the languages vendor exports come in.
_MONTHS = {
    1: "jan january janv janvier jän jänner januar ene enero gen gennaio janeiro januari 1月 一月",
    2: "feb february fév févr février februar febrero febbraio fev fevereiro februari 2月 二月",
    3: "mar march mars mär märz marzo março maart mrt 3月 三月",
    4: "apr april avr avril abr abril aprile 4月 四月",
    5: "may mai mayo mag maggio maio mei 5月 五月",
    6: "jun june juin juni junio giu giugno junho 6月 六月",
    7: "jul july juil juillet juli julio lug luglio julho 7月 七月",
    8: "aug august août ago agosto augustus 8月 八月",
    9: "sep sept september septembre septiembre set settembre setembro 9月 九月",
    10: "oct october octobre okt oktober octubre ott ottobre out outubro 10月 十月",
    11: "nov november novembre noviembre novembro 11月 十一月",
    12: "dec december déc décembre dez dezember dic diciembre dicembre dezembro 12月 十二月",
}
MONTH_WORDS = {word: number for number, words in _MONTHS.items() for word in words.split()}

_EXCEL_EPOCH = date(1899, 12, 30)
_YEAR = r"(?P<year>\d{4}|\d{2})"


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def _month_date(year: int, month: int) -> date | None:
    if 1 <= month <= 12 and 1990 <= year <= 2100:
        return date(year, month, 1)
    return None


def parse_month_heading(value: object) -> date | None:
    """The month a column heading stands for ('Jan-2022', an Excel date cell, '2022-01', ...), or None.

    Returns the first day of the month. A heading that is not a month (Title,
    YOP, Reporting_Period_Total) gives None, never an error.
    """
    if isinstance(value, datetime):
        return _month_date(value.year, value.month)
    if isinstance(value, date):
        return _month_date(value.year, value.month)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # An Excel serial day number in a heading cell that lost its date format.
        if 20000 < value < 80000:
            day = _EXCEL_EPOCH + timedelta(days=int(value))
            return _month_date(day.year, day.month)
        return None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip().casefold()
    if not text:
        return None
    # 2022-01, 2022-01-01, 2022/1, 2022-01-01 00:00:00
    m = re.fullmatch(
        r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})(?:[-/.]\d{1,2})?(?:[ t]\d\d:\d\d(:\d\d)?)?", text
    )
    if m:
        return _month_date(int(m["year"]), int(m["month"]))
    # 2022年1月
    m = re.fullmatch(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月", text)
    if m:
        return _month_date(int(m["year"]), int(m["month"]))
    # 01/2022, 1-2022, 1/1/2022 (US Excel), 01.01.2022 (European Excel)
    m = re.fullmatch(r"(?P<month>\d{1,2})[-/.]" + _YEAR, text)
    if m:
        return _month_date(_year(m["year"]), int(m["month"]))
    m = re.fullmatch(r"(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<year>\d{4})", text)
    if m:
        a, b = int(m["a"]), int(m["b"])
        # Month headings fall on the 1st: whichever part is 1 is the day.
        month = a if b == 1 else b if a == 1 else a
        return _month_date(int(m["year"]), month)
    # Jan-2022, Jan 2022, January 2022, janv.-22, 1月-2022, Jan-22
    m = re.fullmatch(r"(?P<word>[^\W\d_]+\.?|\d{1,2}月|[一二三四五六七八九十]+月)[\s\-/.]*" + _YEAR, text)
    if m:
        number = MONTH_WORDS.get(m["word"].rstrip("."))
        if number:
            return _month_date(_year(m["year"]), number)
    # 2022-Jan, 2022 January
    m = re.fullmatch(r"(?P<year>\d{4})[\s\-/.]*(?P<word>[^\W\d_]+)\.?", text)
    if m and m["word"] in MONTH_WORDS:
        return _month_date(int(m["year"]), MONTH_WORDS[m["word"]])
    return None


def month_label(month: date) -> str:
    return month.strftime("%b-%Y")


def parse_release(raw: object, file_name: str) -> str:
    """'5', 5, 5.0, 'R5' -> '5'; '5.1', 5.1 -> '5.1'. Release 4 is refused by name."""
    if isinstance(raw, float):
        text = f"{raw:.1f}"
    else:
        text = str(raw or "").strip().upper().removeprefix("R").removeprefix("RELEASE").strip()
    if text in {"5", "5.0", "5.0.0", "5.0.1", "5.0.2", "5.0.3"}:
        return "5"
    if text in {"5.1", "5.1.0"}:
        return "5.1"
    if text.startswith("4"):
        raise UnsupportedReport(
            "COUNTER Release 4 is not supported: ask the provider for the Release 5 or 5.1 report",
            file=file_name,
        )
    if not text:
        raise ReportFormatError("the header has no Release (expected 5 or 5.1)", file=file_name)
    raise ReportFormatError(
        f"Release '{raw}' is not a COUNTER release this app reads (5 or 5.1)", file=file_name
    )


def normalise_report_id(raw: object) -> str:
    """'tr_j1', 'TR J1', 'TR-J1' -> 'TR_J1'."""
    return re.sub(r"[\s\-]+", "_", str(raw or "").strip()).upper()


def report_id_from_name(name: str) -> str | None:
    """The Report_ID whose R5 or R5.1 name this is (for files that omit the ID)."""
    wanted = " ".join(name.split()).casefold()
    for spec in counter_spec.REPORTS.values():
        if wanted in (spec.name_r5.casefold(), spec.name_r51.casefold()):
            return spec.report_id
    return None


def parse_date(value: object) -> date | None:
    """A full date or a 'yyyy-mm' month (first or last day left to the caller)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        return None


def parse_identifiers(raw: str) -> list[tuple[str, str]]:
    """'ISNI:0000 0001; Proprietary:ebsco:s123' -> [('ISNI', '0000 0001'), ('Proprietary', 'ebsco:s123')]."""
    found = []
    for part in re.split(r"[;|]", raw or ""):
        kind, sep, value = part.strip().partition(":")
        if sep and kind.strip() and value.strip():
            found.append((kind.strip(), value.strip()))
    return found


def parse_exceptions(raw: str) -> list[str]:
    """'3030: No Usage Available (data); 3040: Partial Data' -> one string per exception."""
    parts = re.split(r";\s*(?=\d{4}\s*:)", (raw or "").strip())
    return [part.strip() for part in parts if part.strip()]


def month_range(begin: date, end: date) -> list[date]:
    months, current = [], date(begin.year, begin.month, 1)
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def canonical_column(heading: object) -> str | None:
    """The COUNTER column name a heading means ('Print ISSN' -> 'Print_ISSN'), or None."""
    text = re.sub(r"[\s\-]+", "_", str(heading or "").strip()).casefold()
    return _HEADINGS.get(text)


_HEADINGS = {
    name.casefold(): name
    for name in (*counter_spec.ITEM_COLUMNS, counter_spec.METRIC_COLUMN, counter_spec.TOTAL_COLUMN)
}
