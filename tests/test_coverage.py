"""Gaps in what is loaded, and the libraries a crowded chart draws."""

import pandas as pd
import pytest

from coopdash import coverage
from coopdash.coverage import gaps
from coopdash.load import ImportContext
from coopdash.webapp import uploads
from coopdash.webapp.filters import OTHERS, largest, leading_codes, with_rest
from tests.conftest import ROWS_TR, app, tabular


def covered(months: dict[str, list[str]]) -> pd.DataFrame:
    rows = [(code, "PR", pd.Timestamp(month), 1) for code, listed in months.items() for month in listed]
    return pd.DataFrame(rows, columns=["library_code", "source", "month", "reports"])


def stored_gaps(con, months: dict[str, list[str]], source: str, codes: list[str]) -> pd.DataFrame:
    """Interlibrary-loan months stored for each library, then the gaps the coverage page lists."""
    for code, listed in months.items():
        for month in listed:
            con.execute(
                "insert into ill_activity (import_id, library_code, month, role, requests, filled, unfilled)"
                " values (1, ?, ?, 'borrowing', 1, 1, 0)",
                [code, month],
            )
    return gaps(coverage.spans(con, tuple(codes)), source, codes)


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        ({"a": ["2020-01-01", "2020-02-01", "2020-03-01"]}, []),
        ({"a": ["2020-01-01", "2020-04-01"]}, [("a", 2, "2020-02-01")]),
        ({"a": ["2019-11-01", "2020-02-01", "2020-04-01"]}, [("a", 3, "2019-12-01")]),
        (
            {"b": ["2020-12-01", "2021-02-01"], "a": ["2020-01-01", "2020-03-01"]},
            [("a", 1, "2020-02-01"), ("b", 1, "2021-01-01")],
        ),
        ({"a": ["2020-01-01", "2020-01-01", "2020-02-01"]}, []),  # two reports for one month is no gap
    ],
)
def test_gaps_are_the_months_missing_inside_a_library_s_span(con, months, expected):
    found = stored_gaps(con, months, "ill", ["a", "b"])
    assert [
        (r.library_code, r.missing, f"{r.first_missing:%Y-%m-%d}") for r in found.itertuples()
    ] == expected


def test_gaps_of_another_source_or_library_are_not_counted(con):
    data = {"a": ["2020-01-01", "2020-05-01"], "c": ["2020-01-01", "2020-09-01"]}
    assert stored_gaps(con, data, "ill", ["c"]).library_code.tolist() == ["c"]
    assert gaps(coverage.spans(con, ("a", "c")), "PR", ["a", "c"]).empty


def test_a_crowded_chart_draws_the_largest_and_adds_up_the_rest():
    frame = pd.DataFrame(
        {"library_code": list("abcd") * 2, "year": [2024] * 4 + [2025] * 4, "total": [5, 1, 9, 2, 6, 1, 8, 3]}
    )
    assert leading_codes(frame, "total", limit=2) == ["c", "a"]
    drawn = with_rest(frame, ["c", "a"], ["year"], ["total"])
    assert drawn.groupby("year").total.sum().tolist() == [17, 18]  # the totals are whole
    assert drawn[drawn.library_code == OTHERS].total.tolist() == [3, 4]
    assert largest(frame[frame.year == 2025], "total", limit=3).library_code.tolist() == ["c", "a", "d"]


def test_a_source_none_of_the_shown_libraries_has_draws_an_empty_matrix():
    from coopdash.webapp.charts import coverage_matrix

    empty = covered({})
    figure = coverage_matrix(empty, label={"a": "A", "b": "B"}, value_label="Reports")
    assert list(figure.data[0].y) == ["A", "B"]


def test_the_default_year_is_that_of_the_latest_month_most_libraries_have(con):
    """A month only one library has reached (or a misdated one) does not move every reader to its year."""
    three = {code: ["2022-11-01", "2022-12-01"] for code in ("hangzhou", "ningbo", "wenzhou")}
    stored_gaps(con, three, "ill", [])
    stored_gaps(con, {"hangzhou": ["2023-01-01"], "ningbo": ["2100-01-01"]}, "ill", [])
    assert coverage.data_years(con)[:2] == [2100, 2023]  # every year can still be chosen
    assert coverage.default_year(con) == 2022
    stored_gaps(con, {"wenzhou": ["2023-01-01"]}, "ill", [])  # now two of three have January 2023
    assert coverage.default_year(con) == 2023


def test_the_year_filter_starts_on_the_default_year(tmp_path, registry, monkeypatch):
    files = [
        uploads.Upload(f"{library}.tsv", tabular(header={"Institution_Name": name}).encode())
        for library, name in (
            ("h", "Hangzhou Public Library"),
            ("n", "Ningbo Library"),
            ("w", "Wenzhou Library"),
        )
    ]
    january = tabular(
        header={"Reporting_Period": "Begin_Date=2023-01-01; End_Date=2023-01-31", "Created": "2023-02-03"},
        months=["Jan-2023"],
        rows=[row[:7] for row in ROWS_TR],
    )
    files.append(uploads.Upload("jan2023.tsv", january.encode()))
    database = tmp_path / "three.duckdb"
    done = uploads.apply(database, files, ImportContext(registry))
    assert [r.status for r in done] == ["imported"] * 4

    at = app(database, monkeypatch)

    assert at.selectbox(key="year").options == ["2023", "2022"]
    assert at.selectbox(key="year").value == 2022  # one library of three has January 2023
