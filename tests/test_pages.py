"""Every page as Streamlit runs it, in English and Chinese, on the sample and on an empty database.

The headline figures are checked against sums over the stored rows written here,
not through the pages' own queries, so a wrong query shows as a wrong number.
"""

import statistics
from pathlib import Path

import duckdb
import pytest

from coopdash import db
from coopdash.i18n import number, t
from tests.conftest import PAGE_TITLES, app, page

PAGES = tuple(PAGE_TITLES)


def one(database: Path, statement: str, **params):
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(statement, params).fetchone()[0]
    finally:
        con.close()


def usage(database: Path, year: int, libraries: tuple[str, ...] | None = None) -> int:
    return one(
        database,
        "select coalesce(sum(count), 0) from usage where report_id = 'PR' and metric_type = 'Total_Item_Requests'"
        " and year(month) = $year and ($all or list_contains($libraries, library_code))",
        year=year,
        all=libraries is None,
        libraries=list(libraries or ()),
    )


def opened(database: Path, monkeypatch, name: str, lang: str):
    at = app(database, monkeypatch)
    if lang != "en":
        at.radio(key="lang").set_value(lang).run()
    at.switch_page(page(f"{name}.py")).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_the_sample_in_both_languages(first_run, monkeypatch, name, lang):
    database, _ = first_run
    at = opened(database, monkeypatch, name, lang)
    assert at.title[0].value == t(PAGE_TITLES[name], lang)
    assert at.get("plotly_chart") or at.dataframe  # something drawn, not only a notice
    assert any(("Synthetic sample data" if lang == "en" else "合成示例数据") in w.value for w in at.warning)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_says_plainly_when_nothing_is_loaded(tmp_path, monkeypatch, name, lang):
    database = tmp_path / "empty.duckdb"
    db.connect(database).close()
    at = opened(database, monkeypatch, name, lang)
    assert at.info  # a message saying what to do, not an empty page
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_headlines_are_the_stored_sums(first_run, monkeypatch, lang):
    database, _ = first_run
    at = opened(database, monkeypatch, "overview", lang)
    year = at.selectbox(key="year").value
    shown = {m.label: m.value for m in at.metric}
    records = one(database, "select count(*) from contributions where year(contributed_on) = $y", y=year)
    lent = one(
        database, "select sum(filled) from ill_activity where role = 'lending' and year(month) = $y", y=year
    )
    assert shown[t("overview.usage", lang, year=year)] == number(usage(database, year), lang)
    assert shown[t("overview.records", lang, year=year)] == number(records, lang)
    assert shown[t("overview.lent", lang, year=year)] == number(lent, lang)


def test_chinese_headlines_use_wan(first_run, monkeypatch):
    database, _ = first_run
    at = opened(database, monkeypatch, "overview", "zh")
    assert at.metric[0].value.endswith("万")
    assert at.metric[0].label.startswith("利用量")


def test_library_filter_narrows_the_figures(first_run, monkeypatch):
    database, _ = first_run
    at = app(database, monkeypatch)
    at.multiselect(key="libraries").set_value(["hangzhou", "ningbo"]).run()
    at.switch_page(page("uptake.py")).run()
    assert not at.exception
    assert at.metric[0].label == "Chosen libraries, 2025"
    assert at.metric[0].value == f"{usage(database, 2025, ('hangzhou', 'ningbo')):,}"
    assert at.metric[2].value == "2 of 2"


def test_filters_are_kept_across_pages(first_run, monkeypatch):
    database, _ = first_run
    at = app(database, monkeypatch)
    at.selectbox(key="year").set_value(2020).run()
    at.radio(key="lang").set_value("zh").run()
    at.switch_page(page("uptake.py")).run()
    at.switch_page(page("contributions.py")).run()
    assert at.title[0].value == t("nav.contributions", "zh")
    records = one(
        database,
        "select count(*) from contributions where role = 'original' and year(contributed_on) = 2020",
    )
    assert at.metric[0].label == "原编记录，2020年"
    assert at.metric[0].value == number(records, "zh")


def test_city_profile_is_the_library_s_own_figures(first_run, monkeypatch):
    database, _ = first_run
    at = opened(database, monkeypatch, "city", "en")
    at.selectbox(key="profile_library").set_value("shaoxing").run()
    assert not at.exception
    assert at.metric[0].value == f"{usage(database, 2025, ('shaoxing',)):,}"
    assert at.metric[0].delta.startswith("rank ")


def test_city_profile_of_a_library_without_data_that_year(first_run, monkeypatch):
    database, _ = first_run
    at = app(database, monkeypatch)
    at.selectbox(key="year").set_value(2016).run()
    at.switch_page(page("city.py")).run()
    at.selectbox(key="profile_library").set_value("wenzhou").run()  # joined in 2018: no usage in 2016
    assert not at.exception
    assert at.metric[0].value == "0"
    assert not at.metric[0].delta  # no rank for a library without a figure


def test_compare_sets_libraries_side_by_side(first_run, monkeypatch):
    database, _ = first_run
    at = opened(database, monkeypatch, "compare", "en")
    at.multiselect(key="compare_side_by_side").set_value(["huzhou", "lishui", "quzhou"]).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["Huzhou", "Lishui", "Quzhou"]
    assert table.loc["Usage", "Lishui"] == f"{usage(database, 2025, ('lishui',)):,}"


def test_compare_one_against_its_peers(first_run, monkeypatch):
    """The same statistic as the city profile's peer line: the median of the other cities."""
    database, _ = first_run
    at = opened(database, monkeypatch, "compare", "en")
    at.radio(key="compare_mode").set_value("peers").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["Hangzhou", "Median of the other cities"]
    others = [
        usage(database, 2025, (code,))
        for code in (
            "ningbo",
            "wenzhou",
            "jiaxing",
            "huzhou",
            "shaoxing",
            "jinhua",
            "quzhou",
            "zhoushan",
            "taizhou",
            "lishui",
        )
    ]
    assert table.loc["Usage", "Median of the other cities"] == f"{statistics.median(others):,.0f}"


def test_coverage_lists_every_imported_file(first_run, monkeypatch):
    database, _ = first_run
    at = opened(database, monkeypatch, "coverage", "en")
    history = next(frame.value for frame in at.dataframe if "Imported" in frame.value.columns)
    assert len(history) == one(database, "select count(*) from imports")
    warnings = next(frame.value for frame in at.dataframe if "Warning" in frame.value.columns)
    assert len(warnings) == one(database, "select sum(len(warnings)) from imports")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_services_headlines_are_the_stored_sums(first_run, monkeypatch, lang):
    database, _ = first_run
    at = opened(database, monkeypatch, "services", lang)
    lent = one(database, "select sum(filled) from ill_activity where role = 'lending' and year(month) = 2025")
    borrowed = one(
        database, "select sum(filled) from ill_activity where role = 'borrowing' and year(month) = 2025"
    )
    assert at.metric[0].label == t("services.lent", lang, year=2025)
    assert at.metric[0].value == number(lent, lang)
    assert at.metric[1].value == number(borrowed, lang)
