"""What the figures rest on: which library has which report for which month, and the files behind it."""

from __future__ import annotations

import duckdb
import pandas as pd

from coopdash import sql
from coopdash.i18n import t

SOURCES = ("PR", "DR", "TR", "IR", "catalogue", "ill", "cataloguing")


def data_status(con: duckdb.DuckDBPyConnection) -> pd.Series:
    """Files imported and how many are synthetic sample data: what the synthetic-data notice says."""
    return sql.df(con, "data_status").iloc[0]


def data_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [int(year) for (year,) in sql.rows(con, "data_years")]


COMPLETE_SHARE = 0.5  # of the libraries with any data: how many must have a month for it to count


def default_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The year the year filter starts on: that of the latest month most libraries have data for
    (queries/default_year.sql), not that of the latest month any one file mentions."""
    year = sql.scalar(con, "default_year", share=COMPLETE_SHARE)
    return None if year is None else int(year)


HISTORY_SHOWN = 1000  # files listed; the imports table holds them all


def by_month(con: duckdb.DuckDBPyConnection, libraries: tuple[str, ...]) -> pd.DataFrame:
    return sql.df(con, "coverage_by_month", libraries=list(libraries))


def import_history(con: duckdb.DuckDBPyConnection, libraries: tuple[str, ...] | None) -> pd.DataFrame:
    """The latest files; `libraries` None lists every file, those of no one library included."""
    return sql.df(
        con, "import_history", libraries=list(libraries) if libraries else None, limit=HISTORY_SHOWN
    )


def spans(con: duckdb.DuckDBPyConnection, libraries: tuple[str, ...]) -> pd.DataFrame:
    """Per library and source: first and last month with data, and the months missing between them."""
    return sql.df(con, "coverage_spans", libraries=list(libraries))


def gaps(spans: pd.DataFrame, source: str, codes: list[str]) -> pd.DataFrame:
    """The libraries missing months of `source` inside their span, in the order of `codes`.

    `spans` holds only the libraries of `codes` (the query chose them).
    """
    order = {code: position for position, code in enumerate(codes)}
    found = spans[(spans.source == source) & (spans.missing > 0)]
    found = found.sort_values("library_code", key=lambda column: column.map(order))
    return found[["library_code", "missing", "first_missing"]].reset_index(drop=True)


def history_for_display(history: pd.DataFrame, labels: dict[str, str], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "#": history.import_id,
            t("column.imported_at", lang): history.imported_at.dt.strftime("%Y-%m-%d %H:%M"),
            t("column.imported_by", lang): history.imported_by,
            t("column.file", lang): history.file_name,
            t("column.kind", lang): [t(f"source.{k}", lang) for k in history.kind],
            t("column.report", lang): history.report_id,
            t("column.library", lang): history.library_code.map(labels).fillna(history.library_code),
            t("column.period", lang): [
                f"{b:%Y-%m} – {e:%Y-%m}" if pd.notna(b) and pd.notna(e) else ""
                for b, e in zip(history.period_begin, history.period_end, strict=True)
            ],
            t("column.rows", lang): history.rows,
            t("column.in_use", lang): history.counts_in_use,
            t("column.warnings", lang): history.warning_count,
            t("column.synthetic", lang): history.synthetic,
        }
    )


def warnings_for_display(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per warning an import carried, with the file it belongs to."""
    warned = history[history.warning_count > 0][["import_id", "file_name", "warnings"]].explode("warnings")
    return warned.rename(
        columns={"import_id": "#", "file_name": t("column.file", lang), "warnings": t("column.warning", lang)}
    )
