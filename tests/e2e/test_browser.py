"""The dashboard in a real browser: Debian's chromium, driven by Playwright, against `streamlit run`.

What AppTest cannot see: the charts drawn, the map's eleven cities, the language
switch and a filter acting on what is on screen, and that the browser fetches
nothing from outside the machine. A full-page screenshot of every page in each
language goes to tests/screenshots/ (ignored by git) for people to look at.
"""

from __future__ import annotations

import shutil

import pytest

from coopdash.i18n import LANGUAGES, t
from coopdash.registry import Registry
from tests.conftest import PAGE_TITLES, ROOT
from tests.e2e.conftest import local_tab, require_chromium, running_server, settled

require_chromium()

SCREENSHOTS = ROOT / "tests" / "screenshots"


def url(server: str, name: str, lang: str = "en") -> str:
    """A page's address; the first page (the overview) is the app's root."""
    return f"{server}/{'' if name == 'overview' else name}?lang={lang}"


@pytest.fixture(scope="module")
def server(first_run, tmp_path_factory):
    """`streamlit run dashboard.py` on a free loopback port, on a copy of the sample database."""
    database = tmp_path_factory.mktemp("browser") / "coopdash.duckdb"
    shutil.copy(first_run[0], database)
    with running_server(database, tmp_path_factory.mktemp("browser_log")) as (base, _):
        yield base


@pytest.fixture()
def page(browser, server):
    """A fresh tab that may reach the dashboard and nothing else; what it tried to fetch elsewhere is kept."""
    context, tab = local_tab(browser, server)
    yield tab
    context.close()


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
@pytest.mark.parametrize("name", list(PAGE_TITLES))
def test_every_page_loads_without_error_and_offline(page, server, name, lang):
    page.goto(url(server, name, lang))
    settled(page)
    assert title(page) == t(PAGE_TITLES[name], lang)
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
