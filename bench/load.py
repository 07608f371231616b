"""Benchmark: N viewers load the dashboard's pages in a loop for a minute while one import runs.

    python bench/load.py [--viewers 20] [--seconds 60] [--scale national|province]
                         [--client browser|websocket] [--navigate click|goto]
                         [--import-after 5] [--titles 300000] [--timeout 120] [--rebuild]

Starts `streamlit run dashboard.py` on a free loopback port with COOPDASH_DB and
COOPDASH_REGISTRY set, as bench/pages.py sets them, on a copy of the database of
the scale (in bench/out/load/, so the import leaves the stored build alone):
national is bench/national.py's 3,000 libraries, province the bundled sample.

The viewers (--client):

- browser (the default): one chromium (Debian's, /usr/bin/chromium) with one
  browser context per viewer, all driven from one asyncio loop (Playwright's
  async API); on 2 cores, twenty browsers would measure chromium, not the
  dashboard. A viewer opens the dashboard once and then moves between the pages
  through the sidebar (--navigate click), as a reader does, or opens each page's
  address afresh, a new session every time (--navigate goto). A page is timed
  from the click or the navigation until Streamlit has finished running it and
  every chart drew. Addresses other than loopback go to a dead proxy, so the
  browser reaches the dashboard and nothing else, and every attempt is listed;
  the browser cache stays on, as a reader's does (request interception, as
  tests/e2e/conftest.py's local_tab uses it, turns the cache off). Note that the
  browser runs on the same cores as the server: the CPU line says how much of
  them each took.
- websocket: each page is a new session on Streamlit's websocket, speaking its
  protocol (streamlit.proto) as the browser does: ask for the page, read what the
  server sends until the script run finished. The server does the same work as
  for a browser; nothing is drawn, so the figures are the server's own. It also
  prints how long the server took to accept each connection.

Before the window one viewer loads each page once (the server's first load also
checks the database's schema and registry copy, and writes only if one is out of
date), then the others
open the overview all at once; those times are printed apart. --import-after
seconds into the window `python -m coopdash import` stores a generated COUNTER
Title Report (--titles titles x 12 months of 2025) for one member library (the
registry's first city library, named with --library).
Viewers start no load after --seconds; the loads under way finish. A load fails
on an exception on the page, the "being updated" notice, a dialog, a title other
than the page's, or no answer within --timeout.

Prints the pages loaded, pages per second, median and 95th-percentile page time
(overall, while the import ran, after it, per page), the errors (must be 0), the
import's duration and exit code, where the CPU went, and which data each load
showed: the synthetic-data notice counts the imported files, so a load shows the
database before the import or after it, and must never show anything else nor,
for one viewer, go back. Exits 1 when anything failed.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / "out" / "load"
CHROMIUM = Path("/usr/bin/chromium")
sys.path[:0] = [str(ROOT), str(BENCH)]

from coopdash import states  # noqa: E402
from coopdash.i18n import t  # noqa: E402
from coopdash.registry import Registry  # noqa: E402
from tests.conftest import PAGE_TITLES, title_report  # noqa: E402
from tests.e2e.conftest import running_server  # noqa: E402

# The page's address (after the server's) and the label of its title.
PAGES = {page: ("" if page == "overview" else page, title) for page, title in PAGE_TITLES.items()}
BUSY = "is being updated"  # webapp._cached's notice when it cannot open the database
FILES = re.compile(r"of the ([0-9,]+) imported files")  # the English synthetic-data notice
# In the browser: null while the page is still coming; else what it shows, or what went wrong.
# textContent, not innerText: twenty tabs polling must not lay their pages out ten times a second.
SHOWN = """({title, busy, files}) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
    const failed = document.querySelector('[data-testid="stException"]');
    if (failed) return {error: 'exception: ' + failed.textContent.slice(0, 500)};
    const alerts = [...document.querySelectorAll('[data-testid="stAlertContainer"]')]
        .map(alert => alert.textContent).join(' ');
    if (alerts.includes(busy)) return {error: 'said the database ' + busy};
    const dialog = document.querySelector('[role="dialog"]');
    if (dialog) return {error: 'dialog: ' + dialog.textContent.slice(0, 300)};
    const h1 = document.querySelector('h1');
    if (!h1 || h1.textContent.trim() !== title) return null;
    if (![...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))) return null;
    const count = alerts.match(new RegExp(files));
    return {files: count ? Number(count[1].replace(/,/g, '')) : null};
}"""


@dataclass
class Load:
    viewer: int
    page: str
    started: float  # seconds from the window's start
    ended: float
    error: str | None = None
    files: int | None = None  # the imported files the page counted: which data it showed
    accepted: float | None = None  # websocket: seconds until the server accepted the connection

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


def cpu_times(server: int) -> dict[str, float]:
    """CPU seconds so far, from /proc: the machine's busy time; the server's; the viewers' (this
    process and its other descendants: the browser); the import's (children this process reaped)."""
    tick = os.sysconf("SC_CLK_TCK")
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    busy = sum(map(int, fields[:8])) - int(fields[3]) - int(fields[4])  # less idle and iowait
    parent, used = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            rest = stat[stat.rindex(")") + 2 :].split()
            parent[int(entry.name)], used[int(entry.name)] = int(rest[1]), int(rest[11]) + int(rest[12])

    def under(pid: int, root: int) -> bool:
        while pid > 1:
            if pid == root:
                return True
            pid = parent.get(pid, 0)
        return False

    me = os.getpid()
    own = Path(f"/proc/{me}/stat").read_text()
    reaped = sum(map(int, own[own.rindex(")") + 2 :].split()[13:15]))
    return {
        "busy": busy / tick,
        "server": sum(t for pid, t in used.items() if under(pid, server)) / tick,
        "viewers": sum(t for pid, t in used.items() if under(pid, me) and not under(pid, server)) / tick,
        "import": reaped / tick,
    }


def peak_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# ---------------------------------------------------------------- the viewers


class Browser:
    """The viewers as contexts of one chromium, each with one tab."""

    def __init__(self, server: str, args, result: dict) -> None:
        self.server, self.args, self.result = server, args, result
        self.tabs: list = []
        self.opened: set[int] = set()

    async def __aenter__(self) -> Browser:
        from playwright.async_api import async_playwright

        self.playwright = await async_playwright().start()
        self.browser = await self.playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                # Everything but loopback (never proxied) goes to a closed port: nothing leaves.
                "--proxy-server=http://127.0.0.1:9",
            ],
        )  # fmt: skip
        for viewer in range(self.args.viewers):
            context = await self.browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
            tab = await context.new_page()
            tab.on("requestfailed", self._failed)  # other hosts fail at the dead proxy
            tab.on("pageerror", lambda e, v=viewer: self.result["page_errors"].append(f"viewer {v}: {e}"))
            self.tabs.append(tab)
        return self

    def _failed(self, request) -> None:
        url = request.url  # data: and blob: addresses are the page's own
        if url.startswith(("http:", "https:", "ws:", "wss:")) and not url.startswith(self.server):
            self.result["outside"].append(url)

    async def __aexit__(self, *exc) -> None:
        await self.browser.close()
        await self.playwright.stop()

    async def load(self, viewer: int, page: str, origin: float) -> Load:
        from playwright.async_api import Error

        path, title = PAGES[page]
        tab, timeout = self.tabs[viewer], self.args.timeout
        wanted = {"title": t(title, "en"), "busy": BUSY, "files": FILES.pattern}
        started = time.monotonic()
        try:
            if self.args.navigate == "click" and viewer in self.opened:
                link = tab.locator(f'[data-testid="stSidebarNav"] a[href="{self.server}/{path}"]')
                await link.click(timeout=timeout * 1000)
            else:
                await tab.goto(f"{self.server}/{path}?lang=en", timeout=timeout * 1000)
            left = max(1.0, timeout - (time.monotonic() - started))
            shown = await (
                await tab.wait_for_function(SHOWN, arg=wanted, polling=100, timeout=left * 1000)
            ).json_value()
            self.opened.add(viewer)
        except Error as exc:  # a timeout among them
            shown = {"error": str(exc).splitlines()[0]}
            self.opened.discard(viewer)  # start again from the address
        return Load(
            viewer, page, started - origin, time.monotonic() - origin, shown.get("error"), shown.get("files")
        )


class Websocket:
    """The viewers as Streamlit sessions on its websocket: one new session per page, as a new tab opens."""

    def __init__(self, server: str, args, result: dict) -> None:
        self.server, self.args = server, args

    async def __aenter__(self) -> Websocket:
        return self

    async def __aexit__(self, *exc) -> None:
        pass

    async def load(self, viewer: int, page: str, origin: float) -> Load:
        import websockets

        started = time.monotonic()
        try:
            shown = await asyncio.wait_for(self._run(page, started), self.args.timeout)
        except TimeoutError:
            shown = {"error": f"no answer within {self.args.timeout:g} s"}
        except (OSError, websockets.WebSocketException) as exc:
            shown = {"error": f"{type(exc).__name__}: {exc}"}
        return Load(
            viewer,
            page,
            started - origin,
            time.monotonic() - origin,
            shown.get("error"),
            shown.get("files"),
            shown.get("accepted"),
        )

    async def _run(self, page: str, started: float) -> dict:
        """Ask for the page as the browser does on opening its address; read until its run finished."""
        import websockets
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        path, title = PAGES[page]
        address = self.server.replace("http://", "ws://") + "/_stcore/stream"
        async with websockets.connect(
            address, subprotocols=["streamlit"], origin=self.server, max_size=None, open_timeout=None
        ) as stream:  # no time limit of its own: the load's --timeout holds
            accepted = time.monotonic() - started
            ask = BackMsg()
            ask.rerun_script.query_string = "lang=en"
            ask.rerun_script.page_name = path
            await stream.send(ask.SerializeToString())
            heading, alerts, problems = None, [], []
            while True:
                message = ForwardMsg.FromString(await stream.recv())
                kind = message.WhichOneof("type")
                if kind == "new_session":  # a run starts (a deep link runs the entry, then the page)
                    heading, alerts, problems = None, [], []
                elif kind == "page_not_found":
                    return {"error": f"page not found: {message.page_not_found.page_name}"}
                elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                    element = message.delta.new_element
                    which = element.WhichOneof("type")
                    if which == "exception":
                        problems.append(f"exception: {element.exception.type}: {element.exception.message}")
                    elif which == "alert":
                        alerts.append(element.alert.body)
                    elif which == "heading" and element.heading.tag == "h1" and heading is None:
                        heading = element.heading.body
                elif (
                    kind == "script_finished"
                    and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
                ):
                    break
        text = " ".join(alerts)
        if problems:
            return {"error": problems[0][:500], "accepted": accepted}
        if BUSY in text:
            return {"error": f"said the database {BUSY}", "accepted": accepted}
        if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
            status = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
            return {"error": f"the run ended with {status}", "accepted": accepted}
        if heading != t(title, "en"):
            return {"error": f"the page's title was {heading!r}", "accepted": accepted}
        files = FILES.search(text)
        return {"files": int(files.group(1).replace(",", "")) if files else None, "accepted": accepted}


# ---------------------------------------------------------------- the window


async def window(server: str, server_pid: int, args, command: list[str], import_log: Path) -> dict:
    names = list(PAGES)
    result: dict = {"loads": [], "warmup": [], "outside": [], "page_errors": [], "import": {}}
    client = Browser if args.client == "browser" else Websocket
    async with client(server, args, result) as viewers:
        origin = time.monotonic()
        for page in names:  # one viewer, each page once: the server's first load, caches filled
            result["warmup"].append(await viewers.load(0, page, origin))
        # The others open the dashboard, all at once, before the window.
        origin = time.monotonic()
        result["opening"] = await asyncio.gather(
            *(viewers.load(n, names[0], origin) for n in range(1, args.viewers))
        )

        origin = time.monotonic()
        end = origin + args.seconds
        result["cpu_before"], result["load_before"] = cpu_times(server_pid), os.getloadavg()[0]

        async def viewer(number: int) -> None:
            index = 1 + number % (len(names) - 1)  # each on another page, none on the one it shows
            while time.monotonic() < end:
                result["loads"].append(await viewers.load(number, names[index % len(names)], origin))
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
        result["cpu_after"], result["load_after"] = cpu_times(server_pid), os.getloadavg()[0]
    return result


# ---------------------------------------------------------------- the report


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def line(label: str, loads: list[Load], seconds: float) -> str:
    times = [x.seconds for x in loads if x.error is None]
    if not times:
        return f"{label:<30}{len(loads):>7}{'-':>9}{'-':>10}{'-':>8}{'-':>8}"
    return (
        f"{label:<30}{len(loads):>7}{len(loads) / seconds:>9.2f}{statistics.median(times):>10.2f}"
        f"{p95(times):>8.2f}{max(times):>8.2f}"
    )


def went_back(loads: list[Load], viewer: int) -> bool:
    seen = [x.files for x in sorted(loads, key=lambda x: x.started) if x.viewer == viewer and x.files]
    return seen != sorted(seen)


def report(args, result: dict, library, before: int, log: Path, server_peak: float | None) -> int:
    loads: list[Load] = result["loads"]
    imp, elapsed = result["import"], result["elapsed"]
    print("\nwarm-up, one viewer, each page once before the window (the first also updates the database):")
    print(
        "  " + ", ".join(f"{x.page} {x.seconds:.1f} s" + " ERROR" * bool(x.error) for x in result["warmup"])
    )
    if result["opening"]:
        times = [x.seconds for x in result["opening"]]
        print(
            f"then the other {len(times)} viewers opened the overview at once: median {statistics.median(times):.1f} s,"
            f" slowest {max(times):.1f} s"
        )
    print(
        f"\nimport: {args.titles:,} titles x 12 months ({args.titles * 12:,} counts) for {library.code} "
        f"({library.name_en}), from {imp['started']:.1f} s to {imp['ended']:.1f} s of the window: "
        f"{imp['ended'] - imp['started']:.1f} s, exit code {imp['code']}"
    )
    during = [x for x in loads if imp["started"] <= x.ended <= imp["ended"]]
    after = [x for x in loads if x.ended > imp["ended"]]
    how = f"browser, --navigate {args.navigate}" if args.client == "browser" else "websocket sessions"
    print(
        f"\n{args.viewers} viewers ({how}), {args.seconds:g} s window, the last load ended at {elapsed:.1f} s: "
        f"{len(loads)} pages loaded, {len(loads) / elapsed:.2f} pages per second"
    )
    print(f"{'loads':<30}{'pages':>7}{'per s':>9}{'median s':>10}{'p95 s':>8}{'max s':>8}")
    print(line("all", loads, elapsed))
    print(line("ended while the import ran", during, max(imp["ended"] - imp["started"], 1e-9)))
    print(line("ended after the import", after, max(elapsed - imp["ended"], 1e-9)))
    for page in PAGES:
        print(line(f"  {page}", [x for x in loads if x.page == page], elapsed))

    # Which data each load showed (the notice's count of imported files): before or after, nothing else.
    newer = [x for x in loads if x.files == before + 1]
    print(
        f"data shown: {sum(x.files == before for x in loads)} loads the database before the import "
        f"({before:,} files), {len(newer)} after it ({before + 1:,})"
        + (f"; the first after it ended at {min(x.ended for x in newer):.1f} s" if newer else "")
    )
    odd = sorted({x.files for x in loads if x.files is not None and x.files not in (before, before + 1)})
    back = [v for v in range(args.viewers) if went_back(loads, v)]

    accepted = [x.accepted for x in loads if x.accepted is not None]
    if accepted:
        print(
            f"the server accepted the websocket after: median {statistics.median(accepted):.2f} s, "
            f"95th percentile {p95(accepted):.2f} s, slowest {max(accepted):.2f} s"
        )
    cpu = {key: result["cpu_after"][key] - result["cpu_before"][key] for key in result["cpu_before"]}
    cores = os.cpu_count() or 1
    others = max(0.0, cpu["busy"] - cpu["server"] - cpu["viewers"] - cpu["import"])
    print(
        f"CPU in the window: {cores} cores x {elapsed:.0f} s = {cores * elapsed:.0f} core-seconds, "
        f"{cpu['busy']:.0f} busy: server {cpu['server']:.0f}, viewers ({args.client}) {cpu['viewers']:.0f}, "
        f"import {cpu['import']:.0f}, other processes on the machine {others:.0f}; "
        f"load average {result['load_before']:.1f} before, {result['load_after']:.1f} after"
    )

    errors = [x for x in result["warmup"] + result["opening"] + loads if x.error]
    print(f"errors: {len(errors)}")
    for x in errors[:5]:
        print(f"  viewer {x.viewer} {x.page} {x.started:.1f}-{x.ended:.1f} s: {x.error[:160]}")
    if odd:
        print(f"  loads showed a file count neither before nor after the import: {odd}")
    if back:
        print(f"  viewers shown the import, then the database before it again: {back}")
    if result["outside"]:
        print(f"  the browser tried to reach other hosts: {sorted(set(result['outside']))[:5]}")
    if args.client == "browser":
        print(f"JavaScript errors in the pages: {len(result['page_errors'])}")
        for message in result["page_errors"][:3]:
            print(f"  {message[:300]}")
    raised = server_errors(log)
    print(
        f"server log ({log.relative_to(ROOT)}): {sum(raised.values())} tracebacks"
        + (f"; server peak memory {server_peak:,.0f} MB" if server_peak else "")
    )
    for error, count in raised.most_common(5):
        print(f"  {count} x {error}")
    with (WORK / "loads.csv").open("w", newline="") as out:  # every load, for a closer look
        rows = csv.writer(out)
        rows.writerow(
            ["phase", "viewer", "page", "started_s", "ended_s", "seconds", "files", "accepted_s", "error"]
        )
        for phase in ("warmup", "opening", "loads"):
            for x in result[phase]:
                rows.writerow([phase, x.viewer, x.page, f"{x.started:.2f}", f"{x.ended:.2f}", f"{x.seconds:.2f}",
                               x.files, "" if x.accepted is None else f"{x.accepted:.2f}", x.error or ""])  # fmt: skip
    print(f"every load: {(WORK / 'loads.csv').relative_to(ROOT)}")
    failed = errors or odd or back or result["outside"] or result["page_errors"] or imp["code"] or raised
    return 1 if failed else 0


def server_errors(log: Path) -> Counter[str]:
    """The exceptions in the server's log (Streamlit's rich tracebacks), each with the last frame of ours."""
    raised: Counter[str] = Counter()
    ours, inside = "", False
    for line in re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(errors="replace")).splitlines():
        text = line.strip(" │|")
        if "Traceback" in text:
            ours, inside = "", True
        elif inside and text.startswith(str(ROOT) + "/") and " in " in text:
            ours = text.removeprefix(str(ROOT) + "/")
        elif inside and re.match(r"[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b", text):
            raised[text[:300] + (f" (at {ours})" if ours else "")] += 1
            inside = False
    return raised


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
    parser.add_argument("--client", choices=["browser", "websocket"], default="browser")
    parser.add_argument(
        "--navigate", choices=["click", "goto"], default="click", help="browser: sidebar links or addresses"
    )
    parser.add_argument("--import-after", type=float, default=5, help="seconds into the window")
    parser.add_argument("--titles", type=int, default=300_000, help="titles in the imported TR (x 12 months)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a page load may take")
    parser.add_argument("--rebuild", action="store_true", help="build the database of the scale again")
    args = parser.parse_args()
    if args.client == "browser" and not CHROMIUM.exists():
        raise SystemExit(
            "needs Debian's chromium and fonts-noto-cjk: apt-get install chromium fonts-noto-cjk"
        )

    source, registry_csv = databases(args.scale, args.rebuild)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    database = WORK / "coopdash.duckdb"
    shutil.copyfile(source, database)
    before = files_in(database)
    library = next(lib for lib in Registry.load(registry_csv).libraries.values() if lib.level == "city")
    report_file = WORK / f"load_tr_{library.code}.tsv"
    title_report(
        report_file,
        args.titles,
        year=2025,
        header={"Institution_Name": library.name_en, "Created_By": "bench/load.py (SYNTHETIC DATA)"},
    )
    command = [sys.executable, "-m", "coopdash", "import", str(report_file), "--db", str(database)]
    command += ["--registry", str(registry_csv), "--library", library.code, "--json"]
    print(
        f"load: {args.scale} scale ({before:,} files imported, {database.stat().st_size / 2**20:,.0f} MB), "
        f"{args.viewers} viewers ({args.client}), {args.seconds:g} s, {os.cpu_count()} cores",
        flush=True,
    )

    log = WORK / "streamlit.log"  # where running_server writes the server's output
    registry = {"COOPDASH_REGISTRY": str(registry_csv)}
    try:
        with running_server(database, WORK, environment=registry) as (server, process):
            result = asyncio.run(window(server, process.pid, args, command, WORK / "import.log"))
            server_peak = peak_mb(process.pid)
        code = report(args, result, library, before, log, server_peak)
    finally:  # the logs stay; the 344 MB copy and its states do not
        shutil.rmtree(states.folder(database), ignore_errors=True)
        for leftover in (database, report_file):
            leftover.unlink(missing_ok=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
