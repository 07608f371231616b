"""The dashboard in a real browser: Debian's chromium, driven by Playwright, against `streamlit run`.

What AppTest cannot see: the charts drawn, the map's eleven cities, the language
switch and a filter acting on what is on screen, and that the browser fetches
nothing from outside the machine. A full-page screenshot of every page in each
language goes to tests/screenshots/ (ignored by git) for people to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from coopdash.i18n import LANGUAGES, t
from coopdash.registry import Registry
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "tests" / "screenshots"
PAGES = {
    "overview": "overview.title",
    "uptake": "nav.uptake",
    "contributions": "nav.contributions",
    "services": "services.title",
    "city": "nav.city",
    "compare": "nav.compare",
    "coverage": "coverage.title",
}
SETTLE_SECONDS = 60


def url(server: str, name: str, lang: str = "en") -> str:
    """A page's address; the first page (the overview) is the app's root."""
    return f"{server}/{'' if name == 'overview' else name}?lang={lang}"


if not CHROMIUM.exists():
    message = (
        "browser tests need Debian's chromium and fonts-noto-cjk: apt-get install chromium fonts-noto-cjk"
    )
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(first_run, tmp_path_factory):
    """`streamlit run dashboard.py` on a free loopback port, on a copy of the sample database."""
    database = tmp_path_factory.mktemp("browser") / "coopdash.duckdb"
    shutil.copy(first_run[0], database)
    port = free_port()
    log = (tmp_path_factory.mktemp("browser_log") / "streamlit.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
            "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT, env={**os.environ, "COOPDASH_DB": str(database)}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log.name}") from None
            time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        yield launched
        launched.close()


@pytest.fixture()
def page(browser, server):
    """A fresh tab that may reach the dashboard and nothing else; what it tried to fetch elsewhere is kept."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    outside: list[str] = []

    def only_local(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    tab.outside = outside
    yield tab
    context.close()


IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def settled(tab) -> None:
    """Wait until Streamlit has finished running the page (after any redirect) and every chart has drawn."""
    for _ in range(2):  # a deep link runs the entry, then the page it asked for
        tab.wait_for_selector(IDLE, timeout=SETTLE_SECONDS * 1000)
        tab.wait_for_timeout(400)
    tab.wait_for_selector("h1", timeout=SETTLE_SECONDS * 1000)
    tab.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))",
        timeout=SETTLE_SECONDS * 1000,
    )


def title(tab) -> str:
    return tab.locator("h1").first.inner_text().strip()


def screenshot(tab, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main panel, so the window is made as tall as it."""
    height = tab.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    tab.set_viewport_size({"width": 1400, "height": min(max(height, 1000), 12000)})
    tab.wait_for_timeout(500)
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_without_error_and_offline(page, server, name, lang):
    page.goto(url(server, name, lang))
    settled(page)
    assert title(page) == t(PAGES[name], lang)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("dialog").count() == 0  # no "page not found" or other modal
    assert (
        page.locator(".js-plotly-plot").count() > 0 or page.locator('[data-testid="stDataFrame"]').count() > 0
    )
    screenshot(page, f"{name}-{lang}")
    assert page.outside == []  # nothing fetched from a CDN or any other host


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_the_map_draws_all_eleven_cities(page, server, lang):
    page.goto(url(server, "overview", lang))
    settled(page)
    names = page.evaluate(
        """() => {
            const map = [...document.querySelectorAll('.js-plotly-plot')]
                .find(p => p.data.filter(trace => trace.fill === 'toself').length > 0);
            const drawn = map.querySelectorAll('.scatterlayer .trace path.js-fill').length;
            return {drawn, names: map.data.filter(trace => trace.fill === 'toself').map(trace => trace.name)};
        }"""
    )
    cities = [lib.label(lang) for lib in Registry.load().libraries.values() if lib.level == "city"]
    assert names["drawn"] == 11
    assert sorted(names["names"]) == sorted(cities)


def test_switching_language_changes_the_labels(page, server):
    page.goto(url(server, "uptake"))
    settled(page)
    assert title(page) == t("nav.uptake", "en")
    page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
    page.wait_for_function(
        f"() => document.querySelector('h1')?.innerText.trim() === {t('nav.uptake', 'zh')!r}"
    )
    settled(page)
    sidebar = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert t("nav.overview", "zh") in sidebar and t("nav.overview", "en") not in sidebar
    assert page.get_by_text(t("uptake.members_with_usage", "zh")).count() == 1


def test_a_filter_change_updates_the_charts(page, server):
    page.goto(url(server, "overview"))
    settled(page)
    trend_total = """() => {
        const plots = [...document.querySelectorAll('.js-plotly-plot')];
        const bars = plots.find(p => p.data.length === 2 && p.data[0].type === 'bar');
        return Array.from(bars._fullData[0].x).reduce((a, b) => a + b, 0);
    }"""
    before = page.evaluate(trend_total)
    headline = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="2019", exact=True).click()
    page.wait_for_function(
        f"() => document.querySelector('[data-testid=\"stMetricValue\"]')?.innerText !== {headline!r}"
    )
    settled(page)
    assert page.evaluate(trend_total) != before
    assert page.locator('[data-testid="stMetricLabel"]').first.inner_text().strip() == "Usage, 2019"
