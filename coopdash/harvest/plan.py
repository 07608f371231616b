"""Which months to ask for now, and when to ask again: the harvest's schedule, as pure functions.

A run names its months (the command's --month / --from --to, "harvest now"), or
is the timer's: the last complete month, plus every month whose retry time has
come. What comes back decides the next try, as CELUS schedules it: a queued
report (202, 1011) within hours; "not ready" (3031) after 1, 2, 4, 8 days; "no
usage" (3030), which some vendors say for "not ready", re-checked after 1 to 32
days; partial data (3040) harvested again a week later; refused credentials
(2000-2020) never by themselves, until someone fixes them and asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from coopdash.harvest.credentials import Credentials
from coopdash.harvest.settings import HarvestSettings, Platform


@dataclass(frozen=True)
class Job:
    platform: Platform
    library: str
    report_id: str
    month: date

    @property
    def key(self) -> tuple[str, str, str, date]:
        return (self.platform.name, self.library, self.report_id, self.month)


@dataclass(frozen=True)
class Stored:
    """The harvest status row of one key, as far as planning needs it."""

    state: str
    attempts: int
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class Request:
    months: tuple[date, ...] = ()  # empty: the timer's run (last complete month and the retries due)
    platforms: tuple[str, ...] = ()  # empty: every platform
    libraries: tuple[str, ...] = ()  # empty: every library of each platform
    due_only: bool = False  # the daily retry: only the months whose retry time has come

    @property
    def explicit(self) -> bool:
        return bool(self.months)


def month_range(first: date, last: date) -> list[date]:
    months, current = [], date(first.year, first.month, 1)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def last_complete_month(today: date) -> date:
    first = date(today.year, today.month, 1)
    previous = first - timedelta(days=1)
    return date(previous.year, previous.month, 1)


def pairs(settings: HarvestSettings, request: Request) -> list[tuple[Platform, str]]:
    """The platform x library pairs the request names (every one, if it names none)."""
    if request.platforms:
        for name in request.platforms:
            settings.platform(name)  # an unknown name is an error, not an empty run
    return [
        (platform, library)
        for platform in settings.platforms
        if not request.platforms or platform.name in request.platforms
        for library in platform.libraries
        if not request.libraries or library in request.libraries
    ]


def jobs(
    chosen: list[tuple[Platform, str]],
    reports: dict[tuple[str, str], tuple[str, ...]],
    stored: dict[tuple[str, str, str, date], Stored],
    request: Request,
    now: datetime,
) -> list[Job]:
    """The requests to make, in month order (oldest first) so a host fills its months in turn."""
    wanted = list(request.months) or ([] if request.due_only else [last_complete_month(now.date())])
    found: dict[tuple, Job] = {}
    for platform, library in chosen:
        for report_id in reports.get((platform.name, library), platform.reports):
            for month in wanted:
                job = Job(platform, library, report_id, month)
                if _wanted(stored.get(job.key), request.explicit, now, named=True):
                    found[job.key] = job
    if not request.explicit:  # the timer: every retry that has come due
        names = {(p.name, library): p for p, library in chosen}
        for (name, library, report_id, month), row in stored.items():
            platform = names.get((name, library))
            if platform and report_id in reports.get((name, library), platform.reports):
                job = Job(platform, library, report_id, month)
                if job.key not in found and _wanted(row, False, now, named=False):
                    found[job.key] = job
    return sorted(found.values(), key=lambda j: (j.month, j.platform.name, j.library, j.report_id))


def _wanted(row: Stored | None, explicit: bool, now: datetime, *, named: bool) -> bool:
    if row is None:
        return named
    if row.state == "harvested" and row.next_attempt_at is None:
        return False  # in: only a partial month (3040) is harvested again
    if explicit:
        return True  # a person asked for it: try now, whatever the schedule says
    return row.next_attempt_at is not None and row.next_attempt_at <= now


def next_attempt(kind: str, attempts: int, now: datetime, wait: float | None = None) -> datetime | None:
    """When an automatic run may try a key again after `kind` on its `attempts`-th try (None: not by itself)."""
    if kind == "queued":
        return now + timedelta(hours=min(2 ** (attempts - 1), 24))
    if kind in ("too_many", "busy"):
        return now + max(timedelta(seconds=wait or 0), timedelta(hours=min(2 ** (attempts - 1), 24)))
    if kind == "not_ready":
        return now + timedelta(days=(1, 2, 4, 8)[min(attempts, 4) - 1]) if attempts <= 8 else None
    if kind == "empty":
        return now + timedelta(days=min(2 ** (attempts - 1), 32)) if attempts <= 6 else None
    if kind == "partial":
        return now + timedelta(days=7) if attempts <= 3 else None
    return None  # unauthorised, unavailable (3032), bad parameters, refused by the importer


def usable(credentials: Credentials | None) -> bool:
    return credentials is not None and bool(credentials.customer_id or credentials.requestor_id)
