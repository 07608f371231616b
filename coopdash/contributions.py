"""Local records out: the contribution figures every page shows, as DataFrames.

A contribution is one catalogue record and one library's role in it: original
(the library created the record) or enhanced (it improved another's record).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from coopdash import clc, sql
from coopdash.i18n import catalog, t


def contribution_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [int(year) for year, _ in sql.rows(con, "contribution_years")]


def by_city(con: duckdb.DuckDBPyConnection, year: int | None) -> pd.DataFrame:
    return sql.df(con, "contributions_by_city", year=year)


def by_year(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return sql.df(con, "contributions_by_year")


def by_class(
    con: duckdb.DuckDBPyConnection, year: int | None, libraries: tuple[str, ...], lang: str
) -> pd.DataFrame:
    frame = sql.df(con, "contributions_by_class", year=year, libraries=list(libraries))
    frame["label"] = [clc.label(letter, lang) for letter in frame.clc_top]
    return frame


def by_language(
    con: duckdb.DuckDBPyConnection, year: int | None, libraries: tuple[str, ...], lang: str
) -> pd.DataFrame:
    frame = sql.df(con, "contributions_by_language", year=year, libraries=list(libraries))
    frame["label"] = [language_name(code, lang) for code in frame.language]
    return frame


def language_name(code: str | None, lang: str) -> str:
    """'Chinese (chi)'; a code the catalogue does not name is shown as it is."""
    if not code:
        return t("language.none", lang)
    key = f"language.{code}"
    return f"{t(key, lang)} ({code})" if key in catalog() else code


def cumulative(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return sql.df(con, "contributions_cumulative")


def recent_local_documents(
    con: duckdb.DuckDBPyConnection, year: int | None, libraries: tuple[str, ...], limit: int = 25
) -> pd.DataFrame:
    return sql.df(con, "recent_local_documents", year=year, libraries=list(libraries), limit=limit)


def files_behind(con: duckdb.DuckDBPyConnection, year: int | None) -> pd.DataFrame:
    return sql.df(con, "files_behind_contributions", year=year)


def records_for_display(records: pd.DataFrame, labels: dict[str, str], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("column.month", lang): records.contributed_on.dt.strftime("%Y-%m"),
            t("column.library", lang): records.library_code.map(labels),
            t("column.title", lang): records.title,
            t("column.role", lang): [t(f"role.{role}", lang) for role in records.role],
            t("column.clc", lang): records.clc_class,
            t("column.language", lang): records.language,
            t("column.place", lang): records.place,
            t("column.rule", lang): records.local_rule,
            t("column.oclc_number", lang): records.oclc_number,
            t("column.file", lang): records.file_name,
        }
    )
