"""Harvesting keeps its promises when things go wrong: the credentials never leave their file, a run killed
part-way loses nothing and imports nothing twice, two runs never overlap."""

import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import duckdb
import pyarrow.parquet as pq
import pytest

from coopdash import export
from tests.conftest import CORPUS, ROOT
from tests.counter_api import API_KEY, REQUESTOR_ID, CounterApi
from tests.harvesting import Harvester, summary

SECRETS = (API_KEY, REQUESTOR_ID)


@pytest.fixture()
def api():
    server = CounterApi().start()
    yield server
    server.stop()


def every_table(database) -> str:
    con = duckdb.connect(str(database), read_only=True)
    try:
        names = [n for (n,) in con.execute("select table_name from information_schema.tables").fetchall()]
        return "\n".join(
            repr(con.execute(f'select * from "{name}"').fetchall())  # noqa: S608 - names from the catalogue
            for name in names
        )
    finally:
        con.close()


def download_text(database) -> str:
    bundle = zipfile.ZipFile(io.BytesIO(export.parquet_zip(database)))
    return "\n".join(
        repr(pq.read_table(io.BytesIO(bundle.read(name))).to_pylist()) for name in bundle.namelist()
    )


def test_the_credentials_appear_in_no_table_log_message_or_download(api, tmp_path):
    harvester = Harvester(tmp_path)
    harvester.platform("Refuses", api.url("refused"), "5.1", ("PR", "TR"))
    harvester.platform("Plain", api.url("plain"), "5.1", ("PR",), libraries=("ningbo",))
    harvester.platform("Slow", api.url("slow"), "5.1", ("PR",), libraries=("jiaxing",))
    harvester.platform("No usage", api.url("no_usage"), "5", ("DR",), libraries=("wenzhou",))
    outputs = []
    for args in (("--month", "2022-02", "--json"), ("--month", "2022-03"), ()):
        completed = harvester.run(*args)
        outputs += [completed.stdout, completed.stderr]
        assert completed.returncode == 1  # the refusal and the timeout are failures
    for platform, library in (("Refuses", "hangzhou"), ("Plain", "ningbo")):
        completed = harvester.run("--check", "--platform", platform, "--library", library)
        outputs += [completed.stdout, completed.stderr]
    for lang in ("en", "zh"):
        shown = subprocess.run(
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
        )
        outputs += [shown.stdout, shown.stderr]
    # The vendor echoed the refused requestor_id in its exception: it was taken out before it was kept.
    assert any(REQUESTOR_ID in r["params"].values() for r in api.requests)
    refusal = harvester.query("select reason_params from harvest_status where platform = 'Refuses'")[0][0]
    assert "***" in refusal and "2010" in refusal
    logs = [path.read_text() for path in (tmp_path / "harvested").rglob("*.log")]
    assert logs and "Refuses" in logs[0]
    searched = {
        "tables": every_table(harvester.database),
        "logs": "\n".join(logs),
        "messages": "\n".join(outputs),
        "download": download_text(harvester.database),
    }
    assert "Refuses" in searched["tables"] and "Refuses" in searched["download"]
    for where, text in searched.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret} found in the {where}"


def test_a_credentials_file_others_may_read_is_refused_saying_why(api, tmp_path):
    harvester = Harvester(tmp_path).platform("Plain", api.url("plain"), "5.1")
    os.chmod(harvester.credentials, 0o644)
    before = len(api.requests)
    completed = harvester.run("--month", "2022-01")
    assert completed.returncode == 2
    assert "may be read by other users" in completed.stderr and "chmod 600" in completed.stderr
    assert not any(secret in completed.stderr + completed.stdout for secret in SECRETS)
    assert len(api.requests) == before  # not one request with them


def test_killing_a_harvest_part_way_loses_nothing_and_imports_nothing_twice(tmp_path):
    api = CounterApi(latency=0.12).start()
    try:
        harvester = Harvester(tmp_path).platform("Plain", api.url("plain"), "5.1", ("PR", "DR", "TR", "IR"))
        process = subprocess.Popen(
            harvester.command("--from", "2022-01", "--to", "2022-12"),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        harvested_before = []
        while time.monotonic() < deadline and not harvested_before:
            time.sleep(0.2)
            if harvester.database.exists():
                harvested_before = harvester.query(
                    "select report_id, strftime(month, '%Y-%m') from harvest_status where state = 'harvested'"
                )
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert 0 < len(harvested_before) < 48, "the kill came part-way through"
        asked_before = len(api.requests)
        completed = harvester.run("--from", "2022-01", "--to", "2022-12", "--json")
        assert completed.returncode == 0, completed.stderr
        asked_again = {
            (r["path"].rsplit("/", 1)[1].upper(), r["params"]["begin_date"])
            for r in api.requests[asked_before:]
        }
        assert not asked_again & set(harvested_before)  # what was in was not asked for again
        counts = harvester.imports_per_month()
        assert len(counts) == 48 and set(counts.values()) == {1}
        facts = {f["file"]: f["facts"] for f in json.loads((CORPUS / "FACTS.json").read_text())["files"]}
        assert (
            dict(
                harvester.query(
                    "select metric_type, sum(count)::bigint from usage where report_id = 'TR' group by 1"
                )
            )
            == facts["counter/cop5__TR_sample_r51.json"]["metric_sums"]
        )
        assert summary(completed)["states"] == {"harvested": 48 - len(harvested_before)}
    finally:
        api.stop()


def test_two_harvests_never_run_together(tmp_path):
    api = CounterApi(latency=0.3).start()
    try:
        harvester = Harvester(tmp_path).platform("Plain", api.url("plain"), "5.1", ("PR", "TR"))
        first = subprocess.Popen(
            harvester.command("--from", "2022-01", "--to", "2022-04"),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while not api.requests:
            time.sleep(0.05)
        second = harvester.run("--month", "2022-05")
        assert second.returncode == 2 and "another harvest is running" in second.stderr
        assert first.wait(timeout=60) == 0
    finally:
        api.stop()


def test_no_log_of_any_library_shows_a_request_s_credentials(api, tmp_path, caplog):
    """httpx logs each request's address (which holds the credentials) unless told not to."""
    import logging
    from datetime import date

    from coopdash.harvest.client import Client, endpoint, parameters
    from coopdash.harvest.credentials import Credentials
    from coopdash.harvest.settings import Platform, Politeness
    from tests.counter_api import CUSTOMER_ID

    platform = Platform("Plain", api.url("plain"), "5.1")
    with caplog.at_level(logging.DEBUG):
        client = Client(Politeness())
        answer = client.get(
            endpoint(platform, "reports/tr"),
            parameters(platform, Credentials(CUSTOMER_ID, REQUESTOR_ID, API_KEY), "TR", date(2022, 3, 1)),
            tmp_path / "tr.json.gz",
        )
        client.close()
    assert answer.status == 200
    assert not any(secret in caplog.text for secret in SECRETS)
