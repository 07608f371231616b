"""The first visitor after a server start, arriving by a link in Chinese.

A director sends `/uptake?lang=zh` to a colleague; if the colleague is the first
to open the dashboard since it started, Streamlit serves the page from the pages/
folder without the entry, and the entry's redirect used to drop the link's
language: the page opened in English and `?lang=zh` left the address. Each case
starts its own server, since only the first visit after a start shows it.
"""

from __future__ import annotations

import shutil

import pytest

from coopdash.i18n import t
from tests.conftest import PAGE_TITLES
from tests.e2e.conftest import local_tab, require_chromium, running_server, settled

require_chromium()


@pytest.mark.parametrize("name", ["uptake", "city", "compare"])
def test_a_chinese_link_opens_in_chinese_for_the_first_visitor(browser, first_run, tmp_path, name):
    database = tmp_path / "coopdash.duckdb"
    shutil.copy(first_run[0], database)
    with running_server(database, tmp_path) as (server, _):
        context, tab = local_tab(browser, server)
        try:
            tab.goto(f"{server}/{name}?lang=zh")
            settled(tab)
            assert tab.locator("h1").first.inner_text().strip() == t(PAGE_TITLES[name], "zh")
            assert tab.url.endswith(f"/{name}?lang=zh")
            # and it stays in the address when the reader moves on to another page
            tab.locator('[data-testid="stSidebarNav"]').get_by_text(t("nav.overview", "zh")).click()
            tab.wait_for_function(
                f"() => document.querySelector('h1')?.innerText.trim() === {t('overview.title', 'zh')!r}"
            )
            settled(tab)
            assert "lang=zh" in tab.url
        finally:
            context.close()
