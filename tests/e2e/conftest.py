"""What the browser tests share: Debian's chromium, a `streamlit run` on a free loopback port, waiting for a page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
SETTLE_SECONDS = 60
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def require_chromium() -> None:
    """Called by each browser test module as it is imported: skip it without chromium (fail it in CI)."""
    if not CHROMIUM.exists():
        message = (
            "browser tests need Debian's chromium and fonts-noto-cjk: apt-get install chromium fonts-noto-cjk"
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message, allow_module_level=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(
    database: Path, logs: Path, secrets: Path | None = None, environment: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run dashboard.py` on `database` (and `secrets`, if given); yields its address and process.

    bench/load.py starts its server here too, with the registry in `environment`.
    """
    port = free_port()
    extra = ["--secrets.files", str(secrets)] if secrets else []
    env = {**os.environ, "COOPDASH_DB": str(database), **(environment or {})}
    with (logs / "streamlit.log").open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
                "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                "--browser.gatherUsageStats", "false", *extra,
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"streamlit did not start; see {log.name}") from None
                    time.sleep(0.3)
            yield base, process
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        yield launched
        launched.close()


def local_tab(browser, server: str):
    """A fresh context and tab that may reach the dashboard and nothing else; `tab.outside` lists the rest."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    outside: list[str] = []

    def only_local(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    tab.outside = outside
    return context, tab


def settled(tab) -> None:
    """Wait until Streamlit has finished running the page (after any redirect) and every chart has drawn."""
    for _ in range(2):  # a deep link runs the entry, then the page it asked for
        tab.wait_for_selector(IDLE, timeout=SETTLE_SECONDS * 1000)
        tab.wait_for_timeout(400)
    tab.wait_for_selector("h1", timeout=SETTLE_SECONDS * 1000)
    tab.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))",
        timeout=SETTLE_SECONDS * 1000,
    )
