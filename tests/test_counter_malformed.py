"""What real vendor files get wrong: each is refused with a message naming the file and
the problem (and the database is untouched), or imported with a warning saying what was done."""

import io
import json
from datetime import datetime

import openpyxl
import pytest

from coopdash.counter_spec import CONSISTENCY_RULES
from coopdash.load import ImportContext, import_file
from tests.conftest import COLUMNS_TR, ROWS_TR, snapshot, sushi_json, tabular


def write(tmp_path, name, content) -> object:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def stored_sums(con) -> dict:
    return dict(con.execute("select metric_type, sum(count) from usage group by 1").fetchall())


def refused(con, registry, path, library=None):
    """Import a file that must fail; return the message after checking nothing changed."""
    before = snapshot(con)
    result = import_file(con, path, ImportContext(registry, library))
    assert result.status == "failed"
    assert result.error.startswith(path.name + ":"), result.error
    assert "Traceback" not in result.error
    assert snapshot(con) == before
    return result.error


# --- refused -------------------------------------------------------------------------------

R4_JR1 = (
    "Journal Report 1 (R4),Number of Successful Full-Text Article Requests by Month and Journal\n"
    "Hangzhou Public Library\n\nPeriod covered by Report:\n2017-01-01 to 2017-12-31\nDate run:\n2018-01-05\n"
    "Journal,Publisher,Platform,Journal DOI,Proprietary Identifier,Print ISSN,Online ISSN,"
    "Reporting Period Total,Reporting Period HTML,Reporting Period PDF,Jan-2017\n"
    "Total for all journals,,Plat,,,,,10,5,5,10\n"
)
R4_XML = (
    '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
    '<soap:Body><ReportResponse xmlns="http://www.niso.org/schemas/sushi/counter"/></soap:Body></soap:Envelope>'
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("jr1_r4.csv", R4_JR1, "Release 4"),
        ("release4.tsv", tabular(header={"Release": "4"}), "Release 4"),
        ("jr1.tsv", tabular(header={"Report_ID": "JR1", "Report_Name": "Journal Report 1"}), "Release 4"),
        ("sushi_r4.xml", R4_XML, "Release 4"),
        (
            "exception.json",
            json.dumps(
                {"Code": 3030, "Severity": "Error", "Message": "No Usage Available for Requested Dates"}
            ),
            "only the SUSHI server's answer: 3030: No Usage Available",
        ),
        (
            "exceptions.json",
            json.dumps(
                [{"Code": 2010, "Severity": "Error", "Message": "Requestor Not Authorized to Access Service"}]
            ),
            "2010: Requestor Not Authorized",
        ),
        (
            "not_ready.json",
            sushi_json(
                items=[],
                header={"Exceptions": [{"Code": 3031, "Message": "Usage Not Ready for Requested Dates"}]},
            ),
            "3031: Usage Not Ready",
        ),
        ("truncated.json", sushi_json()[:200], "the JSON is not well-formed"),
        ("other.json", json.dumps({"hello": "world"}), "not a COUNTER report"),
        (
            "two_reports.json",
            json.dumps([json.loads(sushi_json()), json.loads(sushi_json())]),
            "holds 2 reports",
        ),
        ("garbage.tsv", bytes(range(256)) * 20, "binary file"),
        ("empty.csv", b"", "not a COUNTER report"),
        ("prose.txt", "Dear librarian,\nplease find the usage attached.\n", "not a COUNTER report"),
        (
            "no_table.tsv",
            "\n".join(tabular().splitlines()[:12]) + "\n",
            "no column-heading row with Metric_Type",
        ),
        (
            "unknown_id.tsv",
            tabular(header={"Report_ID": "XX_9"}),
            "Report_ID 'XX_9' is not a COUNTER Release 5 report",
        ),
        (
            "tr_with_database.tsv",
            tabular(
                columns=[
                    "Database",
                    "Publisher",
                    "Platform",
                    "Data_Type",
                    "Metric_Type",
                    "Reporting_Period_Total",
                ]
            ),
            "Report_ID says TR but the columns are those of a DR report",
        ),
        ("no_months.tsv", tabular(months=[], rows=[r[:6] for r in ROWS_TR]), "no month columns"),
        ("twice.tsv", tabular(months=["Jan-2022", "Jan-2022", "Mar-2022"]), "Jan-2022 has two columns"),
        (
            "backwards.tsv",
            tabular(header={"Reporting_Period": "Begin_Date=2022-03-01; End_Date=2022-01-31"}),
            "ends (2022-01-31) before it begins",
        ),
        (
            "no_metric_column.tsv",
            tabular(columns=["Title", "Publisher", "Platform", "Data_Type", "Metric", "Total"]),
            "no column-heading row with Metric_Type",
        ),
    ],
)
def test_refused_with_a_clear_message(tmp_path, con, registry, name, content, message):
    error = refused(con, registry, write(tmp_path, name, content), "hangzhou")
    assert message in error


def test_unknown_institution_names_the_value_found(tmp_path, con, registry):
    path = write(
        tmp_path,
        "tr.tsv",
        tabular(header={"Institution_Name": "Springfield Library", "Institution_ID": "ISIL:US-SPR"}),
    )
    error = refused(con, registry, path)
    assert "'Springfield Library'" in error and "ISIL:US-SPR" in error
    assert "--library" in error


def test_library_given_for_another_members_file_is_refused(tmp_path, con, registry):
    path = write(tmp_path, "tr.tsv", tabular(header={"Institution_Name": "宁波图书馆"}))
    error = refused(con, registry, path, "hangzhou")
    assert "'ningbo'" in error and "--library hangzhou" in error


def test_unknown_library_code(tmp_path, con, registry):
    error = refused(con, registry, write(tmp_path, "tr.tsv", tabular()), "atlantis")
    assert "no member library with code 'atlantis'" in error


def test_multi_month_total_only_report_is_refused(tmp_path, con, registry):
    rows = [r[:6] for r in ROWS_TR]
    error = refused(con, registry, write(tmp_path, "tr_totals.tsv", tabular(months=[], rows=rows)))
    assert "Exclude_Monthly_Details" in error and "3 months" in error


# --- repaired, with a warning ----------------------------------------------------------------

EXPECTED = {
    "Total_Item_Investigations": 69,
    "Unique_Item_Investigations": 30,
    "Total_Item_Requests": 49,
    "Unique_Item_Requests": 20,
}


def imported(con, registry, path, library=None):
    result = import_file(con, path, ImportContext(registry, library))
    assert result.status == "imported", result.error
    return result


@pytest.mark.parametrize(
    ("name", "content", "warning"),
    [
        ("bom.tsv", "\ufeff" + tabular(), None),
        ("crlf.csv", tabular(delimiter=",").replace("\n", "\r\n"), None),
        ("semicolon.csv", tabular(delimiter=";"), None),
        ("utf16.txt", tabular().encode("utf-16"), "the file is UTF-16 text, not the UTF-8 COUNTER asks for"),
        (
            "gb18030.csv",
            tabular(header={"Institution_Name": "杭州图书馆"}, delimiter=",").encode("gb18030"),
            "the file is GB18030 text, not the UTF-8 COUNTER asks for; it was read as GB18030",
        ),
        (
            "french.tsv",
            tabular(months=["janv.-2022", "févr.-2022", "mars-2022"]),
            "3 month heading(s) are not in COUNTER's Mmm-yyyy form (first: 'janv.-2022'); read as months",
        ),
    ],
)
def test_encodings_delimiters_and_month_headings(tmp_path, con, registry, name, content, warning):
    result = imported(con, registry, write(tmp_path, name, content))
    assert result.library == "hangzhou"
    assert stored_sums(con) == EXPECTED
    if warning is None:
        assert result.warnings == []
    else:
        assert len(result.warnings) == 1 and result.warnings[0].startswith(warning)


def test_thousands_separators_and_counts_as_text(tmp_path, con, registry):
    rows = [r[:5] + ["1,060", "1,000", " 20 ", "40.0"] for r in ROWS_TR[:1]]
    result = imported(con, registry, write(tmp_path, "thousands.csv", tabular(rows=rows, delimiter=",")))
    assert stored_sums(con) == {"Total_Item_Investigations": 1060}
    assert result.warnings == [
        "3 count(s) were not written as plain digits (first: line 15 Jan-2022 '1,000'); read as whole numbers"
    ]


def test_excel_date_headings_and_numeric_release(tmp_path, con, registry):
    book = openpyxl.Workbook()
    sheet = book.active
    for key, value in {
        **dict(line.split("\t", 1) for line in tabular().splitlines()[:12]),
        "Release": 5,
    }.items():
        sheet.append([key, value])
    sheet.append([])
    sheet.append(COLUMNS_TR + [datetime(2022, 1, 1), datetime(2022, 2, 1), datetime(2022, 3, 1)])
    for row in ROWS_TR:
        sheet.append(row[:5] + [int(v) for v in row[5:]])
    buffer = io.BytesIO()
    book.save(buffer)
    result = imported(con, registry, write(tmp_path, "dates.xlsx", buffer.getvalue()))
    assert result.release == "5"
    assert stored_sums(con) == EXPECTED
    assert result.warnings == [
        "3 month heading(s) are not in COUNTER's Mmm-yyyy form (first: an Excel date cell); read as months (e.g. Jan-2022)"
    ]
    assert [m.month for (m,) in con.execute("select distinct month from usage order by 1").fetchall()] == [
        1,
        2,
        3,
    ]


def test_appended_total_row_is_dropped(tmp_path, con, registry):
    rows = ROWS_TR + [["Total", "", "Plat", "", "Total_Item_Requests", "49", "9", "15", "25"]]
    result = imported(con, registry, write(tmp_path, "total.tsv", tabular(rows=rows)))
    assert stored_sums(con) == EXPECTED
    assert result.skipped == 1 and result.rows == 6
    assert any(
        "1 appended total row(s) such as 'Total' were dropped: they repeat the sum of the other rows (line 21)"
        in w
        for w in result.warnings
    )


def test_all_databases_row_is_dropped(tmp_path, con, registry):
    columns = ["Database", "Publisher", "Platform", "Metric_Type", "Reporting_Period_Total"]
    rows = [
        ["WorldCat", "OCLC", "FirstSearch", "Searches_Regular", "6", "1", "2", "3"],
        ["ERIC", "OCLC", "FirstSearch", "Searches_Regular", "3", "1", "1", "1"],
        ["All Databases", "OCLC", "FirstSearch", "Searches_Regular", "9", "2", "3", "4"],
    ]
    header = {"Report_ID": "DR", "Report_Name": "Database Master Report"}
    result = imported(
        con, registry, write(tmp_path, "dr.tsv", tabular(header=header, columns=columns, rows=rows))
    )
    assert stored_sums(con) == {"Searches_Regular": 9}
    assert any("1 aggregate row(s) such as 'All Databases' were dropped" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("wrap", "where"),
    [
        (lambda report: {"Report": report}, "Report"),
        (lambda report: [report], "[0]"),
        (lambda report: {"status": "ok", "data": {"report": report}}, "data > report"),
    ],
)
def test_envelope_is_unwrapped(tmp_path, con, registry, wrap, where):
    document = wrap(json.loads(sushi_json()))
    result = imported(con, registry, write(tmp_path, "wrapped.json", json.dumps(document)))
    assert stored_sums(con) == {"Total_Item_Requests": 60, "Unique_Item_Requests": 30}
    assert f"wrapped in an envelope ({where})" in " ".join(result.warnings)


def test_no_usage_exception_imports_as_zero_with_warning(tmp_path, con, registry):
    header = {
        "Exceptions": [
            {"Code": 3030, "Severity": "Error", "Message": "No Usage Available for Requested Dates"}
        ]
    }
    result = imported(con, registry, write(tmp_path, "none.json", sushi_json(items=[], header=header)))
    assert result.rows == 0 and stored_sums(con) == {}
    assert "3030: No Usage Available" in " ".join(result.warnings)
    (months,) = con.execute("select months from imports").fetchone()
    assert len(months) == 3  # the file still says: no use in those three months


def test_report_name_disagreeing_with_id_is_filed_by_id_with_warning(tmp_path, con, registry):
    result = imported(
        con, registry, write(tmp_path, "named.tsv", tabular(header={"Report_Name": "Database Master Report"}))
    )
    assert result.report_id == "TR"
    assert "Report_Name 'Database Master Report' is the name of DR, but Report_ID says TR" in " ".join(
        result.warnings
    )


def test_months_outside_the_period_are_imported_with_warning(tmp_path, con, registry):
    header = {"Reporting_Period": "Begin_Date=2022-01-01; End_Date=2022-02-28"}
    result = imported(con, registry, write(tmp_path, "outside.tsv", tabular(header=header)))
    assert stored_sums(con) == EXPECTED
    assert (
        "1 month(s) with counts lie outside the Reporting_Period (Jan-2022 to Feb-2022): Mar-2022"
        in " ".join(result.warnings)
    )


def test_missing_months_of_the_period_are_said(tmp_path, con, registry):
    header = {"Reporting_Period": "Begin_Date=2022-01-01; End_Date=2022-04-30"}
    result = imported(con, registry, write(tmp_path, "short.tsv", tabular(header=header)))
    assert "no month columns for Apr-2022" in " ".join(result.warnings)


def test_validator_rules_are_stored_as_warnings(tmp_path, con, registry):
    rows = [list(r) for r in ROWS_TR]
    rows[3] = [
        "Journal A",
        "Pub",
        "Plat",
        "Journal",
        "Unique_Item_Requests",
        "47",
        "4",
        "6",
        "37",
    ]  # > Total in Mar
    result = imported(con, registry, write(tmp_path, "rules.tsv", tabular(rows=rows)))
    text = " ".join(result.warnings)
    assert (
        "break the COUNTER rule Total_Item_Requests >= Unique_Item_Requests (first: 'Journal A', Mar-2022, 20 < 37"
        in text
    )
    (stored,) = con.execute("select warnings from imports").fetchone()
    assert stored == result.warnings


def test_non_numeric_cells_are_left_out_with_warning(tmp_path, con, registry):
    rows = [list(r) for r in ROWS_TR]
    rows[0][7] = "n/a"
    result = imported(con, registry, write(tmp_path, "na.tsv", tabular(rows=rows)))
    assert stored_sums(con)["Total_Item_Investigations"] == 49
    assert "1 cell(s) are not whole counts and were left out (line 15 Feb-2022 'n/a')" in " ".join(
        result.warnings
    )
    assert "Reporting_Period_Total that is not the sum" in " ".join(result.warnings)


def test_rows_without_metric_type_are_skipped_with_warning(tmp_path, con, registry):
    rows = ROWS_TR + [["Journal C", "Pub", "Plat", "Journal", "", "3", "1", "1", "1"]]
    result = imported(con, registry, write(tmp_path, "nometric.tsv", tabular(rows=rows)))
    assert result.skipped == 1
    assert "1 row(s) without a Metric_Type such as 'Journal C' were skipped (line 21)" in " ".join(
        result.warnings
    )


def test_unknown_metric_is_kept_verbatim_with_warning(tmp_path, con, registry):
    rows = ROWS_TR + [["Journal C", "Pub", "Plat", "Journal", "Total_Item_Request", "3", "1", "1", "1"]]
    result = imported(con, registry, write(tmp_path, "typo.tsv", tabular(rows=rows)))
    assert stored_sums(con)["Total_Item_Request"] == 3
    assert "unknown Metric_Type(s) 'Total_Item_Request'" in " ".join(result.warnings)


def test_single_month_total_only_report_is_imported_as_that_month(tmp_path, con, registry):
    rows = [r[:6] for r in ROWS_TR]
    header = {"Reporting_Period": "Begin_Date=2022-03-01; End_Date=2022-03-31"}
    result = imported(
        con, registry, write(tmp_path, "march.tsv", tabular(header=header, months=[], rows=rows))
    )
    assert stored_sums(con)["Total_Item_Investigations"] == 69
    assert "Reporting_Period_Total was taken as the usage of Mar-2022" in " ".join(result.warnings)


def test_usage_before_a_member_joined_is_flagged(tmp_path, con, registry):
    header = {
        "Institution_Name": "Wenzhou Library",
        "Reporting_Period": "Begin_Date=2018-10-01; End_Date=2018-12-31",
    }
    result = imported(
        con,
        registry,
        write(tmp_path, "early.tsv", tabular(header=header, months=["Oct-2018", "Nov-2018", "Dec-2018"])),
    )
    assert result.library == "wenzhou"
    assert "fall before wenzhou joined on 2018-12-05 (Oct-2018 to Dec-2018)" in " ".join(result.warnings)


def test_ragged_rows_and_blank_lines_keep_exact_line_numbers(tmp_path, con, registry):
    text = tabular()
    lines = text.splitlines()
    lines.insert(16, "")  # a blank line in the body
    lines[17] = lines[17] + "\t\t"  # trailing padding
    lines[18] = lines[18] + "\tstray"  # a cell beyond the headings
    result = imported(con, registry, write(tmp_path, "ragged.tsv", "\n".join(lines) + "\n"))
    assert stored_sums(con) == EXPECTED
    assert (
        "1 row(s) had cells beyond the last column heading; those cells were ignored (line 19)"
        in result.warnings
    )
    assert con.execute("select max(source_line) from usage").fetchone()[0] == 21


def test_a_row_given_twice_is_counted_once(tmp_path, con, registry):
    rows = ROWS_TR + [ROWS_TR[2]]
    result = imported(con, registry, write(tmp_path, "repeat.tsv", tabular(rows=rows)))
    assert stored_sums(con) == EXPECTED
    assert result.warnings == [
        "3 count(s) are given twice for the same item, metric and month with the same value (first: line 21 "
        "repeats line 17: 'Journal A' Total_Item_Requests Jan-2022, 8 and 8); each was counted once"
    ]


# February of one book, consistent with every rule; each case below changes one count.
CONSISTENT_FEBRUARY = {
    "Total_Item_Investigations": 100,
    "Unique_Item_Investigations": 80,
    "Total_Item_Requests": 70,
    "Unique_Item_Requests": 50,
    "Unique_Title_Investigations": 40,
    "Unique_Title_Requests": 30,
}
RULE_BREAKS = [  # (larger, smaller), the one count changed, and what February then compares
    (
        ("Total_Item_Investigations", "Unique_Item_Investigations"),
        ("Unique_Item_Investigations", 101),
        100,
        101,
    ),
    (("Unique_Item_Investigations", "Unique_Item_Requests"), ("Unique_Item_Investigations", 49), 49, 50),
    (("Total_Item_Investigations", "Total_Item_Requests"), ("Total_Item_Requests", 101), 100, 101),
    (("Total_Item_Requests", "Unique_Item_Requests"), ("Unique_Item_Requests", 71), 70, 71),
    (("Unique_Title_Investigations", "Unique_Title_Requests"), ("Unique_Title_Requests", 41), 40, 41),
]


def test_the_rule_cases_cover_every_validator_rule():
    assert [rule for rule, *_ in RULE_BREAKS] == list(CONSISTENCY_RULES)


@pytest.mark.parametrize(("rule", "change", "larger_count", "smaller_count"), RULE_BREAKS)
def test_every_validator_rule_is_checked(tmp_path, con, registry, rule, change, larger_count, smaller_count):
    """One count breaks one rule in February: that rule, and only it, is reported."""
    february = {**CONSISTENT_FEBRUARY, change[0]: change[1]}
    rows = [
        ["Book B", "Pub", "Plat", "Book", metric, str(n + 20), "10", str(n), "10"]
        for metric, n in february.items()
    ]
    result = imported(con, registry, write(tmp_path, "rule.tsv", tabular(rows=rows)))
    larger, smaller = rule
    assert [w for w in result.warnings if "break the COUNTER rule" in w] == [
        f"1 item-month(s) break the COUNTER rule {larger} >= {smaller} "
        f"(first: 'Book B', Feb-2022, {larger_count} < {smaller_count}, line 15)"  # the item's first line
    ]
