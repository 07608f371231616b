"""OCLC service statistics: interlibrary loan and cataloguing activity per library, as DataFrames."""

from __future__ import annotations

import duckdb
import pandas as pd

from coopdash import sql

ILL_HOW_COMPUTED = (
    "From OCLC's interlibrary loan statistics: borrowing = requests the library sent to other libraries, "
    "lending = requests it received; filled = supplied. Fill rate = filled / requests. Turnaround = the "
    "average days from request to supply, weighted by the requests it is over. Balance = filled lending "
    "minus filled borrowing: above zero, the library gives more than it takes."
)
CATALOGUING_HOW_COMPUTED = (
    "From OCLC's cataloguing statistics (Connexion, Record Manager): new WorldCat records are original "
    "cataloguing; holdings set are records the library attached its holdings to; replaced records are "
    "existing records it corrected or enhanced. These are OCLC's counts, not the records imported above."
)


def service_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [int(year) for (year,) in sql.rows(con, "service_years")]


def ill_by_city(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    return sql.df(con, "ill_by_city", year=year)


def cataloguing_by_city(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    return sql.df(con, "cataloguing_by_city", year=year)
