"""An importer in a real browser: sign in, upload every kind of export, check, import, see the figures move, roll back.

The server runs in local sign-in mode (a secrets file of the test's own, passed
with --secrets.files) on a copy of the sample database.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from coopdash.webapp import auth
from tests.conftest import FIXTURES
from tests.e2e.conftest import IDLE, local_tab, require_chromium, running_server, settled

require_chromium()

# One file of each format an importer meets: COUNTER as TSV, CSV, XLSX and JSON; MARC 21,
# MARCXML and UNIMARC; the vendors' and the corpus's institutions are not members, so
# the page is told they are Hangzhou's.
FOR_HANGZHOU = [
    FIXTURES / "corpus" / "counter" / "cop5__PR_sample_r51.tsv",
    FIXTURES / "corpus" / "counter" / "counter-validator__50-Sample-TR.csv",
    FIXTURES / "corpus" / "counter" / "cop5__DR_sample_r51.xlsx",
    FIXTURES / "corpus" / "counter" / "cop5__TR_sample_r51.json",
    FIXTURES / "corpus" / "marc" / "marc4j__oclc_63111280_export_as_UTF8_from_connexion.mrc",
    FIXTURES / "corpus" / "marc" / "pymarc__batch.xml",
    FIXTURES / "corpus" / "marc" / "pymarc__testunimarc.dat",
]
# OCLC's ILL statistics name their library themselves (the provincial library here).
AS_THE_FILE_SAYS = [FIXTURES / "oclc" / "ill_monthly_activity_gb18030.csv"]


def usage_2022(database: Path) -> int:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(
            "select sum(count) from usage_monthly where family = 'PR' and metric_type = 'Total_Item_Requests'"
            " and year(month) = 2022"
        ).fetchone()[0]
    finally:
        con.close()


def one(database: Path, statement: str):
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(statement).fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def importer_server(first_run, tmp_path_factory):
    folder = tmp_path_factory.mktemp("importing")
    database = folder / "coopdash.duckdb"
    shutil.copy(first_run[0], database)
    auth.add_user(folder / "users.toml", "importer", "importer-password", "importer")
    secrets = folder / "secrets.toml"
    secrets.write_text(f'[coopdash]\nauth = "local"\nusers_file = "{folder / "users.toml"}"\n')
    with running_server(database, folder, secrets) as (base, _):
        yield base, database


def idle(tab) -> None:
    tab.wait_for_timeout(300)
    tab.wait_for_selector(IDLE, timeout=60_000)


def choose(tab, label: str, option: str) -> None:
    tab.get_by_role("combobox", name=label).click()
    tab.get_by_role("option", name=option, exact=True).click()
    idle(tab)


def upload(tab, files: list[Path], library: str, refused: list[Path] = ()) -> None:
    """Choose the files, wait for the check, import: the refused files are left out of the import."""
    choose(tab, "Library the files belong to", library)
    chosen = [*files, *refused]
    tab.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(f) for f in chosen])
    tab.get_by_text(f"{len(files)} of {len(chosen)} files can be imported").wait_for(timeout=120_000)
    tab.get_by_role("button", name="Import", exact=True).click()
    tab.get_by_text(f"Done: {len(files)} of {len(files)} files imported").wait_for(timeout=120_000)
    idle(tab)


def sign_in(tab, name: str, password: str) -> None:
    """Type as a person does and send the form with Enter, once: the first visitor after
    the server started is this test, and that first sign-in used to be lost."""
    for label, value in (("User name", name), ("Password", password)):
        field = tab.get_by_role("textbox", name=label)
        field.focus()
        field.press_sequentially(value)
    tab.get_by_role("textbox", name="Password").press("Enter")
    tab.get_by_text(f"Signed in as {name}").wait_for(timeout=15_000)


def headline_2022(tab) -> str:
    """The overview's usage headline for 2022, reached through the sidebar (a reload would sign out)."""
    tab.get_by_test_id("stSidebarNav").get_by_role("link", name="Overview").click()
    settled(tab)
    choose(tab, "Year", "2022")
    settled(tab)
    return tab.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def test_an_importer_uploads_checks_imports_and_rolls_back(browser, importer_server, tmp_path):
    base, database = importer_server
    before_usage, before_files = usage_2022(database), one(database, "select count(*) from imports")
    context, tab = local_tab(browser, base)
    try:
        tab.goto(base)
        settled(tab)
        assert tab.get_by_role("link", name="Import").count() == 0  # not signed in: no import page
        sign_in(tab, "importer", "importer-password")
        assert headline_2022(tab) == f"{before_usage:,}"

        tab.get_by_test_id("stSidebarNav").get_by_role("link", name="Import").click()
        tab.get_by_role("heading", name="Import exports").wait_for()
        garbage = tmp_path / "not_a_report.tsv"
        garbage.write_bytes(bytes(range(256)) * 64)
        upload(tab, FOR_HANGZHOU, "Hangzhou", refused=[garbage])
        # The imported batch left the server, and the uploader is empty for the next one.
        assert tab.locator('[data-testid="stFileChip"]').count() == 0
        upload(tab, AS_THE_FILE_SAYS, "As the files say (institution, agency codes)")

        files = FOR_HANGZHOU + AS_THE_FILE_SAYS
        assert one(database, "select count(*) from imports") == before_files + len(files)
        after_usage = usage_2022(database)
        assert after_usage > before_usage  # the PR report's 2022 counts were added
        assert headline_2022(tab) == f"{after_usage:,}"  # and the dashboard shows them

        tab.get_by_test_id("stSidebarNav").get_by_role("link", name="Data management").click()
        tab.get_by_role("heading", name="Data management").wait_for()
        pr = one(database, "select import_id from imports where file_name = 'cop5__PR_sample_r51.tsv'")
        choose(tab, "Import", f"#{pr} cop5__PR_sample_r51.tsv")
        tab.get_by_text("Yes, remove this import's data").click()
        idle(tab)
        tab.get_by_role("button", name="Roll back").click()
        tab.get_by_text(f"Import #{pr} (cop5__PR_sample_r51.tsv) rolled back").wait_for(timeout=60_000)
        assert usage_2022(database) == before_usage
        assert headline_2022(tab) == f"{before_usage:,}"
    finally:
        context.close()
