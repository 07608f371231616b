"""Comparisons a director can defend on stage, as the pages show them (AppTest on the sample).

Each test holds a page to what it compares: the same libraries over the same
months for a change on the year before, peers who were members in that month,
cities ranked with cities (equal values, equal ranks), axes from zero, and
controls that do what they say. Expected figures are summed here from the stored
rows, not through the pages' own functions.
"""

from __future__ import annotations

import base64
import json
import statistics
from datetime import date

import duckdb
import numpy as np
import pytest

from coopdash.i18n import long_date, t
from coopdash.registry import Registry
from tests.conftest import PAGE_TITLES, app, page

EIGHT = ("wenzhou", "huzhou", "shaoxing", "jinhua", "quzhou", "zhoushan", "taizhou", "lishui")
EARLIER = ("hangzhou", "ningbo", "jiaxing")
SIGNING = "2018-12-05"


def plotted(values) -> list:
    """A trace's values as plotted: Plotly sends numeric arrays base64-encoded."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def figures(at) -> list[dict]:
    return [json.loads(element.proto.spec) for element in at.get("plotly_chart")]


def captions(at) -> str:
    return "\n".join(element.value for element in [*at.caption, *at.markdown, *at.info])


def rows(database, statement: str, **params) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(statement, params).fetchall()
    finally:
        con.close()


def opened(database, monkeypatch, name: str, lang: str = "en", **filters):
    at = app(database, monkeypatch)
    if lang != "en":
        at.radio(key="lang").set_value(lang).run()
    for key, value in filters.items():
        widget = at.radio(key=key) if key == "scale" else at.selectbox(key=key)
        widget.set_value(value).run()
    at.switch_page(page(f"{name}.py")).run()
    assert not at.exception, at.exception
    return at


def like_for_like_usage(database, year: int) -> tuple[float, float, set[str]]:
    """Full-text requests of the libraries with PR usage in both years, over the months both have."""
    paired = rows(
        database,
        """
        with monthly as (
            select library_code, month, sum(count) as total from usage
            where report_id = 'PR' and metric_type = 'Total_Item_Requests'
                and year(month) in ($year - 1, $year)
            group by all
        )
        select a.library_code, sum(a.total), sum(b.total)
        from monthly as a
        join monthly as b on b.library_code = a.library_code
            and month(b.month) = month(a.month) and year(b.month) = $year - 1
        where year(a.month) = $year
        group by a.library_code
        """,
        year=year,
    )
    return sum(r[1] for r in paired), sum(r[2] for r in paired), {r[0] for r in paired}


def raw_usage(database, year: int) -> int:
    return rows(
        database,
        "select sum(count) from usage where report_id = 'PR' and metric_type = 'Total_Item_Requests'"
        " and year(month) = $year",
        year=year,
    )[0][0]


# 1. Like for like ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_change_on_2018_compares_the_same_libraries_and_says_who_was_left_out(
    first_run, monkeypatch, lang
):
    database, _ = first_run
    at = opened(database, monkeypatch, "overview", lang, year=2019)
    current, previous, kept = like_for_like_usage(database, 2019)
    assert kept == {"zhejiang", *EARLIER}
    usage = at.metric[0]
    assert f"{current / previous - 1:+.1%}" in usage.delta  # not the raw +61.8 %
    raw = raw_usage(database, 2019) / raw_usage(database, 2018) - 1
    assert f"{raw:+.1%}" not in usage.delta
    words = captions(at)
    assert f"{raw:+.1%}" in words  # the raw change is there too, labelled as such
    labels = Registry.load().labels(lang)
    assert all(labels[code] in words for code in EIGHT)
    assert long_date(date(2018, 12, 5), lang) in words  # why: when they joined


def test_every_headline_change_is_like_for_like(first_run, monkeypatch):
    """Records and interlibrary loan too: the eight 2018 members have none for 2018."""
    database, _ = first_run
    at = opened(database, monkeypatch, "overview", "en", year=2019)
    borrowed = rows(
        database,
        """
        select
            sum(filled) filter (where year(month) = 2019 and library_code in ('zhejiang', 'hangzhou', 'ningbo', 'jiaxing')),
            sum(filled) filter (where year(month) = 2018)
        from ill_activity where role = 'borrowing'
        """,
    )[0]
    shown = {m.label: m.delta for m in at.metric}
    assert f"{borrowed[0] / borrowed[1] - 1:+.1%}" in shown["ILL borrowed, 2019"]


def test_the_change_chart_shows_every_library_with_the_reason_for_those_without(first_run, monkeypatch):
    database, _ = first_run
    at = opened(database, monkeypatch, "uptake", "en", year=2019)
    growth = next(spec for spec in figures(at) if spec["layout"].get("xaxis", {}).get("tickformat") == "+.0%")
    names = [name for trace in growth["data"] for name in plotted(trace["y"])]
    assert sorted(names) == sorted(Registry.load().labels("en").values())
    reasons = " ".join(str(text) for trace in growth["data"] for text in plotted(trace.get("text", [])))
    assert reasons.count("joined 5 December 2018") == len(EIGHT)


# 2. Peers who were members then -----------------------------------------------------------------


def per_10k_by_month(database, month: str) -> dict[str, float]:
    return dict(
        rows(
            database,
            """
            select u.library_code, sum(u.count) * 10000.0 / any_value(l.population)
            from usage as u join libraries as l on l.code = u.library_code
            where u.report_id = 'PR' and u.metric_type = 'Total_Item_Requests' and u.month = cast($month as date)
                and l.level = 'city'
            group by u.library_code
            """,
            month=month,
        )
    )


def peer_trace(spec: dict) -> dict:
    return next(trace for trace in spec["data"] if trace.get("line", {}).get("dash") == "dash")


def test_the_peer_line_counts_the_members_of_each_month_the_same_on_city_profile_and_compare(
    first_run, monkeypatch
):
    database, _ = first_run
    profile = opened(database, monkeypatch, "city", "en")
    profile.selectbox(key="profile_library").set_value("hangzhou").run()
    city_line = peer_trace(
        next(s for s in figures(profile) if any(tr.get("line", {}).get("dash") for tr in s["data"]))
    )
    compare = opened(database, monkeypatch, "compare", "en")
    compare.radio(key="compare_mode").set_value("peers").run()
    compare_line = peer_trace(figures(compare)[0])

    points = list(zip(plotted(city_line["x"]), plotted(city_line["y"]), city_line["customdata"], strict=True))
    drawn = {x[:7]: (y, n[0]) for x, y, n in points if y is not None and y == y}  # NaN: a gap in the line
    january = per_10k_by_month(database, "2019-01-01")
    others = [value for code, value in january.items() if code != "hangzhou"]
    assert len(others) == 10  # the eight who joined on 5 Dec 2018 were members in January 2019
    assert drawn["2019-01"] == (pytest.approx(statistics.median(others)), 10)
    december = per_10k_by_month(database, "2018-12-01")
    assert drawn["2018-12"] == (
        pytest.approx(statistics.median([december["ningbo"], december["jiaxing"]])),
        2,
    )
    # the line breaks where its group changes and says how many it counts from there
    between = [y for x, y, _ in points if "2018-12-01" < x[:10] < "2019-01-01"]
    assert len(between) == 1 and between[0] != between[0]
    trend = next(s for s in figures(profile) if any(tr.get("line", {}).get("dash") for tr in s["data"]))
    assert "10 cities" in [a["text"] for a in trend["layout"]["annotations"]]
    # Compare uses the same statistic over the same peers
    assert plotted(compare_line["y"]) == pytest.approx(plotted(city_line["y"]), nan_ok=True)
    assert "2 cities" in captions(profile) and "10 cities" in captions(profile)


# 3. Cities with cities, equal ranks --------------------------------------------------------------


def test_equal_values_get_equal_ranks_among_cities(first_run, monkeypatch):
    """Wenzhou and Lishui contributed 53 records each in 2025."""
    database, _ = first_run
    ranks = {}
    for code in ("wenzhou", "lishui"):
        at = opened(database, monkeypatch, "city", "en")
        at.selectbox(key="profile_library").set_value(code).run()
        records = next(m for m in at.metric if m.label == "Records out, 2025")
        assert records.value == "53"
        ranks[code] = records.delta
    assert ranks["wenzhou"] == ranks["lishui"]
    assert ranks["wenzhou"] == "rank 7 of 11 cities (tied)"  # the provincial library is not among them


def test_the_provincial_library_is_not_ranked_among_cities(first_run, monkeypatch):
    database, _ = first_run
    at = opened(database, monkeypatch, "uptake", "en")
    ranking = figures(at)[0]
    bottom_to_top = ranking["layout"]["yaxis"]["categoryarray"]
    cities = [lib.label("en") for lib in Registry.load().libraries.values() if lib.level == "city"]
    assert bottom_to_top[0] == "Zhejiang Library"  # below the line, apart
    assert sorted(name for name in bottom_to_top[1:] if name.strip()) == sorted(cities)
    assert [a["text"] for a in ranking["layout"]["annotations"]] == [t("rank.apart", "en", level="cities")]
    assert ranking["layout"]["shapes"][0]["y0"] == 0.5  # the line between the two
    profile = opened(database, monkeypatch, "city", "en")
    profile.selectbox(key="profile_library").set_value("zhejiang").run()
    assert all("of 11" not in (m.delta or "") and "of 12" not in (m.delta or "") for m in profile.metric)


# 4. Honest axes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [name for name in PAGE_TITLES if name != "coverage"])
def test_counts_and_rates_are_drawn_from_zero(first_run, monkeypatch, name):
    database, _ = first_run
    at = opened(database, monkeypatch, name, "en")
    for spec in figures(at):
        for trace in spec["data"]:
            if (
                trace.get("type") == "scatter"
                and "lines" in str(trace.get("mode", ""))
                and not trace.get("fill")
            ):
                axis = "yaxis" + trace.get("yaxis", "y")[1:]
                settings = spec["layout"].get(axis, {})
                starts_at_zero = settings.get("rangemode") == "tozero" or (
                    settings.get("range") and settings["range"][0] <= 0
                )
                assert starts_at_zero, (name, trace.get("name"))


# 5. Controls that do what they say ---------------------------------------------------------------


def shown(at) -> tuple[list[str], list[str]]:
    """What the page shows: each chart's data and axes, each headline's value."""
    charts = [json.dumps([spec["data"], spec["layout"].get("xaxis")], sort_keys=True) for spec in figures(at)]
    return charts, [m.value for m in at.metric]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", list(PAGE_TITLES))
def test_the_per_10k_switch_changes_every_count_or_says_why_not(first_run, monkeypatch, name, lang):
    database, _ = first_run
    total = opened(database, monkeypatch, name, lang)
    scaled = opened(database, monkeypatch, name, lang, scale="per_10k")
    charts_total, metrics_total = shown(total)
    charts_scaled, metrics_scaled = shown(scaled)
    assert len(charts_total) == len(charts_scaled)
    unchanged = sum(a == b for a, b in zip(charts_total, charts_scaled, strict=True))
    notes = captions(scaled).count(t("scale.not_applied", lang, why="").strip())
    if t("scale.not_on_page", lang) not in captions(scaled):  # or the page says the switch is not for it
        assert unchanged == notes, (name, unchanged, notes)  # each chart the switch leaves alone says why
    if name in ("overview", "contributions", "services", "city"):
        assert metrics_total[0] != metrics_scaled[0]


def test_latest_local_documents_follow_the_year(first_run, monkeypatch):
    database, _ = first_run
    at = opened(database, monkeypatch, "contributions", "en", year=2020)
    latest = next(frame.value for frame in at.dataframe if "Recognised as local by" in frame.value.columns)
    assert len(latest) > 0
    assert set(latest["Month"].str[:4]) == {"2020"}


def test_compare_keeps_the_chosen_libraries_when_switching_mode(first_run, monkeypatch):
    database, _ = first_run
    at = opened(database, monkeypatch, "compare", "en")
    at.multiselect(key="compare_side_by_side").set_value(["huzhou", "lishui"]).run()
    at.radio(key="compare_mode").set_value("peers").run()
    assert list(at.dataframe[0].value.columns)[0] == "Huzhou"
    at.radio(key="compare_mode").set_value("side_by_side").run()
    assert list(at.dataframe[0].value.columns) == ["Huzhou", "Lishui"]


@pytest.mark.parametrize("mode", ["side_by_side", "peers"])
def test_compare_caption_says_what_is_drawn(first_run, monkeypatch, mode):
    database, _ = first_run
    at = opened(database, monkeypatch, "compare", "en")
    at.radio(key="compare_mode").set_value(mode).run()
    dashed = any(trace.get("line", {}).get("dash") == "dash" for trace in figures(at)[0]["data"])
    assert dashed == (mode == "peers")
    assert ("dashed" in captions(at)) == dashed
