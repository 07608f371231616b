"""Header values and column headings as real vendor files write them."""

from datetime import date, datetime

import duckdb
import pytest

from coopdash import db
from coopdash.errors import ReportFormatError, UnsupportedReport
from coopdash.importers import counter_fields as f


@pytest.mark.parametrize(
    ("heading", "month"),
    [
        ("Jan-2022", date(2022, 1, 1)),
        ("Dec-2019", date(2019, 12, 1)),
        ("Jan 2022", date(2022, 1, 1)),
        ("January 2022", date(2022, 1, 1)),
        ("Jan-22", date(2022, 1, 1)),  # Excel's mmm-yy display format saved to CSV
        ("2022-01", date(2022, 1, 1)),
        ("2022-01-01", date(2022, 1, 1)),
        ("2022-03-01 00:00:00", date(2022, 3, 1)),
        ("3/1/2022", date(2022, 3, 1)),  # US Excel
        ("01.03.2022", date(2022, 3, 1)),  # European Excel
        ("03/2022", date(2022, 3, 1)),
        ("janv.-2022", date(2022, 1, 1)),  # French
        ("Mär-2022", date(2022, 3, 1)),  # German
        ("Okt 2021", date(2021, 10, 1)),
        ("dic-2021", date(2021, 12, 1)),  # Spanish / Italian
        ("mei-2023", date(2023, 5, 1)),  # Dutch
        ("2022年1月", date(2022, 1, 1)),
        ("1月-2022", date(2022, 1, 1)),
        ("十二月 2022", date(2022, 12, 1)),
        (datetime(2022, 2, 1), date(2022, 2, 1)),  # an Excel date cell
        (date(2022, 2, 1), date(2022, 2, 1)),
        (44593.0, date(2022, 2, 1)),  # an Excel serial number that lost its format
        ("Title", None),
        ("Reporting_Period_Total", None),
        ("YOP", None),
        ("2019", None),
        ("", None),
        (None, None),
        (2019.0, None),
        ("Foo-2022", None),
        ("13/2022", None),
    ],
)
def test_month_headings(heading, month):
    assert f.parse_month_heading(heading) == month


@pytest.mark.parametrize(
    ("raw", "release"),
    [
        ("5", "5"),
        (5, "5"),
        (5.0, "5"),
        ("5.0", "5"),
        ("R5", "5"),
        ("5.0.2", "5"),
        ("5.1", "5.1"),
        (5.1, "5.1"),
        (" 5.1 ", "5.1"),
    ],
)
def test_release(raw, release):
    assert f.parse_release(raw, "x.tsv") == release


@pytest.mark.parametrize("raw", ["4", 4, "R4", "4.1"])
def test_release_4_is_refused_by_name(raw):
    with pytest.raises(UnsupportedReport, match="Release 4 is not supported"):
        f.parse_release(raw, "jr1.csv")


@pytest.mark.parametrize("raw", ["", None, "6", "five"])
def test_release_unknown(raw):
    with pytest.raises(ReportFormatError, match="x.tsv"):
        f.parse_release(raw, "x.tsv")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ISNI:1234123412341234", [("ISNI", "1234123412341234")]),
        ("ISIL:CN-123; Proprietary:ebsco:s1234", [("ISIL", "CN-123"), ("Proprietary", "ebsco:s1234")]),
        ("OCLC:ZJL|ROR:abc", [("OCLC", "ZJL"), ("ROR", "abc")]),
        ("", []),
        ("just a name", []),
    ],
)
def test_institution_identifiers(raw, expected):
    assert f.parse_identifiers(raw) == expected


def test_exceptions_split_on_codes_only():
    raw = "3030: No Usage Available for Requested Dates (2022-01); 3040: Partial Data Returned; see note"
    assert f.parse_exceptions(raw) == [
        "3030: No Usage Available for Requested Dates (2022-01)",
        "3040: Partial Data Returned; see note",
    ]


@pytest.mark.parametrize(
    ("raw", "report_id"), [("tr_j1", "TR_J1"), ("TR J1", "TR_J1"), ("TR-J1", "TR_J1"), (" PR ", "PR")]
)
def test_report_id_normalised(raw, report_id):
    assert f.normalise_report_id(raw) == report_id


@pytest.mark.parametrize(
    ("name", "report_id"),
    [
        ("Title Master Report", "TR"),
        ("Title Report", "TR"),
        ("Journal Requests (Controlled)", "TR_J1"),
        ("Journal Requests (Excluding OA_Gold)", "TR_J1"),
        ("Nonsense", None),
    ],
)
def test_report_id_from_name(name, report_id):
    assert f.report_id_from_name(name) == report_id


@pytest.mark.parametrize(
    ("heading", "column"),
    [
        ("Print ISSN", "Print_ISSN"),
        ("print_issn", "Print_ISSN"),
        ("Metric Type", "Metric_Type"),
        ("Foo", None),
    ],
)
def test_column_headings(heading, column):
    assert f.canonical_column(heading) == column


@pytest.mark.parametrize(
    ("cell", "count"),
    [
        ("1234", 1234),
        (" 7 ", 7),
        ("1,234", 1234),
        ("1,234,567", 1234567),
        ("1 234", 1234),
        ("1\u00a0234", 1234),
        ("1.234", 1234),
        ("12.0", 12),
        ("0", 0),
        ("12.5", None),
        ("-3", None),
        ("n/a", None),
        ("1e3", None),
        ("0x10", None),
        ("12,34", None),
    ],
)
def test_count_cells(cell, count):
    con = duckdb.connect()
    db.apply_schema(con)
    assert con.execute("select counter_count($cell)", {"cell": cell}).fetchone()[0] == count
