"""Load, bounded: four readers in a real browser keep loading every page while an import writes the database.

The importer is the only writer, and it writes a draft that replaces the file in
one rename (coopdash/writer.py): readers never wait for it and never see half of
it. Here four browser contexts of one chromium, driven from one asyncio loop,
load the seven pages in turn from `streamlit run` on a copy of the sample
database, while `python -m coopdash import` stores a Title Report of 3.6 million
month counts in a subprocess. Every load must finish, with no error and no
"being updated" notice; some must finish while the import runs; each shows the
database before the import or after it (the synthetic-data notice counts the
imported files), never a state in between, and a reader never goes back to the
old one. The figures are printed (`pytest -s`); bench/load.py is the full-size
version.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from coopdash.i18n import t
from tests.conftest import PAGE_TITLES, ROOT, title_report
from tests.e2e.conftest import CHROMIUM, SETTLE_SECONDS, require_chromium, running_server

require_chromium()
async_api = pytest.importorskip("playwright.async_api")

VIEWERS = 4
TITLES = 300_000  # x 12 months: about 6 s of import on an idle 2-core machine, longer under the readers
IMPORT_SECONDS = 180  # stopped, and the test failed, after that
# null while the page is still coming; else what it shows, or what went wrong. textContent, not
# innerText: four tabs polling ten times a second must not lay their pages out each time.
SHOWN = """(title) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
    const failed = document.querySelector('[data-testid="stException"]');
    if (failed) return {error: 'exception: ' + failed.textContent.slice(0, 500)};
    const alerts = [...document.querySelectorAll('[data-testid="stAlertContainer"]')]
        .map(alert => alert.textContent).join(' ');
    if (alerts.includes('is being updated')) return {error: 'said the database is being updated'};
    const dialog = document.querySelector('[role="dialog"]');
    if (dialog) return {error: 'dialog: ' + dialog.textContent.slice(0, 300)};
    const h1 = document.querySelector('h1');
    if (!h1 || h1.textContent.trim() !== title) return null;
    if (![...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))) return null;
    const files = alerts.match(/of the ([0-9,]+) imported files/);
    return {files: files ? Number(files[1].replace(/,/g, '')) : null};
}"""


@dataclass
class Load:
    viewer: int
    page: str
    started: float
    ended: float
    error: str | None = None
    files: int | None = None  # the imported files the page counted


def url(server: str, name: str) -> str:
    return f"{server}/{'' if name == 'overview' else name}?lang=en"


async def local_context(browser, server: str, outside: list[str]):
    """A context that may reach the dashboard and nothing else, as tests/e2e/conftest.py's local_tab."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")

    async def only_local(route):
        if route.request.url.startswith(server):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_local)
    return context


async def load(tab, server: str, viewer: int, name: str) -> Load:
    started = time.monotonic()
    try:
        await tab.goto(url(server, name), timeout=SETTLE_SECONDS * 1000)
        shown = await (
            await tab.wait_for_function(
                SHOWN, arg=t(PAGE_TITLES[name], "en"), polling=100, timeout=SETTLE_SECONDS * 1000
            )
        ).json_value()
    except async_api.Error as exc:  # a timeout among them
        return Load(viewer, name, started, time.monotonic(), error=str(exc).splitlines()[0])
    return Load(viewer, name, started, time.monotonic(), shown.get("error"), shown.get("files"))


async def readers_during(server: str, command: list[str], log: Path) -> tuple[list[Load], dict, list[str]]:
    """VIEWERS readers load the pages in turn; once each has loaded one, `command` runs; they stop after it."""
    loads: list[Load] = []
    outside: list[str] = []
    names = list(PAGE_TITLES)
    run: dict = {}
    async with async_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        contexts = [await local_context(browser, server, outside) for _ in range(VIEWERS)]
        tabs = [await context.new_page() for context in contexts]
        # The first load of the server also brings its database up to date (a write): alone, first.
        loads.append(await load(tabs[0], server, 0, "overview"))
        imported = asyncio.Event()
        ready = [asyncio.Event() for _ in range(VIEWERS)]

        async def reader(viewer: int) -> None:
            index = viewer  # each starts on another page
            while True:
                loads.append(await load(tabs[viewer], server, viewer, names[index % len(names)]))
                index += 1
                ready[viewer].set()
                if imported.is_set():
                    break

        async def importer() -> None:
            await asyncio.gather(*(event.wait() for event in ready))
            with log.open("w") as out:
                run["started"] = time.monotonic()
                process = await asyncio.create_subprocess_exec(
                    *command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
                )
                try:
                    run["code"] = await asyncio.wait_for(process.wait(), IMPORT_SECONDS)
                except TimeoutError:
                    process.kill()
                    run["code"] = f"still running after {IMPORT_SECONDS} s"
                    await process.wait()
                run["ended"] = time.monotonic()
            imported.set()

        await asyncio.gather(importer(), *(reader(viewer) for viewer in range(VIEWERS)))
        # After the import: a new reader sees it on the data coverage page.
        loads.append(await load(tabs[0], server, 0, "coverage"))
        for context in contexts:
            await context.close()
        await browser.close()
    return loads, run, outside


def in_a_thread(coroutine):
    """asyncio.run away from this thread, where the sync Playwright of other browser tests may run a loop."""
    answer: dict = {}

    def target() -> None:
        try:
            answer["value"] = asyncio.run(coroutine)
        except BaseException as exc:
            answer["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in answer:
        raise answer["error"]
    return answer["value"]


def test_readers_are_answered_while_an_import_runs(first_run, tmp_path):
    database = tmp_path / "coopdash.duckdb"
    shutil.copy(first_run[0], database)
    report = tmp_path / "load_tr.tsv"
    title_report(report, TITLES)
    command = [sys.executable, "-m", "coopdash", "import", str(report), "--db", str(database)]
    command += ["--library", "hangzhou"]
    started = time.monotonic()
    with running_server(database, tmp_path) as (server, _):
        loads, run, outside = in_a_thread(readers_during(server, command, tmp_path / "import.log"))
    seconds = time.monotonic() - started

    during = [x for x in loads if run["started"] <= x.ended <= run["ended"]]
    times = [x.ended - x.started for x in loads]
    print(
        f"\nload test: {VIEWERS} readers, {len(loads)} page loads in {seconds:.0f} s, import "
        f"{run['ended'] - run['started']:.1f} s (exit {run['code']}), {len(during)} loads answered while it ran; "
        f"page time median {statistics.median(times):.2f} s, max {max(times):.2f} s; "
        f"errors {sum(x.error is not None for x in loads)}"
    )
    assert run["code"] == 0, (tmp_path / "import.log").read_text()
    assert [(x.page, x.error) for x in loads if x.error] == []
    assert during, "no page was answered while the import ran"
    assert outside == []

    # Each load showed the database before the import or after it, and no reader went back.
    con = duckdb.connect(str(database), read_only=True)
    try:
        files, name = con.execute(
            "select count(*), max(file_name) filter (where file_name = 'load_tr.tsv') from imports"
        ).fetchone()
    finally:
        con.close()
    assert name == "load_tr.tsv"
    assert {x.files for x in loads} <= {files - 1, files}
    assert loads[-1].page == "coverage" and loads[-1].files == files  # a reader after the import sees it
    for viewer in range(VIEWERS):
        seen = [x.files for x in sorted(loads, key=lambda x: x.started) if x.viewer == viewer]
        assert seen == sorted(seen), f"reader {viewer} went back to the database before the import: {seen}"


def test_the_notice_pattern_matches_the_label():
    """SHOWN reads the file count from the English synthetic-data notice: the label still says it that way."""
    text = t("notice.synthetic", "en", synthetic="12", files="1,234")
    assert re.search(r"of the ([0-9,]+) imported files", text).group(1) == "1,234"
