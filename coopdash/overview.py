"""The overview's figures: the year's headline numbers, the map's values, the two-way picture per city."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from coopdash import comparison, peers, sql, uptake
from coopdash.comparison import Change
from coopdash.scale import PER, population_served, scaled

MAP_MEASURES = ("usage", "records", "local_documents", "lent")
HEADLINES = ("usage", "records", "lent", "borrowed")


@dataclass(frozen=True)
class Headline:
    key: str  # usage, records, lent, borrowed
    value: (
        float | None
    )  # the year's figure: every chosen library, every month (per 10,000 residents if asked)
    change: Change  # against the year before, like for like


def records_months(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    return sql.df(con, "records_months_of_two_years", year=year)


def ill_months(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    return sql.df(con, "ill_months_of_two_years", year=year)


def year_changes(
    con: duckdb.DuckDBPyConnection, year: int, metric: str, libraries: tuple[str, ...]
) -> dict[str, Change]:
    """The four headline figures of the `libraries` (all when none) against the year before, like for like."""
    return changes(
        uptake.usage_months(con, year, metric),
        records_months(con, year),
        ill_months(con, year),
        peers.member_dates(con, libraries),
        year,
    )


def changes(
    usage: pd.DataFrame, records: pd.DataFrame, ill: pd.DataFrame, members: pd.DataFrame, year: int
) -> dict[str, Change]:
    """The four headline figures against the year before, like for like, over the libraries of `members`.

    Each monthly frame holds every member; only the libraries of `members` (the
    chosen ones) are compared.
    """
    chosen = set(members.library_code)

    def of(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        frame = frame[frame.library_code.isin(chosen)]
        return frame[["library_code", "month"]].assign(value=frame[column])

    return {
        "usage": comparison.year_on_year(of(usage, "value"), members, year),
        "records": comparison.year_on_year(of(records, "value"), members, year, whole_years=True),
        "lent": comparison.year_on_year(of(ill, "lending_filled"), members, year),
        "borrowed": comparison.year_on_year(of(ill, "borrowing_filled"), members, year),
    }


def headlines(changes: dict[str, Change], members: pd.DataFrame, per_capita: bool) -> list[Headline]:
    """The year's figures, per 10,000 residents served by the chosen libraries when asked."""
    served = population_served(members)
    return [
        Headline(
            key,
            (changes[key].raw_current * PER / served if served else None)
            if per_capita
            else changes[key].raw_current,
            changes[key],
        )
        for key in HEADLINES
    ]


def map_values(
    usage: pd.DataFrame, records: pd.DataFrame, ill: pd.DataFrame, measure: str, per_capita: bool, lang: str
) -> pd.DataFrame:
    """One value per city library (its adcode places it on the map); NaN where it has none."""
    cities = usage[usage.level == "city"][["library_code", "adcode", f"label_{lang}", "population", "total"]]
    frame = cities.merge(
        records[["library_code", "total", "local_documents"]],
        on="library_code",
        how="left",
        suffixes=("", "_records"),
    )
    frame = frame.merge(ill[["library_code", "lending_filled"]], on="library_code", how="left")
    column = {
        "usage": "total",
        "records": "total_records",
        "local_documents": "local_documents",
        "lent": "lending_filled",
    }[measure]
    frame = frame.assign(value=frame[column].astype(float).where(frame[column] > 0))
    frame = scaled(frame, ["value"], per_capita)
    return pd.DataFrame({"adcode": frame.adcode, "name": frame[f"label_{lang}"], "value": frame.value})


def two_way_table(usage: pd.DataFrame, records: pd.DataFrame, per_capita: bool) -> pd.DataFrame:
    """Per library with usage or records: use in, records contributed out, in the chosen scale."""
    both = usage.merge(
        records[["library_code", "total"]].rename(columns={"total": "records"}), on="library_code"
    )
    both = both[(both.total > 0) | (both.records > 0)].rename(columns={"total": "uses"})
    return scaled(both.astype({"uses": float, "records": float}), ["uses", "records"], per_capita)
