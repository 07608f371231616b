"""celus-nigiri against coopdash's own httpx client, on the local COUNTER API: which to harvest with.

    python bench/harvest_client.py [--copies 2000] [--requests 5] [--nigiri-python PATH]

celus-nigiri 5.x needs Python 3.12 or newer; on our 3.11 the newest that installs
is 4.2.2, and it pins requests below 2.32, older than the requests our other
dependencies have installed, so it is measured from a Python of its own:

    python3.11 -m venv bench/out/nigiri-venv
    bench/out/nigiri-venv/bin/pip install celus-nigiri==4.2.2

Each client runs in a fresh process: it downloads a large one-month TR
(`--copies` times the R5.1 sample's items) `--requests` times to a file, then asks
a server that answers after 3 s with a 1 s read timeout where it can set one, and
with the standard library's logging at DEBUG. Printed: seconds per report, peak
memory, what lands on disk, the User-Agent the server saw, how long the slow answer
held it, and whether the api_key appeared in its log.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.counter_api import API_KEY, CUSTOMER_ID, REQUESTOR_ID, CounterApi  # noqa: E402

NIGIRI = """
import io, json, logging, resource, sys, time
from celus_nigiri.client import Sushi51Client
log = io.StringIO()
logging.basicConfig(stream=log, level=logging.DEBUG)
large, slow, folder, count, customer, requestor, key = sys.argv[1:]
client = Sushi51Client(large, customer, requestor, extra_params={"api_key": key})
began = time.monotonic()
size = 0
for n in range(int(count)):
    path = f"{folder}/nigiri-{n}.json"
    with open(path, "wb+") as out:
        client.fetch_report_data("tr", "2022-03-01", "2022-03-31", dump_file=out, long_date_format=False)
    size = __import__("os").path.getsize(path)
per_report = (time.monotonic() - began) / int(count)
slow_client = Sushi51Client(slow, customer, requestor, extra_params={"api_key": key})
began = time.monotonic()
slow_client.fetch_report_data("tr", "2022-03-01", "2022-03-31", long_date_format=False)
held = time.monotonic() - began
print(json.dumps({"per_report": per_report, "stored_bytes": size, "stored_as": "plain JSON",
                  "slow_answer_held": held,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "key_in_log": key in log.getvalue()}))
"""

COOPDASH = """
import io, json, logging, os, resource, sys, time
from datetime import date
from pathlib import Path
log = io.StringIO()
logging.basicConfig(stream=log, level=logging.DEBUG)
from coopdash.harvest.client import Client, endpoint, parameters
from coopdash.harvest.credentials import Credentials
from coopdash.harvest.settings import Platform, Politeness
large, slow, folder, count, customer, requestor, key = sys.argv[1:]
credentials = Credentials(customer, requestor, key)
client = Client(Politeness(read_timeout_seconds=1.0, connect_timeout_seconds=2.0))
platform = Platform("large", large, "5.1")
began = time.monotonic()
for n in range(int(count)):
    answer = client.get(endpoint(platform, "reports/tr"), parameters(platform, credentials, "TR", date(2022, 3, 1)), Path(folder) / f"coopdash-{n}.json.gz")
per_report = (time.monotonic() - began) / int(count)
slow_platform = Platform("slow", slow, "5.1")
began = time.monotonic()
slow_answer = client.get(endpoint(slow_platform, "reports/tr"), parameters(slow_platform, credentials, "TR", date(2022, 3, 1)), Path(folder) / "slow.json.gz")
held = time.monotonic() - began
print(json.dumps({"per_report": per_report, "stored_bytes": os.path.getsize(answer.body), "stored_as": "gzip",
                  "slow_answer_held": held, "slow_failure": slow_answer.failure,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "key_in_log": key in log.getvalue()}))
"""


def run(python: str, code: str, api: CounterApi, folder: str, requests: int) -> dict:
    arguments = [api.url("large"), api.url("slow"), folder, str(requests), CUSTOMER_ID, REQUESTOR_ID, API_KEY]
    before = len(api.requests)
    done = subprocess.run(
        [python, "-c", code, *arguments], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["user_agent"] = api.requests[before]["user_agent"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument(
        "--nigiri-python", default=str(ROOT / "bench" / "out" / "nigiri-venv" / "bin" / "python")
    )
    args = parser.parse_args()
    api = CounterApi(large_copies=args.copies).start()
    try:
        from tests.counter_api import large_report

        size = len(large_report("TR", "5.1", "2022-03", args.copies))
        print(
            f"one month of TR: {size / 2**20:.1f} MB of JSON ({args.copies} x the R5.1 sample's items); {args.requests} requests each"
        )
        results = {}
        with tempfile.TemporaryDirectory() as folder:
            results["coopdash (httpx 0.28.1)"] = run(sys.executable, COOPDASH, api, folder, args.requests)
            if Path(args.nigiri_python).exists():
                results["celus-nigiri 4.2.2 (requests)"] = run(
                    args.nigiri_python, NIGIRI, api, folder, args.requests
                )
            else:
                print(f"celus-nigiri not measured: no {args.nigiri_python} (see this script's docstring)")
        for name, r in results.items():
            print(
                f"{name}: {r['per_report']:.2f} s a report, peak {r['peak_mb']:.0f} MB, stored {r['stored_bytes'] / 2**20:.1f} MB "
                f"as {r['stored_as']}; slow answer held it {r['slow_answer_held']:.1f} s"
                + (f" ({r['slow_failure']})" if r.get("slow_failure") else " (no timeout)")
                + f"; User-Agent {r['user_agent'][:60]!r}; api_key in its DEBUG log: {r['key_in_log']}"
            )
    finally:
        api.stop()


if __name__ == "__main__":
    main()
