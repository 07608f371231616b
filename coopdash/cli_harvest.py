"""`python -m coopdash harvest` and the harvest part of `status`: glue between the command line and coopdash.harvest.

    python -m coopdash harvest [--month 2025-11 | --from 2025-01 --to 2025-11 | --due] [--platform NAME]
                               [--library CODE] [--json] [--check]

Exit code: 0 when every month asked for came in (harvested, empty) or is
waiting on the vendor (queued, not ready); 1 when any failed or had no
credentials; 2 when the run could not start (settings, credentials file, lock).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from datetime import date
from pathlib import Path

import duckdb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from coopdash import db
from coopdash.errors import CoopdashError
from coopdash.harvest import credentials as secret_store
from coopdash.harvest import plan, status
from coopdash.harvest import settings as harvest_settings
from coopdash.harvest.run import Summary, harvest
from coopdash.i18n import LANGUAGES, t
from coopdash.registry import Registry

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def add_parser(commands, add_db) -> None:
    command = commands.add_parser(
        "harvest", help="harvest COUNTER reports from the platforms' COUNTER API (SUSHI)"
    )
    add_db(command)
    command.add_argument(
        "--month", metavar="YYYY-MM", help="one month (default: the last complete month, and retries due)"
    )
    command.add_argument("--from", dest="first", metavar="YYYY-MM", help="first month of a range")
    command.add_argument(
        "--to",
        dest="last",
        metavar="YYYY-MM",
        help="last month of a range (default: the last complete month)",
    )
    command.add_argument(
        "--platform", action="append", default=[], metavar="NAME", help="only this platform (repeatable)"
    )
    command.add_argument(
        "--library", action="append", default=[], metavar="CODE", help="only this library (repeatable)"
    )
    command.add_argument(
        "--due", action="store_true", help="only the retries whose time has come (the daily timer)"
    )
    command.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    command.add_argument(
        "--check", action="store_true", help="test the connection of --platform and --library instead"
    )
    command.add_argument(
        "--settings",
        metavar="TOML",
        help="harvest settings (default: $COOPDASH_HARVEST, else data/harvest.toml)",
    )
    command.add_argument(
        "--credentials",
        metavar="TOML",
        help="credentials file (default: $COOPDASH_HARVEST_CREDENTIALS, else data/harvest_credentials.toml)",
    )
    command.add_argument(
        "--progress-file", metavar="JSON", type=Path, help="keep the progress in this file (the app reads it)"
    )


def month_arg(text: str, what: str) -> date:
    match = _MONTH.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CoopdashError(f"{what} must be a month written YYYY-MM (like 2025-11), not '{text}'")
    return date(int(match.group(1)), int(match.group(2)), 1)


def requested_months(args, today: date) -> tuple[date, ...]:
    if args.month and (args.first or args.last):
        raise CoopdashError("give either --month or --from/--to, not both")
    if args.month:
        return (month_arg(args.month, "--month"),)
    if args.first:
        last = month_arg(args.last, "--to") if args.last else plan.last_complete_month(today)
        first = month_arg(args.first, "--from")
        if first > last:
            raise CoopdashError(f"--from {args.first} comes after --to {last:%Y-%m}")
        return tuple(plan.month_range(first, last))
    if args.last:
        raise CoopdashError("--to needs --from")
    return ()


def run_harvest(args, out: Console, err: Console) -> int:
    try:
        return _harvest(args, out, err)
    except CoopdashError as exc:  # the app's page follows the progress file: it must hear of it too
        if args.progress_file:
            _write_progress(args.progress_file, {"finished": True, "error": str(exc)})
        raise


def _harvest(args, out: Console, err: Console) -> int:
    database = db.database_path(args.db)
    registry = Registry.load(Path(args.registry) if args.registry else None)
    settings_file = harvest_settings.settings_path(args.settings)
    settings = harvest_settings.load(settings_file)
    harvest_settings.check(settings, str(settings_file), set(registry.libraries))
    found = secret_store.load(Path(args.credentials) if args.credentials else None)
    if args.check:
        return _check(args, settings, found, database, out)
    months = requested_months(args, date.today())
    if args.due and months:
        raise CoopdashError("--due retries what is due; it takes no months")
    request = plan.Request(months, tuple(args.platform), tuple(args.library), due_only=args.due)
    for code in request.libraries:
        registry.get(code)
    _log_to(settings.responses_dir(database), quiet=args.json or err.is_terminal)
    progress_file = args.progress_file
    started = time.time()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=args.json or not err.is_terminal,
    ) as bar:
        task = bar.add_task("harvesting", total=None)

        def progress(done: int, total: int, current: str) -> None:
            bar.update(task, completed=done, total=total, description=f"harvesting {current[:50]}")
            if progress_file:
                _write_progress(
                    progress_file,
                    {"done": done, "total": total, "current": current, "started": started, "finished": False},
                )

        summary = harvest(database, settings, found, registry, request, progress=progress)
    code = 1 if summary.states.get("failed") or any(s[2] == "no_credentials" for s in summary.skipped) else 0
    if progress_file:
        _write_progress(
            progress_file, {**summary_json(summary), "finished": True, "exit_code": code, "started": started}
        )
    if args.json:
        print(json.dumps(summary_json(summary), ensure_ascii=False))
    else:
        print_summary(summary, out)
    return code


def _check(args, settings, found, database: Path, out: Console) -> int:
    if len(args.platform) != 1 or len(args.library) != 1:
        raise CoopdashError(
            "--check tests one platform and one library: give --platform NAME and --library CODE"
        )
    platform = settings.platform(args.platform[0])
    credentials = found.get((platform.name, args.library[0]))
    if not plan.usable(credentials):
        raise CoopdashError(
            f"no credentials for {args.library[0]} on {platform.name} in the credentials file"
        )
    ok, reason = status.check_and_record(
        database, platform, args.library[0], credentials, settings.politeness
    )
    out.print(("[green]" if ok else "[red]") + status.reason_text(reason[0], reason[1], "en") + "[/]")
    return 0 if ok else 1


def summary_json(summary: Summary) -> dict:
    return {
        "jobs": summary.jobs,
        "states": dict(summary.states),
        "requests": summary.requests,
        "problems": [
            {
                "platform": job.platform.name,
                "library": job.library,
                "report_id": job.report_id,
                "month": f"{job.month:%Y-%m}",
                "state": state,
                "reason_code": code,
                "reason": status.reason_text(code, params, "en"),
            }
            for job, state, code, params in summary.problems
        ],
        "skipped": [{"platform": p, "library": lib, "reason_code": code} for p, lib, code in summary.skipped],
        "seconds": {
            "requesting": round(summary.seconds_requesting, 3),  # summed over the hosts' threads
            "pausing": round(summary.seconds_pausing, 3),
            "reading": round(summary.seconds_reading, 3),
            "storing": round(summary.seconds_storing, 3),
        },
        "peak_requests_per_host": summary.peak_per_host,
    }


def print_summary(summary: Summary, out: Console) -> None:
    if not summary.jobs:
        out.print("nothing to harvest: every month asked for is in, or waiting for its retry time")
    table = Table(title="Harvest summary")
    table.add_column("state")
    table.add_column("months", justify="right")
    for state in status.STATES[:-1]:
        if summary.states.get(state):
            table.add_row(state, str(summary.states[state]))
    if summary.jobs:
        out.print(table)
    for job, state, code, params in summary.problems:
        out.print(
            f"[yellow]{state}[/] {job.platform.name} · {job.library} · {job.report_id} {job.month:%Y-%m}: {status.reason_text(code, params, 'en')}"
        )
    for platform, library, code in summary.skipped:
        out.print(f"[red]skipped[/] {platform} · {library}: {t(f'harvest.skip.{code}', 'en')}")
    out.print(f"{summary.requests} request(s)")


def _write_progress(path: Path, values: dict) -> None:
    harvest_settings.write_atomically(path, json.dumps(values, ensure_ascii=False), mode=0o644)


def _log_to(folder: Path, quiet: bool) -> None:
    """One line per month asked for, in <responses folder>/harvest.log (and on stderr under systemd)."""
    folder.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("coopdash.harvest")
    logger.setLevel(logging.INFO)
    handlers = [logging.FileHandler(folder / "harvest.log", encoding="utf-8")]
    if not quiet:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(logging.Formatter(f"%(asctime)s [{os.getpid()}] %(message)s"))
        logger.addHandler(handler)


# ---------------------------------------------------------------- `status`: the harvest part


def print_status(con: duckdb.DuckDBPyConnection, settings, out: Console, lang: str) -> None:
    rows = status.status_frame(con)
    out.print(f"\n[bold]{t('harvest.status_title', lang)}[/bold]")
    if rows.empty:
        out.print(t("harvest.none_yet", lang))
        return
    reports = {p.name: p.reports for p in settings.platforms}
    fresh = status.fresh_until(rows, reports)
    table = Table()
    for key in (
        "column.platform",
        "column.library",
        "harvest.data_up_to",
        *(f"harvest.state.{s}" for s in status.STATES[:-1]),
    ):
        table.add_column(t(key, lang))
    for (platform, library), part in rows.groupby(["platform", "library_code"], sort=True):
        counts = part.state.value_counts()
        table.add_row(
            platform,
            library,
            status.fresh_text(fresh.get((platform, library)), lang),
            *(str(counts.get(s, 0)) for s in status.STATES[:-1]),
        )
    out.print(table)
    problems = rows[rows.state.isin(("failed", "queued", "not_ready"))]
    for row in problems.tail(30).itertuples():
        where = f"{row.platform} · {row.library_code} · {row.report_id} {row.month:%Y-%m}"
        reason = status.reason_text(row.reason_code, row.reason_params, lang)
        out.print(
            t(
                "harvest.status_line",
                lang,
                state=t(f"harvest.state.{row.state}", lang),
                where=where,
                reason=reason,
            )
        )


def lang_arg(command) -> None:
    command.add_argument(
        "--lang", choices=list(LANGUAGES), default="en", help="language of the output (en or zh)"
    )
