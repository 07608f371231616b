"""Benchmark: importing COUNTER usage, coopdash's importer against a pandas-melt baseline.

    python bench/import_usage.py [--titles 1500] [--months 60] [--keep DIR]

Writes one Title Report per member library (TSV, 60 months, realistic and
consistent metrics) totalling over 5 million long rows (non-zero month cells),
then times, each in a fresh process so peak memory is its own:

- coopdash: `import_files` (as `python -m coopdash import` does) into a new
  DuckDB database: read, check against the COUNTER rules, store all or nothing;
- pandas: read the body with pandas, melt the month columns, insert into DuckDB.

Prints seconds, long rows per second and peak memory (max RSS) of each route.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coopdash.registry import Registry  # noqa: E402
from coopdash.sample.counter_files import Report, UsageRow, report_months, write_tabular  # noqa: E402

COLUMNS = ["Title", "Publisher", "Platform", "DOI", "Proprietary_ID", "ISBN", "Online_ISSN",
           "Data_Type", "YOP", "Access_Type", "Access_Method"]  # fmt: skip


def title_rows(number: int, months: list[date], rng: random.Random) -> list[UsageRow]:
    """One title's rows; its metrics obey the COUNTER Validator's rules every month."""
    book = number % 3 == 0
    item = {
        "Title": f"{'Book' if book else 'Journal'} {number} 浙江地方文献 (benchmark)",
        "Publisher": f"Publisher {number % 40}",
        "Platform": f"Platform {number % 5}",
        "DOI": f"10.5555/bench.{number}",
        "Proprietary_ID": f"bench:{number}",
        "ISBN": f"978-7-5550-{number:04d}-0" if book else "",
        "Online_ISSN": "" if book else f"2999-{number % 10000:04d}",
        "Data_Type": "Book" if book else "Journal",
        "YOP": str(2010 + number % 15),
        "Access_Type": "Controlled",
        "Access_Method": "Regular",
    }
    level = rng.lognormvariate(3.5, 1.0)
    metrics: dict[str, dict[date, int]] = {}
    for month in months:
        tii = 1 + int(level * rng.uniform(0.6, 1.4))
        uii = max(1, int(tii * 0.75))
        tir = max(1, int(tii * 0.55))
        uir = max(1, min(uii, int(tir * 0.8)))
        values = {
            "Total_Item_Investigations": tii,
            "Unique_Item_Investigations": uii,
            "Total_Item_Requests": tir,
            "Unique_Item_Requests": uir,
        }
        if book:
            values["Unique_Title_Investigations"] = max(1, int(uii * 0.8))
            values["Unique_Title_Requests"] = max(1, min(int(uii * 0.8), int(uir * 0.8)))
        for metric, count in values.items():
            metrics.setdefault(metric, {})[month] = count
    return [UsageRow(item, metric, counts) for metric, counts in sorted(metrics.items())]


def write_files(out: Path, titles: int, month_count: int) -> tuple[list[Path], int]:
    registry = Registry.load()
    begin = date(2020, 1, 1)
    months = report_months(begin, date(begin.year + (month_count - 1) // 12, (month_count - 1) % 12 + 1, 1))
    end = date(months[-1].year, months[-1].month, 28)
    paths, cells = [], 0
    for index, library in enumerate(registry.libraries.values()):
        rng = random.Random(index)
        rows = [row for n in range(titles) for row in title_rows(n, months, rng)]
        cells += sum(len(row.counts) for row in rows)
        report = Report(
            report_id="TR",
            release="5",
            institution_name=library.name_en,
            institution_ids=[],
            begin=begin,
            end=end,
            columns=COLUMNS,
            rows=rows,
            created="2025-01-10T08:00:00Z",
            created_by="coopdash benchmark (SYNTHETIC DATA)",
        )
        path = out / f"{library.code}_TR.tsv"
        write_tabular(report, path)
        paths.append(path)
    return paths, cells


def run_coopdash(files: list[Path], database: Path) -> int:
    from coopdash import db
    from coopdash.load import ImportContext, import_files

    registry = Registry.load()
    con = db.connect(database)
    db.sync_registry(con, registry)
    stored = 0
    for result in import_files(con, files, ImportContext(registry)):
        if result.status != "imported":
            raise SystemExit(f"{result.path}: {result.status} {result.error}")
        stored += result.long_rows
    con.close()
    return stored


def run_pandas(files: list[Path], database: Path) -> int:
    import duckdb
    import pandas as pd

    con = duckdb.connect(str(database))
    con.execute(
        "create table usage (title varchar, platform varchar, metric_type varchar, month varchar, count bigint)"
    )
    stored = 0
    for path in files:
        frame = pd.read_csv(
            path, sep="\t", skiprows=13, dtype=str, encoding="utf-8-sig", keep_default_na=False
        )
        months = [c for c in frame.columns if c[:3].isalpha() and c[3:4] == "-"]
        long = frame.melt(
            id_vars=["Title", "Platform", "Metric_Type"],
            value_vars=months,
            var_name="month",
            value_name="count",
        )
        long["count"] = pd.to_numeric(long["count"].str.replace(",", ""), errors="coerce")
        long = long[long["count"] > 0]
        con.execute("insert into usage select Title, Platform, Metric_Type, month, count from long")
        stored += len(long)
    con.close()
    return stored


def measure(route: str, files: list[Path]) -> dict:
    """Run one route in a fresh Python process; its max RSS is the route's own."""
    with tempfile.TemporaryDirectory() as work:
        args = [
            sys.executable,
            __file__,
            "--route",
            route,
            "--db",
            str(Path(work) / "bench.duckdb"),
            *map(str, files),
        ]
        output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def child(route: str, database: Path, files: list[Path]) -> None:
    import duckdb  # noqa: F401  (libraries load before the clock starts, for both routes)
    import pandas  # noqa: F401

    import coopdash.load  # noqa: F401

    started = time.perf_counter()
    stored = (run_coopdash if route == "coopdash" else run_pandas)(files, database)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"route": route, "rows": stored, "seconds": seconds, "peak_mb": peak_mb}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--titles", type=int, default=1500, help="titles per file (default 1500)")
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--keep", type=Path, help="write the generated files here and keep them")
    parser.add_argument("--route", choices=["coopdash", "pandas"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.route:
        child(args.route, args.db, args.files)
        return
    with tempfile.TemporaryDirectory() as scratch:
        out = args.keep or Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        files, cells = write_files(out, args.titles, args.months)
        size = sum(p.stat().st_size for p in files) / 2**20
        print(
            f"wrote {len(files)} TR files, {args.months} months each: {cells:,} long rows, "
            f"{size:,.0f} MB, in {time.perf_counter() - started:.1f} s"
        )
        results = [measure("coopdash", files), measure("pandas", files)]
    print(f"{'route':<10}{'long rows':>12}{'seconds':>10}{'rows/s':>14}{'peak MB':>10}")
    for r in results:
        print(
            f"{r['route']:<10}{r['rows']:>12,}{r['seconds']:>10.2f}"
            f"{r['rows'] / r['seconds']:>14,.0f}{r['peak_mb']:>10,.0f}"
        )
    ours, baseline = results
    print(
        f"coopdash / pandas-melt: {ours['rows'] / ours['seconds'] / (baseline['rows'] / baseline['seconds']):.2f}x"
    )


if __name__ == "__main__":
    main()
