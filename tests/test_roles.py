"""Who sees what in the real dashboard: the import and data pages exist only for those allowed to use them."""

import shutil

import duckdb
import pytest

from coopdash.webapp import auth
from tests.conftest import app, page


def sign_in(at, name: str, password: str):
    at.text_input(key="access_name").input(name)
    at.text_input(key="access_password").input(password)
    next(button for button in at.button if button.proto.is_form_submitter).click()
    return at.run()


@pytest.fixture()
def local_mode(tmp_path):
    users = tmp_path / "users.toml"
    auth.add_user(users, "reader", "reader-password", "viewer")
    auth.add_user(users, "importer", "importer-password", "importer")
    return {"coopdash": {"auth": "local", "users_file": str(users)}}


def signed_in_as(first_run, monkeypatch, secrets, name=None, password=None):
    database, _ = first_run
    at = app(database, monkeypatch, secrets=secrets)
    if name:
        at = sign_in(at, name, password)
    assert not at.exception
    return at


def test_without_access_control_nobody_can_reach_the_import_page(first_run, monkeypatch):
    at = signed_in_as(first_run, monkeypatch, {})
    with pytest.raises(ValueError, match="imports.py"):
        at.switch_page(page("imports.py"))  # not a page of this app for them: no URL reaches it
    with pytest.raises(ValueError, match="data.py"):
        at.switch_page(page("data.py"))


@pytest.mark.parametrize(("name", "password"), [(None, None), ("reader", "reader-password")])
def test_a_viewer_gets_no_import_page(first_run, monkeypatch, local_mode, name, password):
    at = signed_in_as(first_run, monkeypatch, local_mode, name, password)
    with pytest.raises(ValueError, match="imports.py"):
        at.switch_page(page("imports.py"))


def test_an_importer_gets_the_import_and_data_pages(first_run, monkeypatch, local_mode):
    at = signed_in_as(first_run, monkeypatch, local_mode, "importer", "importer-password")
    at.switch_page(page("imports.py")).run()
    assert not at.exception
    assert at.title[0].value == "Import exports"
    assert any("Choose one or more export files" in info.value for info in at.info)
    at.switch_page(page("data.py")).run()
    assert not at.exception
    assert at.title[0].value == "Data management"
    assert at.button(key="rollback_go").disabled  # nothing chosen yet


@pytest.mark.parametrize(
    ("name", "password"), [("importer", "wrong-password!"), ("nobody", "importer-password")]
)
def test_a_wrong_password_or_unknown_name_is_refused_alike(
    first_run, monkeypatch, local_mode, name, password
):
    at = signed_in_as(first_run, monkeypatch, local_mode, name, password)
    refusals = [error.value for error in at.sidebar.error]
    assert refusals == ["Wrong user name or password."]
    with pytest.raises(ValueError, match="imports.py"):
        at.switch_page(page("imports.py"))


def test_an_importer_rolls_back_an_import_from_the_data_page(first_run, monkeypatch, local_mode, tmp_path):
    database = tmp_path / "copy.duckdb"
    shutil.copy(first_run[0], database)
    at = signed_in_as((database, None), monkeypatch, local_mode, "importer", "importer-password")
    con = duckdb.connect(str(database), read_only=True)
    latest, file_name, files = con.execute(
        "select max(import_id), arg_max(file_name, import_id), count(*) from imports"
    ).fetchone()
    con.close()
    at.switch_page(page("data.py")).run()
    at.selectbox(key="rollback_import").set_value(latest).run()
    at.checkbox(key="rollback_sure").check().run()
    at.button(key="rollback_go").click().run()
    assert not at.exception
    assert at.success[0].value.startswith(f"Import #{latest} ({file_name}) rolled back")
    con = duckdb.connect(str(database), read_only=True)
    assert con.execute("select count(*) from imports").fetchone()[0] == files - 1
    assert con.execute("select rolled_back_by from rollbacks").fetchall() == [("importer",)]
    con.close()
