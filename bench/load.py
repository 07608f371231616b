"""Benchmark: N viewers load the dashboard's pages in a real browser for a minute while one import runs.

    python bench/load.py [--viewers 20] [--seconds 60] [--scale national|province]
                         [--import-after 5] [--titles 300000] [--timeout 120] [--rebuild]

Starts `streamlit run dashboard.py` on a free loopback port with COOPDASH_DB and
COOPDASH_REGISTRY set, as bench/pages.py sets them, on a copy of the database of
the scale (bench/out/load/, so the import does not touch the stored build):
national is bench/national.py's 3,000 libraries; province the bundled sample.
One chromium (Debian's, /usr/bin/chromium) holds one browser context per viewer,
all driven from one asyncio loop (Playwright's async API): on 2 cores, twenty
browsers would measure chromium, not the dashboard. Non-loopback addresses go to
a dead proxy, so the browser reaches the dashboard and nothing else, and any
attempt is listed; the browser cache stays on, as a reader's does (request
interception, as tests/e2e/conftest.py's local_tab uses, turns it off).

Before the window one viewer loads each page once (the server's first load also
brings the database's schema and registry up to date, a write); those times are
printed apart. Then every viewer loads the pages in turn, each from a fresh
navigation (a new Streamlit session), timed from navigation until the page has
finished running and every chart drew, or it failed: an exception on the page,
the "being updated" notice, a dialog, or --timeout. --import-after seconds into
the window `python -m coopdash import` stores a generated COUNTER Title Report
(--titles titles x 12 months of 2025) for one member library (the first city
library of the registry, with --library). Viewers start no load after --seconds;
the loads under way finish.

Prints the pages loaded, pages per second, median and 95th-percentile page time
(overall, while the import ran, after it), per page, the errors (must be 0), the
import's duration and exit code, and which data each load showed: the
synthetic-data notice counts the imported files, so a load shows the database
before the import or after it, and must never show anything else or go back.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / "out" / "load"
CHROMIUM = Path("/usr/bin/chromium")
sys.path[:0] = [str(ROOT), str(BENCH)]

from coopdash.i18n import t  # noqa: E402
from coopdash.registry import Registry  # noqa: E402

PAGES = {  # address (after the server's) and the title its h1 shows
    "overview": ("", "overview.title"),
    "uptake": ("uptake", "nav.uptake"),
    "contributions": ("contributions", "nav.contributions"),
    "services": ("services", "services.title"),
    "city": ("city", "nav.city"),
    "compare": ("compare", "nav.compare"),
    "coverage": ("coverage", "coverage.title"),
}
MONTHS = [f"{m}-2025" for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")]
# null while the page is still coming; else what it shows, or what went wrong.
SHOWN = """(title) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
    const failed = document.querySelector('[data-testid="stException"]');
    if (failed) return {error: 'exception: ' + failed.innerText.slice(0, 500)};
    const text = document.body.innerText;
    if (text.includes('is being updated')) return {error: 'said the database is being updated'};
    const dialog = document.querySelector('[role="dialog"]');
    if (dialog) return {error: 'dialog: ' + dialog.innerText.slice(0, 300)};
    const h1 = document.querySelector('h1');
    if (!h1 || h1.innerText.trim() !== title) return null;
    if (![...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))) return null;
    const files = text.match(/of the ([0-9,]+) imported files/);
    return {files: files ? Number(files[1].replace(/,/g, '')) : null};
}"""


@dataclass
class Load:
    viewer: int
    page: str
    started: float  # seconds from the window's start
    ended: float
    error: str | None = None
    files: int | None = None  # the imported files the page counted: which data it showed

    @property
    def seconds(self) -> float:
        return self.ended - self.started


# ---------------------------------------------------------------- set-up


def databases(scale: str, rebuild: bool) -> tuple[Path, Path]:
    if scale == "national":
        import national

        return national.ensure(rebuild=rebuild)
    from pages import province_database  # bench/pages.py

    return province_database(rebuild)


def title_report(path: Path, library, titles: int) -> None:
    """A valid R5 TR of 2025 naming `library`: `titles` books with a count in every month."""
    from tests.conftest import tabular

    header = {
        "Institution_Name": library.name_en,
        "Reporting_Period": "Begin_Date=2025-01-01; End_Date=2025-12-31",
        "Created_By": "bench/load.py (SYNTHETIC DATA)",
    }
    with path.open("w") as out:
        out.write(tabular(header=header, months=MONTHS, rows=[]))
        for n in range(titles):
            out.write(f"Load Title {n}\tPublisher\tLoad Platform\tBook\tTotal_Item_Requests\t12" + "\t1" * 12 + "\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(database: Path, registry: Path, log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run dashboard.py` on a free loopback port, as tests/e2e/conftest.py's running_server,
    with the registry too."""
    port = free_port()
    env = {**os.environ, "COOPDASH_DB": str(database), "COOPDASH_REGISTRY": str(registry)}
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
                "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"streamlit did not start; see {log}") from None
                    time.sleep(0.3)
            yield base, process
        finally:
            process.terminate()
            process.wait(timeout=30)


def peak_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# ---------------------------------------------------------------- the window


def elsewhere(url: str, server: str) -> bool:
    """A request for another host (data: and blob: addresses are the page's own)."""
    return url.startswith(("http:", "https:", "ws:", "wss:")) and not url.startswith(server)


async def load(tab, server: str, viewer: int, page: str, origin: float, timeout: float) -> Load:
    from playwright.async_api import Error

    path, title = PAGES[page]
    started = time.monotonic()
    try:
        await tab.goto(f"{server}/{path}?lang=en", timeout=timeout * 1000)
        left = max(1.0, timeout - (time.monotonic() - started))
        shown = await (
            await tab.wait_for_function(SHOWN, arg=t(title, "en"), polling=100, timeout=left * 1000)
        ).json_value()
    except Error as exc:  # a timeout among them
        shown = {"error": str(exc).splitlines()[0]}
    ended = time.monotonic()
    return Load(viewer, page, started - origin, ended - origin, shown.get("error"), shown.get("files"))


async def window(server: str, args, command: list[str], import_log: Path) -> dict:
    from playwright.async_api import async_playwright

    names = list(PAGES)
    result: dict = {"loads": [], "warmup": [], "outside": [], "browser_errors": [], "import": {}}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                # Everything but loopback (bypassed by default) goes to a closed port: nothing leaves.
                "--proxy-server=http://127.0.0.1:9",
            ],
        )  # fmt: skip
        tabs = []
        for viewer in range(args.viewers):
            context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
            tab = await context.new_page()
            tab.on("request", lambda r: elsewhere(r.url, server) and result["outside"].append(r.url))
            tab.on("pageerror", lambda e, v=viewer: result["browser_errors"].append(f"viewer {v}: {e}"))
            tabs.append(tab)

        origin = time.monotonic()
        for page in names:  # one viewer, each page once: the server's first load, caches filled
            result["warmup"].append(await load(tabs[0], server, 0, page, origin, args.timeout))

        origin = time.monotonic()
        end = origin + args.seconds

        async def viewer(number: int) -> None:
            index = number  # each starts on another page
            while time.monotonic() < end:
                page = names[index % len(names)]
                result["loads"].append(await load(tabs[number], server, number, page, origin, args.timeout))
                index += 1

        async def importer() -> None:
            await asyncio.sleep(args.import_after)
            with import_log.open("w") as out:
                started = time.monotonic()
                process = await asyncio.create_subprocess_exec(
                    *command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
                )
                code = await process.wait()
            result["import"] = {"started": started - origin, "ended": time.monotonic() - origin, "code": code}

        await asyncio.gather(importer(), *(viewer(n) for n in range(args.viewers)))
        result["elapsed"] = time.monotonic() - origin
        await browser.close()
    return result


# ---------------------------------------------------------------- the report


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def line(label: str, loads: list[Load], seconds: float) -> str:
    times = [x.seconds for x in loads if x.error is None]
    if not times:
        return f"{label:<34}{len(loads):>7}{'-':>9}{'-':>10}{'-':>8}{'-':>8}"
    return (
        f"{label:<34}{len(loads):>7}{len(loads) / seconds:>9.2f}{statistics.median(times):>10.2f}"
        f"{p95(times):>8.2f}{max(times):>8.2f}"
    )


def report(args, result: dict, library, before: int | None, log: Path, server_peak: float | None) -> int:
    loads: list[Load] = result["loads"]
    imp = result["import"]
    elapsed = result["elapsed"]
    print("\nwarm-up, one viewer, each page once before the window (the first also updates the database):")
    print("  " + ", ".join(f"{x.page} {x.seconds:.1f} s" + (" ERROR" if x.error else "") for x in result["warmup"]))
    print(
        f"\nimport: {args.titles:,} titles x 12 months ({args.titles * 12:,} counts) for {library.code} "
        f"({library.name_en}), from {imp['started']:.1f} s to {imp['ended']:.1f} s of the window: "
        f"{imp['ended'] - imp['started']:.1f} s, exit code {imp['code']}"
    )
    during = [x for x in loads if imp["started"] <= x.ended <= imp["ended"]]
    after = [x for x in loads if x.ended > imp["ended"]]
    print(
        f"\n{args.viewers} viewers, {args.seconds:g} s window (the last loads ended at {elapsed:.1f} s): "
        f"{len(loads)} pages loaded, {len(loads) / elapsed:.2f} pages per second"
    )
    print(f"{'loads':<34}{'pages':>7}{'per s':>9}{'median s':>10}{'p95 s':>8}{'max s':>8}")
    print(line("all", loads, elapsed))
    print(line("ended while the import ran", during, max(imp["ended"] - imp["started"], 1e-9)))
    print(line("ended after the import", after, max(elapsed - imp["ended"], 1e-9)))
    for page in PAGES:
        print(line(f"  {page}", [x for x in loads if x.page == page], elapsed))

    # Which data each load showed (the notice's count of imported files): before or after, nothing else.
    shown = sorted({x.files for x in loads})
    newer = [x for x in loads if before is not None and x.files == before + 1]
    if newer:
        print(
            f"data shown: {len(loads) - len(newer)} loads before the import ({before:,} files), "
            f"{len(newer)} after it ({before + 1:,}); the first after it ended at {min(x.ended for x in newer):.1f} s"
        )
    went_back = [
        v
        for v in range(args.viewers)
        if (seen := [x.files for x in sorted(loads, key=lambda x: x.started) if x.viewer == v]) != sorted(seen)
    ]
    odd = [count for count in shown if before is None or count not in (before, before + 1)]

    errors = [x for x in loads + result["warmup"] if x.error]
    print(f"errors: {len(errors)}")
    for x in errors[:5]:
        print(f"  viewer {x.viewer} {x.page} at {x.started:.1f}-{x.ended:.1f} s: {x.error}")
    if odd:
        print(f"  loads showed a file count that is neither before nor after the import: {odd}")
    if went_back:
        print(f"  viewers that saw the import and then the data before it again: {went_back}")
    if result["outside"]:
        print(f"  the browser tried to reach other hosts: {sorted(set(result['outside']))[:5]}")
    print(f"browser (JavaScript) errors: {len(result['browser_errors'])}")
    for message in result["browser_errors"][:3]:
        print(f"  {message[:300]}")
    text = log.read_text(errors="replace")
    tracebacks = text.count("Traceback")
    print(f"server log ({log.relative_to(ROOT)}): {tracebacks} tracebacks" + (
        f"; peak memory {server_peak:,.0f} MB" if server_peak else ""))
    if tracebacks:
        print("  " + "\n  ".join(text[text.index("Traceback") :].splitlines()[:12]))
    failed = errors or odd or went_back or result["outside"] or imp["code"] != 0 or tracebacks
    return 1 if failed else 0


def files_in(database: Path) -> int:
    import duckdb

    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute("select count(*) from imports").fetchone()[0]
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60, help="the window: no load starts after it")
    parser.add_argument("--scale", choices=["national", "province"], default="national")
    parser.add_argument("--import-after", type=float, default=5, help="seconds into the window")
    parser.add_argument("--titles", type=int, default=300_000, help="titles in the imported TR (x 12 months)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a page load may take")
    parser.add_argument("--rebuild", action="store_true", help="build the database of the scale again")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit("needs Debian's chromium and fonts-noto-cjk: apt-get install chromium fonts-noto-cjk")

    source, registry_csv = databases(args.scale, args.rebuild)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    database = WORK / "coopdash.duckdb"
    shutil.copyfile(source, database)
    before = files_in(database)
    registry = Registry.load(registry_csv)
    library = next(lib for lib in registry.libraries.values() if lib.level == "city")
    report_file = WORK / f"load_tr_{library.code}.tsv"
    title_report(report_file, library, args.titles)
    command = [sys.executable, "-m", "coopdash", "import", str(report_file), "--db", str(database)]
    command += ["--registry", str(registry_csv), "--library", library.code, "--json"]
    print(
        f"load: {args.scale} scale ({before:,} files imported, {database.stat().st_size / 2**20:,.0f} MB), "
        f"{args.viewers} viewers, {args.seconds:g} s, {os.cpu_count()} cores",
        flush=True,
    )

    log = WORK / "streamlit.log"
    try:
        with serve(database, registry_csv, log) as (server, process):
            result = asyncio.run(window(server, args, command, WORK / "import.log"))
            server_peak = peak_mb(process.pid)
        code = report(args, result, library, before, log, server_peak)
    finally:
        for leftover in (database, database.with_name(database.name + ".draft"), report_file):
            leftover.unlink(missing_ok=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
