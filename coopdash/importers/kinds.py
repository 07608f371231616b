"""Which kind of file this is: COUNTER usage, MARC catalogue records or OCLC statistics.

Judged from the content, never the name: OCLC names tab-separated text `.xls`,
vendors name anything anything. A file that is none of them is refused here,
with one message naming all three.
"""

from __future__ import annotations

import re

from coopdash.errors import ReportFormatError
from coopdash.importers import sniff
from coopdash.importers.counter_tabular import header_key
from coopdash.importers.oclc import has_statistics_table
from coopdash.importers.workbook import read_sheets

_COUNTER_TEXT = re.compile(
    r"^\W*(Report_Name|Report_ID|Release)\W|Metric_Type|\(R4\)|^\W*(Journal|Book|Database|Platform) Report \d",
    re.M,
)


def detect_kind(data: bytes, file_name: str) -> str:
    """'counter', 'catalogue' or 'statistics'."""
    if sniff.looks_like_iso2709(data) or sniff.looks_like_marcxml(data):
        return "catalogue"
    fmt = sniff.detect_format(data)
    if fmt in ("json", "xml"):
        return "counter"  # SUSHI JSON, or COUNTER R4 XML to be refused by name
    if _counter_like(data, fmt, file_name):
        return "counter"
    if has_statistics_table(data):
        return "statistics"
    if fmt == "text" and b"\x00" in data[:65536] and not sniff.looks_utf16(data):
        raise ReportFormatError(
            "this is a binary file, not a text report (it contains NUL bytes)", file=file_name
        )
    raise ReportFormatError(
        "this is not a COUNTER report (no Report_Name/Report_ID header, no Metric_Type column), "
        "not a MARC file and not an OCLC statistics export (no Month or Request ID column)",
        file=file_name,
    )


def _counter_like(data: bytes, fmt: str, file_name: str) -> bool:
    if fmt in ("xlsx", "xls"):
        sheets = read_sheets(data, file_name, fmt)
        return any(rows and rows[0] and header_key(rows[0][0]) for rows in sheets)
    try:
        text, _ = sniff.decode_text(data, file_name)
    except ReportFormatError:
        return True  # let the COUNTER reader say what is wrong with the text
    return bool(_COUNTER_TEXT.search(text[:65536]))
