"""Editing the member registry in the app: the checks the CSV gets, a whole-file write, admins only."""

import shutil

import pytest

from coopdash.errors import RegistryError
from coopdash.registry import DEFAULT_REGISTRY, Registry, read_rows, save_rows
from coopdash.webapp import auth
from tests.conftest import app, page


def rows():
    return [row for _, row in read_rows(DEFAULT_REGISTRY)]


def test_saving_unchanged_rows_writes_the_same_file(tmp_path):
    save_rows(tmp_path / "libraries.csv", rows())
    assert (tmp_path / "libraries.csv").read_bytes() == DEFAULT_REGISTRY.read_bytes()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"population": "lots"}, "row 2, population"),
        ({"joined_on": "2018-13-05"}, "row 2, joined_on"),
        ({"code": "Hangzhou City"}, "row 2: code 'Hangzhou City'"),
        ({"code": "ningbo"}, r"code\(s\) listed twice: ningbo"),
        ({"aliases": "name:Ningbo Library"}, "is given for both"),
        ({"aliases": "fax:123"}, "row 2, aliases"),
    ],
)
def test_an_edit_that_the_csv_would_refuse_is_refused_with_its_row(change, message):
    edited = rows()
    edited[1] = {**edited[1], **change}
    with pytest.raises(RegistryError, match=message):
        Registry.from_rows(edited, [f"row {n}" for n in range(1, len(edited) + 1)], "libraries.csv")


def test_an_added_alias_is_found(tmp_path):
    edited = rows()
    edited[1] = {**edited[1], "aliases": edited[1]["aliases"] + "|oclc:HZ9"}
    save_rows(tmp_path / "libraries.csv", edited)
    assert Registry.load(tmp_path / "libraries.csv").find_agency("HZ9") == edited[1]["code"]


@pytest.fixture()
def admin_mode(tmp_path, monkeypatch):
    users = tmp_path / "users.toml"
    auth.add_user(users, "admin", "admin-password", "admin")
    auth.add_user(users, "importer", "importer-password", "importer")
    copy = tmp_path / "libraries.csv"
    shutil.copy(DEFAULT_REGISTRY, copy)
    monkeypatch.setenv("COOPDASH_REGISTRY", str(copy))
    return {"coopdash": {"auth": "local", "users_file": str(users)}}, copy


def signed_in(at, name, password):
    at.text_input(key="access_name").input(name)
    at.text_input(key="access_password").input(password)
    next(button for button in at.button if button.proto.is_form_submitter).click()
    return at.run()


def test_only_an_admin_reaches_the_registry(first_run, monkeypatch, admin_mode, tmp_path):
    secrets, copy = admin_mode
    database = tmp_path / "copy.duckdb"
    shutil.copy(first_run[0], database)
    importer = signed_in(app(database, monkeypatch, secrets=secrets), "importer", "importer-password")
    with pytest.raises(ValueError, match="registry.py"):
        importer.switch_page(page("registry.py"))
    admin = signed_in(app(database, monkeypatch, secrets=secrets), "admin", "admin-password")
    admin.switch_page(page("registry.py")).run()
    assert not admin.exception
    assert admin.title[0].value == "Member registry"
    admin.button(key="registry_save").click().run()
    assert not admin.exception
    assert admin.success[0].value == "Saved: 12 member libraries."
    assert copy.read_bytes() == DEFAULT_REGISTRY.read_bytes()
