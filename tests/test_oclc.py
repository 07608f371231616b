"""OCLC service statistics: the figures a director sees come out of every layout OCLC and libraries send.

The fixtures in tests/fixtures/oclc/ are invented figures in OCLC's layouts (see
make_workbooks.py there); small cases are built in code, one table row each.
"""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path

import pytest

from coopdash.errors import ReportFormatError
from coopdash.importers import oclc_fields as fields
from coopdash.importers.oclc import OclcStatistics, read_oclc_statistics
from tests.conftest import CORPUS, FIXTURES

OCLC = FIXTURES / "oclc"
MONTHLY = OCLC / "ill_monthly_activity.xls"
REQUESTS = OCLC / "borrower_resource_sharing_stats_2024-03.xls"
CATALOGUING = OCLC / "cataloguing_activity_2024q1.txt"
HEADINGS = "Month\tBorrowing Requests\tBorrowing Filled\tBorrowing Unfilled\tLending Requests\tLending Filled"


def read(path: Path) -> OclcStatistics:
    return read_oclc_statistics(path.read_bytes(), path.name)


def read_lines(*lines: str, name: str = "export.txt", encoding: str = "utf-8") -> OclcStatistics:
    return read_oclc_statistics("\n".join(lines).encode(encoding), name)


def records(result: OclcStatistics) -> list[dict]:
    return result.table.to_pylist()


def by_month(result: OclcStatistics, role: str) -> dict[date, dict]:
    return {row["month"]: row for row in records(result) if row.get("role", row.get("activity")) == role}


# --- the fixtures


def test_ill_monthly_export_named_xls_is_read_as_tab_delimited_text():
    result = read(MONTHLY)
    assert (result.kind, result.report, result.format, result.encoding) == (
        "ill",
        "ill_monthly",
        "tsv",
        "utf-8",
    )
    assert result.institution == "Zhejiang Library"
    assert result.months == [date(2024, m, 1) for m in range(1, 13)]
    assert (result.rows, result.skipped) == (12, 1)
    assert result.warnings == ["line 20: Total row dropped (totals are worked out from the months)"]
    borrowing, lending = by_month(result, "borrowing"), by_month(result, "lending")
    assert borrowing[date(2024, 1, 1)] == {
        "institution": None,
        "month": date(2024, 1, 1),
        "role": "borrowing",
        "requests": 34,
        "filled": 30,
        "unfilled": 4,
        "turnaround_days": 6.5,
        "turnaround_requests": None,
        "source_line": 8,
    }
    assert borrowing[date(2024, 2, 1)]["turnaround_days"] is None  # blank in the file: not given
    assert (lending[date(2024, 3, 1)]["requests"], lending[date(2024, 3, 1)]["filled"]) == (1187, 1120)
    # The year adds up to the file's own (dropped) Total row: every month read, the total not added in.
    assert sum(row["requests"] for row in lending.values()) == 12935
    assert sum(row["filled"] for row in borrowing.values()) == 385


@pytest.mark.parametrize(
    ("name", "fmt", "encoding", "institution"),
    [
        ("ill_monthly_activity_gb18030.csv", "csv", "gb18030", "浙江图书馆"),
        ("ill_monthly_activity.xlsx", "xlsx", "", "Zhejiang Library"),
        ("ill_monthly_activity_legacy.xls", "xls", "", "Zhejiang Library"),
    ],
)
def test_the_same_figures_as_csv_xlsx_and_legacy_xls_give_the_same_table(name, fmt, encoding, institution):
    result = read(OCLC / name)
    assert (result.format, result.encoding, result.institution) == (fmt, encoding, institution)
    assert result.table.equals(read(MONTHLY).table)
    assert result.warnings == ["line 20: Total row dropped (totals are worked out from the months)"]


def test_borrower_request_list_counts_the_requests_of_its_own_month():
    result = read(REQUESTS)
    assert (result.kind, result.report, result.institution) == (
        "ill",
        "ill_requests",
        "Hangzhou Public Library",
    )
    # Requested 27 Feb, received 6 Mar: listed in March's report because it was acted on
    # then, but counted in February's report; March's (Period: March 2024) leaves it out.
    assert (result.rows, result.skipped) == (9, 1)
    (march,) = records(result)
    assert (march["month"], march["role"]) == (date(2024, 3, 1), "borrowing")
    # Received, Returned and Shipped are filled; Unfilled and Cancelled are not. Turnaround is
    # over the four filled requests with a received date (7, 4, 9, 4 days).
    assert (march["requests"], march["filled"], march["unfilled"]) == (8, 5, 3)
    assert (march["turnaround_days"], march["turnaround_requests"], march["source_line"]) == (6.0, 4, 9)
    assert result.warnings == [
        "1 request(s) were made outside the report's period (Mar-2024) and were left out: they are listed "
        "because they were acted on again, and count in their own month's report (line 8)"
    ]


def test_cataloguing_rows_per_cataloguer_are_added_up_per_library_and_month():
    result = read(CATALOGUING)
    assert (result.kind, result.report, result.institution) == ("cataloguing", "cataloguing", None)
    assert (result.rows, result.skipped) == (10, 1)
    assert result.warnings == ["line 16: Total row dropped (totals are worked out from the months)"]
    found = {
        (r["institution"], r["month"], r["activity"]): (r["count"], r["source_line"]) for r in records(result)
    }
    hangzhou_march = {a: found[("Hangzhou Public Library", date(2024, 3, 1), a)] for a in fields.ACTIVITIES}
    assert hangzhou_march == {
        "new_records": (33, 11),
        "holdings_set": (1994, 11),  # 402 + 377 + "1,215"
        "records_replaced": (8, 11),
        "authority_records": (4, 11),
    }
    assert found[("Ningbo Library", date(2024, 1, 1), "holdings_set")] == (264, 14)
    assert ("Ningbo Library", date(2024, 2, 1), "new_records") not in found
    assert (
        sum(r["count"] for r in records(result) if r["activity"] == "holdings_set") == 3784
    )  # the Total row


# --- small layouts that must read


def test_unfilled_worked_out_from_requests_and_filled_and_requests_from_filled_and_unfilled():
    result = read_lines(
        "Month\tBorrowing Requests\tBorrowing Filled\tLending Filled\tLending Unfilled",
        "2024-05\t10\t7\t3\t2",
    )
    borrowing, lending = records(result)
    assert (borrowing["requests"], borrowing["filled"], borrowing["unfilled"]) == (10, 7, 3)
    assert (lending["requests"], lending["filled"], lending["unfilled"]) == (5, 3, 2)
    assert result.warnings == []


def test_requests_alone_are_refused_in_words():
    """They were read with filled and unfilled empty, which the database then refused as a fault."""
    with pytest.raises(
        ReportFormatError, match="the file gives only borrowing requests, not borrowing filled and unfilled"
    ):
        read_lines("Month,Borrowed,Lent", "Jan-2024,12,40", name="simple.csv")


def test_repeated_month_is_added_up_with_turnaround_weighted_by_filled_and_a_warning():
    result = read_lines(
        "Month\tBorrowing Requests\tBorrowing Filled\tBorrowing Turnaround",
        "2024-01\t10\t8\t3",
        "2024-01\t5\t2\t8",
    )
    (row,) = records(result)
    assert (row["requests"], row["filled"], row["unfilled"], row["turnaround_days"]) == (15, 10, 5, 4.0)
    assert row["turnaround_requests"] is None
    assert result.warnings == ["lines 2, 3: Jan-2024 is given more than once; the rows were added up"]


def test_an_institution_column_gives_one_library_per_row():
    result = read_lines(
        "Institution:\tZhejiang Library",
        "Symbol\tMonth\tLending Requests\tLending Filled",
        "HZL\t2024-01\t4\t4",
        "NBL\t2024-01\t6\t5",
    )
    assert result.institution == "Zhejiang Library"
    assert [(r["institution"], r["requests"], r["unfilled"]) for r in records(result)] == [
        ("HZL", 4, 0),
        ("NBL", 6, 1),
    ]


def test_lending_request_list_with_role_column_us_dates_and_yes_no_filled():
    result = read_lines(
        "Request Number,Role,Date Submitted,Date Shipped,Filled",
        "1,Lender,03/28/2024,04/02/2024,Y",
        "2,Lending,04/01/2024,04/03/2024,Yes",
        "3,借出,2024年4月9日,,否",
        "2,Lending,04/01/2024,04/05/2024,Yes",
        name="lending.csv",
    )
    # No Period line: the report's month is that of its latest request (April).
    (april,) = records(result)
    assert (april["role"], april["month"]) == ("lending", date(2024, 4, 1))
    assert (april["requests"], april["filled"], april["unfilled"], april["turnaround_days"]) == (2, 1, 1, 4.0)
    assert (result.rows, result.skipped) == (3, 2)
    assert "line 5: the request is listed again; only its last line was counted" in result.warnings
    assert any(
        w.startswith("1 request(s) were made outside the report's period (Apr-2024)") for w in result.warnings
    )


@pytest.mark.parametrize(
    ("lines", "encoding", "fmt"),
    [
        (["Month;Borrowing Requests;Borrowing Filled", "2024-01;9;8"], "utf-8", "csv"),
        (["Month,Borrowing Requests,Borrowing Filled", "2024-01,9,8"], "utf-16", "csv"),
        (["\ufeffmonth\tborrowing_requests\tborrowing-filled", "2024-01\t9\t8"], "utf-8", "tsv"),
        (["Period\tRequests Borrowed\tFilled Borrowing", "January 2024\t9\t8.0"], "utf-8", "tsv"),
        (["Date,Borrowing Total,Borrowing Requests Filled", "2024-01-31,9,8"], "utf-8", "csv"),
        ([*["title"] * 29, "Month\tBorrowing Requests\tBorrowing Filled", "01/2024\t9\t8"], "utf-8", "tsv"),
        (["Month\tBorrowing Requests\tBorrowing Filled", "", "2024-01\t9\t8", "", ""], "gb18030", "tsv"),
    ],
    ids=["semicolon", "utf16", "spellings", "synonyms", "date", "line30", "blank-lines"],
)
def test_layouts_libraries_send_read_the_same(lines, encoding, fmt):
    result = read_lines(*lines, encoding=encoding)
    assert result.format == fmt
    assert [(r["month"], r["requests"], r["filled"], r["unfilled"]) for r in records(result)] == [
        (date(2024, 1, 1), 9, 8, 1)
    ]
    assert result.skipped == 0


def test_notes_repeated_headings_and_unknown_columns_are_skipped_with_warnings():
    result = read_lines(
        f"{HEADINGS}\tReasons for No",
        "2024-01\t3\t3\t0\t5\t5\t",
        HEADINGS,
        "2024-02\t4\t2\t2\t6\t6\t",
        "Figures as of 2024-03-05",
        "Grand Total\t7\t5\t2\t11\t11\t",
    )
    assert (result.rows, result.skipped, len(records(result))) == (2, 3, 4)
    assert result.warnings == [
        "line 1: column 'Reasons for No' not read (not a column of this report)",
        "line 6: Total row dropped (totals are worked out from the months)",
        "line 3: the column headings again; skipped",
        "line 5: no month and no figures; skipped as a note",
    ]


def test_a_row_cut_short_is_read_with_blank_cells_and_a_warning():
    result = read_lines(HEADINGS, "2024-01\t5\t4\t1\t3\t3", "2024-02\t5\t4\t1\t1,1")
    assert by_month(result, "lending")[date(2024, 2, 1)]["requests"] == 11
    assert result.warnings == [
        "line 3: fewer cells than column headings; the missing cells were read as blank"
    ]


# --- files that are refused, each naming the file and, where it applies, the line


OK_ROW = "2024-01\t5\t4\t1\t3\t3"
REQUEST_HEADINGS = "Request ID\tRequest Date\tStatus"
# (file name, content, what the message says, the line it names)
REFUSED = [
    (
        "notes.txt",
        "Dear colleagues,\nthe figures follow next week.\n",
        "this is not an OCLC statistics export: no column-heading row in the first 30 non-blank lines "
        "(looked for ILL monthly activity (a Month column with Borrowing/Lending columns), ILL request list",
        None,
    ),
    (
        "late.txt",
        "title\n" * 30 + HEADINGS + "\n" + OK_ROW,
        "no column-heading row in the first 30 non-blank lines",
        None,
    ),
    (
        "nocounts.txt",
        "Title\nMonth\tRequests\tSupplied\n2024-01\t5\t4",
        "name a month column ('Month') but no count column",
        2,
    ),
    (
        "month.txt",
        f"{HEADINGS}\n{OK_ROW}\nSmarch-2024\t1\t1\t0\t1\t1",
        "'Smarch-2024' in column 'Month' is not a month",
        3,
    ),
    (
        "nomonth.txt",
        f"{HEADINGS}\n\t1\t1\t0\t1\t1",
        "the row has figures but no month in column 'Month'",
        2,
    ),
    (
        "half.txt",
        f"{HEADINGS}\n2024-01\t5\t4.5\t1\t3\t3",
        "'4.5' in column 'Borrowing Filled' is not a count",
        2,
    ),
    (
        "negative.txt",
        f"{HEADINGS}\n2024-01\t5\t4\t1\t-3\t0",
        "'-3' in column 'Lending Requests' is not a count",
        2,
    ),
    (
        "overfilled.txt",
        f"{HEADINGS}\n{OK_ROW}\n2024-02\t5\t6\t0\t3\t3",
        "borrowing filled (6) is more than borrowing requests (5)",
        3,
    ),
    (
        "sum.txt",
        f"{HEADINGS}\n2024-01\t5\t4\t2\t3\t3",
        "borrowing filled (4) and unfilled (2) add up to more than borrowing requests (5)",
        2,
    ),
    (
        "turnaround.txt",
        "Month\tLending Requests\tLending Filled\tLending Turnaround\n2024-01\t3\t3\tsoon",
        "'soon' in column 'Lending Turnaround' is not a number of days",
        2,
    ),
    (
        "role.txt",
        f"Resource Sharing Stats\n{REQUEST_HEADINGS}\n1\t2024-03-01\tFilled",
        "does not say whether it is borrowing or lending",
        2,
    ),
    (
        "badrole.txt",
        "Request ID\tRole\tRequest Date\tStatus\n1\tsupplier\t2024-03-01\tFilled",
        "'supplier' in column 'Role' is neither borrowing nor lending",
        2,
    ),
    (
        "reqdate.txt",
        f"Borrower report\n{REQUEST_HEADINGS}\n1\t2024-03-01\tFilled\n2\tlast week\tFilled",
        "'last week' in column 'Request Date' is not a date",
        4,
    ),
    (
        "nodate.txt",
        "Borrower report\nRequest ID\tTitle\tStatus\n1\tA\tFilled",
        "the request list has no request date column",
        2,
    ),
    (
        "nofilled.txt",
        "Borrower report\nRequest ID\tRequest Date\n1\t2024-03-01",
        "neither a Filled nor a Status column",
        2,
    ),
    (
        "yesno.txt",
        "Borrower report\nRequest ID\tRequest Date\tFilled\n1\t2024-03-01\tmaybe",
        "'maybe' in column 'Filled' is neither yes nor no",
        3,
    ),
    (
        "mixed.txt",
        "Month\tBorrowing Requests\tNew Records\n2024-01\t1\t1",
        "mix interlibrary loan and cataloguing counts",
        1,
    ),
    (
        "twice.txt",
        "Month\tBorrowed\tBorrowing Requests\n2024-01\t1\t1",
        "'Borrowed' and 'Borrowing Requests' both mean borrowing requests",
        1,
    ),
    (
        "empty.txt",
        f"{HEADINGS}\nTotal\t0\t0\t0\t0\t0",
        "the table under the column headings has no data rows",
        1,
    ),
    ("binary.xls", "\x00\x01\x02garbage\x00" * 20, "this is a binary file", None),
    ("page.xls", "<html><body><table><tr><td>Month</td></tr></table>", "this is a web page (HTML)", None),
]


@pytest.mark.parametrize(("name", "content", "message", "line"), REFUSED, ids=[case[0] for case in REFUSED])
def test_refused_with_the_file_line_and_reason(name, content, message, line):
    with pytest.raises(ReportFormatError) as caught:
        read_oclc_statistics(content.encode("utf-8"), name)
    where = f"{name}, line {line}: " if line else f"{name}: "
    assert str(caught.value).startswith(where), str(caught.value)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "source",
    [
        "cop5__PR_sample_r51.tsv",
        "counter-validator__50-Sample-TR.csv",
        "counter-validator__50-Sample-TR.json",
    ],
)
def test_a_counter_report_is_sent_to_the_usage_import(source):
    with pytest.raises(ReportFormatError, match="this is a COUNTER report: import it as usage") as caught:
        read(CORPUS / "counter" / source)
    assert str(caught.value).startswith(f"{source}: ")


@pytest.mark.parametrize("name", ["ill_monthly_activity.xlsx", "ill_monthly_activity_legacy.xls"])
def test_a_damaged_workbook_is_refused_as_damaged(name):
    data = (OCLC / name).read_bytes()
    with pytest.raises(ReportFormatError, match=f"^{name}: the XLS.? workbook is damaged and cannot be read"):
        read_oclc_statistics(data[: len(data) // 2], name)


def test_a_legacy_xls_whose_size_is_a_lie_is_refused_and_the_app_lives_on():
    # DIMENSIONS (BIFF record 0x0200) saying 620 million rows makes calamine ask for 223 GB and abort.
    data = bytearray((OCLC / "ill_monthly_activity_legacy.xls").read_bytes())
    record = data.index(b"\x00\x02\x0e\x00")
    data[record + 4 + 7] = 0x25  # the high byte of the last row
    with pytest.raises(ReportFormatError, match="^lie.xls: the XLS workbook is damaged and cannot be read"):
        read_oclc_statistics(bytes(data), "lie.xls")


# --- the cell readers


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1,234", 1234), ("", 0), (None, 0), (12.0, 12), ("12.0", 12), (7, 7), ("1 031", 1031)]
    + [("12.5", None), ("-1", None), ("n/a", None), (True, None), (float("nan"), None), ("9" * 30, None)],
)
def test_parse_count(value, expected):
    assert fields.parse_count(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("2024/3/5 14:02:11", date(2024, 3, 5)),
        ("03/05/2024", date(2024, 3, 5)),  # OCLC writes US dates
        ("25/03/2024", date(2024, 3, 25)),  # a first part over 12 can only be the day
        ("2024年3月5日", date(2024, 3, 5)),
        (45356.0, date(2024, 3, 5)),  # an Excel serial day
        ("2024-02-30", None),
        ("soon", None),
    ],
)
def test_parse_day(value, expected):
    assert fields.parse_day(value) == expected


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Borrowing Turnaround (days)", "borrowing_turnaround"),
        ("LENDING_NOT_FILLED", "lending_unfilled"),
        ("Replace/Enhance", "records_replaced"),
        ("Original Cataloging", "new_records"),
        ("OCLC Symbol", "institution"),
        ("Date Submitted", "request_date"),
        ("Reasons for No", None),
    ],
)
def test_headings_are_matched_ignoring_case_spacing_punctuation_and_units(heading, field):
    assert fields.FIELDS.get(fields.heading_key(heading)) == field


# --- the documentation says what is true


ROOT = Path(__file__).resolve().parent.parent


def test_the_spec_lists_every_heading_the_reader_accepts():
    spec = (ROOT / "docs" / "oclc_statistics.md").read_text(encoding="utf-8")
    tables = (fields.MONTH_COLUMN, fields.INSTITUTION_COLUMN, fields.ILL_COLUMNS, fields.CATALOGUING_COLUMNS)
    spellings = [s for table in (*tables, fields.REQUEST_COLUMNS) for group in table.values() for s in group]
    missing = [s for s in (*spellings, *fields.READ_PAST) if f"`{s}`" not in spec]
    assert not missing, f"docs/oclc_statistics.md does not list {missing}"


def test_the_readmes_oclc_columns_are_headings_the_reader_accepts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Importing OCLC service statistics", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:]
    named = [name for row in rows for name in re.findall(r"`([^`]+)`", row)]
    assert len(named) >= 15
    assert [name for name in named if fields.heading_key(name) not in fields.FIELDS] == []


# --- damaged copies never crash


def damaged(rng: random.Random, data: bytes) -> bytes:
    how = rng.choice(["truncate", "flip", "lines"])
    if how == "truncate":
        return data[: rng.randrange(len(data))]
    if how == "lines" and not data.startswith((b"PK", b"\xd0\xcf")):
        lines = data.split(b"\n")
        k = rng.randrange(len(lines))
        lines[k : k + 1] = [] if rng.random() < 0.5 else [lines[k], lines[k]]
        return b"\n".join(lines)
    flipped = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        flipped[rng.randrange(len(flipped))] = rng.randrange(256)
    return bytes(flipped)


@pytest.mark.parametrize("seed", range(6))
def test_damaged_exports_are_read_or_refused_in_words_never_a_traceback(seed):
    rng = random.Random(seed)
    sources = sorted(p for p in OCLC.iterdir() if p.suffix in (".xls", ".xlsx", ".csv", ".txt"))
    for case in range(60):
        source = rng.choice(sources)
        name = f"seed{seed}_case{case}_{source.name}"
        try:
            result = read_oclc_statistics(damaged(rng, source.read_bytes()), name)
        except ReportFormatError as exc:
            assert str(exc).startswith(name), str(exc)
            continue
        assert result.months == sorted(set(result.table.column("month").to_pylist()))
        for row in records(result):
            if result.kind == "ill" and row["requests"] is not None and row["filled"] is not None:
                assert 0 <= row["filled"] <= row["requests"], (name, row)
