"""Helpers of the harvest tests: a settings and credentials pair for the local COUNTER API, the harvester as a
subprocess, and the usage the samples hold (summed from their JSON, not through the importer)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb

from tests.conftest import ROOT
from tests.counter_api import API_KEY, CUSTOMER_ID, REQUESTOR_ID, month_report

# Short pauses and timeouts: each scenario runs in well under a few seconds.
POLITENESS = """[harvest]
pause_seconds = 0.02
connect_timeout_seconds = 2
read_timeout_seconds = 1
queued_wait_seconds = 0.05
queued_tries = 3
busy_wait_seconds = 0.05
busy_tries = 2
"""


class Harvester:
    """Settings, credentials and a database in `folder`; `run` starts `python -m coopdash harvest`."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.database = folder / "harvest.duckdb"
        self.settings = folder / "harvest.toml"
        self.credentials = folder / "credentials.toml"
        self.platforms: list[str] = []
        self.secrets: list[str] = []

    def platform(
        self, name: str, url: str, release: str, reports=("TR",), libraries=("hangzhou",)
    ) -> Harvester:
        quoted = ", ".join(f'"{r}"' for r in reports)
        codes = ", ".join(f'"{c}"' for c in libraries)
        self.platforms.append(
            f'[[platform]]\nname = "{name}"\nbase_url = "{url}"\nrelease = "{release}"\n'
            f"reports = [{quoted}]\nlibraries = [{codes}]\n"
        )
        self.secrets += [
            f'["{name}".{code}]\ncustomer_id = "{CUSTOMER_ID}"\nrequestor_id = "{REQUESTOR_ID}"\napi_key = "{API_KEY}"\n'
            for code in libraries
        ]
        return self.write()

    def write(self) -> Harvester:
        self.settings.write_text(POLITENESS + "\n" + "\n".join(self.platforms), encoding="utf-8")
        self.credentials.write_text("\n".join(self.secrets), encoding="utf-8")
        os.chmod(self.credentials, 0o600)
        return self

    def command(self, *args: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "coopdash",
            "harvest",
            "--db",
            str(self.database),
            "--settings",
            str(self.settings),
            "--credentials",
            str(self.credentials),
            *args,
        ]

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(*args), cwd=ROOT, capture_output=True, text=True, timeout=timeout)

    def query(self, text: str, *params) -> list[tuple]:
        con = duckdb.connect(str(self.database), read_only=True)
        try:
            return con.execute(text, list(params)).fetchall()
        finally:
            con.close()

    def states(self) -> dict[tuple[str, str, str], tuple]:
        """(report, month, platform) -> (state, reason_code, reason_params, next_attempt_at, attempts)."""
        return {
            (r, f"{m:%Y-%m}", p): rest
            for p, r, m, *rest in self.query(
                "select platform, report_id, month, state, reason_code, reason_params, next_attempt_at, attempts "
                "from harvest_status"
            )
        }

    def sums(self) -> dict[str, int]:
        return dict(self.query("select metric_type, sum(count)::bigint from usage group by 1"))

    def imports_per_month(self) -> Counter:
        """How many imports (none replaced since) hold each library, report and month: must be 1 each."""
        rows = self.query(
            "select library_code, report_id, unnest(months) from imports where superseded_rows = 0"
        )
        return Counter((code, r, f"{m:%Y-%m}") for code, r, m in rows)


def sample_sums(report_id: str, release: str, months: list[str]) -> Counter:
    """The counts per metric the server's responses hold for these months, summed from their JSON."""
    total: Counter = Counter()

    def walk(node):
        if isinstance(node, list):
            for entry in node:
                walk(entry)
        elif isinstance(node, dict):
            if "Instance" in node:
                for instance in node["Instance"]:
                    total[instance["Metric_Type"]] += instance["Count"]
            performance = node.get("Performance")
            if isinstance(performance, dict):
                for metric, counts in performance.items():
                    total[metric] += sum(counts.values())
            for key in ("Items", "Attribute_Performance", "Performance"):
                if isinstance(node.get(key), list):
                    walk(node[key])

    for month in months:
        walk(month_report(report_id, release, month)["Report_Items"])
    return total


def summary(completed: subprocess.CompletedProcess) -> dict:
    assert completed.stdout.strip(), completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])
