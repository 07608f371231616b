"""One library among its peers: its figures, its trend against its peers' median, side by side with others.

ISO 11620 warns that a raw league table between libraries misleads without
context, so a library is set against the median of its peers (coopdash.peers:
the other members of its level who were members at the time), per 10,000
residents where usage is compared.
"""

from __future__ import annotations

import pandas as pd

from coopdash import peers
from coopdash.i18n import number, t
from coopdash.scale import scaled


def first_city(libraries: dict) -> str:
    """The library a profile opens on: the first city library, else the first member."""
    return next((code for code, lib in libraries.items() if lib.level == "city"), next(iter(libraries)))


def with_peer_line(monthly: pd.DataFrame, members: pd.DataFrame, codes: list[str], against_peers: bool):
    """Monthly values of `codes` and, when asked, under peers.PEERS the peers' median with how many."""
    own = monthly[monthly.library_code.isin(codes)][["library_code", "month", "value"]]
    own = own.sort_values(["library_code", "month"])
    if not against_peers:
        return own.assign(peers=pd.NA), None
    line = peers.peer_line(monthly, members, codes)
    return pd.concat([own.assign(peers=pd.NA), line], ignore_index=True), line


def peer_label(level: str, lang: str) -> str:
    """'Median of the other cities'."""
    return t(f"peers.median.{level}", lang)


MEASURES = (
    "total",
    "per_10k_residents",
    "growth",
    "records",
    "local_share",
    "lending_filled",
    "borrowing_filled",
)
COUNTS = ("records", "lending_filled", "borrowing_filled")  # what the per-10,000 switch divides


def side_by_side(
    usage: pd.DataFrame,
    records: pd.DataFrame,
    ill: pd.DataFrame,
    growth: pd.DataFrame,
    members: pd.DataFrame,
    codes: list[str],
    year: int,
    *,
    with_peers: bool,
    per_capita: bool,
    lang: str,
) -> pd.DataFrame:
    """The same measures for each chosen library (and its peers' median), in columns.

    `growth` is comparison.library_changes: each library's like-for-like change.
    """
    joined = (
        usage.merge(
            records[["library_code", "total", "local_share"]].rename(columns={"total": "records"}),
            on="library_code",
        )
        .merge(ill[["library_code", "lending_filled", "borrowing_filled"]], on="library_code", how="left")
        .merge(growth[["library_code", "growth"]], on="library_code", how="left")
    )
    joined = scaled(joined.astype({column: float for column in COUNTS}), list(COUNTS), per_capita)
    names = {
        "total": t("compare.usage", lang),
        "per_10k_residents": t("scale.per_10k", lang),
        "growth": t("change.like_for_like_row", lang, previous=year - 1),
        "records": t("chart.records_contributed", lang),
        "local_share": t("contrib.local_plain", lang),
        "lending_filled": t("ill.lent", lang),
        "borrowing_filled": t("ill.borrowed", lang),
    }
    if per_capita:
        names |= {column: t("per_10k_of", lang, metric=names[column]) for column in COUNTS}
    columns = {}
    for code in codes:
        row = joined[joined.library_code == code]
        if not row.empty:
            columns[row.iloc[0][f"label_{lang}"]] = row.iloc[0][list(MEASURES)]
    if with_peers:
        level = peers.level_of(members, codes[0])
        columns[peer_label(level, lang)] = pd.Series(
            {measure: peers.peer_figure(joined, members, codes, measure, year)[0] for measure in MEASURES}
        )
    shown = {
        name: [_formatted(measure, values.get(measure), per_capita, lang) for measure in MEASURES]
        for name, values in columns.items()
    }
    return pd.DataFrame(shown, index=[names[measure] for measure in MEASURES])


def _formatted(measure: str, value, per_capita: bool, lang: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    if measure == "growth":
        return f"{value:+.1%}"
    if measure == "local_share":
        return f"{value:.0%}"
    decimals = 1 if measure == "per_10k_residents" else 2 if per_capita and measure in COUNTS else 0
    return number(float(value), lang, decimals)
