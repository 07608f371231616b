"""Harvesting from a real COUNTER API on 127.0.0.1: the harvester runs as `python -m coopdash harvest`, and the
database ends up with exactly the reports' rows, each month once, whatever the vendor did on the way."""

import json
import time

import pytest

from tests.conftest import CORPUS
from tests.counter_api import CounterApi
from tests.harvesting import Harvester, sample_sums, summary

FACTS = {f["file"]: f["facts"] for f in json.loads((CORPUS / "FACTS.json").read_text())["files"]}
SAME_DATA = {
    "PR": "counter/cop5__PR_sample_r51.tsv",
    "DR": "counter/cop5__DR_sample_r51.xlsx",
    "TR": "counter/cop5__TR_sample_r51.json",
    "IR": "counter/cop5__IR_sample_r51.tsv",
}
YEAR = [f"2022-{m:02d}" for m in range(1, 13)]


@pytest.fixture(scope="module")
def api():
    server = CounterApi().start()
    yield server
    server.stop()


def requests_to(api, scenario: str) -> list[dict]:
    return [r for r in api.requests if r["path"].startswith(f"/{scenario}/") and "/reports/" in r["path"]]


def test_a_year_of_every_r51_master_report_is_the_samples_figures_each_month_once(api, tmp_path):
    harvester = Harvester(tmp_path).platform("Sample R5.1", api.url("plain"), "5.1", ("PR", "DR", "TR", "IR"))
    completed = harvester.run("--from", "2022-01", "--to", "2022-12", "--json")
    assert completed.returncode == 0, completed.stderr
    assert summary(completed)["states"] == {"harvested": 48}
    for report_id, source in SAME_DATA.items():
        stored = dict(
            harvester.query(
                "select metric_type, sum(count)::bigint from usage where report_id = ? group by 1", report_id
            )
        )
        assert stored == FACTS[source]["metric_sums"], report_id  # the figures computed apart from coopdash
    assert set(harvester.imports_per_month().values()) == {1}
    assert len(harvester.imports_per_month()) == 48
    # Asked again: nothing to do, no request, nothing imported twice.
    before = len(api.requests)
    again = harvester.run("--from", "2022-01", "--to", "2022-12", "--json")
    assert again.returncode == 0 and summary(again)["jobs"] == 0
    assert len(api.requests) == before
    assert harvester.query("select count(*) from imports") == [(48,)]


def test_r5_reports_in_the_r5_layout_and_the_validators_tr(api, tmp_path):
    harvester = Harvester(tmp_path).platform("Sample R5", api.url("plain"), "5", ("PR", "DR", "IR"))
    harvester.platform("Validator R5", api.url("plain") + "/", "5", ("TR",), libraries=("ningbo",))
    assert harvester.run("--month", "2022-02", "--platform", "Sample R5", "--json").returncode == 0
    assert harvester.run("--from", "2016-01", "--to", "2016-03", "--platform", "Validator R5").returncode == 0
    for report_id in ("PR", "DR", "IR"):
        stored = dict(
            harvester.query(
                "select metric_type, sum(count)::bigint from usage where report_id = ? group by 1", report_id
            )
        )
        assert stored == sample_sums(report_id, "5", ["2022-02"]), report_id
    tr = dict(
        harvester.query("select metric_type, sum(count)::bigint from usage where report_id = 'TR' group by 1")
    )
    assert tr == FACTS["counter/counter-validator__50-Sample-TR.json"]["metric_sums"]
    paths = {
        r["path"] for r in requests_to(api, "plain") if r["params"].get("begin_date", "").startswith("2016")
    }
    assert paths == {"/plain/reports/tr"}  # R5: no /r51 in the address


@pytest.mark.parametrize(
    ("scenario", "release", "state", "reason", "requests"),
    [
        ("queued", "5.1", "harvested", None, 2),  # 202 with no body, then the report
        ("queued_1011", "5", "harvested", None, 2),  # 202 with exception 1011
        ("too_many", "5.1", "harvested", None, 2),  # 429 / 1020, then the report
        ("full_dates", "5.1", "harvested", None, 2),  # 3020 for YYYY-MM: asked again with YYYY-MM-DD
        ("report_string", "5.1", "harvested", "unwrapped", 1),  # the report as JSON inside a JSON string
        ("wrapped", "5", "harvested", "unwrapped", 1),  # {"body": report}
        ("gzip", "5.1", "harvested", None, 1),  # Content-Encoding: gzip
        ("partial", "5.1", "harvested", "partial", 1),  # 3040: imported, harvested again later
        ("outside", "5.1", "harvested", "months_outside", 1),  # dates outside the month asked for
        ("no_usage", "5.1", "empty", "sushi", 1),  # 3030 in an empty report
        ("empty_report", "5", "empty", "empty_report", 1),  # no items, no exception
        ("error_500", "5.1", "empty", "sushi", 1),  # the exception inside an HTTP 500
        ("exception_list_lower", "5.1", "empty", "sushi", 1),  # [{"number": 3030, "message": ...}]
        ("exception_string", "5", "not_ready", "sushi", 1),  # 3031 as JSON inside a string
        ("refused", "5.1", "failed", "sushi", 1),  # 2010: stop, do not retry
        ("slow", "5.1", "failed", "read_timeout", 2),  # slower than the read timeout (1 s): tried twice
    ],
)
def test_what_vendors_do(api, tmp_path, scenario, release, state, reason, requests):
    harvester = Harvester(tmp_path).platform(scenario, api.url(scenario), release)
    month = "2016-03" if release == "5" else "2022-03"  # the validator's R5 TR holds 2016-01 to 2016-03
    began, seen_before = time.monotonic(), len(requests_to(api, scenario))
    completed = harvester.run("--month", month, "--json")
    assert time.monotonic() - began < 20
    assert completed.returncode == (1 if state == "failed" else 0), completed.stderr
    stored_state, code, params, next_try, attempts = harvester.states()[("TR", month, scenario)]
    assert (stored_state, code) == (state, reason), params
    assert len(requests_to(api, scenario)) - seen_before == requests
    if state == "harvested":
        if scenario == "outside":  # imported as given, with the warning naming the month not asked for
            assert "2022-12" in params
        else:
            assert harvester.sums() == sample_sums("TR", release, [month])
            assert harvester.imports_per_month() == {("hangzhou", "TR", month): 1}
    else:
        assert harvester.query("select count(*) from imports") == [(0,)]
    if scenario == "full_dates":
        dates = [r["params"]["begin_date"] for r in requests_to(api, scenario)[-2:]]
        assert dates == ["2022-03", "2022-03-01"]
    if state in ("empty", "not_ready", "queued") or reason == "partial" or reason == "read_timeout":
        assert next_try is not None  # re-checked later by the daily run
    if scenario == "refused":
        assert next_try is None
        assert harvester.query("select state from harvest_access") == [("refused",)]
        assert "2010" in params


def test_a_refused_library_is_asked_once_not_for_every_month(api, tmp_path):
    harvester = Harvester(tmp_path).platform("Refuses", api.url("refused"), "5.1", ("PR", "TR"))
    before = len(requests_to(api, "refused"))
    completed = harvester.run("--from", "2022-01", "--to", "2022-06", "--json")
    assert completed.returncode == 1
    assert len(requests_to(api, "refused")) - before == 1
    # The timer's run does not use refused credentials; a person asking does.
    assert "credentials_refused" in harvester.run("--json").stdout


def test_not_ready_twice_then_data_whatever_the_order_of_retries(api, tmp_path):
    harvester = Harvester(tmp_path)
    harvester.platform("Late", api.url("not_ready_twice"), "5.1", ("PR", "TR"))
    harvester.platform("Queues", api.url("queued"), "5", ("PR",), libraries=("ningbo",))
    harvester.platform("Busy", api.url("too_many"), "5.1", ("DR",), libraries=("jiaxing",))
    months = ["2022-04", "2022-05", "2022-06"]
    runs = [
        ("--from", "2022-04", "--to", "2022-06"),
        ("--month", "2022-05"),
        ("--from", "2022-04", "--to", "2022-06"),
        ("--from", "2022-04", "--to", "2022-06"),
    ]
    seen = []
    for args in runs:
        completed = harvester.run(*args, "--json")
        assert completed.returncode == 0, completed.stderr
        seen.append(summary(completed)["states"])
    assert seen[0] == {"not_ready": 6, "harvested": 6}
    assert seen[1] == {"not_ready": 2}
    assert seen[2] == {"harvested": 2, "not_ready": 4}  # May came in; April and June wait for their third try
    assert seen[3] == {"harvested": 4}
    counts = harvester.imports_per_month()
    assert set(counts.values()) == {1} and len(counts) == 3 * 4
    expected = sample_sums("PR", "5.1", months) + sample_sums("TR", "5.1", months)
    expected += sample_sums("PR", "5", months) + sample_sums("DR", "5.1", months)
    assert harvester.sums() == dict(expected)


def test_a_partial_month_is_harvested_again_and_replaces_itself(api, tmp_path):
    harvester = Harvester(tmp_path).platform("Partial", api.url("partial"), "5.1")
    assert harvester.run("--month", "2022-07").returncode == 0
    assert harvester.run("--month", "2022-07").returncode == 0  # due again: asked for by hand
    assert harvester.sums() == sample_sums("TR", "5.1", ["2022-07"])
    assert harvester.imports_per_month() == {("hangzhou", "TR", "2022-07"): 1}


def test_every_request_names_coopdash_and_asks_one_month(api, tmp_path):
    harvester = Harvester(tmp_path).platform("Plain", api.url("plain"), "5.1", ("PR", "TR"))
    before = len(api.requests)
    assert harvester.run("--from", "2022-08", "--to", "2022-09").returncode == 0
    made = api.requests[before:]
    assert {r["user_agent"] for r in made} == {"coopdash/0.1.0 (COUNTER API harvester)"}
    assert all(r["params"]["begin_date"] == r["params"]["end_date"] for r in made)
    assert sorted(r["params"]["begin_date"] for r in made) == ["2022-08", "2022-08", "2022-09", "2022-09"]
