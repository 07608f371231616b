"""Uptake of global resources: the usage figures every page shows, as DataFrames.

Which report family a metric is counted from is decided here, once: PR (the
platform report, or its view PR_P1) for the item metrics and platform searches,
DR (the database report or its views) for database searches and denials. A metric
is never summed across report families.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from coopdash import comparison, counter_spec, peers, sql
from coopdash.i18n import t


@dataclass(frozen=True)
class Measure:
    metric: str
    family: str  # the report family it is counted from: PR, DR, TR or IR

    @property
    def reports(self) -> tuple[str, ...]:
        return counter_spec.FAMILIES[self.family]


MEASURES = {
    m.metric: m
    for m in (
        Measure("Total_Item_Requests", "PR"),
        Measure("Unique_Item_Requests", "PR"),
        Measure("Unique_Title_Requests", "PR"),
        Measure("Total_Item_Investigations", "PR"),
        Measure("Searches_Platform", "PR"),
        Measure("Searches_Regular", "DR"),
        Measure("No_License", "DR"),
        Measure("Limit_Exceeded", "DR"),
    )
}
DEFAULT_METRIC = "Total_Item_Requests"
# Title reports carry the item metrics; for the others the top titles are ranked by full-text requests.
TITLE_METRICS = (
    "Total_Item_Requests",
    "Unique_Item_Requests",
    "Unique_Title_Requests",
    "Total_Item_Investigations",
)
DENIALS = ("No_License", "Limit_Exceeded")


def how_computed(measure: Measure, lang: str) -> str:
    """The note under a chart: which metric, from which report, by which rule."""
    views = ", ".join(measure.reports[1:])
    return t(
        "how.uptake_views" if views else "how.uptake",
        lang,
        metric=measure.metric,
        note=t(f"metric_note.{measure.metric}", lang),
        family=measure.family,
        views=views,
    )


def usage_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [int(year) for year, _ in sql.rows(con, "usage_years")]


def uptake_by_city(con: duckdb.DuckDBPyConnection, year: int, metric: str) -> pd.DataFrame:
    """Every member with its total, per 10,000 residents, and last year's total (raw: the change on the
    year before is coopdash.comparison's, like for like)."""
    return sql.df(con, "uptake_by_city", year=year, metric=metric, family=MEASURES[metric].family)


def monthly_uptake(con: duckdb.DuckDBPyConnection, metric: str) -> pd.DataFrame:
    measure = MEASURES[metric]
    return sql.df(con, "monthly_uptake", metric=metric, family=measure.family)


def monthly_total(con: duckdb.DuckDBPyConnection, metric: str, libraries: tuple[str, ...]) -> pd.DataFrame:
    measure = MEASURES[metric]
    return sql.df(
        con, "monthly_uptake_total", metric=metric, family=measure.family, libraries=list(libraries)
    )


def files_behind(con: duckdb.DuckDBPyConnection, year: int, metric: str) -> pd.DataFrame:
    measure = MEASURES[metric]
    return sql.df(con, "files_behind_uptake", year=year, reports=list(measure.reports))


def breakdown(
    con: duckdb.DuckDBPyConnection, year: int, metric: str, dimension: str, libraries: tuple[str, ...]
) -> pd.DataFrame:
    """Usage by platform, database or data type; adds up to the libraries' total for the year."""
    measure = MEASURES[metric]
    return sql.df(
        con,
        "uptake_breakdown",
        year=year,
        metric=metric,
        reports=list(measure.reports),
        dimension=dimension,
        libraries=list(libraries),
    )


def title_metric(metric: str) -> str:
    return metric if metric in TITLE_METRICS else DEFAULT_METRIC


def top_titles(
    con: duckdb.DuckDBPyConnection, year: int, metric: str, libraries: tuple[str, ...], limit: int = 15
) -> pd.DataFrame:
    return sql.df(
        con,
        "top_titles",
        year=year,
        metric=title_metric(metric),
        reports=list(counter_spec.FAMILIES["TR"]),
        libraries=list(libraries),
        limit=limit,
    )


def denials(con: duckdb.DuckDBPyConnection, year: int, libraries: tuple[str, ...]) -> pd.DataFrame:
    return sql.df(
        con,
        "denials_by_database",
        year=year,
        reports=list(counter_spec.FAMILIES["DR"]),
        libraries=list(libraries),
    )


def per_10k(monthly: pd.DataFrame) -> pd.DataFrame:
    """Monthly totals as usage per 10,000 residents of each library's city (counted by the query)."""
    return monthly.assign(total=monthly.per_10k_residents)


def usage_months(con: duckdb.DuckDBPyConnection, year: int, metric: str) -> pd.DataFrame:
    """Per library, each month of `year` and the year before its reports cover, with its use (zero included)."""
    return sql.df(con, "usage_months_of_two_years", year=year, metric=metric, family=MEASURES[metric].family)


def usage_changes(
    con: duckdb.DuckDBPyConnection, year: int, metric: str, libraries: tuple[str, ...]
) -> pd.DataFrame:
    """Each library's (of `libraries`, or every member's) change on the year before, like for like,
    or why it has none (coopdash.comparison.library_changes)."""
    return comparison.library_changes(
        usage_months(con, year, metric), peers.member_dates(con, libraries), year
    )


def table_for_display(table: pd.DataFrame, value: str, lang: str) -> pd.DataFrame:
    """The ranking as a table: each library's rank among its level on `value` (equal values, equal ranks)."""
    ranks = pd.concat(
        [peers.competition_ranks(part[value]) for _, part in table.groupby("level", sort=False)]
    ).reindex(table.index)
    shown = table.assign(
        rank=[f"{int(r)}" if pd.notna(r) else "–" for r in ranks],
        level=[t(f"level.{level}", lang) for level in table.level],
    )[
        [
            f"label_{lang}",
            "level",
            "rank",
            "population",
            "total",
            "per_10k_residents",
            "months_with_usage",
            "previous_total",
        ]
    ]
    return shown.assign(per_10k_residents=shown.per_10k_residents.round(1)).rename(
        columns={
            f"label_{lang}": t("column.library", lang),
            "level": t("column.level", lang),
            "rank": t("column.rank", lang),
            "population": t("column.residents", lang),
            "total": t("column.total", lang),
            "per_10k_residents": t("scale.per_10k", lang),
            "months_with_usage": t("column.months_with_usage", lang),
            "previous_total": t("column.previous_year", lang),
        }
    )


def titles_for_display(titles: pd.DataFrame, lang: str) -> pd.DataFrame:
    return titles[["title", "publisher", "data_type", "total", "libraries"]].rename(
        columns={
            "title": t("column.title", lang),
            "publisher": t("column.publisher", lang),
            "data_type": t("column.data_type", lang),
            "total": t("column.total", lang),
            "libraries": t("column.libraries", lang),
        }
    )
