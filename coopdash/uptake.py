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

from coopdash import counter_spec, sql
from coopdash.i18n import long_date, t


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
    """Every member with its total, per 10,000 residents, and growth on the year before."""
    measure = MEASURES[metric]
    frame = sql.df(con, "uptake_by_city", year=year, metric=metric, family=measure.family)
    frame["growth"] = frame.total / frame.previous_total.where(frame.previous_total > 0) - 1
    return frame


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


def cohorts(monthly: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Usage per 10,000 residents per month for each group of city libraries that joined together.

    A group is the libraries with the same join date (or, where only a bound is
    known, joined before the same date); its rate is its usage over its residents,
    so a group of large cities and one of small cities compare fairly. Only months
    in which every library of the group reported usage count, and only months
    all groups share, so both lines cover the same months.
    """
    cities = members[(members.level == "city") & members.population.gt(0)].copy()
    cities["cohort"] = [
        ("on", joined) if pd.notna(joined) else ("before", before)
        for joined, before in zip(cities.joined_on, cities.joined_before, strict=True)
    ]
    cities = cities[[not (kind == "before" and pd.isna(day)) for kind, day in cities.cohort]]
    usage = monthly.merge(cities[["library_code", "cohort", "population"]], on="library_code")
    size = cities.groupby("cohort").size()
    grouped = usage.groupby(["cohort", "month"]).agg(
        total=("total", "sum"), population=("population", "sum"), reporting=("library_code", "nunique")
    )
    grouped = grouped[grouped.reporting == grouped.index.get_level_values("cohort").map(size)].reset_index()
    shared = grouped.groupby("month").cohort.nunique()
    grouped = grouped[grouped.month.map(shared) == len(size)]
    grouped["per_10k_residents"] = grouped.total * 10000 / grouped.population
    grouped["kind"] = [kind for kind, _ in grouped.cohort]
    grouped["date"] = [day for _, day in grouped.cohort]
    grouped["libraries"] = grouped.cohort.map(size)
    return grouped.drop(columns="cohort").sort_values(["date", "kind", "month"]).reset_index(drop=True)


def cohort_label(kind: str, day, libraries: int, lang: str) -> str:
    return t(f"cohort.{kind}", lang, date=long_date(day, lang), libraries=libraries)


def population_served(table: pd.DataFrame) -> int:
    """The residents the consortium serves: the province-level members' populations if
    there are any (their cities lie within them), else the members' populations added up."""
    top = table[table.level == "province"]
    if not top.empty and top.population.notna().all():
        return int(top.population.sum())
    return int(table.population.fillna(0).sum())


def cohort_summary(groups: pd.DataFrame, names: dict[tuple, str], lang: str) -> pd.DataFrame:
    """Per group: the rate in its first and its latest full year of the shared months, and the growth."""
    groups = groups.assign(year=groups.month.dt.year)
    full = groups.groupby(["kind", "date", "year"]).filter(lambda part: len(part) == 12)
    yearly = full.groupby(["kind", "date", "year"]).agg(
        total=("total", "sum"), population=("population", "mean")
    )
    yearly["rate"] = yearly.total * 10000 / yearly.population
    rows = []
    for (kind, day), part in yearly.groupby(level=["kind", "date"]):
        first, last = part.iloc[0], part.iloc[-1]
        first_year, last_year = part.index[0][2], part.index[-1][2]
        rows.append(
            {
                t("column.group", lang): names[(kind, day)],
                t("column.rate_in", lang, year=first_year): round(first.rate, 1),
                t("column.rate_in", lang, year=last_year): round(last.rate, 1),
                t("column.growth", lang): f"{last.rate / first.rate - 1:+.0%}" if first.rate else "–",
            }
        )
    return pd.DataFrame(rows)


def table_for_display(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    shown = table[
        [f"label_{lang}", "population", "total", "per_10k_residents", "months_with_usage", "previous_total"]
    ]
    return shown.assign(per_10k_residents=shown.per_10k_residents.round(1)).rename(
        columns={
            f"label_{lang}": t("column.library", lang),
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
