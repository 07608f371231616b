"""A harvest run: hosts side by side, one request at a time to each, every report through the importer.

One thread per host (at most `parallel_hosts` at once; hosts.py) asks for its
months in turn, with a pause between two requests, and waits (without asking)
when the host says it is busy or has queued a report; other hosts go on
meanwhile. Each report it receives is saved (gzip) and read by the importer's
`read_file` in that thread. The main thread stores what came back in batches, each batch in one
writer (coopdash/writer.py: the database file is replaced whole, under the
writers' lock), imports and status rows together: a run killed part-way loses
only the batch it was writing, which the next run asks for again, and never
imports a month twice. A lock beside the database keeps two runs from overlapping.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import queue
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from coopdash import db, load
from coopdash.errors import CoopdashError
from coopdash.harvest import plan, status
from coopdash.harvest.client import Client, endpoint, parameters
from coopdash.harvest.credentials import Credentials
from coopdash.harvest.hosts import IMPORTED_BY, HostWorkers, Result
from coopdash.harvest.settings import REPORTS, HarvestSettings
from coopdash.registry import Registry
from coopdash.writer import writing

log = logging.getLogger("coopdash.harvest")
BATCH_RESULTS = 40  # results stored per writer at most
BATCH_SECONDS = 2.0  # or after this long, so the app sees months fill in


class HarvestBusy(CoopdashError):
    """Another harvest is running on this database."""


@dataclass
class Summary:
    jobs: int = 0
    states: Counter = field(default_factory=Counter)
    problems: list[tuple[plan.Job, str, str | None, str | None]] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # platform, library, reason code
    requests: int = 0
    seconds_requesting: float = 0.0  # waiting for the servers' answers
    seconds_pausing: float = 0.0  # politeness pauses and waits the servers asked for
    seconds_reading: float = 0.0  # the importer reading reports (in the host threads)
    seconds_storing: float = 0.0  # writers: copying the database, storing, replacing it
    peak_per_host: int = 0  # most requests one host ever had open at once (must be 1)


@contextmanager
def harvest_lock(database: Path) -> Iterator[None]:
    path = database.with_name(database.name + ".harvest.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise HarvestBusy(
                f"another harvest is running on {database}; this one did not start (try again when it ends)"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def harvest(
    database: Path,
    settings: HarvestSettings,
    credentials: dict[tuple[str, str], Credentials],
    registry: Registry,
    request: plan.Request,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    now: datetime | None = None,
) -> Summary:
    now = now or datetime.now(UTC).replace(tzinfo=None)
    summary = Summary()
    with harvest_lock(database):
        stored, access = status.stored_and_access(database)
        chosen = []
        for platform, library in plan.pairs(settings, request):
            if not plan.usable(credentials.get((platform.name, library))):
                summary.skipped.append((platform.name, library, "no_credentials"))
            elif not request.explicit and access.get((platform.name, library)) == "refused":
                summary.skipped.append((platform.name, library, "credentials_refused"))
            else:
                chosen.append((platform, library))
        reports = _discover_reports(chosen, credentials, settings, summary)
        jobs = plan.jobs(chosen, reports, stored, request, now)
        summary.jobs = len(jobs)
        if progress:
            progress(0, len(jobs), "")
        if jobs:
            _run(database, settings, credentials, registry, jobs, stored, summary, progress)
    return summary


def _discover_reports(chosen, credentials, settings: HarvestSettings, summary: Summary) -> dict:
    """For platforms that list no reports: the master reports their /reports says they offer."""
    found = {}
    for platform, library in chosen:
        if platform.reports:
            continue
        client = Client(settings.politeness)
        try:
            answer = client.get(
                endpoint(platform, "reports"),
                parameters(platform, credentials[(platform.name, library)]),
                Path(tempfile.gettempdir()) / f"coopdash-reports-{os.getpid()}.json.gz",
            )
            listed = _listed_reports(answer.text() if answer.body else b"")
            found[(platform.name, library)] = listed
            if answer.body:
                answer.body.unlink(missing_ok=True)
            if not listed:
                summary.skipped.append((platform.name, library, "no_reports_listed"))
        finally:
            client.close()
    return found


def _listed_reports(body: bytes) -> tuple[str, ...]:
    try:
        listed = json.loads(body or b"null")
    except ValueError:
        return ()
    if not isinstance(listed, list):
        return ()
    ids = {str(entry.get("Report_ID", "")).upper() for entry in listed if isinstance(entry, dict)}
    return tuple(r for r in REPORTS if r in ids)


def _run(database, settings, credentials, registry, jobs, stored, summary, progress) -> None:
    results: queue.Queue = queue.Queue()
    stop = threading.Event()
    by_host: dict[str, list[plan.Job]] = {}
    for job in jobs:
        by_host.setdefault(urlsplit(job.platform.base_url).netloc.lower(), []).append(job)
    folder = settings.responses_dir(database)
    workers = HostWorkers(by_host, settings, credentials, registry, folder, results, stop, summary)
    workers.start()
    batch: list[Result] = []
    started = None
    done = 0
    try:
        while done < len(jobs):
            timeout = (
                BATCH_SECONDS if started is None else max(0.05, started + BATCH_SECONDS - time.monotonic())
            )
            try:
                result = results.get(timeout=timeout)
            except queue.Empty:
                result = None
                if not workers.alive() and results.empty():
                    raise CoopdashError("a harvest thread stopped unexpectedly; see the log") from None
            if result is not None:
                batch.append(result)
                done += 1
                started = started or time.monotonic()
                if progress:
                    job = result.job
                    progress(
                        done,
                        len(jobs),
                        f"{job.platform.name} · {job.library} · {job.report_id} {job.month:%Y-%m}",
                    )
            if batch and (
                len(batch) >= BATCH_RESULTS
                or done == len(jobs)
                or time.monotonic() - started >= BATCH_SECONDS
            ):
                _store(database, registry, batch, stored, summary)
                batch, started = [], None
    finally:
        stop.set()
        workers.join()


def _store(database: Path, registry: Registry, batch: list[Result], stored: dict, summary: Summary) -> None:
    began = time.monotonic()
    now = datetime.now(UTC).replace(tzinfo=None)
    with writing(database) as con:
        db.sync_registry(con, registry)
        for result in batch:
            update = _update(con, registry, result, stored, now)
            if update is None:
                continue
            status.write(con, update)
            kind = result.outcome.kind
            secrets = result.secrets
            job = result.job
            if kind == "unauthorised":
                status.write_access(
                    con, job.platform.name, job.library, "refused", result.outcome.reason, secrets, now
                )
            elif kind in ("report", "empty", "queued", "not_ready", "unavailable", "bad_request"):
                status.write_access(con, job.platform.name, job.library, "verified", None, secrets, now)
            summary.states[update.state] += 1
            if update.state not in ("harvested", "empty") or update.reason_code:
                summary.problems.append((job, update.state, update.reason_code, update.reason_params))
            _log(job, update)
    summary.seconds_storing += time.monotonic() - began


def _update(con, registry, result: Result, stored: dict, now: datetime) -> status.Update | None:
    job, outcome = result.job, result.outcome
    if outcome.kind == "skipped":
        return None
    attempts = (stored[job.key].attempts if job.key in stored else 0) + 1
    update = status.Update(
        job.platform.name,
        job.library,
        job.report_id,
        job.month,
        "failed",
        job.platform.release,
        now,
        response_file=str(result.response) if result.response else None,
    )
    reason = outcome.reason
    if outcome.kind == "report":
        context = load.ImportContext(registry, library=job.library, imported_by=IMPORTED_BY)
        imported = load.store(con, result.read, context)
        if imported.status == "failed":
            reason = ("import_refused", {"error": imported.error})
        else:
            partial = any(code == "partial" for code, _ in outcome.warnings)
            update.state, update.rows, update.import_id = "harvested", imported.rows, imported.import_id
            update.harvested_at = now
            update.next_attempt_at = plan.next_attempt("partial", attempts, now) if partial else None
            reason = outcome.warnings[0] if outcome.warnings else None
    elif outcome.kind in ("empty", "queued", "not_ready"):
        update.state = outcome.kind
        update.harvested_at = now if outcome.kind == "empty" else None
        update.rows = 0 if outcome.kind == "empty" else None
        update.next_attempt_at = plan.next_attempt(outcome.kind, attempts, now)
    else:
        update.next_attempt_at = plan.next_attempt(outcome.kind, attempts, now, outcome.wait)
    if reason:
        update.reason_code, update.reason_params = reason[0], status.reason_json(reason[1], result.secrets)
    return update


def _log(job: plan.Job, update: status.Update) -> None:
    log.info(
        "%s | %s | %s %s: %s%s",
        job.platform.name,
        job.library,
        job.report_id,
        f"{job.month:%Y-%m}",
        update.state,
        f" ({update.reason_code} {update.reason_params})" if update.reason_code else "",
    )
