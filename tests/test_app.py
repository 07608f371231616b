"""The dashboard as Streamlit runs it (AppTest): first run, the first page's figures, empty states."""

import base64
import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from coopdash import db, sql
from coopdash.load import ImportContext, expand_paths, import_file
from tests.conftest import tabular

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180  # the first run imports every sample file


def plotted(values) -> list:
    """A trace's values as plotted: Plotly sends numeric arrays base64-encoded."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def app(database: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv(db.ENV_DB, str(database))
    # The deployed app hides exception details; a failing test shows them.
    config.set_option("client.showErrorDetails", "full")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    return at.run()


@pytest.fixture(scope="session")
def first_run(tmp_path_factory):
    """The dashboard started on a machine with no database: it builds one from data/sample."""
    database = tmp_path_factory.mktemp("first_run") / "coopdash.duckdb"
    with pytest.MonkeyPatch.context() as monkeypatch:
        at = app(database, monkeypatch)
    return database, at


def test_first_run_builds_the_database_from_the_bundled_sample(first_run):
    database, at = first_run
    assert not at.exception
    sample_files = expand_paths([ROOT / "data" / "sample"])
    con = duckdb.connect(str(database), read_only=True)
    kinds = dict(con.execute("select kind, count(*) from imports group by kind").fetchall())
    files, synthetic = con.execute(
        "select count(*), count(*) filter (where synthetic) from imports"
    ).fetchone()
    con.close()
    assert files == synthetic == len(sample_files)  # every sample file imported, each labelled synthetic
    assert set(kinds) == {"counter", "catalogue", "ill", "cataloguing"}
    assert not Path(str(database) + ".building").exists()


def test_synthetic_data_is_labelled(first_run, monkeypatch):
    database, _ = first_run
    at = app(database, monkeypatch)
    assert any("Synthetic sample data" in w.value for w in at.warning)


def consortium_total(database: Path, year: int, metric: str) -> int:
    con = duckdb.connect(str(database), read_only=True)
    try:
        frame = sql.df(con, "uptake_by_city", year=year, metric=metric, family="PR")
        independent = con.execute(
            "select sum(count) from usage where report_id = 'PR' and metric_type = $m and year(month) = $y",
            {"m": metric, "y": year},
        ).fetchone()[0]
    finally:
        con.close()
    assert int(frame.total.sum()) == independent  # the sample has PR only: the rule picks every PR row
    return independent


def test_first_page_shows_the_number_the_sql_gives(first_run, monkeypatch):
    database, _ = first_run
    at = app(database, monkeypatch)
    assert not at.exception
    year = at.selectbox(key="year").value
    headline = at.metric[0]
    assert headline.label == f"Consortium total, {year}"
    assert headline.value == f"{consortium_total(database, year, 'Total_Item_Requests'):,}"


def test_changing_year_and_metric_changes_the_figures(first_run, monkeypatch):
    database, _ = first_run
    at = app(database, monkeypatch)
    at.selectbox(key="year").set_value(2019)
    at.selectbox(key="metric").set_value("Searches_Platform")
    at.run()
    assert not at.exception
    assert at.metric[0].value == f"{consortium_total(database, 2019, 'Searches_Platform'):,}"


def test_bars_per_10k_residents_match_the_registry_population(first_run, monkeypatch):
    database, _ = first_run
    at = app(database, monkeypatch)
    at.segmented_control(key="scale").set_value("Per 10,000 residents")
    at.run()
    assert not at.exception
    bars = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    shown = dict(zip(plotted(bars["y"]), plotted(bars["x"]), strict=True))
    con = duckdb.connect(str(database), read_only=True)
    frame = sql.df(con, "uptake_by_city", year=2025, metric="Total_Item_Requests", family="PR")
    population = dict(
        con.execute("select city_en, population from libraries where level = 'city'").fetchall()
    )
    con.close()
    hangzhou = frame[frame.city_en == "Hangzhou"].iloc[0]
    assert shown["Hangzhou"] == pytest.approx(hangzhou.total * 10000 / population["Hangzhou"])
    assert len(shown) == 12


def test_trend_marks_the_agreement(first_run, monkeypatch):
    database, _ = first_run
    at = app(database, monkeypatch)
    trend = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert [shape["x0"][:10] for shape in trend["layout"]["shapes"]] == ["2018-12-05"]
    assert len(trend["data"]) == 12  # one series per member library


def test_empty_database_gives_a_clear_message(tmp_path, monkeypatch):
    database = tmp_path / "empty.duckdb"
    db.connect(database).close()
    at = app(database, monkeypatch)
    assert not at.exception
    assert any("No usage has been imported yet" in i.value for i in at.info)
    assert not at.warning  # nothing synthetic is loaded


def test_real_data_carries_no_synthetic_label(tmp_path, monkeypatch, registry):
    database = tmp_path / "real.duckdb"
    con = db.connect(database)
    db.sync_registry(con, registry)
    header = {"Report_ID": "PR", "Report_Name": "Platform Master Report"}
    path = tmp_path / "pr.tsv"
    path.write_text(
        tabular(
            header=header,
            columns=["Platform", "Metric_Type", "Reporting_Period_Total"],
            rows=[["Plat", "Total_Item_Requests", "6", "1", "2", "3"]],
        )
    )
    assert import_file(con, path, ImportContext(registry)).status == "imported"
    con.close()
    at = app(database, monkeypatch)
    assert not at.exception
    assert not any("Synthetic" in w.value for w in at.warning)
    assert at.metric[0].value == "6"


@pytest.mark.parametrize(
    ("page", "heading"),
    [
        ("pages/contributions.py", "Local records out: contributions to the global catalogue"),
        ("pages/services.py", "OCLC services: resource sharing and cataloguing"),
    ],
)
def test_other_pages_render_the_sample(first_run, monkeypatch, page, heading):
    database, _ = first_run
    at = app(database, monkeypatch)
    at.switch_page(page).run()
    assert not at.exception
    assert at.title[0].value == heading
    assert at.get("plotly_chart")  # the charts are drawn


def test_contributions_headline_is_the_sql_figure(first_run, monkeypatch):
    database, _ = first_run
    at = app(database, monkeypatch)
    at.switch_page("pages/contributions.py").run()
    con = duckdb.connect(str(database), read_only=True)
    original = con.execute("select count(*) from contributions where role = 'original'").fetchone()[0]
    con.close()
    assert at.metric[0].label == "Original records, all years"
    assert at.metric[0].value == f"{original:,}"


def test_services_headline_is_the_sql_figure(first_run, monkeypatch):
    database, _ = first_run
    at = app(database, monkeypatch)
    at.switch_page("pages/services.py").run()
    year = at.selectbox(key="services_year").value
    con = duckdb.connect(str(database), read_only=True)
    lent = con.execute(
        "select sum(filled) from ill_activity where role = 'lending' and year(month) = $y", {"y": year}
    ).fetchone()[0]
    con.close()
    assert at.metric[0].value == f"{lent:,}"


@pytest.mark.parametrize("page", ["pages/contributions.py", "pages/services.py"])
def test_other_pages_say_plainly_when_nothing_is_loaded(tmp_path, monkeypatch, page):
    database = tmp_path / "empty.duckdb"
    db.connect(database).close()
    at = app(database, monkeypatch)
    at.switch_page(page).run()
    assert not at.exception
    assert any("imported yet" in i.value for i in at.info)
