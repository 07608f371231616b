"""Who a library is compared with: members of its own level, who were members at the time, ranked fairly.

Pure functions over the registry's members (its `level`, `joined_on` and
`joined_before` columns) and query results, so a page, a slide and a printed
report say the same thing. The choices, once, here:

- Peers are the other members of the same level (a city library's peers are
  the other city libraries; the provincial library, which serves the whole
  province, is no city's peer), never decided from codes.
- A library counts as a member from the first whole month after it joined;
  where the registry knows only that it joined before some date, from its
  first figures (its reports are a member's reports).
- The peer statistic is the median, on every page: one very large or very
  small city does not move it, and it is a value some peer really had.
- Ranks are competition ranks: equal values share a rank and the next rank is
  skipped (1, 2, 2, 4), among the libraries of one level with a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from coopdash import sql
from coopdash.i18n import month as month_name
from coopdash.i18n import t
from coopdash.registry import LEVELS

STATISTIC = "median"
PEERS = "__peers__"  # the library code under which the peer line is drawn


def member_dates(con: duckdb.DuckDBPyConnection, libraries: tuple[str, ...] = ()) -> pd.DataFrame:
    """The members (those of `libraries`, or all) with level, residents and join dates, from the database."""
    frame = sql.df(con, "member_dates")
    frame["joined_on"] = [day.date() if pd.notna(day) else None for day in frame.joined_on]
    frame["joined_before"] = [day.date() if pd.notna(day) else None for day in frame.joined_before]
    return frame[frame.library_code.isin(libraries)] if libraries else frame


def first_member_month(joined_on: date | None) -> pd.Timestamp | None:
    """The first whole month a library was a member; None when no exact date is known."""
    if joined_on is None or pd.isna(joined_on):
        return None
    day = pd.Timestamp(joined_on)
    start = day.to_period("M").to_timestamp()
    return start if day == start else start + pd.offsets.MonthBegin(1)


def member_months(members: pd.DataFrame) -> dict[str, pd.Timestamp | None]:
    """Per library code, the first month it counts as a member (None: every month it has figures)."""
    return {
        code: first_member_month(joined)
        for code, joined in zip(members.library_code, members.joined_on, strict=True)
    }


def were_members(frame: pd.DataFrame, members: pd.DataFrame) -> pd.Series:
    """For rows with `library_code` and `month`: whether the library was a member in that month."""
    starts = pd.to_datetime(frame.library_code.map(member_months(members)))
    return starts.isna() | (pd.to_datetime(frame.month) >= starts)


def level_of(members: pd.DataFrame, code: str) -> str:
    return members.set_index("library_code").level[code]


def peer_codes(members: pd.DataFrame, codes: list[str]) -> list[str]:
    """The members of the same level as the first of `codes`, `codes` themselves left out."""
    level = level_of(members, codes[0])
    return [code for code in members[members.level == level].library_code if code not in codes]


def peer_line(monthly: pd.DataFrame, members: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Per month: the median `value` of the peers of `codes` who were members that month, and how many.

    `monthly` has library_code, month and value (per 10,000 residents: a peer line
    compares cities of different sizes).
    """
    candidates = monthly[monthly.library_code.isin(peer_codes(members, codes)) & monthly.value.notna()]
    counted = candidates[were_members(candidates, members)]
    line = counted.groupby("month", as_index=False).agg(
        value=("value", STATISTIC), peers=("library_code", "nunique")
    )
    return line.assign(library_code=PEERS)


def peer_runs(line: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp, int]]:
    """The stretches of months in which the peer line counts the same number of libraries."""
    runs: list[tuple[pd.Timestamp, pd.Timestamp, int]] = []
    for month, count in zip(line.month, line.peers, strict=True):
        if runs and runs[-1][2] == count:
            runs[-1] = (runs[-1][0], month, count)
        else:
            runs.append((month, month, int(count)))
    return runs


def peer_runs_text(line: pd.DataFrame, level: str, lang: str) -> str:
    """'2 cities from Jan 2016, 10 cities from Jan 2019': who the line counts, when its group changed."""
    runs = peer_runs(line)
    if len(runs) > 4:
        counts = [count for _, _, count in runs]
        return t("peers.between", lang, low=min(counts), high=max(counts), level=level_words(level, lang))
    return t("list.join", lang).join(
        t("peers.run", lang, count=count, level=level_words(level, lang), start=month_name(first, lang))
        for first, _, count in runs
    )


def level_words(level: str, lang: str) -> str:
    return t(f"level.{level}.plural", lang)


def peer_figure(
    table: pd.DataFrame, members: pd.DataFrame, codes: list[str], column: str, year: int
) -> tuple[float | None, int]:
    """The median of `column` over the peers of `codes` who were members all year, and how many had a figure."""
    first = member_months(members)
    start = pd.Timestamp(year=year, month=1, day=1)
    peers = [code for code in peer_codes(members, codes) if first.get(code) is None or first[code] <= start]
    values = table[table.library_code.isin(peers)][column].dropna()
    return (float(values.agg(STATISTIC)) if len(values) else None), len(values)


@dataclass(frozen=True)
class Rank:
    rank: int
    of: int
    tied: bool
    level: str

    def text(self, lang: str) -> str:
        """'rank 9 of 11 cities (tied)'."""
        words = t("rank.of", lang, rank=self.rank, of=self.of, level=level_words(self.level, lang))
        return words + (t("rank.tied", lang) if self.tied else "")


def competition_ranks(values: pd.Series) -> pd.Series:
    """1, 2, 2, 4: equal values share a rank. Values that are missing or not above zero get none."""
    ranked = values.where(values.notna() & (values > 0))
    return ranked.rank(method="min", ascending=False)


def rank_within_level(table: pd.DataFrame, code: str, column: str) -> Rank | None:
    """The library's competition rank on `column` among the libraries of its level with a figure."""
    level = table.set_index("library_code").level[code]
    same = table[table.level == level].set_index("library_code")[column]
    ranks = competition_ranks(same)
    if pd.isna(ranks.get(code)):
        return None
    place = int(ranks[code])
    return Rank(place, int(ranks.notna().sum()), int((ranks == place).sum()) > 1, level)


def main_level(table: pd.DataFrame) -> str:
    """The level a ranking compares: the one with most libraries in `table` (cities, in a province)."""
    counts = table.level.value_counts()
    return min(counts.index, key=lambda level: (-counts[level], LEVELS.index(level)))


def split_levels(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the libraries of the ranked level, the others): the others are shown beside them, apart."""
    if table.empty:
        return table, table
    ranked = table.level == main_level(table)
    return table[ranked], table[~ranked]
