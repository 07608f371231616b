"""Uptake of global resources: the figures the first page shows, as DataFrames.

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


@dataclass(frozen=True)
class Measure:
    metric: str
    family: str  # the report family it is counted from: PR, DR, TR or IR
    label: str
    note: str

    @property
    def reports(self) -> tuple[str, ...]:
        return counter_spec.FAMILIES[self.family]


MEASURES = {
    m.metric: m
    for m in (
        Measure(
            "Total_Item_Requests",
            "PR",
            "Full-text requests (Total_Item_Requests)",
            "every time a reader opened or downloaded the content of an item",
        ),
        Measure(
            "Unique_Item_Requests",
            "PR",
            "Items requested (Unique_Item_Requests)",
            "an item opened several times in one session counts once",
        ),
        Measure(
            "Unique_Title_Requests",
            "PR",
            "Book titles requested (Unique_Title_Requests)",
            "a book counts once per session however many chapters were opened; "
            "the metric to compare Release 5 with Release 5.1",
        ),
        Measure(
            "Total_Item_Investigations",
            "PR",
            "Items viewed (Total_Item_Investigations)",
            "every view of an item or its description, requests included",
        ),
        Measure(
            "Searches_Platform",
            "PR",
            "Platform searches (Searches_Platform)",
            "searches run on a platform, however many databases each covered",
        ),
        Measure(
            "Searches_Regular",
            "DR",
            "Database searches (Searches_Regular)",
            "searches a reader ran in a chosen database",
        ),
        Measure(
            "No_License",
            "DR",
            "Turned away: no licence (No_License)",
            "attempts to use a database the library does not license: unmet demand",
        ),
        Measure(
            "Limit_Exceeded",
            "DR",
            "Turned away: user limit (Limit_Exceeded)",
            "attempts refused because the licence's simultaneous users were all in use",
        ),
    )
}
DEFAULT_METRIC = "Total_Item_Requests"


def how_computed(measure: Measure) -> str:
    """The note under a chart: which metric, from which report, by which rule."""
    views = ", ".join(measure.reports[1:])
    return (
        f"{measure.metric}: {measure.note}. Counted from the COUNTER {measure.family} report"
        + (
            f" (or its views {views}: for each library, platform and month the first present)"
            if views
            else ""
        )
        + "; never summed with the same metric from another report family, which would count the same use "
        "twice. Per 10,000 residents uses the population in the member registry."
    )


def usage_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [int(year) for year, _ in sql.rows(con, "usage_years")]


def uptake_by_city(con: duckdb.DuckDBPyConnection, year: int, metric: str) -> pd.DataFrame:
    measure = MEASURES[metric]
    return sql.df(con, "uptake_by_city", year=year, metric=metric, family=measure.family)


def monthly_uptake(con: duckdb.DuckDBPyConnection, metric: str) -> pd.DataFrame:
    measure = MEASURES[metric]
    return sql.df(con, "monthly_uptake", metric=metric, family=measure.family)


def files_behind(con: duckdb.DuckDBPyConnection, year: int, metric: str) -> pd.DataFrame:
    measure = MEASURES[metric]
    return sql.df(con, "files_behind_uptake", year=year, reports=list(measure.reports))


def population_served(table: pd.DataFrame) -> int:
    """The residents the consortium serves: the province-level member's population if
    there is one (its cities lie within it), else the members' populations added up."""
    top = table[table.level == "province"]
    if not top.empty and top.population.notna().all():
        return int(top.population.max())
    return int(table.population.fillna(0).sum())


def change_text(current: float, previous: float | None) -> str | None:
    """'+12.3 % on last year', or None when there is nothing to compare with."""
    if previous is None or pd.isna(previous) or previous == 0:
        return None
    return f"{(current - previous) / previous:+.1%} on last year"


def table_for_display(table: pd.DataFrame) -> pd.DataFrame:
    shown = table[
        [
            "label_en",
            "name_zh",
            "population",
            "total",
            "per_10k_residents",
            "months_with_usage",
            "previous_total",
        ]
    ]
    return shown.rename(
        columns={
            "label_en": "City / library",
            "name_zh": "Library (Chinese)",
            "population": "Residents",
            "total": "Total",
            "per_10k_residents": "Per 10,000 residents",
            "months_with_usage": "Months with usage",
            "previous_total": "Previous year",
        }
    )
