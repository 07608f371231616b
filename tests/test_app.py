"""The dashboard as Streamlit runs it (AppTest): first run, the first page's figures, empty states."""

import base64
import json
from pathlib import Path

import duckdb
import numpy as np
import pytest

from coopdash import db, rollback, sql
from coopdash.load import ImportContext, expand_paths, import_file
from coopdash.webapp import uploads
from coopdash.writer import writing
from tests.conftest import ROOT, ROWS_TR, app, page, tabular


def plotted(values) -> list:
    """A trace's values as plotted: Plotly sends numeric arrays base64-encoded."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


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
    """The year's total of a metric, summed from the stored rows, not through the pages' queries."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        independent = con.execute(
            "select sum(count) from usage where report_id = 'PR' and metric_type = $m and year(month) = $y",
            {"m": metric, "y": year},
        ).fetchone()[0]
        frame = sql.df(con, "uptake_by_city", year=year, metric=metric, family="PR")
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
    assert headline.label == f"Usage, {year}"
    assert headline.value == f"{consortium_total(database, year, 'Total_Item_Requests'):,}"


def test_changing_year_and_metric_changes_the_figures(first_run, monkeypatch):
    database, _ = first_run
    at = app(database, monkeypatch)
    at.selectbox(key="year").set_value(2019)
    at.selectbox(key="metric").set_value("Searches_Platform")
    at.run()
    assert not at.exception
    assert at.metric[0].value == f"{consortium_total(database, 2019, 'Searches_Platform'):,}"


def test_per_10k_residents_divide_by_the_registry_population(first_run, monkeypatch):
    """The ranking bars (the year) and the small multiples (each month) of the uptake page."""
    database, _ = first_run
    at = app(database, monkeypatch)
    at.switch_page(page("uptake.py")).run()
    at.radio(key="scale").set_value("per_10k").run()
    assert not at.exception
    specs = [json.loads(element.proto.spec) for element in at.get("plotly_chart")]
    con = duckdb.connect(str(database), read_only=True)
    population = con.execute("select population from libraries where code = 'hangzhou'").fetchone()[0]
    months = con.execute(
        "select month, sum(count) from usage_monthly where library_code = 'hangzhou' and family = 'PR'"
        " and metric_type = 'Total_Item_Requests' group by month order by month"
    ).fetchall()
    con.close()

    bars = specs[0]["data"][0]
    shown = dict(zip(plotted(bars["y"]), plotted(bars["x"]), strict=True))
    in_2025 = sum(total for month, total in months if month.year == 2025)
    assert shown["Hangzhou"] == pytest.approx(in_2025 * 10000 / population)
    assert len(shown) == 12

    panels = next(spec["data"] for spec in specs if spec["data"] and spec["data"][0].get("fill") == "tozeroy")
    hangzhou = next(trace for trace in panels if trace["name"] == "Hangzhou")
    assert plotted(hangzhou["y"]) == pytest.approx([total * 10000 / population for _, total in months])


def test_trend_marks_the_agreement(first_run, monkeypatch):
    database, _ = first_run
    at = app(database, monkeypatch)
    trend = json.loads(at.get("plotly_chart")[-1].proto.spec)
    assert [shape["x0"][:10] for shape in trend["layout"]["shapes"]] == ["2018-12-05"]
    monthly = plotted(trend["data"][0]["y"])
    assert sum(monthly) == sum(
        consortium_total(database, year, "Total_Item_Requests") for year in range(2016, 2026)
    )


def test_empty_database_gives_a_clear_message(tmp_path, monkeypatch):
    database = tmp_path / "empty.duckdb"
    db.connect(database).close()
    at = app(database, monkeypatch)
    assert not at.exception
    assert any("Nothing has been imported yet" in i.value for i in at.info)
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


def shown_files(at) -> int:
    return len(next(frame.value for frame in at.dataframe if "Imported" in frame.value.columns))


def test_fresh_readers_see_every_finished_write_whatever_is_held_open(tmp_path, monkeypatch, registry):
    """As seen: a connection held to the database (an export, a slow page) while an import replaced the file
    made the pages in that process show the old data, cached, long after both had finished."""
    database = tmp_path / "live.duckdb"
    context = ImportContext(registry)
    uploads.apply(database, [uploads.Upload("first.tsv", tabular().encode())], context)
    at = app(database, monkeypatch)
    at.switch_page(page("coverage.py")).run()
    assert shown_files(at) == 1
    held = duckdb.connect(str(database), read_only=True)  # in the process that serves the pages
    try:
        second = tabular(rows=[row[:2] + ["Other"] + row[3:] for row in ROWS_TR])
        uploads.apply(database, [uploads.Upload("second.tsv", second.encode())], context)
        at.run()
        assert shown_files(at) == 2
        with writing(database) as con:
            rollback.roll_back(con, 2, by="test")
        at.run()
        assert shown_files(at) == 1
    finally:
        held.close()
    at.run()
    assert shown_files(at) == 1
