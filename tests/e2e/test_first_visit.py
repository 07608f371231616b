"""A protected page's address opened by the very first visitor of a freshly started server, and again
by the next one: the page's title and why it is not theirs, in the language of the link.

On a fresh server Streamlit runs the first deep link as an old-style pages/ app (see
webapp.through_entry); the entry then sent the visitor on to a page it had not registered for
them, and they got Streamlit's generic error. A later visitor got Streamlit's "Page not found"
dialog and the overview.
"""

from __future__ import annotations

import shutil

import pytest

from coopdash.i18n import t
from coopdash.webapp import auth
from tests.e2e.conftest import local_tab, require_chromium, running_server, settled

require_chromium()

CASES = [  # access control, page, its title, the link's language, what it must say
    ("none", "imports", "imports.title", "zh", "access.off"),
    ("local", "data", "data.title", "en", "access.sign_in_needed"),
    ("local", "registry", "registry.title", "zh", "access.sign_in_needed"),
]


@pytest.mark.parametrize(("mode", "page", "title", "lang", "message"), CASES)
def test_a_protected_address_says_why_from_the_first_visit_on(
    browser, first_run, tmp_path, mode, page, title, lang, message
):
    shutil.copy(first_run[0], tmp_path / "coopdash.duckdb")
    secrets = None
    if mode == "local":
        auth.add_user(tmp_path / "users.toml", "wang", "importer-password", "admin")
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(f'[coopdash]\nauth = "local"\nusers_file = "{tmp_path / "users.toml"}"\n')
    with running_server(tmp_path / "coopdash.duckdb", tmp_path, secrets) as (server, _):
        for visitor in ("first", "second"):
            context, tab = local_tab(browser, server)
            try:
                tab.goto(f"{server}/{page}?lang={lang}")
                settled(tab)
                shown = tab.locator('[data-testid="stMain"]').inner_text()
                assert tab.locator('[data-testid="stException"]').count() == 0, visitor
                assert tab.get_by_role("dialog").count() == 0, visitor  # no "Page not found"
                assert tab.locator("h1").first.inner_text().strip() == t(title, lang), visitor
                assert t(message, lang) in shown, visitor
                assert tab.url.startswith(f"{server}/{page}"), visitor
            finally:
                context.close()
