"""One library among its peers: its rank, its trend against the others' median, side by side with chosen peers.

ISO 11620 warns that a raw league table between libraries misleads without
context, so a library is set against the median (or average) of its peers, per
10,000 residents where usage is compared.
"""

from __future__ import annotations

import pandas as pd

from coopdash.i18n import number, t

PEERS = "__peers__"  # the library code under which a peer median or average is drawn


def first_city(libraries: dict) -> str:
    """The library a profile opens on: the first city library, else the first member."""
    return next((code for code, lib in libraries.items() if lib.level == "city"), next(iter(libraries)))


def rank(table: pd.DataFrame, code: str, column: str) -> tuple[int, int] | None:
    """(rank, out of) of one library on `column`, among the libraries that have a value; None if it has none."""
    ranked = table[table[column].notna() & (table[column] > 0)].sort_values(column, ascending=False)
    codes = list(ranked.library_code)
    return (codes.index(code) + 1, len(codes)) if code in codes else None


def against_peers(monthly: pd.DataFrame, codes: list[str], peers: list[str], how: str) -> pd.DataFrame:
    """Monthly values of `codes` and, under PEERS, the median or mean of the `peers` each month."""
    own = monthly[monthly.library_code.isin(codes)][["library_code", "month", "value"]]
    others = monthly[monthly.library_code.isin(peers)]
    reference = others.groupby("month", as_index=False)["value"].agg(how).assign(library_code=PEERS)
    return pd.concat([own, reference], ignore_index=True).sort_values(["library_code", "month"])


def side_by_side(
    usage: pd.DataFrame,
    records: pd.DataFrame,
    ill: pd.DataFrame,
    codes: list[str],
    with_peers: bool,
    lang: str,
) -> pd.DataFrame:
    """The same measures for each chosen library (and the average of the other city libraries), in columns."""
    joined = usage.merge(
        records[["library_code", "total", "local_share"]].rename(columns={"total": "records"}),
        on="library_code",
    ).merge(ill[["library_code", "lending_filled", "borrowing_filled"]], on="library_code", how="left")
    measures = {
        "total": t("compare.usage", lang),
        "per_10k_residents": t("scale.per_10k", lang),
        "growth": t("uptake.growth_axis", lang),
        "records": t("chart.records_contributed", lang),
        "local_share": t("contrib.local_plain", lang),
        "lending_filled": t("ill.lent", lang),
        "borrowing_filled": t("ill.borrowed", lang),
    }
    columns = {}
    for code in codes:
        row = joined[joined.library_code == code]
        if not row.empty:
            columns[row.iloc[0][f"label_{lang}"]] = row.iloc[0][list(measures)]
    if with_peers:
        peers = joined[(joined.level == "city") & ~joined.library_code.isin(codes)]
        columns[t("compare.peer_average", lang)] = peers[list(measures)].mean(numeric_only=True)
    shown = {
        name: [_formatted(measure, values.get(measure), lang) for measure in measures]
        for name, values in columns.items()
    }
    return pd.DataFrame(shown, index=list(measures.values()))


def _formatted(measure: str, value, lang: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    if measure == "growth":
        return f"{value:+.1%}"
    if measure == "local_share":
        return f"{value:.0%}"
    return number(float(value), lang, 1 if measure == "per_10k_residents" else 0)
