"""The harvest's small parts, each with a table of cases: answers, schedule, settings, credentials, Registry records."""

import gzip
import json
import os
import stat
from datetime import date, datetime, timedelta

import pytest

from coopdash.harvest import credentials as secret_store
from coopdash.harvest import plan, registry_record, settings, vendor
from coopdash.harvest.client import Answer, endpoint
from tests.conftest import FIXTURES

MARCH = date(2022, 3, 1)
REPORT = {
    "Report_Header": {"Report_ID": "TR", "Release": "5"},
    "Report_Items": [
        {
            "Title": "A",
            "Performance": [
                {
                    "Period": {"Begin_Date": "2022-03-01", "End_Date": "2022-03-31"},
                    "Instance": [{"Metric_Type": "Total_Item_Requests", "Count": 3}],
                }
            ],
        }
    ],
}


def answer(tmp_path, status: int, body) -> Answer:
    path = tmp_path / "answer.json.gz"
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    path.write_bytes(gzip.compress(raw))
    return Answer(status=status, body=path, size=len(raw))


def empty(*exceptions):
    return {"Report_Header": {"Report_ID": "TR", "Exceptions": list(exceptions)}, "Report_Items": []}


@pytest.mark.parametrize(
    ("status", "body", "kind", "reason"),
    [
        (200, REPORT, "report", None),
        (202, b"", "queued", "http"),
        (
            202,
            {"Code": 1011, "Severity": "Warning", "Message": "Report Queued for Processing"},
            "queued",
            "sushi",
        ),
        (429, {"Code": 1020, "Message": "Client has made too many requests"}, "too_many", "sushi"),
        (503, {"Code": 1000, "Message": "Service Not Available"}, "busy", "sushi"),
        (200, {"Code": 1010, "Message": "Service Busy"}, "busy", "sushi"),
        (403, {"Code": 2010, "Message": "Requestor Not Authorized"}, "unauthorised", "sushi"),
        (401, b"Unauthorized", "unauthorised", "http"),
        (200, empty({"Code": 3030, "Message": "No Usage Available"}), "empty", "sushi"),
        (200, empty({"Code": 3031, "Message": "Usage Not Ready"}), "not_ready", "sushi"),
        (200, empty({"Code": 3032, "Message": "Usage No Longer Available"}), "unavailable", "sushi"),
        (400, {"Code": 3020, "Message": "Invalid Date Arguments"}, "bad_request", "sushi"),
        (400, {"Code": 3050, "Message": "Parameter Not Recognized"}, "bad_request", "sushi"),
        (500, {"Code": 3030, "Message": "No Usage"}, "empty", "sushi"),  # an exception in a 500 body
        (200, [{"Code": 3031, "Message": "Not Ready"}], "not_ready", "sushi"),  # a list of exceptions
        (
            200,
            {"exception": {"code": "3030", "message": "no usage"}},
            "empty",
            "sushi",
        ),  # lower case, text code
        (200, [{"number": 3031, "severity": "Error", "message": "x"}], "not_ready", "sushi"),  # `number`
        (200, json.dumps({"Code": 3031, "Message": "Not Ready"}), "not_ready", "sushi"),  # JSON in a string
        (200, {"body": REPORT}, "report", None),  # wrapped
        (200, empty(), "empty", "empty_report"),  # no items, no exception
        (200, b"<html>maintenance</html>", "failed", "not_json"),
        (502, b"Bad gateway", "busy", "http"),
        (404, {"Code": 3000, "Message": "Report Not Supported"}, "failed", "sushi"),
    ],
)
def test_what_an_answer_means(tmp_path, status, body, kind, reason):
    outcome = vendor.read(answer(tmp_path, status, body), MARCH)
    assert outcome.kind == kind
    assert (outcome.reason[0] if outcome.reason else None) == reason


def test_a_wrapped_report_is_handed_to_the_importer_unwrapped_and_partial_data_warns(tmp_path):
    partial = json.loads(json.dumps(REPORT))
    partial["Report_Header"]["Exceptions"] = [{"Code": 3040, "Message": "Partial Data Returned"}]
    outcome = vendor.read(answer(tmp_path, 200, {"body": json.dumps(partial)}), MARCH)
    assert outcome.kind == "report" and json.loads(outcome.report) == partial
    assert [code for code, _ in outcome.warnings] == ["partial", "unwrapped"]
    assert vendor.read(answer(tmp_path, 200, REPORT), date(2022, 4, 1)).warnings == [
        ("months_outside", {"months": "2022-03"})
    ]


def test_a_network_failure_is_a_busy_server_not_a_crash():
    assert vendor.read(Answer(failure="read_timeout"), MARCH).kind == "busy"
    assert vendor.read(Answer(failure="too_large"), MARCH).kind == "failed"


NOW = datetime(2025, 12, 5, 3, 0)


@pytest.mark.parametrize(
    ("kind", "attempts", "after"),
    [
        ("queued", 1, timedelta(hours=1)),
        ("queued", 9, timedelta(hours=24)),
        ("not_ready", 1, timedelta(days=1)),
        ("not_ready", 2, timedelta(days=2)),
        ("not_ready", 3, timedelta(days=4)),
        ("not_ready", 6, timedelta(days=8)),
        ("not_ready", 9, None),
        ("empty", 1, timedelta(days=1)),
        ("empty", 6, timedelta(days=32)),
        ("empty", 7, None),
        ("partial", 1, timedelta(days=7)),
        ("unauthorised", 1, None),
        ("unavailable", 1, None),
    ],
)
def test_when_to_ask_again(kind, attempts, after):
    expected = NOW + after if after is not None else None
    assert plan.next_attempt(kind, attempts, NOW) == expected


def test_the_timer_asks_for_the_last_month_and_the_retries_due_a_person_for_what_they_name():
    platform = settings.Platform("P", "https://x.example/api", reports=("TR",), libraries=("hangzhou",))
    chosen = [(platform, "hangzhou")]
    stored = {
        ("P", "hangzhou", "TR", date(2025, 9, 1)): plan.Stored("not_ready", 1, NOW - timedelta(hours=1)),
        ("P", "hangzhou", "TR", date(2025, 8, 1)): plan.Stored("not_ready", 2, NOW + timedelta(days=1)),
        ("P", "hangzhou", "TR", date(2025, 7, 1)): plan.Stored("harvested", 1, None),
    }
    timer = plan.jobs(chosen, {}, stored, plan.Request(), NOW)
    assert [j.month for j in timer] == [date(2025, 9, 1), date(2025, 11, 1)]
    retry = plan.jobs(chosen, {}, stored, plan.Request(due_only=True), NOW)
    assert [j.month for j in retry] == [date(2025, 9, 1)]  # the daily retry asks for no new month
    named = plan.jobs(chosen, {}, stored, plan.Request(months=(date(2025, 7, 1), date(2025, 8, 1))), NOW)
    assert [j.month for j in named] == [date(2025, 8, 1)]  # July is in; August is asked for now


def test_settings_are_written_whole_and_read_back(tmp_path):
    path = tmp_path / "harvest.toml"
    written = settings.HarvestSettings(
        (
            settings.Platform(
                'Ex "Quoted" 平台', "https://sushi.example.org/c", "5", ("TR", "DR"), "pf", ("hangzhou",), 5.0
            ),
        ),
        settings.Politeness(pause_seconds=1.5),
    )
    settings.save(written, path)
    assert settings.load(path) == written
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["harvest.toml"]  # no draft left beside it


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[platform]]\nname = "A"\nbase_url = "ftp://x"\n', "base_url must be"),
        ('[[platform]]\nname = "A"\nbase_url = "https://x.org"\nrelease = "4"\n', "release must be 5 or 5.1"),
        ('[[platform]]\nname = "A"\nbase_url = "https://x.org"\nreports = ["TR_J1"]\n', "standard views"),
        (
            '[[platform]]\nname = "A"\nbase_url = "https://x.org"\n[[platform]]\nname = "A"\nbase_url = "https://y.org"\n',
            "named twice",
        ),
        ("[harvest]\npause = 3\n", "unknown setting 'pause'"),
        ('[[platform]]\nname = "A"\nbase_url = "https://x.org"\napi_key = "k"\n', "unknown setting"),
    ],
)
def test_settings_that_cannot_work_are_refused_by_name(tmp_path, text, message):
    path = tmp_path / "harvest.toml"
    path.write_text(text)
    with pytest.raises(settings.HarvestSettingsError, match=message):
        settings.load(path)


def test_credentials_are_kept_private_and_never_shown(tmp_path):
    path = tmp_path / "credentials.toml"
    given = secret_store.Credentials("cust-1", "req-2", "key-3")
    secret_store.store(path, 'Platform "A"', "hangzhou", given)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_store.load(path, secrets_toml=None) == {('Platform "A"', "hangzhou"): given}
    assert "key-3" not in repr(given) and "key-3" not in str(given)
    os.chmod(path, 0o640)
    with pytest.raises(secret_store.CredentialsError, match="chmod 600") as refused:
        secret_store.load(path, secrets_toml=None)
    assert "key-3" not in str(refused.value)
    assert secret_store.redact("key=key-3&x=req%2D2", ["key-3", "req-2"]) == "key=***&x=req%2D2"


def test_credentials_in_streamlit_secrets_are_held_to_the_same_rule(tmp_path):
    secrets_toml = tmp_path / "secrets.toml"
    secrets_toml.write_text('[harvest_credentials."P".hangzhou]\ncustomer_id = "c"\napi_key = "k"\n')
    os.chmod(secrets_toml, 0o644)
    with pytest.raises(secret_store.CredentialsError, match="may be read by other users"):
        secret_store.load(tmp_path / "none.toml", secrets_toml=secrets_toml)
    os.chmod(secrets_toml, 0o600)
    assert (
        secret_store.load(tmp_path / "none.toml", secrets_toml=secrets_toml)[("P", "hangzhou")].api_key == "k"
    )


def test_a_platform_is_prefilled_from_its_registry_record():
    platform, needs = registry_record.platform_from_record(
        (FIXTURES / "harvest" / "registry_platform.json").read_bytes()
    )
    assert platform.name == "Example Journals Online"
    assert platform.base_url == "https://sushi.journals.example.org/counter/r51"
    assert platform.release == "5.1"
    assert platform.reports == ("PR", "TR")  # the R5.1 master reports it offers
    assert needs == ["customer_id", "requestor_id", "api_key"]
    # The address ends in /r51 already: requests do not double it.
    assert endpoint(platform, "reports/tr") == "https://sushi.journals.example.org/counter/r51/reports/tr"
    with pytest.raises(settings.HarvestSettingsError, match="save that record too"):
        registry_record.platform_from_record(
            json.dumps(
                {
                    "name": "X",
                    "sushi_services": [
                        {"counter_release": "5", "url": "https://registry.example/api/v1/sushi-service/1/"}
                    ],
                }
            )
        )


@pytest.mark.parametrize(
    ("release", "base", "path", "url"),
    [
        ("5", "https://s.example/counter/", "reports/tr", "https://s.example/counter/reports/tr"),
        ("5.1", "https://s.example/counter", "reports/tr", "https://s.example/counter/r51/reports/tr"),
        ("5.1", "https://s.example/r51/", "members", "https://s.example/r51/members"),
    ],
)
def test_addresses_per_release(release, base, path, url):
    assert endpoint(settings.Platform("P", base, release), path) == url


def test_the_timers_run_commands_that_exist():
    from coopdash.cli import build_parser

    deploy = FIXTURES.parent.parent / "deploy"
    for name, flags in (("coopdash-harvest", []), ("coopdash-harvest-retry", ["--due"])):
        service = (deploy / f"{name}.service").read_text()
        command = next(line for line in service.splitlines() if line.startswith("ExecStart="))
        arguments = command.split(" -m coopdash ", 1)[1].split()
        assert arguments == ["harvest", *flags]
        assert build_parser().parse_args(arguments).command == "harvest"
        assert f"Unit={name}.service" in (deploy / f"{name}.timer").read_text()
        assert "COOPDASH_HARVEST_CREDENTIALS=" in service and "UMask=0077" in service
