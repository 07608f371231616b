"""The cooperation's own story: what the members did since it began, and each one from the month it joined.

Pure functions over query results and the registry (joined_on, joined_before,
population, level), for the pages and for a symposium's slides and report.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from coopdash import peers, sql, uptake
from coopdash.i18n import long_date, month, number, t

WINDOW = 12  # months in each period of the summary: a whole year, so seasons cancel out


def since_signing(con: duckdb.DuckDBPyConnection, since: date, metric: str) -> pd.DataFrame:
    """Per member: uses of `metric` and records contributed from the month of `since` on."""
    return sql.df(
        con, "since_signing_by_library", since=since, metric=metric, family=uptake.MEASURES[metric].family
    )


def since_text(since: date, table: pd.DataFrame, lang: str) -> str:
    """'From December 2018 (the signing: 5 December 2018) to December 2025.'"""
    last = pd.concat([table.last_use, table.last_record]).dropna()
    return t(
        "story.period",
        lang,
        start=month(since, lang),
        signed=long_date(since, lang),
        end=month(pd.Timestamp(last.max()).date(), lang) if len(last) else "–",
    )


def joined_month(joined_on, joined_before) -> pd.Timestamp | None:
    """Month 0 of a library's own story: the month it joined or, when only a bound is known, the bound's."""
    day = joined_on if joined_on is not None and pd.notna(joined_on) else joined_before
    if day is None or pd.isna(day):
        return None
    return pd.Timestamp(day).to_period("M").to_timestamp()


def since_joining(monthly: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Each library of the main level (the cities) month by month, counted from the month it joined.

    `monthly` has library_code, month, total. Months before joining are kept
    (negative): the earlier members' baseline. Rows: library_code, month,
    months_since, per_10k_residents, kind ('on' or 'before': only a bound is
    known) and date (the join date or bound): libraries with the same kind and
    date joined together.
    """
    level = peers.main_level(members)
    libraries = members[(members.level == level) & members.population.gt(0)].copy()
    libraries["start"] = [
        joined_month(on, before)
        for on, before in zip(libraries.joined_on, libraries.joined_before, strict=True)
    ]
    libraries = libraries[libraries.start.notna()]
    libraries["kind"] = ["on" if pd.notna(on) else "before" for on in libraries.joined_on]
    libraries["date"] = libraries.joined_on.where(libraries.joined_on.notna(), libraries.joined_before)
    rows = monthly.merge(
        libraries[["library_code", "start", "kind", "date", "population"]], on="library_code"
    )
    when, start = pd.to_datetime(rows.month), pd.to_datetime(rows.start)
    rows["months_since"] = (when.dt.year - start.dt.year) * 12 + when.dt.month - start.dt.month
    rows["per_10k_residents"] = rows.total * 10000 / rows.population
    columns = [
        "library_code",
        "month",
        "months_since",
        "total",
        "population",
        "per_10k_residents",
        "kind",
        "date",
    ]
    return rows[columns].sort_values(["library_code", "months_since"]).reset_index(drop=True)


def joined_story(con: duckdb.DuckDBPyConnection, metric: str) -> pd.DataFrame:
    """since_joining for every member's monthly use of `metric`."""
    return since_joining(uptake.monthly_uptake(con, metric), peers.member_dates(con))


def group_label(kind: str, day, libraries: int, lang: str) -> str:
    return t(f"cohort.{kind}", lang, date=long_date(day, lang), libraries=libraries)


def _rate(part: pd.DataFrame, members: int) -> float | None:
    """Uses per 10,000 residents of the group over a window, when every library has every month of it."""
    months = part.groupby("library_code").size()
    if len(months) < members or (months < WINDOW).any():
        return None
    residents = part.groupby("library_code").population.first().sum()
    return float(part.total.sum() * 10000 / residents)


def story_summary(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per group that joined together: uses per 10,000 residents in the year before joining, the first
    year after, and the latest year, each a whole 12 months of every library of the group ('–' if not)."""
    latest = pd.to_datetime(rows.month).max()
    recent = pd.to_datetime(rows.month) > latest - pd.DateOffset(months=WINDOW)
    table = []
    for (kind, day), part in rows.groupby(["kind", "date"], sort=True):
        size = part.library_code.nunique()
        periods = {
            t("story.year_before", lang): part[part.months_since.between(-WINDOW, -1)],
            t("story.first_year", lang): part[part.months_since.between(1, WINDOW)],
            t("story.latest_year", lang, end=month(latest.date(), lang)): part[recent.loc[part.index]],
        }
        row = {t("column.group", lang): group_label(kind, day, size, lang)}
        for name, window in periods.items():
            rate = _rate(window, size)
            row[name] = number(rate, lang, 1)
        table.append(row)
    return pd.DataFrame(table)
