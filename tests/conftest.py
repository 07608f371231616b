"""Shared fixtures: a fresh database per test, the real registry, small report builders."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from coopdash import db
from coopdash.registry import Registry
from coopdash.webapp import signin_limits

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
APP_TIMEOUT = 180  # the first run imports every sample file
CORPUS = FIXTURES / "corpus"


@pytest.fixture(autouse=True)
def fresh_sign_in_limits(monkeypatch):
    """Failed sign-ins count process-wide (as in the server): each test starts with none counted."""
    monkeypatch.setattr(signin_limits, "LIMITS", signin_limits.SignInLimits())


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.load()


@pytest.fixture()
def db_path(tmp_path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture()
def con(db_path, registry):
    connection = db.connect(db_path)
    db.sync_registry(connection, registry)
    yield connection
    connection.close()


def snapshot(con) -> dict:
    """Everything a user could see in the database, to prove a failed import changed nothing."""
    return {
        table: con.execute(f"select * from {table} order by all").fetchall()  # noqa: S608 - fixed names
        for table in ("imports", "usage", "usage_monthly", "libraries")
    }


HEADER_R5 = {
    "Report_Name": "Title Master Report",
    "Report_ID": "TR",
    "Release": "5",
    "Institution_Name": "Hangzhou Public Library",
    "Institution_ID": "",
    "Metric_Types": "",
    "Report_Filters": "",
    "Report_Attributes": "",
    "Exceptions": "",
    "Reporting_Period": "Begin_Date=2022-01-01; End_Date=2022-03-31",
    "Created": "2022-04-02T10:00:00Z",
    "Created_By": "Test Platform",
}
COLUMNS_TR = ["Title", "Publisher", "Platform", "Data_Type", "Metric_Type", "Reporting_Period_Total"]
MONTHS = ["Jan-2022", "Feb-2022", "Mar-2022"]
ROWS_TR = [
    ["Journal A", "Pub", "Plat", "Journal", "Total_Item_Investigations", "60", "10", "20", "30"],
    ["Journal A", "Pub", "Plat", "Journal", "Unique_Item_Investigations", "30", "5", "10", "15"],
    ["Journal A", "Pub", "Plat", "Journal", "Total_Item_Requests", "40", "8", "12", "20"],
    ["Journal A", "Pub", "Plat", "Journal", "Unique_Item_Requests", "20", "4", "6", "10"],
    ["Book B", "Pub", "Plat", "Book", "Total_Item_Investigations", "9", "1", "3", "5"],
    ["Book B", "Pub", "Plat", "Book", "Total_Item_Requests", "9", "1", "3", "5"],
]


def tabular(
    header: dict | None = None,
    columns: list[str] | None = None,
    months: list[str] | None = None,
    rows: list[list[str]] | None = None,
    delimiter: str = "\t",
) -> str:
    """A small, valid R5 TR as delimited text; tests change one thing in it."""
    header = {**HEADER_R5, **(header or {})}
    lines = [[key, value] for key, value in header.items() if value is not None]
    lines.append([])
    lines.append((columns or COLUMNS_TR) + (months if months is not None else MONTHS))
    lines.extend(rows if rows is not None else ROWS_TR)
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(lines)
    return out.getvalue()


def title_report(path: Path, titles: int, *, year: int = 2022, header: dict | None = None) -> None:
    """A valid R5 TR of `titles` books with one use in each month of `year`, written row by row:
    the large imports of the kill test, the load test and bench/load.py."""
    names = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    header = {
        "Reporting_Period": f"Begin_Date={year}-01-01; End_Date={year}-12-31",
        "Created": f"{year + 1}-01-05T10:00:00Z",
        **(header or {}),
    }
    with path.open("w") as out:
        out.write(tabular(header=header, months=[f"{name}-{year}" for name in names], rows=[]))
        for n in range(titles):
            out.write(
                f"Title {n}\tPublisher\tTest Platform\tBook\tTotal_Item_Requests\t12" + "\t1" * 12 + "\n"
            )


# The label of each dashboard page's title, by the page's file name.
PAGE_TITLES = {
    "overview": "overview.title",
    "uptake": "nav.uptake",
    "contributions": "nav.contributions",
    "services": "services.title",
    "city": "nav.city",
    "compare": "nav.compare",
    "coverage": "coverage.title",
}


def sushi_json(items: list | None = None, header: dict | None = None, release: str = "5") -> str:
    """A small, valid R5 SUSHI TR; the same usage as `tabular()`'s first rows."""
    report_header = {
        "Report_Name": "Title Master Report",
        "Report_ID": "TR",
        "Release": release,
        "Institution_Name": "Hangzhou Public Library",
        "Institution_ID": [],
        "Report_Filters": [
            {"Name": "Begin_Date", "Value": "2022-01-01"},
            {"Name": "End_Date", "Value": "2022-03-31"},
        ],
        "Created": "2022-04-02T10:00:00Z",
        "Created_By": "Test Platform",
        **(header or {}),
    }
    if items is None:
        items = [
            {
                "Title": "Journal A",
                "Platform": "Plat",
                "Data_Type": "Journal",
                "Performance": [
                    {
                        "Period": {"Begin_Date": f"2022-0{m}-01", "End_Date": f"2022-0{m}-28"},
                        "Instance": [
                            {"Metric_Type": "Total_Item_Requests", "Count": 10 * m},
                            {"Metric_Type": "Unique_Item_Requests", "Count": 5 * m},
                        ],
                    }
                    for m in (1, 2, 3)
                ],
            }
        ]
    return json.dumps({"Report_Header": report_header, "Report_Items": items})


def app(database: Path, monkeypatch, secrets: dict | None = None) -> AppTest:
    monkeypatch.setenv(db.ENV_DB, str(database))
    # The deployed app hides exception details; a failing test shows them.
    config.set_option("client.showErrorDetails", "full")
    at = entry_app(APP_TIMEOUT)
    if secrets:
        at.secrets = secrets
    return at.run()


def entry_app(timeout: float) -> AppTest:
    """The entry as Streamlit runs it once a session has started it.

    Run from a script outside the repository: next to a pages/ folder, AppTest
    would run each later page on its own (Streamlit's old pages/ mode), which a
    real server does only for a deep link before any session ran the entry.
    """
    return AppTest.from_string(
        f"import runpy\nrunpy.run_path({str(ROOT / 'dashboard.py')!r}, run_name='__main__')",
        default_timeout=timeout,
    )


def page(name: str) -> str:
    """A page's path as AppTest.switch_page wants it."""
    return str(ROOT / "pages" / name)


@pytest.fixture(scope="session")
def first_run(tmp_path_factory):
    """The dashboard started on a machine with no database: it builds one from data/sample."""
    database = tmp_path_factory.mktemp("first_run") / "coopdash.duckdb"
    with pytest.MonkeyPatch.context() as monkeypatch:
        at = app(database, monkeypatch)
    return database, at
