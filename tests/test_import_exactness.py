"""Import semantics that never misstate a figure (issue 10, section 2), each case through the
command line (as a process) and through the Import page's functions: the two must agree."""

from __future__ import annotations

import json
from datetime import date

from tests.conftest import FIXTURES, ROWS_TR, sushi_json, tabular
from tests.importing import both_ways, query

TOTAL_TIR = "select coalesce(sum(count), 0) from usage where metric_type = 'Total_Item_Requests'"
MONTHLY = "select month, sum(count) from usage_monthly group by month order by month"


def same_both_ways(cli: list[dict], page: list[dict]) -> None:
    keys = ("status", "error", "warnings", "months", "replaced_rows", "long_rows")
    assert [{k: r[k] for k in keys} for r in cli] == [{k: r[k] for k in keys} for r in page]


def refused_both_ways(tmp_path, registry, *files, message: str) -> list[dict]:
    """Every file but the last imports; the last is refused with `message`, the database as it was."""
    cli, page, cli_db, page_db = both_ways(tmp_path, registry, *files)
    same_both_ways(cli, page)
    assert all(r["status"] != "failed" for r in cli[:-1])
    last = cli[-1]
    assert last["status"] == "failed" and last["error"].startswith(
        (f"{files[-1][0]}:", f"{files[-1][0]}, line")
    ), last
    assert message in last["error"], last["error"]
    for database in (cli_db, page_db):
        assert query(database, "select count(*) from imports")[0][0] == len(files) - 1
    return cli


# --- a Performance period over several months (the Granularity=Totals shape) -------------------


def quarter_in_one_period() -> dict:
    return {
        "Title": "Journal A",
        "Platform": "Plat",
        "Data_Type": "Journal",
        "Performance": [
            {
                "Period": {"Begin_Date": "2022-01-01", "End_Date": "2022-03-31"},
                "Instance": [{"Metric_Type": "Total_Item_Requests", "Count": 60}],
            }
        ],
    }


def test_a_json_period_over_several_months_is_refused_like_the_tabular_report_without_months(
    tmp_path, registry
):
    """It was filed whole in its first month, without a word; the tabular equivalent is refused."""
    refused_both_ways(
        tmp_path,
        registry,
        ("totals.json", sushi_json(items=[quarter_in_one_period()]).encode()),
        message="a Performance period runs from 2022-01-01 to 2022-03-31, more than one month "
        "(the report was run with Granularity=Totals)",
    )
    tabular_totals = tabular(months=[], rows=[row[:6] for row in ROWS_TR])
    refused_both_ways(
        tmp_path / "tsv", registry, ("totals.tsv", tabular_totals.encode()), message="no month columns"
    )


def test_an_r51_json_total_for_the_period_is_refused(tmp_path, registry):
    item = {
        "Title": "Journal A",
        "Platform": "Plat",
        "Attribute_Performance": [{"Data_Type": "Journal", "Performance": {"Total_Item_Requests": 60}}],
    }
    refused_both_ways(
        tmp_path,
        registry,
        ("totals51.json", sushi_json([item], release="5.1").encode()),
        message="Granularity",
    )


# --- the same item, metric and month twice: one rule for both forms -----------------------------


def january_twice(first: int, second: int) -> dict:
    def performance(count):
        return {
            "Period": {"Begin_Date": "2022-01-01", "End_Date": "2022-01-31"},
            "Instance": [{"Metric_Type": "Total_Item_Requests", "Count": count}],
        }

    return {
        "Title": "Journal A",
        "Platform": "Plat",
        "Data_Type": "Journal",
        "Performance": [performance(first), performance(second)],
    }


def row_twice(first: str, second: str) -> bytes:
    rows = [
        ["Journal A", "Pub", "Plat", "Journal", "Total_Item_Requests", first, first, "", ""],
        ["Journal A", "Pub", "Plat", "Journal", "Total_Item_Requests", second, second, "", ""],
    ]
    return tabular(rows=rows).encode()


R51_KEY_TWICE = (
    sushi_json(
        [
            {
                "Title": "Journal A",
                "Platform": "Plat",
                "Attribute_Performance": [
                    {"Data_Type": "Journal", "Performance": {"Total_Item_Requests": {"2022-01": 5}}}
                ],
            }
        ],
        release="5.1",
    )
    .replace('{"2022-01": 5}', '{"2022-01": 5, "2022-01": 7}')
    .encode()
)


def test_different_counts_for_the_same_item_metric_and_month_are_refused_in_every_form(tmp_path, registry):
    """JSON giving January twice (5 and 7) was stored as 12, silently."""
    message = "given twice for the same item, metric and month with different values"
    cli = refused_both_ways(
        tmp_path / "json",
        registry,
        ("twice.json", sushi_json(items=[january_twice(5, 7)]).encode()),
        message=message,
    )
    assert "'Journal A' Total_Item_Requests Jan-2022, 5 and 7" in cli[0]["error"]
    refused_both_ways(tmp_path / "tsv", registry, ("twice.tsv", row_twice("5", "7")), message=message)
    refused_both_ways(
        tmp_path / "r51", registry, ("twice51.json", R51_KEY_TWICE), message="'2022-01': 5 and 7"
    )


def test_the_same_count_given_twice_is_counted_once_in_every_form(tmp_path, registry):
    files = [
        ("twice.json", sushi_json(items=[january_twice(5, 5)]).encode()),
        ("twice.tsv", row_twice("5", "5")),
    ]
    for name, data in files:
        cli, page, cli_db, page_db = both_ways(tmp_path / name, registry, (name, data))
        same_both_ways(cli, page)
        assert cli[0]["status"] == "imported"
        assert any("with the same value" in w and "counted once" in w for w in cli[0]["warnings"])
        assert query(cli_db, TOTAL_TIR) == query(page_db, TOTAL_TIR) == [(5,)]


# --- exceptions naming months that are not ready -------------------------------------------------

HALF_YEAR = {
    "Reporting_Period": "Begin_Date=2022-01-01; End_Date=2022-06-30",
    "Created": "2022-07-05T00:00:00Z",
}
MONTHS_H1 = ["Jan-2022", "Feb-2022", "Mar-2022", "Apr-2022", "May-2022", "Jun-2022"]


def half_year(counts: list[int], header: dict | None = None) -> bytes:
    row = ["Journal A", "Pub", "Plat", "Journal", "Total_Item_Requests", str(sum(counts)), *map(str, counts)]
    return tabular(header={**HALF_YEAR, **(header or {})}, months=MONTHS_H1, rows=[row]).encode()


NOT_READY = (
    "3031: Usage Not Ready for Requested Dates (Request was for 2022-01-01 to 2022-06-30; "
    "however, usage is only available to 2022-03-31)"
)


def test_months_an_exception_says_are_not_ready_keep_their_figures_and_are_not_covered(tmp_path, registry):
    """The corrected report with exception 3031 and zero columns for April-June replaced good
    April-June figures with zeros, and Data coverage marked those months covered."""
    good = ("h1.tsv", half_year([1, 2, 3, 4, 5, 6]))
    corrected = ("h1_again.tsv", half_year([10, 20, 30, 0, 0, 0], {"Exceptions": NOT_READY}))
    cli, page, cli_db, page_db = both_ways(tmp_path, registry, good, corrected)
    same_both_ways(cli, page)
    assert cli[1]["status"] == "replaced"
    assert cli[1]["months"] == ["2022-01", "2022-02", "2022-03"]
    assert any(
        "the usage of Apr-2022, May-2022, Jun-2022 is not ready: left out" in w for w in cli[1]["warnings"]
    ), cli[1]["warnings"]
    for database in (cli_db, page_db):
        assert query(database, MONTHLY) == [
            (date(2022, m, 1), n) for m, n in zip(range(1, 7), [10, 20, 30, 4, 5, 6])
        ]

    alone, _, alone_db, _ = both_ways(tmp_path / "alone", registry, corrected)
    assert alone[0]["months"] == ["2022-01", "2022-02", "2022-03"]
    covered = query(alone_db, "select distinct month from coverage_months(['hangzhou']) order by month")
    assert covered == [(date(2022, m, 1),) for m in (1, 2, 3)]


def test_a_json_exception_names_its_months_in_its_data(tmp_path, registry):
    header = {
        "Report_Filters": [
            {"Name": "Begin_Date", "Value": "2022-01-01"},
            {"Name": "End_Date", "Value": "2022-06-30"},
        ],
        "Created": "2022-07-05T00:00:00Z",
        "Exceptions": [
            {
                "Code": 3031,
                "Severity": "Warning",
                "Message": "Usage Not Ready for Requested Dates",
                "Data": "Usage is only available to 2022-03-31",
            }
        ],
    }
    cli, page, cli_db, _ = both_ways(tmp_path, registry, ("h1.json", sushi_json(header=header).encode()))
    same_both_ways(cli, page)
    assert cli[0]["months"] == ["2022-01", "2022-02", "2022-03"]  # the JSON lists no usage for April-June


def test_an_exception_naming_no_month_leaves_out_the_months_without_counts(tmp_path, registry):
    corrected = ("h1.tsv", half_year([10, 20, 30, 0, 0, 0], {"Exceptions": "3040: Partial Data Returned"}))
    cli, page, _, _ = both_ways(tmp_path, registry, corrected)
    same_both_ways(cli, page)
    assert cli[0]["months"] == ["2022-01", "2022-02", "2022-03"]
    assert any("names no month that could be read" in w for w in cli[0]["warnings"])


# --- names of a report's scope compared as the registry compares names ---------------------------


def test_a_platform_written_another_way_replaces_the_report_it_repeats(tmp_path, registry):
    """The same report again with 'rtp' for 'RTP' doubled the figures."""
    first = tabular(rows=[row[:2] + ["RTP"] + row[3:] for row in ROWS_TR])
    again = tabular(rows=[row[:2] + ["rtp"] + row[3:] for row in ROWS_TR], header={"Created": "2022-04-09"})
    cli, page, cli_db, page_db = both_ways(
        tmp_path, registry, ("q1.tsv", first.encode()), ("q1 again.tsv", again.encode())
    )
    same_both_ways(cli, page)
    assert cli[1]["status"] == "replaced" and cli[1]["replaced_rows"] == cli[0]["long_rows"]
    assert (
        "of earlier import(s) #1 (q1.tsv): the counts of hangzhou's TR for platform(s) 'RTP' in Jan-2022 to Mar-2022"
        in cli[1]["note"]
    )
    assert any("the platform 'rtp' is read as 'RTP'" in w for w in cli[1]["warnings"])
    for database in (cli_db, page_db):
        assert query(database, TOTAL_TIR) == [(49,)]  # not 98
        assert query(database, "select distinct platform from usage") == [("RTP",)]


# --- months a report cannot stand for --------------------------------------------------------------


def test_counts_in_2100_are_refused(tmp_path, registry):
    """Months in 2100 were accepted silently and became every reader's default year."""
    report = tabular(months=["Jan-2022", "Feb-2022", "Jan-2100"])
    cli = refused_both_ways(tmp_path, registry, ("future.tsv", report.encode()), message="Jan-2100")
    assert "more than 12 months outside the Reporting_Period" in cli[0]["error"]


def test_counts_after_the_report_was_created_are_refused(tmp_path, registry):
    report = tabular(
        header={"Reporting_Period": "Begin_Date=2022-01-01; End_Date=2022-06-30"},
        months=["Jan-2022", "May-2022", "Jun-2022"],
    )
    refused_both_ways(
        tmp_path,
        registry,
        ("ahead.tsv", report.encode()),
        message="holds counts for May-2022, Jun-2022, after it was created on 2022-04-02",
    )


def test_empty_months_after_the_report_was_created_are_left_out(tmp_path, registry):
    """A year's report run in April: May to December hold nothing yet and must not count as covered."""
    good = ("h1.tsv", half_year([1, 2, 3, 4, 5, 6]))
    early = ("h1_early.tsv", half_year([10, 20, 30, 40, 0, 0], {"Created": "2022-04-20T00:00:00Z"}))
    cli, page, cli_db, _ = both_ways(tmp_path, registry, good, early)
    same_both_ways(cli, page)
    assert cli[1]["months"] == ["2022-01", "2022-02", "2022-03", "2022-04"]
    assert query(cli_db, MONTHLY)[-2:] == [(date(2022, 5, 1), 5), (date(2022, 6, 1), 6)]


def test_a_reporting_period_written_with_to_is_read(tmp_path, registry):
    """'2022-01-01 to 2022-03-31' was not read, so a month a year outside went in without a word."""
    report = tabular(
        header={"Reporting_Period": "2022-01-01 to 2022-03-31", "Created": "2023-02-05"},
        months=["Jan-2022", "Feb-2022", "Jan-2023"],
    )
    cli, page, cli_db, _ = both_ways(tmp_path, registry, ("to.tsv", report.encode()))
    same_both_ways(cli, page)
    assert cli[0]["status"] == "imported"
    assert any(
        "lie outside the Reporting_Period (Jan-2022 to Mar-2022): Jan-2023" in w for w in cli[0]["warnings"]
    )
    assert query(cli_db, "select period_begin, period_end from imports") == [
        (date(2022, 1, 1), date(2022, 3, 31))
    ]


def test_month_headings_that_cannot_all_be_read_refuse_the_file(tmp_path, registry):
    """'Jal-2022' dropped its counts and still replaced the months beside it with zeros."""
    good = ("q1.tsv", tabular().encode())
    typo = ("typo.tsv", tabular(months=["Jan-2022", "Jal-2022", "Mar-2022"]).encode())
    cli = refused_both_ways(tmp_path, registry, good, typo, message="'Jal-2022' (column 8)")
    assert "cannot be read as a month" in cli[1]["error"]
    r51 = sushi_json(
        [
            {
                "Title": "Journal A",
                "Platform": "Plat",
                "Attribute_Performance": [
                    {
                        "Data_Type": "Journal",
                        "Performance": {"Total_Item_Requests": {"2022-01": 5, "2022-13": 7}},
                    }
                ],
            }
        ],
        release="5.1",
    )
    refused_both_ways(tmp_path / "r51", registry, ("typo.json", r51.encode()), message="'2022-13'")


# --- total rows and unknown metrics ---------------------------------------------------------------

IR_HEADER = {"Report_Name": "Item Master Report", "Report_ID": "IR"}
IR_COLUMNS = ["Item", "Publisher", "Platform", "Data_Type", "Metric_Type", "Reporting_Period_Total"]


def test_a_total_row_named_in_metric_type_is_dropped_and_an_unknown_metric_is_never_summed(
    tmp_path, registry
):
    """A TOTAL row whose Metric_Type cell held the word was stored as a metric called TOTAL."""
    rows = [
        ["Article A", "Pub", "Plat", "Article", "Total_Item_Requests", "6", "1", "2", "3"],
        ["Article B", "Pub", "Plat", "Article", "Total_Item_Request", "60", "10", "20", "30"],
        ["", "Pub", "Plat", "", "TOTAL", "66", "11", "22", "33"],
    ]
    report = tabular(header=IR_HEADER, columns=IR_COLUMNS, rows=rows)
    cli, page, cli_db, page_db = both_ways(tmp_path, registry, ("ir.tsv", report.encode()))
    same_both_ways(cli, page)
    warnings = " ".join(cli[0]["warnings"])
    assert "1 appended total row(s) were dropped" in warnings and "(line 17)" in warnings
    assert "unknown Metric_Type(s) 'Total_Item_Request'" in warnings
    for database in (cli_db, page_db):
        metrics = query(database, "select metric_type, sum(count) from usage_monthly group by 1 order by 1")
        assert metrics == [("Total_Item_Request", 60), ("Total_Item_Requests", 6)]


# --- catalogue records that were read only in part -----------------------------------------------

MARCXML = """<?xml version="1.0"?>
<!DOCTYPE collection [<!ENTITY outside SYSTEM "file:///etc/hostname">]>
<collection xmlns="http://www.loc.gov/MARC21/slim">
<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">1</controlfield>
<controlfield tag="008">220301s2022    cc            000 0 chi d</controlfield>
<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Good</subfield></datafield></record>
<record><leader>00000nam a2200000 &lt; 4500</leader><controlfield tag="001">2</controlfield>
<controlfield tag="008">220301s2022    cc            000 0 chi d</controlfield>
<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Malformed leader</subfield></datafield></record>
<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">3</controlfield>
<controlfield tag="008">220301s2022    cc            000 0 chi d</controlfield>
<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Title &outside; end</subfield></datafield></record>
</collection>
"""


def test_a_malformed_leader_and_an_unfetched_entity_are_said(tmp_path, registry):
    """A MARCXML leader with '<' at position 18 was imported without a word; an external
    entity was silently dropped from a title."""
    cli, page, _, _ = both_ways(tmp_path, registry, ("records.xml", MARCXML.encode()), library="hangzhou")
    same_both_ways(cli, page)
    assert cli[0]["status"] == "imported" and cli[0]["rows"] == 3
    warnings = cli[0]["warnings"]
    assert (
        "1 record(s) have a malformed leader; they were read as given, so check their type and status"
        in warnings
    )
    assert "record 2 (line 7): leader position 18 is '<', which no leader holds there" in warnings
    assert "record 3 (line 10): &outside; (file:///etc/hostname)" in warnings
    assert any(w.startswith("1 record(s) use XML entities that refer outside the file") for w in warnings)
    assert json.dumps(cli[0]).count("/etc/hostname") == 1  # named, never read


def test_statistics_for_a_month_after_this_one_are_refused(tmp_path, registry):
    """The kind of the 2100 months, in OCLC statistics: activity cannot have been counted yet."""
    ill = (FIXTURES / "oclc" / "ill_monthly_activity.xls").read_bytes().replace(b"Jan-2024", b"Jan-2100")
    refused_both_ways(
        tmp_path, registry, ("ill.xls", ill), message="line 8: 2 figure(s) are for months after this one"
    )


def test_a_record_dated_after_this_month_has_no_month(tmp_path, registry):
    """A record's date next year (005) was taken as its month; no record is made in the future."""
    next_year = date.today().year + 1
    record = (
        '<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 a 4500</leader>'
        f'<controlfield tag="001">7</controlfield><controlfield tag="005">{next_year}0601120000.0</controlfield>'
        '<datafield tag="040" ind1=" " ind2=" "><subfield code="a">SYN-HZL</subfield></datafield>'
        '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Dated next year</subfield></datafield>'
        "</record></collection>"
    )
    cli, page, cli_db, _ = both_ways(tmp_path, registry, ("dated.xml", record.encode()))
    same_both_ways(cli, page)
    assert cli[0]["status"] == "imported"
    assert any("carry no usable date" in w for w in cli[0]["warnings"])
    assert query(cli_db, "select contributed_on from contributions") == [(None,)]
