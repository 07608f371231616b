"""The overview's figures: the year's headline numbers, the map's values, the two-way picture per city."""

from __future__ import annotations

import pandas as pd

from coopdash.uptake import population_served

MAP_MEASURES = ("usage_per_10k", "usage", "records", "local_documents", "lent")


def headline(
    usage: pd.DataFrame,
    records: pd.DataFrame,
    records_before: pd.DataFrame,
    ill: pd.DataFrame,
    ill_before: pd.DataFrame,
) -> list[tuple[str, float, float | None, int]]:
    """(label key, this year, the year before, decimals) for the five headline figures."""
    served = population_served(usage)
    total, previous = usage.total.sum(), usage.previous_total.sum()
    return [
        ("usage", int(total), previous or None, 0),
        (
            "per_10k",
            total * 10000 / served if served else None,
            previous * 10000 / served if served else None,
            1,
        ),
        ("records", int(records.total.sum()), int(records_before.total.sum()) or None, 0),
        ("lent", int(ill.lending_filled.sum()), int(ill_before.lending_filled.sum()) or None, 0),
        ("borrowed", int(ill.borrowing_filled.sum()), int(ill_before.borrowing_filled.sum()) or None, 0),
    ]


def map_values(
    usage: pd.DataFrame, records: pd.DataFrame, ill: pd.DataFrame, measure: str, lang: str
) -> pd.DataFrame:
    """One value per city library (its adcode places it on the map); NaN where it has none."""
    cities = usage[usage.level == "city"][
        ["library_code", "adcode", f"label_{lang}", "total", "per_10k_residents"]
    ]
    frame = cities.merge(
        records[["library_code", "total", "local_documents"]],
        on="library_code",
        how="left",
        suffixes=("", "_records"),
    )
    frame = frame.merge(ill[["library_code", "lending_filled"]], on="library_code", how="left")
    column = {
        "usage_per_10k": "per_10k_residents",
        "usage": "total",
        "records": "total_records",
        "local_documents": "local_documents",
        "lent": "lending_filled",
    }[measure]
    values = frame[column].astype(float).where(frame[column] > 0)
    return pd.DataFrame({"adcode": frame.adcode, "name": frame[f"label_{lang}"], "value": values})


def two_way_table(usage: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """Per library with usage or records: use per 10,000 residents in, records contributed out."""
    both = usage.merge(
        records[["library_code", "total"]].rename(columns={"total": "records"}), on="library_code"
    )
    return both[(both.total > 0) | (both.records > 0)].fillna({"per_10k_residents": 0})
