"""The core of fair comparisons (coopdash.comparison, peers, story), on small frames and on the sample."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from coopdash import comparison, peers, story, uptake
from coopdash.i18n import t
from coopdash.registry import Registry


def members(*rows) -> pd.DataFrame:
    """(code, level, joined_on, joined_before, population) rows as the registry's frame has them."""
    return pd.DataFrame(
        [
            {
                "library_code": code,
                "level": level,
                "joined_on": on,
                "joined_before": before,
                "population": people,
            }
            for code, level, on, before, people in rows
        ]
    )


def months(code: str, first: str, last: str, value: float = 10.0) -> pd.DataFrame:
    span = pd.date_range(first, last, freq="MS")
    return pd.DataFrame({"library_code": code, "month": span, "value": value})


# Ranks ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([60, 53, 53, 10], [1, 2, 2, 4]),
        ([5, 5, 5], [1, 1, 1]),
        ([7, None, 0, 7], [1, None, None, 1]),  # no figure, or none above zero: no rank
        ([1.5, 2.5, 2.5, 0.5], [3, 1, 1, 4]),
    ],
)
def test_equal_values_share_a_competition_rank(values, expected):
    ranks = peers.competition_ranks(pd.Series(values, dtype=float))
    assert [None if pd.isna(r) else int(r) for r in ranks] == expected


def test_a_rank_is_among_the_libraries_of_the_same_level():
    table = pd.DataFrame(
        {
            "library_code": ["province", "a", "b", "c", "d"],
            "level": ["province", "city", "city", "city", "city"],
            "records": [900, 60, 53, 53, 10],
        }
    )
    wenzhou = peers.rank_within_level(table, "b", "records")
    assert (wenzhou.rank, wenzhou.of, wenzhou.tied) == (2, 4, True)
    assert wenzhou.text("en") == "rank 2 of 4 cities (tied)"
    assert wenzhou.text("zh") == "在 4 个城市中排名第 2（并列）"
    assert peers.rank_within_level(table, "a", "records").rank == 1  # not second, behind the province
    assert peers.rank_within_level(table, "province", "records").of == 1


def test_the_ranked_level_is_the_one_with_most_libraries():
    table = pd.DataFrame({"library_code": list("pabc"), "level": ["province", "city", "city", "city"]})
    cities, apart = peers.split_levels(table)
    assert list(cities.library_code) == ["a", "b", "c"]
    assert list(apart.library_code) == ["p"]


# Membership and peers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("joined", "first"),
    [
        (date(2018, 12, 5), "2019-01-01"),  # a member for the whole of January, not of December
        (date(2019, 3, 1), "2019-03-01"),
        (None, None),  # only "joined before" known: counted whenever it has figures
    ],
)
def test_a_library_counts_as_a_member_from_the_first_whole_month(joined, first):
    found = peers.first_member_month(joined)
    assert (found if found is None else str(found.date())) == first


def test_the_peer_line_counts_only_the_libraries_that_were_members_that_month():
    registry = members(
        ("me", "city", None, date(2018, 12, 5), 100),
        ("early", "city", None, date(2018, 12, 5), 100),
        ("late", "city", date(2019, 6, 10), None, 100),  # reported from January, joined in June
        ("province", "province", None, date(2019, 1, 1), 1000),
    )
    monthly = pd.concat(
        [
            months("me", "2019-01-01", "2019-12-01", 50),
            months("early", "2019-01-01", "2019-12-01", 40),
            months("late", "2019-01-01", "2019-12-01", 1),
            months("province", "2019-01-01", "2019-12-01", 1000),
        ]
    )
    line = peers.peer_line(monthly, registry, ["me"]).set_index("month")
    assert line.loc["2019-02-01"].value == 40 and line.loc["2019-02-01"].peers == 1  # not yet a member
    assert line.loc["2019-07-01"].value == pytest.approx(20.5) and line.loc["2019-07-01"].peers == 2
    assert (
        peers.peer_runs_text(line.reset_index(), "city", "en")
        == "1 cities from Jan 2019, 2 cities from Jul 2019"
    )


def test_the_provincial_library_has_no_city_peers():
    registry = members(("province", "province", None, None, 1000), ("a", "city", None, None, 10))
    monthly = pd.concat(
        [months("province", "2019-01-01", "2019-03-01"), months("a", "2019-01-01", "2019-03-01")]
    )
    assert peers.peer_line(monthly, registry, ["province"]).empty


def test_the_peer_figure_of_a_year_is_the_median_of_members_all_year():
    registry = members(
        ("me", "city", None, None, 1),
        ("b", "city", None, None, 1),
        ("c", "city", None, None, 1),
        ("d", "city", None, None, 1),
        ("new", "city", date(2019, 5, 1), None, 1),
    )
    table = pd.DataFrame({"library_code": ["me", "b", "c", "d", "new"], "usage": [1, 10, 20, 90, 0.5]})
    assert peers.peer_figure(table, registry, ["me"], "usage", 2019) == (20, 3)


# Like for like ----------------------------------------------------------------------------------


def test_a_change_compares_the_same_libraries_over_the_same_months():
    registry = members(
        ("steady", "city", None, date(2018, 12, 5), 1),
        ("joined", "city", date(2018, 12, 5), None, 1),
        ("gap", "city", None, None, 1),  # no report for March-December last year
        ("gone", "city", None, None, 1),
        ("none", "city", None, None, 1),
    )
    monthly = pd.concat(
        [
            months("steady", "2018-01-01", "2018-12-01", 10),
            months("steady", "2019-01-01", "2019-12-01", 11),
            months("joined", "2019-01-01", "2019-12-01", 100),
            months("gap", "2018-01-01", "2018-02-01", 5),
            months("gap", "2019-01-01", "2019-12-01", 6),
            months("gone", "2018-01-01", "2018-12-01", 7),
        ]
    )
    change = comparison.year_on_year(monthly, registry, 2019)
    assert change.kept == ("steady", "gap")
    assert (change.current, change.previous) == (11 * 12 + 6 * 2, 10 * 12 + 5 * 2)
    assert change.short == (("gap", 2),)
    assert {left.code: left.reason for left in change.left_out} == {
        "joined": "joined",
        "gone": "no_current",
        "none": "no_figures",
    }
    assert change.raw_change == pytest.approx((11 * 12 + 100 * 12 + 6 * 12) / (10 * 12 + 5 * 2 + 7 * 12) - 1)
    note = comparison.changes_note([("Usage", change)], {"joined": "Joinville"}, "en")
    assert "compares the 2 libraries" in note
    assert "Joinville (joined 5 December 2018: no figures for 2018)" in note
    assert "Raw change, every library and every month: Usage " in note
    assert "2018年12月5日加入，无2018年数据" in comparison.changes_note([("利用量", change)], {}, "zh")


def test_records_are_compared_over_the_same_months_of_whole_years():
    """A month without records is a month of none, not a missing report."""
    registry = members(("a", "city", None, None, 1), ("b", "city", None, None, 1))
    monthly = pd.DataFrame(
        {
            "library_code": ["a", "a", "a", "b"],
            "month": pd.to_datetime(["2018-03-01", "2018-11-01", "2019-06-01", "2019-02-01"]),
            "value": [4, 9, 5, 3],
        }
    )
    change = comparison.year_on_year(monthly, registry, 2019, whole_years=True)
    # 2019 reaches June, so 2018 counts January to June: 4, not 13
    assert (change.kept, change.current, change.previous) == (("a",), 5, 4)
    assert [left.code for left in change.left_out] == ["b"]


def test_the_2019_sample_compares_the_four_earlier_members(first_run):
    database, _ = first_run
    registry = Registry.load().frame()
    con = duckdb.connect(str(database), read_only=True)
    try:
        monthly = uptake.usage_months(con, 2019, "Total_Item_Requests")
        expected = con.execute(
            "select sum(count) filter (where year(month) = 2019), sum(count) filter (where year(month) = 2018)"
            " from usage where report_id = 'PR' and metric_type = 'Total_Item_Requests'"
            " and library_code in ('zhejiang', 'hangzhou', 'ningbo', 'jiaxing')"
        ).fetchone()
    finally:
        con.close()
    change = comparison.year_on_year(monthly, registry, 2019)
    assert sorted(change.kept) == ["hangzhou", "jiaxing", "ningbo", "zhejiang"]
    assert (change.current, change.previous) == expected
    assert {(left.reason, left.joined) for left in change.left_out} == {("joined", date(2018, 12, 5))}
    assert len(change.left_out) == 8
    assert f"{change.raw_change:+.1%}" == "+61.8%"  # what the overview used to call growth
    assert f"{change.change:+.1%}" == "+6.0%"


@pytest.mark.parametrize(
    ("current", "previous", "lang", "expected"),
    [
        (110, 100, "en", "+10.0% on 2024, like for like"),
        (90, 100, "zh", "较2024年 -10.0%（同口径）"),
        (5, 0, "en", None),  # nothing to compare with
    ],
)
def test_the_delta_under_a_headline_says_it_is_like_for_like(current, previous, lang, expected):
    change = comparison.Change(2025, current, previous, current, previous, ("a",), ())
    assert comparison.delta(change, lang) == expected


# The cooperation's own story --------------------------------------------------------------------


def test_each_city_is_counted_from_the_month_it_joined():
    registry = members(
        ("early", "city", None, date(2018, 12, 5), 10000),
        ("new", "city", date(2018, 12, 5), None, 10000),
        ("other", "city", date(2018, 12, 5), None, 10000),
        ("province", "province", None, date(2019, 1, 1), 1000000),
    )
    monthly = pd.concat(
        [
            months("early", "2016-01-01", "2020-12-01", 30),
            months("new", "2019-01-01", "2020-12-01", 10),
            months("other", "2019-01-01", "2020-12-01", 20),
            months("province", "2016-01-01", "2020-12-01", 99),
        ]
    ).rename(columns={"value": "total"})
    rows = story.since_joining(monthly, registry)
    assert set(rows.library_code) == {"early", "new", "other"}  # cities only
    first = rows.groupby("library_code").months_since.min()
    assert first.to_dict() == {"early": -35, "new": 1, "other": 1}  # the earlier member's baseline kept
    table = story.story_summary(rows, "en").set_index(t("column.group", "en"))
    assert table.loc["Joined 5 December 2018 (2 libraries)", "Months 1–12 after joining"] == "180.0" and (
        table.loc["Joined before 5 December 2018 (1 libraries)", "12 months before joining"] == "360.0"
    )
    assert table.loc["Joined 5 December 2018 (2 libraries)", "12 months before joining"] == "–"
