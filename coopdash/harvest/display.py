"""The harvest status as the pages show it: per platform and library, and month by month.

Pure functions of a connection (so webapp.query caches them until the next
write) returning DataFrames with their column names in the reader's language.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from coopdash import sql
from coopdash.harvest import settings as harvest_settings
from coopdash.harvest import status
from coopdash.i18n import month as month_label
from coopdash.i18n import t

SHOWN_STATES = status.STATES[:-1]
SYMBOLS = {
    "harvested": "✓",
    "empty": "0",
    "queued": "…",
    "not_ready": "…",
    "failed": "✗",
    "not_attempted": "·",
}


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return sql.scalar(con, "maintenance/schema_level") >= 12


def statuses(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    if not _has_tables(con):
        return pd.DataFrame(columns=["platform", "library_code", "report_id", "month", "state"])
    return status.status_frame(con)


def overview(con: duckdb.DuckDBPyConnection, lang: str, libraries: tuple[str, ...]) -> pd.DataFrame:
    """One row per platform x library: how fresh its data is, its months by state, when it last came in."""
    rows = statuses(con)
    if libraries:
        rows = rows[rows.library_code.isin(libraries)]
    if rows.empty:
        return pd.DataFrame()
    try:
        reports = {p.name: p.reports for p in harvest_settings.load().platforms}
    except harvest_settings.HarvestSettingsError:
        reports = {}
    access = status.access_frame(con).set_index(["platform", "library_code"]).state.to_dict()
    fresh = status.fresh_until(rows, reports)
    table = []
    for (platform, library), part in rows.groupby(["platform", "library_code"], sort=True):
        counts = part.state.value_counts()
        last = part.harvested_at.max()
        table.append(
            {
                t("column.platform", lang): platform,
                t("column.library", lang): library,
                t("harvest.data_up_to", lang): status.fresh_text(fresh.get((platform, library)), lang),
                **{t(f"harvest.state.{s}", lang): int(counts.get(s, 0)) for s in SHOWN_STATES},
                t("harvest.last_harvest", lang): "" if pd.isna(last) else f"{last:%Y-%m-%d %H:%M}",
                t("harvest.credentials", lang): t(
                    f"harvest.access.{access.get((platform, library), 'unknown')}", lang
                ),
            }
        )
    return pd.DataFrame(table)


def month_grid(con: duckdb.DuckDBPyConnection, platform: str, report_id: str, lang: str) -> pd.DataFrame:
    """Libraries x months of one platform's report: a symbol per state, 'not attempted' where nothing is known."""
    rows = statuses(con)
    rows = rows[(rows.platform == platform) & (rows.report_id == report_id)]
    if rows.empty:
        return pd.DataFrame()
    months = pd.date_range(rows.month.min(), rows.month.max(), freq="MS").date
    try:
        libraries = list(harvest_settings.load().platform(platform).libraries)
    except harvest_settings.HarvestSettingsError:
        libraries = []
    libraries += sorted(set(rows.library_code) - set(libraries))
    cells = {(r.library_code, r.month): r.state for r in rows.itertuples()}
    grid = pd.DataFrame(
        [[SYMBOLS[cells.get((code, m), "not_attempted")] for m in months] for code in libraries],
        index=libraries,
        columns=[month_label(m, lang) for m in months],
    )
    grid.index.name = t("column.library", lang)
    return grid.reset_index()


def problems(con: duckdb.DuckDBPyConnection, lang: str, libraries: tuple[str, ...]) -> pd.DataFrame:
    """The months not in (failed, queued, not ready) and those that came with a warning, the latest first."""
    rows = statuses(con)
    if libraries:
        rows = rows[rows.library_code.isin(libraries)]
    rows = rows[rows.state.isin(("failed", "queued", "not_ready")) | rows.reason_code.notna()]
    rows = rows.sort_values(["month", "platform", "library_code"], ascending=[False, True, True]).head(500)
    return pd.DataFrame(
        {
            t("column.platform", lang): rows.platform,
            t("column.library", lang): rows.library_code,
            t("column.report", lang): rows.report_id,
            t("column.month", lang): [month_label(m, lang) for m in rows.month],
            t("harvest.state", lang): [t(f"harvest.state.{s}", lang) for s in rows.state],
            t("harvest.reason", lang): [
                status.reason_text(c, p, lang) for c, p in zip(rows.reason_code, rows.reason_params)
            ],
            t("harvest.next_try", lang): [
                "" if pd.isna(n) else f"{n:%Y-%m-%d %H:%M}" for n in rows.next_attempt_at
            ],
            t("harvest.response_file", lang): rows.response_file.fillna(""),
        }
    )


def legend(lang: str) -> str:
    return " · ".join(f"{symbol} {t(f'harvest.state.{state}', lang)}" for state, symbol in SYMBOLS.items())
