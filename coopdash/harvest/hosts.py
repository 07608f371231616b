"""The threads of a harvest run: one per host, each asking its host one request at a time.

A host's thread keeps its months in a queue: it asks for the first one that may
be asked now, pauses between two requests, and puts back for later a month the
host queued (202, 1011) or a request the host was too busy for (429, 1020, 1000,
1010, a timeout), waiting as the host asked; a 3020-style refusal of YYYY-MM is
asked again once with full dates. Each answer is saved (gzip) and, when it is a
report, read by the importer's `read_file` in this thread; the main thread
(run.py) stores what comes out.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from coopdash import load
from coopdash.harvest import plan
from coopdash.harvest.client import Client, endpoint, parameters
from coopdash.harvest.vendor import Outcome, read

log = logging.getLogger("coopdash.harvest")
IMPORTED_BY = "harvest"


@dataclass
class Result:
    job: plan.Job
    outcome: Outcome
    response: Path | None = None
    read: load.ReadFile | None = None
    secrets: list[str] = field(default_factory=list)


class HostWorkers:
    """A thread per host; each asks its host one request at a time."""

    def __init__(self, by_host, settings, credentials, registry, folder, results, stop, summary):
        self.by_host, self.settings, self.credentials = by_host, settings, credentials
        self.registry, self.folder, self.results, self.stop = registry, folder, results, stop
        self.summary = summary
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(max(1, settings.politeness.parallel_hosts))
        self.threads = [
            threading.Thread(target=self._host, args=(host, jobs), name=f"harvest {host}", daemon=True)
            for host, jobs in by_host.items()
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def alive(self) -> bool:
        return any(thread.is_alive() for thread in self.threads)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=5)

    def _host(self, host: str, jobs: list[plan.Job]) -> None:
        with self.slots:
            try:
                _HostRun(self, host, jobs).run(host)
            except Exception:  # a fault must not leave the run waiting for results that never come
                log.exception("harvest of %s stopped", host)
                raise


class _HostRun:
    def __init__(self, workers: HostWorkers, host: str, jobs: list[plan.Job]):
        self.w = workers
        self.politeness = workers.settings.politeness
        self.pause = max([self.politeness.pause_seconds] + [j.platform.pause_seconds or 0 for j in jobs])
        self.pending = deque(
            {"job": job, "queued": 0, "busy": 0, "full_dates": False, "after": 0.0} for job in jobs
        )
        self.host_after = 0.0  # no request before this (monotonic): the pause, or a wait the host asked for
        self.refused: set[tuple[str, str]] = set()
        self.full_dates: set[str] = set()  # platforms that turned out to want YYYY-MM-DD
        self.open = 0

    def run(self, host: str) -> None:
        client = Client(self.politeness)
        try:
            while self.pending and not self.w.stop.is_set():
                entry = self._next()
                if entry is None:
                    continue
                try:
                    self._one(client, entry)
                except Exception as exc:  # a fault with one answer must not stop the others
                    log.exception("%s: a fault while harvesting", host)
                    fault = Outcome("failed", ("fault", {"error": type(exc).__name__}))
                    self.w.results.put(Result(entry["job"], fault))
        finally:
            client.close()

    def _next(self) -> dict | None:
        now = time.monotonic()
        ready = [e for e in self.pending if e["after"] <= now]
        wait_until = max(self.host_after, min(e["after"] for e in self.pending) if not ready else now)
        if wait_until > now:
            self._sleep(wait_until - now)
            return None
        entry = ready[0]
        self.pending.remove(entry)
        return entry

    def _sleep(self, seconds: float) -> None:
        self.w.stop.wait(seconds)
        with self.w.lock:
            self.w.summary.seconds_pausing += seconds

    def _one(self, client: Client, entry: dict) -> None:
        job: plan.Job = entry["job"]
        credentials = self.w.credentials[(job.platform.name, job.library)]
        if (job.platform.name, job.library) in self.refused:
            self.w.results.put(Result(job, Outcome("skipped")))
            return
        full = entry["full_dates"] or job.platform.name in self.full_dates
        target = self._target(job)
        with self.w.lock:
            self.open += 1
            self.w.summary.peak_per_host = max(self.w.summary.peak_per_host, self.open)
        try:
            answer = client.get(
                endpoint(job.platform, f"reports/{job.report_id.lower()}"),
                parameters(job.platform, credentials, job.report_id, job.month, full_dates=full),
                target,
            )
        finally:
            with self.w.lock:
                self.open -= 1
                self.w.summary.requests += 1
        with self.w.lock:
            self.w.summary.seconds_requesting += answer.seconds
        self.host_after = time.monotonic() + self.pause
        outcome = read(answer, job.month)
        if self._again(entry, outcome, full):
            if answer.body:
                answer.body.unlink(missing_ok=True)
            return
        if outcome.kind == "report" and full:
            self.full_dates.add(job.platform.name)
        if outcome.kind == "unauthorised":
            self.refused.add((job.platform.name, job.library))
        result = Result(job, outcome, answer.body, secrets=credentials.secrets)
        if outcome.kind == "report":
            began = time.monotonic()
            context = load.ImportContext(self.w.registry, library=job.library, imported_by=IMPORTED_BY)
            result.read = load.read_file(Path(target.name.removesuffix(".gz")), context, data=outcome.report)
            with self.w.lock:
                self.w.summary.seconds_reading += time.monotonic() - began
        self.w.results.put(result)

    def _again(self, entry: dict, outcome: Outcome, full: bool) -> bool:
        """Put the job back for later in this run when the answer asks for that."""
        now = time.monotonic()
        if outcome.kind == "bad_request" and not full:
            entry["full_dates"] = True  # some vendors want YYYY-MM-DD where the spec says YYYY-MM
        elif outcome.kind == "queued" and entry["queued"] + 1 < self.politeness.queued_tries:
            entry["after"] = now + (
                outcome.wait or self.politeness.queued_wait_seconds * 2 ** entry["queued"]
            )
            entry["queued"] += 1
        elif outcome.kind in ("too_many", "busy") and entry["busy"] + 1 < self.politeness.busy_tries:
            self.host_after = max(self.host_after, now + (outcome.wait or self.politeness.busy_wait_seconds))
            entry["busy"] += 1
        else:
            return False
        self.pending.appendleft(entry) if outcome.kind != "queued" else self.pending.append(entry)
        return True

    def _target(self, job: plan.Job) -> Path:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", job.platform.name).strip("-").lower() or "platform"
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        name = f"{slug}_{job.library}_{job.report_id}_{job.month:%Y-%m}_{stamp}.json.gz"
        return self.w.folder / slug / name
