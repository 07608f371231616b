"""The harvest in the app, in both languages: an admin enters a platform and a library's credentials and tests
the connection; an importer harvests and follows it; Data coverage and `status` show where the months stand."""

import shutil
import stat
import subprocess
import sys
import time

import pytest

from coopdash.harvest import credentials as secret_store
from coopdash.harvest import settings as harvest_settings
from coopdash.webapp import auth
from tests.conftest import ROOT, app, page
from tests.counter_api import API_KEY, CUSTOMER_ID, REQUESTOR_ID, CounterApi
from tests.harvesting import POLITENESS


@pytest.fixture(scope="module")
def api():
    server = CounterApi().start()
    yield server
    server.stop()


@pytest.fixture()
def harvest_app(first_run, tmp_path, monkeypatch):
    users = tmp_path / "users.toml"
    auth.add_user(users, "admin", "admin-password", "admin")
    auth.add_user(users, "importer", "importer-password", "importer")
    database = tmp_path / "copy.duckdb"
    shutil.copy(first_run[0], database)
    settings = tmp_path / "harvest.toml"
    settings.write_text(POLITENESS)
    monkeypatch.setenv(harvest_settings.ENV_SETTINGS, str(settings))
    monkeypatch.setenv(secret_store.ENV_CREDENTIALS, str(tmp_path / "credentials.toml"))
    secrets = {"coopdash": {"auth": "local", "users_file": str(users)}}
    return lambda: app(database, monkeypatch, secrets=secrets), settings, tmp_path


def signed_in(at, name, password, lang="en"):
    if lang != "en":
        at.radio(key="lang").set_value(lang).run()
    at.text_input(key="access_name").input(name)
    at.text_input(key="access_password").input(password)
    next(button for button in at.button if button.proto.is_form_submitter).click()
    return at.run()


def texts(at) -> str:
    return "\n".join(
        str(element.value)
        for kind in ("success", "error", "info", "warning", "caption", "markdown", "title", "subheader")
        for element in getattr(at, kind)
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_admin_enters_a_platform_and_credentials_and_tests_the_connection(api, harvest_app, lang):
    start, settings_file, folder = harvest_app
    admin = signed_in(start(), "admin", "admin-password", lang)
    admin.switch_page(page("harvest_settings.py")).run()
    assert not admin.exception
    assert admin.title[0].value == ("Harvest settings" if lang == "en" else "采集设置")
    admin.text_input(key="hs_new__name").input("Sample Platform")
    admin.text_input(key="hs_new__url").input(api.url("plain"))
    admin.radio(key="hs_new__release").set_value("5.1")
    admin.multiselect(key="hs_new__reports").set_value(["TR"])
    admin.multiselect(key="hs_new__libraries").set_value(["hangzhou"])
    admin.button(key="hs_save").click().run()
    assert not admin.exception
    saved = harvest_settings.load(settings_file)
    assert [(p.name, p.release, p.reports, p.libraries) for p in saved.platforms] == [
        ("Sample Platform", "5.1", ("TR",), ("hangzhou",))
    ]
    assert ("Saved: Sample Platform." if lang == "en" else "已保存：Sample Platform。") in texts(admin)
    admin.text_input(key="hs_customer_id").input(CUSTOMER_ID)
    admin.text_input(key="hs_requestor_id").input(REQUESTOR_ID)
    admin.text_input(key="hs_api_key").input(API_KEY)
    admin.button(key="hs_store").click().run()
    assert not admin.exception
    stored = folder / "credentials.toml"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert secret_store.load(stored, secrets_toml=None)[("Sample Platform", "hangzhou")].api_key == API_KEY
    assert API_KEY not in texts(admin)
    admin.button(key="hs_test").click().run()
    assert not admin.exception
    expected = "Connection works" if lang == "en" else "连接正常"
    assert expected in admin.success[-1].value, texts(admin)
    assert "settings.toml" not in str(settings_file.read_text()) and API_KEY not in settings_file.read_text()


def test_an_importer_may_not_reach_the_settings(harvest_app):
    start, _, _ = harvest_app
    importer = signed_in(start(), "importer", "importer-password")
    with pytest.raises(ValueError, match="harvest_settings.py"):
        importer.switch_page(page("harvest_settings.py"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_harvest_now_shows_its_progress_then_the_months_fill_in_on_data_coverage(api, harvest_app, lang):
    start, settings_file, folder = harvest_app
    settings_file.write_text(
        POLITENESS + f'\n[[platform]]\nname = "Sample Platform"\nbase_url = "{api.url("plain")}"\n'
        'release = "5.1"\nreports = ["TR"]\nlibraries = ["hangzhou"]\n'
    )
    secret_store.store(
        folder / "credentials.toml",
        "Sample Platform",
        "hangzhou",
        secret_store.Credentials(CUSTOMER_ID, REQUESTOR_ID, API_KEY),
    )
    importer = signed_in(start(), "importer", "importer-password", lang)
    importer.switch_page(page("harvest.py")).run()
    assert not importer.exception
    importer.selectbox(key="harvest_from").select_index(
        importer.selectbox(key="harvest_from").options.index("Jan 2022" if lang == "en" else "2022年1月")
    )
    importer.selectbox(key="harvest_to").select_index(
        importer.selectbox(key="harvest_to").options.index("Mar 2022" if lang == "en" else "2022年3月")
    )
    importer.button(key="harvest_now").click().run()
    assert not importer.exception
    deadline = time.monotonic() + 60
    while not importer.success and time.monotonic() < deadline:
        time.sleep(0.5)
        importer.run()
    done = importer.success[0].value
    assert done == (
        "Harvest finished: 3 months asked for (harvested 3)."
        if lang == "en"
        else "采集完成：共请求 3 个月（已采集 3）。"
    )
    importer.switch_page(page("coverage.py")).run()
    assert not importer.exception
    shown = importer.dataframe[
        [i for i, d in enumerate(importer.dataframe) if "Sample Platform" in d.value.to_string()][0]
    ].value
    assert ("data up to Mar 2022" if lang == "en" else "数据截至2022年3月") in shown.to_string()
    assert shown.iloc[0][("harvested" if lang == "en" else "已采集")] == 3
    assert ("Harvest status" if lang == "en" else "采集状态") in texts(importer)


def test_status_on_the_command_line_in_both_languages(api, tmp_path):
    from tests.harvesting import Harvester

    harvester = Harvester(tmp_path).platform("Sample Platform", api.url("plain"), "5.1", ("PR", "TR"))
    harvester.platform("Late", api.url("not_ready_twice"), "5.1", ("TR",), libraries=("ningbo",))
    harvester.run("--from", "2022-01", "--to", "2022-02")
    shown = {
        lang: subprocess.run(
            [
                sys.executable,
                "-m",
                "coopdash",
                "status",
                "--db",
                str(harvester.database),
                "--settings",
                str(harvester.settings),
                "--lang",
                lang,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for lang in ("en", "zh")
    }
    assert "Harvest status" in shown["en"] and "data up to Feb 2022" in shown["en"]
    assert "not ready: Late · ningbo · TR 2022-01 — COUNTER exception 3031" in shown["en"]
    assert "采集状态" in shown["zh"] and "数据截至2022年2月" in shown["zh"]
    assert "尚未就绪：Late · ningbo · TR 2022-01 — COUNTER 异常 3031" in shown["zh"]
