"""OCLC service statistics: interlibrary loan and cataloguing activity per library, as DataFrames."""

from __future__ import annotations

import duckdb
import pandas as pd

from coopdash import sql


def service_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [int(year) for (year,) in sql.rows(con, "service_years")]


def ill_by_city(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    return sql.df(con, "ill_by_city", year=year)


def cataloguing_by_city(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    return sql.df(con, "cataloguing_by_city", year=year)
