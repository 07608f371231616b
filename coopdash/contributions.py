"""Local records out: the figures of the contributions page, as DataFrames.

A contribution is one catalogue record and one library's role in it: original
(the library created the record) or enhanced (it improved another's record).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from coopdash import clc, sql

HOW_COMPUTED = (
    "One count per catalogue record and library role: original when the library created the record "
    "(MARC 21 040 $a; UNIMARC 801 with second indicator 0), enhanced when it improved another's "
    "(040 $d; 801 second indicator 2); agency codes mapped to members through the registry's aliases. "
    "A record imported twice counts once (same OCLC number or control number). Dated by the month the "
    "record was entered (008/00-05, 801 $c) or, for enhancements, last changed (005). Local documents: "
    "the rules in data/local_documents.toml (CLC classes such as K295.5, subject and place keywords, "
    "the member cities' names)."
)


def contribution_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [int(year) for year, _ in sql.rows(con, "contribution_years")]


def by_city(con: duckdb.DuckDBPyConnection, year: int | None) -> pd.DataFrame:
    return sql.df(con, "contributions_by_city", year=year)


def by_year(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return sql.df(con, "contributions_by_year")


def by_class(con: duckdb.DuckDBPyConnection, year: int | None) -> pd.DataFrame:
    frame = sql.df(con, "contributions_by_class", year=year)
    frame["label"] = [clc.label(letter) for letter in frame.clc_top]
    return frame


def by_language(con: duckdb.DuckDBPyConnection, year: int | None) -> pd.DataFrame:
    return sql.df(con, "contributions_by_language", year=year)


def cumulative(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return sql.df(con, "contributions_cumulative")


def files_behind(con: duckdb.DuckDBPyConnection, year: int | None) -> pd.DataFrame:
    return sql.df(con, "files_behind_contributions", year=year)
