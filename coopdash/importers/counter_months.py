"""Which months a COUNTER report may stand for: those it covers are the months it replaces and
the months Data coverage counts, so a month it cannot truly speak for must not be among them.

A month is refused or left out, and always said, when:

- it lies far outside the Reporting_Period (more than FAR_MONTHS): a misdated column, refused;
- it lies after the day the report was created (or after today): no use can have been counted
  in it. Refused when it holds counts (the headings are wrong); left out when it holds none
  (a report run for a whole year in August has empty September to December columns);
- the provider's exception says its usage is not ready (3031), no longer available (3032) or
  partial (3040): left out, with any counts in it, so it neither replaces stored figures
  with zeros nor counts as covered. An exception that names no month it can be read for
  is taken to mean the months in which the report holds no counts at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from coopdash.errors import NoReportInFile, ReportFormatError
from coopdash.importers.counter_dates import exception_months
from coopdash.importers.counter_fields import month_label

FAR_MONTHS = 12  # months outside the Reporting_Period beyond which a column is taken as misdated


@dataclass(frozen=True)
class MonthCounts:
    """Per month column: how many of its cells hold a count above zero."""

    by_month: dict[date, int]

    @classmethod
    def of(cls, table: pa.Table, columns: dict[date, str]) -> MonthCounts:
        return cls(
            {
                month: pc.sum(pc.match_substring_regex(table.column(column), "[1-9]")).as_py() or 0
                for month, column in columns.items()
            }
        )

    def held(self, months: list[date]) -> int:
        return sum(self.by_month.get(month, 0) for month in months)


def settle(
    covered: list[date],
    period: list[date],
    counts: MonthCounts,
    created: date | None,
    today: date,
    exceptions: list[str],
    file_name: str,
    warnings: list[str],
) -> list[date]:
    """The months of `covered` the report may stand for; each month left out is said in `warnings`."""
    notes: list[str] = []
    far = [m for m in covered if _distance(m, period) > FAR_MONTHS]
    if far:
        raise ReportFormatError(
            f"{len(far)} month column(s) lie more than {FAR_MONTHS} months outside the Reporting_Period "
            f"({_span(period)}): {_list(far)}; the month headings or the period are wrong, so nothing was imported",
            file=file_name,
        )
    latest = min(created or today, today)
    last_month = date(latest.year, latest.month, 1)
    future = [m for m in covered if m > last_month]
    made = (
        f"created on {created.isoformat()}"
        if created and created <= today
        else f"imported on {today.isoformat()}"
    )
    if counts.held(future):
        raise ReportFormatError(
            f"the report holds counts for {_list([m for m in future if counts.held([m])])}, after it was {made}: "
            "no use can have been counted yet, so its month headings are wrong; nothing was imported",
            file=file_name,
        )
    if future:
        notes.append(
            f"{_list(future)} lie after the report was {made} and hold no counts: left out, so any "
            "figures stored for them are kept and they do not count as covered"
        )
    kept = [m for m in covered if m not in future]
    for exception in exceptions:
        named = exception_months(exception, period)
        if named is None:
            continue
        what, months = named
        guessed = months is None
        if guessed:
            months = [m for m in kept if not counts.held([m])]
        months = [m for m in months if m in kept]
        if not months:
            continue
        kept = [m for m in kept if m not in months]
        dropped = counts.held(months)
        notes.append(
            f"the provider's exception says the usage of {_list(months)} is {what}"
            + (
                " (it names no month that could be read, so the months without any count were taken)"
                if guessed
                else ""
            )
            + ": left out"
            + (f", with the {dropped:,} count(s) they hold," if dropped else "")
            + " so any figures stored for them are kept and they do not count as covered; import the "
            "report again when the provider has them"
        )
    if covered and not kept:
        raise NoReportInFile(
            "no month of the report can be imported: " + "; ".join(notes) + ". Nothing was imported",
            file=file_name,
        )
    warnings.extend(notes)
    return kept


def _distance(month: date, period: list[date]) -> int:
    def index(m: date) -> int:
        return m.year * 12 + m.month

    if month < period[0]:
        return index(period[0]) - index(month)
    if month > period[-1]:
        return index(month) - index(period[-1])
    return 0


def _span(months: list[date]) -> str:
    return f"{month_label(months[0])} to {month_label(months[-1])}"


def _list(months: list[date], shown: int = 6) -> str:
    text = ", ".join(month_label(m) for m in months[:shown])
    return text + (f" and {len(months) - shown} more" if len(months) > shown else "")
