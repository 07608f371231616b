"""Generate the SYNTHETIC OCLC service statistics: every member's ILL and cataloguing activity, year by year.

So the resource-sharing and cataloguing pages can be tried without anyone's
statistics, in the layouts docs/oclc_statistics.md accepts: mostly OCLC's
tab-delimited text named .xls, a few CSVs (one in GB18030), one request list and
one file with a row per cataloguer. Cataloguing agrees with the catalogue sample:
the new records a member reports for a month are the records marc/ shows it
created in that month, give or take NEW_RECORDS_NOISE.
"""

from __future__ import annotations

import csv
import io
import math
import shutil
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from random import Random

from coopdash.registry import Library, Registry
from coopdash.sample import SYNTHETIC_STATISTICS_NOTE
from coopdash.sample.catalogue import (
    NON_MEMBER_AGENCIES,
    MarcFile,
    enhanced_by_month,
    originals_by_month,
    sample_code,
)
from coopdash.sample.timeline import FIRST_YEAR, LAST_YEAR, SEED, first_usage_month

OCLC_DIR = "oclc"
PORTAL_TITLE = "OCLC Usage Statistics"
ILL_REPORT = "Interlibrary Loan Monthly Activity"
CATALOGUING_REPORT = "Cataloging Activity"
REQUEST_LIST_REPORT = "Borrower Resource Sharing Statistics: Request List"

# --- interlibrary loan ---------------------------------------------------------------------------

ILL_PER_MONTH = 12.0  # requests, borrowed and lent, of a member of a million residents in FIRST_YEAR
REACH_BY_LEVEL = {"province": 0.5}
# Lent per borrowed: the provincial library lends far more than it borrows; a city's ratio
# rises with its size, so small cities borrow more than they lend.
PROVINCE_LENDING_RATIO = 6.0
CITY_LENDING_RATIO = (0.35, 0.9)  # ratio = a + b * population / the largest city's population
ILL_GROWTH = 0.06
ILL_RAMP_UP_MONTHS = 12
# Spring 2020: libraries closed and the post slowed; fewer requests, longer waits.
PANDEMIC = {date(2020, 2, 1): (0.3, 3.0), date(2020, 3, 1): (0.45, 2.0), date(2020, 4, 1): (0.75, 1.0)}
FILL_RATE = (0.60, 0.90)
TURNAROUND_DAYS = (3.0, 12.0)

# --- cataloguing ---------------------------------------------------------------------------------

NEW_RECORDS_NOISE = (-2, -1, -1, 0, 0, 0, 0, 1, 1, 2)  # reported minus created, drawn per month
# The most New Records may differ from the originals a reader finds in marc/: the noise, plus
# one record a deliberately damaged file may lose.
NEW_RECORDS_TOLERANCE = 3
HOLDINGS_PER_NEW_RECORD = (3.0, 6.0)
CATALOGUERS = 3  # in the one file with a row per cataloguer

# --- the files' habits ---------------------------------------------------------------------------

ILL_FULL = (
    "Borrowing Requests", "Borrowing Filled", "Borrowing Unfilled", "Borrowing Turnaround (days)",
    "Lending Requests", "Lending Filled", "Lending Unfilled", "Lending Turnaround (days)",
)  # fmt: skip
ILL_SHORT = (
    "Borrowing Requests", "Borrowing Filled", "Lending Requests", "Lending Filled",
    "Average Borrowing Turnaround", "Average Lending Turnaround",
)  # fmt: skip
CATALOGUING = ("New Records", "Holdings Set", "Records Replaced")
AUTHORITY = "Authority Records"
REQUEST_COLUMNS = ("Request ID", "Request Date", "Title", "OCLC Number", "Lender", "Status", "Date Received")
FILLED_STATUSES = ("Received", "Returned", "Closed - Filled")
UNFILLED_STATUSES = ("Unfilled", "Cancelled", "Expired")
EXTERNAL_LENDERS = tuple(code for code, _country, _language in NON_MEMBER_AGENCIES)
TOTAL_ROW_SHARE = 0.1


@dataclass(frozen=True)
class IllMonth:
    month: date
    borrowing: int
    borrowing_filled: int
    borrowing_turnaround: float | None
    lending: int
    lending_filled: int
    lending_turnaround: float | None

    def value(self, heading: str) -> str:
        role = "borrowing" if "Borrowing" in heading else "lending"
        requests, filled = getattr(self, role), getattr(self, f"{role}_filled")
        if "Turnaround" in heading:
            turnaround = getattr(self, f"{role}_turnaround")
            return "" if turnaround is None else f"{turnaround:.1f}"
        return str(
            {"Requests": requests, "Filled": filled, "Unfilled": requests - filled}[heading.split()[1]]
        )


@dataclass(frozen=True)
class CataloguingMonth:
    month: date
    new_records: int
    holdings_set: int
    records_replaced: int
    authority_records: int

    def value(self, heading: str) -> int:
        return getattr(self, heading.lower().replace(" ", "_"))


@dataclass
class StatisticsFile:
    path: str  # relative to the output directory
    library: Library
    report: str  # ill, ill_requests or cataloguing
    title_lines: list[str]
    headings: list[str]
    rows: list[list[object]]
    delimiter: str = "\t"
    encoding: str = "utf-8"
    line_end: str = "\r\n"
    total: bool = False
    quirk: str = ""  # what is unusual about this file, for the README


def _ill_profile(library: Library, libraries: list[Library]) -> tuple[float, float, float, float, float]:
    """(requests a month, lent per borrowed, fill rate, borrowing and lending turnaround in days)."""
    rng = Random(f"{SEED}/{library.code}/ill-profile")
    population = library.population or 1_000_000
    volume = ILL_PER_MONTH * math.sqrt(population / 1_000_000) * REACH_BY_LEVEL.get(library.level, 1.0)
    if library.level == "province":
        ratio = PROVINCE_LENDING_RATIO
    else:
        largest = max((lib.population or 0 for lib in libraries if lib.level != "province"), default=0)
        a, b = CITY_LENDING_RATIO
        ratio = a + b * population / (largest or population)
    return volume, ratio, rng.uniform(0.68, 0.85), rng.uniform(5.0, 9.0), rng.uniform(3.5, 7.0)


def _clamp(value: float, bounds: tuple[float, float]) -> float:
    return min(bounds[1], max(bounds[0], value))


def ill_months(library: Library, libraries: list[Library], year: int) -> list[IllMonth]:
    """A member's ILL month by month: borrowing and lending, filled, turnaround."""
    volume, ratio, fill_rate, borrow_days, lend_days = _ill_profile(library, libraries)
    start = first_usage_month(library)
    rng = Random(f"{SEED}/{library.code}/{year}/ill")
    months = []
    for month in _months(start, year):
        expected = volume * (1 + ILL_GROWTH) ** (month.year - FIRST_YEAR + (month.month - 1) / 12)
        if library.joined_on is not None:
            months_in = (month.year - start.year) * 12 + month.month - start.month
            expected *= min(1.0, 0.25 + 0.75 * months_in / ILL_RAMP_UP_MONTHS)
        share, delay = PANDEMIC.get(month, (1.0, 0.0))
        borrowed = expected * share * 2 / (1 + ratio)
        counts = [_draw(rng, borrowed), _draw(rng, borrowed * ratio)]
        filled = [round(n * _clamp(rng.gauss(fill_rate, 0.04), FILL_RATE)) for n in counts]
        days = [
            round(_clamp(rng.gauss(base + delay, 0.8), TURNAROUND_DAYS), 1) if n else None
            for base, n in zip((borrow_days, lend_days), filled)
        ]
        months.append(IllMonth(month, counts[0], filled[0], days[0], counts[1], filled[1], days[1]))
    return months


def _draw(rng: Random, expected: float) -> int:
    return int(max(0.0, expected * rng.gauss(1.0, 0.15)) + rng.random())


def _months(start: date, year: int) -> list[date]:
    return [month for month in (date(year, m, 1) for m in range(1, 13)) if month >= start]


def cataloguing_months(
    library: Library, year: int, created: Counter[tuple[str, date]], enhanced: Counter[tuple[str, date]]
) -> list[CataloguingMonth]:
    """New records as the catalogue sample shows them (give or take a few), holdings, replacements."""
    rng = Random(f"{SEED}/{library.code}/{year}/cataloguing")
    months = []
    for month in _months(first_usage_month(library), year):
        new = max(0, created[library.code, month] + rng.choice(NEW_RECORDS_NOISE))
        holdings = round(new * rng.uniform(*HOLDINGS_PER_NEW_RECORD)) + rng.randint(2, 12)
        replaced = enhanced[library.code, month] + rng.randint(0, 3)
        authority = rng.randint(2, 15) if library.level == "province" else 0
        months.append(CataloguingMonth(month, new, holdings, replaced, authority))
    return months


# --- the files -----------------------------------------------------------------------------------


def _period(months: list[date]) -> str:
    if len(months) == 1:
        return f"{months[0]:%Y-%m}"
    return f"{months[0]:%Y-%m} to {months[-1]:%Y-%m}"


def _header(report: str, library: Library, months: list[date], extra: tuple[str, ...] = ()) -> list[str]:
    return [SYNTHETIC_STATISTICS_NOTE, PORTAL_TITLE, *extra, report, f"Institution:\t{sample_code(library)}",
            f"Period:\t{_period(months)}"]  # fmt: skip


def _month_label(month: date, style: str) -> str:
    if style == "chinese":
        return f"{month.year}年{month.month}月"
    if style == "english":
        return f"{month:%b-%Y}"
    return f"{month:%Y-%m}"


def _ill_file(
    library: Library,
    year: int,
    months: list[IllMonth],
    headings: tuple[str, ...],
    month_style: str,
    extension: str = "xls",
    extra_titles: tuple[str, ...] = (),
    **options,
) -> StatisticsFile:
    rows = [[_month_label(m.month, month_style), *(m.value(h) for h in headings)] for m in months]
    return StatisticsFile(
        f"{OCLC_DIR}/{year}/{library.code}_ill_{year}.{extension}",
        library,
        "ill",
        _header(ILL_REPORT, library, [m.month for m in months], extra_titles),
        ["Month", *headings],
        rows,
        **options,
    )


def _cataloguing_file(
    library: Library,
    year: int,
    months: list[CataloguingMonth],
    month_style: str,
    extension: str = "xls",
    **options,
) -> StatisticsFile:
    headings = [*CATALOGUING, AUTHORITY] if library.level == "province" else list(CATALOGUING)
    rows = [[_month_label(m.month, month_style), *(m.value(h) for h in headings)] for m in months]
    return StatisticsFile(
        f"{OCLC_DIR}/{year}/{library.code}_cataloguing_{year}.{extension}",
        library,
        "cataloguing",
        _header(CATALOGUING_REPORT, library, [m.month for m in months]),
        ["Month", *headings],
        rows,
        **options,
    )


def _by_cataloguer(file: StatisticsFile, months: list[CataloguingMonth], rng: Random) -> StatisticsFile:
    """The same figures, split over the cataloguers who did the work: several rows per month."""
    file.headings.insert(1, "Cataloguer")
    rows = []
    for row, month in zip(file.rows, months):
        shares = [rng.uniform(0.5, 1.5) for _ in range(CATALOGUERS)]
        parts = [_split(month.value(h), shares) for h in file.headings[2:]]
        rows += [[row[0], f"cataloguer {n + 1}", *(p[n] for p in parts)] for n in range(CATALOGUERS)]
    file.rows = rows
    file.total = False
    file.quirk = f"one row per cataloguer ({CATALOGUERS} per month), to be added up"
    return file


def _split(total: int, shares: list[float]) -> list[int]:
    parts = [int(total * share / sum(shares)) for share in shares]
    parts[0] += total - sum(parts)
    return parts


def _request_list(
    library: Library, month: IllMonth, marc_files: list[MarcFile]
) -> tuple[StatisticsFile, float]:
    """A month's borrowing requests one by one, as OCLC's borrower request list gives them.

    Returns the file and the mean turnaround of its filled requests, which the monthly
    file then reports for that month, so the two files agree.
    """
    rng = Random(f"{SEED}/{library.code}/{month.month:%Y-%m}/requests")
    own = sample_code(library)
    lendable = [
        e.record
        for f in marc_files
        for e in filter(None, f.records)
        if e.role == "original" and e.record.origin != own and e.record.entered.date() < month.month
    ]
    rows, waits = [], []
    for n in range(month.borrowing):
        requested = month.month + timedelta(days=rng.randrange(28))
        record = rng.choice(lendable)
        lender = record.origin if rng.random() < 0.8 else rng.choice(EXTERNAL_LENDERS)
        received = ""
        if n < month.borrowing_filled:
            waits.append(round(_clamp(rng.gauss(month.borrowing_turnaround or 0.0, 1.5), TURNAROUND_DAYS)))
            received = f"{requested + timedelta(days=waits[-1]):%Y-%m-%d}"
        status = rng.choice(FILLED_STATUSES if received else UNFILLED_STATUSES)
        rows.append(
            [f"{requested:%Y-%m-%d}", record.book.title, str(record.oclc_number), lender, status, received]
        )
    rows.sort(key=lambda row: row[0])
    numbered = [[str(90_000_001 + i), *row] for i, row in enumerate(rows)]
    file = StatisticsFile(
        f"{OCLC_DIR}/{month.month.year}/{library.code}_ill_requests_{month.month:%Y-%m}.xls",
        library,
        "ill_requests",
        _header(REQUEST_LIST_REPORT, library, [month.month]),
        list(REQUEST_COLUMNS),
        numbered,
        quirk="ILL request list: one row per borrowing request; the same figures as this month's "
        "borrowing in the monthly file",
    )
    return file, sum(waits) / len(waits) if waits else 0.0


def _special_files(libraries: list[Library]) -> dict[tuple[str, str, int], str]:
    """Which (member, report, year) files are unusual; chosen by registry order, not by name."""
    province = next((lib for lib in libraries if lib.level == "province"), libraries[0])
    cities = [lib for lib in libraries if lib is not province] or [province]

    def host(library: Library, report: str, year: int) -> tuple[str, str, int]:
        return library.code, report, max(year, first_usage_month(library).year)

    smallest = min(cities, key=lambda lib: lib.population or math.inf)
    return {
        host(cities[1 % len(cities)], "ill", 2020): "gb18030",
        host(cities[4 % len(cities)], "cataloguing", 2022): "csv",
        host(cities[6 % len(cities)], "ill", 2023): "semicolon",
        host(province, "cataloguing", 2024): "cataloguers",
        host(smallest, "ill", LAST_YEAR): "requests",
    }


def plan_statistics(registry: Registry, marc_files: list[MarcFile]) -> list[StatisticsFile]:
    """Every statistics file to write; nothing written yet."""
    libraries = list(registry.libraries.values())
    special = _special_files(libraries)
    created, enhanced = originals_by_month(marc_files), enhanced_by_month(marc_files)
    planned = []
    for index, library in enumerate(libraries):
        month_style = "english" if index % 4 == 3 else "iso"
        ill_headings = ILL_SHORT if index % 3 == 2 else ILL_FULL
        for year in range(first_usage_month(library).year, LAST_YEAR + 1):
            rng = Random(f"{SEED}/{library.code}/{year}/statistics-files")
            ill = ill_months(library, libraries, year)
            cataloguing = cataloguing_months(library, year, created, enhanced)
            ill_kind = special.get((library.code, "ill", year), "")
            if ill_kind == "requests":
                request_list, turnaround = _request_list(library, ill[-1], marc_files)
                ill[-1] = replace(ill[-1], borrowing_turnaround=round(turnaround, 1))
                planned += [request_list, _ill_file(library, year, ill, ill_headings, month_style)]
            elif ill_kind == "gb18030":
                planned.append(_ill_file(
                    library, year, ill, ILL_FULL, "chinese", extension="csv", delimiter=",", encoding="gb18030",
                    extra_titles=("馆际互借月统计",),
                    quirk="CSV saved by Excel on a Chinese Windows: GB18030, CRLF, months as yyyy年m月",
                ))  # fmt: skip
            elif ill_kind == "semicolon":
                planned.append(_ill_file(
                    library, year, ill, ill_headings, month_style, extension="csv", delimiter=";",
                    encoding="utf-8-sig", line_end="\n", quirk="CSV with semicolons, UTF-8 with BOM",
                ))  # fmt: skip
            else:
                total = rng.random() < TOTAL_ROW_SHARE
                planned.append(_ill_file(library, year, ill, ill_headings, month_style, total=total))
            cataloguing_kind = special.get((library.code, "cataloguing", year), "")
            if cataloguing_kind == "csv":
                planned.append(_cataloguing_file(
                    library, year, cataloguing, month_style, extension="csv", delimiter=",",
                    encoding="utf-8-sig", line_end="\n", quirk="CSV with commas, UTF-8 with BOM",
                ))  # fmt: skip
                continue
            file = _cataloguing_file(
                library, year, cataloguing, month_style, total=rng.random() < TOTAL_ROW_SHARE
            )
            if cataloguing_kind == "cataloguers":
                file = _by_cataloguer(file, cataloguing, rng)
            planned.append(file)
    return planned


def _total_row(file: StatisticsFile) -> list[object]:
    """The appended 'Total' row some exports carry: counts summed, turnaround left blank."""
    sums = []
    for column, heading in enumerate(file.headings[1:], start=1):
        numbers = [row[column] for row in file.rows]
        sums.append("" if "Turnaround" in heading else sum(int(n) for n in numbers))
    return ["Total", *sums]


def statistics_bytes(file: StatisticsFile) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=file.delimiter, lineterminator=file.line_end)
    for line in file.title_lines:
        writer.writerow(line.split("\t"))
    writer.writerow([])
    writer.writerow(file.headings)
    writer.writerows(file.rows)
    if file.total:
        writer.writerow(_total_row(file))
    return out.getvalue().encode(file.encoding)


def write_statistics(out_dir: Path, files: list[StatisticsFile]) -> list[Path]:
    """Write the statistics files under out_dir/oclc/, emptied first so no stale file stays behind."""
    shutil.rmtree(out_dir / OCLC_DIR, ignore_errors=True)
    paths = []
    for file in files:
        path = out_dir / file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(statistics_bytes(file))
        paths.append(path)
    return paths


def readme_section(files: list[StatisticsFile]) -> str:
    """The README's part on the OCLC statistics, in English and Chinese."""
    kinds = Counter(file.report for file in files)
    extensions = Counter(file.path.rsplit(".", 1)[1].upper() for file in files)
    totals = ", ".join(f"`{file.path}`" for file in files if file.total)
    quirks = "\n".join(f"| `{file.path}` | {file.quirk} |" for file in files if file.quirk)
    return f"""## OCLC service statistics / OCLC 服务统计

- `oclc/<year>/<code>_ill_<year>.xls` (interlibrary loan, monthly) and
  `oclc/<year>/<code>_cataloguing_<year>.xls` (cataloguing, monthly): one of each per member and
  year of membership, laid out as `docs/oclc_statistics.md` specifies: {len(files)} files
  ({kinds["ill"]} ILL, {kinds["cataloguing"]} cataloguing, {kinds["ill_requests"]} request list;
  {extensions["XLS"]} tab-delimited text named `.xls` as OCLC's portal exports them,
  {extensions["CSV"]} CSV). The first line of every file is `{SYNTHETIC_STATISTICS_NOTE}`;
  `Institution:` gives the member's invented agency code (the `sample` alias).
- ILL: the provincial library lends about {PROVINCE_LENDING_RATIO:.0f} times what it borrows; the
  larger a city, the more it lends, and small cities borrow more than they lend. Fill rates
  {FILL_RATE[0]:.0%}-{FILL_RATE[1]:.0%}, turnaround {TURNAROUND_DAYS[0]:.0f}-{TURNAROUND_DAYS[1]:.0f}
  days; fewer requests and longer waits in February-April 2020.
- Cataloguing: New Records per month are the records `marc/` shows the member created that month
  (040 $a / 801 #0 $b, by date entered), within {NEW_RECORDS_TOLERANCE} records; Holdings Set is
  {HOLDINGS_PER_NEW_RECORD[0]:.0f}-{HOLDINGS_PER_NEW_RECORD[1]:.0f} times larger; Records Replaced
  covers the records the member enhanced, and a few more. Only the provincial library reports
  Authority Records.
- An appended `Total` row (to be dropped on import): {totals}.
- `oclc/`：各成员馆每年一个馆际互借月统计文件和一个编目统计文件（多为 OCLC 门户导出的以制表符
  分隔、扩展名为 `.xls` 的文本文件），每个文件第一行均为 `{SYNTHETIC_STATISTICS_NOTE}`。省馆借出远多于
  借入，小城市借入多于借出；满足率 {FILL_RATE[0]:.0%}-{FILL_RATE[1]:.0%}，周转 {TURNAROUND_DAYS[0]:.0f}-{TURNAROUND_DAYS[1]:.0f}
  天。每月新增记录数与 `marc/` 中该馆当月的原始编目记录数相差不超过 {NEW_RECORDS_TOLERANCE} 条。

| File / 文件 | Unusual / 特别之处 |
|---|---|
{quirks}
"""
