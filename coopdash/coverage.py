"""What the figures rest on: which library has which report for which month, and the files behind it."""

from __future__ import annotations

import duckdb
import pandas as pd

from coopdash import sql
from coopdash.i18n import t

SOURCES = ("PR", "DR", "TR", "IR", "catalogue", "ill", "cataloguing")


def data_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [int(year) for (year,) in sql.rows(con, "data_years")]


def by_month(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return sql.df(con, "coverage_by_month")


def import_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return sql.df(con, "import_history")


def gaps(coverage: pd.DataFrame, source: str, codes: list[str]) -> pd.DataFrame:
    """Per library: the months between its first and last covered month that no report covers."""
    part = coverage[coverage.source == source]
    rows = []
    for code in codes:
        months = part[part.library_code == code].month
        if months.empty:
            continue
        expected = pd.date_range(months.min(), months.max(), freq="MS")
        missing = expected.difference(pd.DatetimeIndex(months))
        if len(missing):
            rows.append({"library_code": code, "missing": len(missing), "first_missing": missing[0]})
    return pd.DataFrame(rows, columns=["library_code", "missing", "first_missing"])


def history_for_display(history: pd.DataFrame, labels: dict[str, str], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "#": history.import_id,
            t("column.imported_at", lang): history.imported_at.dt.strftime("%Y-%m-%d %H:%M"),
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
