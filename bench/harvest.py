"""A consortium's year from four platforms: 12 libraries x 4 platforms x 12 months of TR and DR.

    python bench/harvest.py [--pause 0.5] [--latency 0.2] [--months 12]

Four local COUNTER APIs (one a platform, each its own host: 127.0.0.1 on its own
port) answer after `--latency` seconds with the R5.1 samples' month. The harvest
runs as `python -m coopdash harvest` with the politeness rules on (one request at
a time to a host, `--pause` seconds between two) into a new database. Printed:
wall time, requests per second, the harvest's peak memory, where its time went
(waiting for answers, pausing, the importer reading, the writers storing), and
from the servers' side: the most requests one host had at once (must be 1) and
how much of the run several hosts were being asked side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coopdash.registry import Registry  # noqa: E402
from tests.counter_api import API_KEY, CUSTOMER_ID, REQUESTOR_ID, CounterApi  # noqa: E402

OUT = ROOT / "bench" / "out" / "harvest"
PLATFORMS = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between two requests to one host")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds each answer takes")
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    libraries = list(Registry.load().libraries)[:12]
    servers = [CounterApi(latency=args.latency).start() for _ in range(PLATFORMS)]
    try:
        settings = OUT / "harvest.toml"
        credentials = OUT / "credentials.toml"
        codes = ", ".join(f'"{c}"' for c in libraries)
        settings.write_text(
            f"[harvest]\npause_seconds = {args.pause}\nparallel_hosts = {PLATFORMS}\n"
            + "".join(
                f'\n[[platform]]\nname = "Platform {n}"\nbase_url = "{server.url("plain")}"\nrelease = "5.1"\n'
                f'reports = ["TR", "DR"]\nlibraries = [{codes}]\n'
                for n, server in enumerate(servers, start=1)
            )
        )
        credentials.write_text(
            "".join(
                f'["Platform {n}".{code}]\ncustomer_id = "{CUSTOMER_ID}"\nrequestor_id = "{REQUESTOR_ID}"\napi_key = "{API_KEY}"\n'
                for n in range(1, PLATFORMS + 1)
                for code in libraries
            )
        )
        os.chmod(credentials, 0o600)
        command = [
            sys.executable,
            "-m",
            "coopdash",
            "harvest",
            "--db",
            str(OUT / "harvest.duckdb"),
            "--settings",
            str(settings),
            "--credentials",
            str(credentials),
            "--from",
            "2022-01",
            "--to",
            f"2022-{args.months:02d}",
            "--json",
        ]
        jobs = len(libraries) * PLATFORMS * 2 * args.months
        print(
            f"{len(libraries)} libraries x {PLATFORMS} platforms x {args.months} months x TR, DR = {jobs} requests; "
            f"{args.latency * 1000:.0f} ms an answer, {args.pause} s pause between two requests to a host"
        )
        began = time.monotonic()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        wall = time.monotonic() - began
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if done.returncode:
            raise SystemExit(f"harvest exited {done.returncode}: {done.stderr[-2000:]}")
        summary = json.loads(done.stdout.strip().splitlines()[-1])
        report(summary, servers, wall, peak_mb, jobs, args.latency + args.pause)
    finally:
        for server in servers:
            server.stop()


def report(
    summary: dict, servers: list[CounterApi], wall: float, peak_mb: float, jobs: int, per_request: float
) -> None:
    seconds = summary["seconds"]
    threads = seconds["requesting"] + seconds["pausing"] + seconds["reading"]
    print(
        f"wall {wall:.1f} s; {summary['requests']} requests ({summary['requests'] / wall:.2f} a second); "
        f"states {summary['states']}; harvest's peak memory {peak_mb:.0f} MB"
    )
    print(
        f"the host threads' time ({threads:.0f} s over {len(servers)} hosts): waiting for answers "
        f"{seconds['requesting'] / threads:.0%}, pausing {seconds['pausing'] / threads:.0%}, "
        f"the importer reading {seconds['reading'] / threads:.0%}"
    )
    print(
        f"storing (the writers, on the main thread beside them): {seconds['storing']:.1f} s, {seconds['storing'] / wall:.0%} of the wall time"
    )
    peaks = [server.peak_in_flight for server in servers]
    print(
        f"most requests one host had at once: {peaks} (the harvest's own count: {summary['peak_requests_per_host']})"
    )
    events = sorted(
        (moment, step)
        for server in servers
        for record in server.requests
        for moment, step in ((record["start"], 1), (record.get("end", record["start"]), -1))
    )
    busy, last, side_by_side, most = 0, events[0][0], 0.0, 0
    for moment, step in events:
        if busy >= 2:
            side_by_side += moment - last
        busy += step
        most = max(most, busy)
        last = moment
    print(
        f"hosts asked side by side: up to {most} at once; 2 or more for {side_by_side:.1f} s "
        f"({side_by_side / wall:.0%} of the wall time); the same requests one after another, each with its "
        f"answer and pause, would take {jobs * per_request:.0f} s"
    )


if __name__ == "__main__":
    main()
