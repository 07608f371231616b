"""Where each platform x library x report x month stands, stored and read; the connection check.

The rows live in the database (`harvest_status`, `harvest_access`; queries/harvest/)
and change only inside a writer (coopdash/writer.py), together with the imports
they describe, so the status never claims a month the database does not hold.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from coopdash import sql, states
from coopdash.harvest.client import Client, endpoint, parameters
from coopdash.harvest.credentials import Credentials, redact
from coopdash.harvest.plan import Stored
from coopdash.harvest.settings import Platform, Politeness
from coopdash.harvest.vendor import UNAUTHORISED, read
from coopdash.i18n import month as month_label
from coopdash.i18n import t

STATES = ("harvested", "empty", "queued", "not_ready", "failed", "not_attempted")


@dataclass
class Update:
    """One harvest_status row to write (see queries/harvest/upsert_status.sql)."""

    platform: str
    library_code: str
    report_id: str
    month: date
    state: str
    release: str
    attempted_at: datetime
    next_attempt_at: datetime | None = None
    harvested_at: datetime | None = None
    rows: int | None = None
    import_id: int | None = None
    reason_code: str | None = None
    reason_params: str | None = None
    response_file: str | None = None


def reason_json(params: dict, secrets: list[str]) -> str:
    """A reason's parameters as stored: JSON, with anything a server echoed of the credentials taken out."""
    return redact(json.dumps(params, ensure_ascii=False, default=str), secrets)


def write(con: duckdb.DuckDBPyConnection, update: Update) -> None:
    sql.execute(con, "harvest/upsert_status", **update.__dict__)


def write_access(
    con: duckdb.DuckDBPyConnection,
    platform: str,
    library: str,
    state: str,
    reason: tuple[str, dict] | None,
    secrets: list[str],
    when: datetime,
) -> None:
    code, params = reason or (None, {})
    sql.execute(
        con,
        "harvest/upsert_access",
        platform=platform,
        library_code=library,
        state=state,
        checked_at=when,
        reason_code=code,
        reason_params=reason_json(params, secrets) if reason else None,
    )


def stored(con: duckdb.DuckDBPyConnection | None, platforms: list[str] | None = None) -> dict[tuple, Stored]:
    if con is None:
        return {}
    return {
        (row[0], row[1], row[2], row[3]): Stored(row[4], row[6], row[8])
        for row in sql.rows(con, "harvest/status_rows", platforms=platforms)
    }


def access(con: duckdb.DuckDBPyConnection | None) -> dict[tuple[str, str], str]:
    if con is None:
        return {}
    return {(row[0], row[1]): row[2] for row in sql.rows(con, "harvest/access_rows")}


def stored_and_access(database: Path) -> tuple[dict, dict[tuple[str, str], str]]:
    """What the database holds of earlier harvests (nothing when there is no database yet: a first
    harvest may create it), read from one state of it."""
    if states.current(database) is None:
        return stored(None), access(None)
    with states.reading(database) as (con, _):
        return stored(con), access(con)


# ---------------------------------------------------------------- what the pages and `status` show


def status_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return sql.df(con, "harvest/status_rows", platforms=None)


def access_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return sql.df(con, "harvest/access_rows")


def reason_text(code: str | None, params: str | dict | None, lang: str) -> str:
    """A stored reason in the reader's language."""
    if not code:
        return ""
    values = json.loads(params) if isinstance(params, str) and params else dict(params or {})
    try:
        return t(f"harvest.reason.{code}", lang, **values)
    except (KeyError, IndexError):
        return f"{code} {values}"


def fresh_until(statuses: pd.DataFrame, reports: dict[str, tuple[str, ...]]) -> dict[tuple[str, str], date]:
    """Per platform x library: the latest month every report of the platform came in (harvested or empty),
    with every month before it back to the first one in too: "data up to November 2025"."""
    done = statuses[statuses.state.isin(("harvested", "empty"))]
    fresh = {}
    for (platform, library), part in done.groupby(["platform", "library_code"], sort=True):
        wanted = set(reports.get(platform, ())) or set(part.report_id)
        by_month = part.groupby(pd.to_datetime(part.month).dt.date).report_id.agg(set)
        complete = sorted(m for m, got in by_month.items() if wanted <= got)
        if not complete:
            continue
        last = complete[0]
        for month in complete[1:]:
            expected = date(last.year + last.month // 12, last.month % 12 + 1, 1)
            if month != expected:
                break
            last = month
        fresh[(platform, library)] = last
    return fresh


def fresh_text(month: date | None, lang: str) -> str:
    return t("harvest.fresh", lang, month=month_label(month, lang)) if month else t("harvest.not_yet", lang)


# ---------------------------------------------------------------- test the connection


def check_connection(
    platform: Platform, credentials: Credentials, politeness: Politeness, folder: Path
) -> tuple[bool, tuple[str, dict]]:
    """Ask the platform's /status, then /members (a cheap test of the credentials, falling back to
    /reports): True when the server accepted the credentials. The reason says what it answered."""
    client = Client(politeness)
    try:
        answer = client.get(
            endpoint(platform, "status"), _status_params(platform, credentials), folder / "status.json.gz"
        )
        if answer.failure:
            return False, (answer.failure, {})
        for path in ("members", "reports"):
            answer = client.get(
                endpoint(platform, path), parameters(platform, credentials), folder / f"{path}.json.gz"
            )
            if answer.failure:
                return False, (answer.failure, {})
            outcome = read(answer, date.today())
            if answer.status == 200 and outcome.kind in ("failed", "empty") and _is_list(answer):
                return True, ("connection_ok", {"path": path})
            if outcome.kind == "unauthorised":
                return False, _redacted(outcome.reason, credentials)
            if answer.status not in (404, 501) and not (
                outcome.reason and outcome.reason[1].get("code") == 3000
            ):
                return False, _redacted(outcome.reason or ("http", {"status": answer.status}), credentials)
        return False, ("http", {"status": answer.status})
    finally:
        client.close()


def check_and_record(
    database: Path, platform: Platform, library: str, credentials: Credentials, politeness: Politeness
) -> tuple[bool, tuple[str, dict]]:
    """Test the connection and remember the answer (verified, or refused credentials) in the database."""
    from coopdash.writer import writing

    with tempfile.TemporaryDirectory() as folder:
        ok, reason = check_connection(platform, credentials, politeness, Path(folder))
    code, params = reason
    refused = (
        code == "sushi"
        and int(params.get("code", 0)) in UNAUTHORISED
        or (code == "http" and params.get("status") in (401, 403))
    )
    if ok or refused:
        with writing(database) as con:
            state = "verified" if ok else "refused"
            write_access(
                con,
                platform.name,
                library,
                state,
                None if ok else reason,
                credentials.secrets,
                datetime.now(),
            )
    return ok, reason


def _status_params(platform: Platform, credentials: Credentials) -> dict[str, str]:
    platform_param = credentials.platform or platform.platform_param
    return {"platform": platform_param} if platform_param else {}


def _is_list(answer) -> bool:
    try:
        return isinstance(json.loads(answer.text() or b"null"), list)
    except ValueError:
        return False


def _redacted(reason: tuple[str, dict], credentials: Credentials) -> tuple[str, dict]:
    code, params = reason
    return code, json.loads(reason_json(params, credentials.secrets))
