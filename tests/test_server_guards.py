"""A real `streamlit run dashboard.py`, attacked as a stranger would: without a browser, on its websocket
and its upload endpoint. Memory is read from the server process (/proc/<pid>/status).

- uploads: only a signed-in importer's session may upload, within a budget of files and bytes,
  and the files are freed after the import and when the session ends;
- no client message empties the caches every reader shares;
- failed sign-ins count per user name and per client address, across sessions;
- password checks at once are bounded, so a crowd of sign-ins cannot exhaust memory.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import shutil
import threading
import time
import urllib.request
from contextlib import AsyncExitStack

import pytest
import streamlit as st
import uvicorn
from streamlit import config
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileUploaderState
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext
from streamlit.runtime.uploaded_file_manager import UploadedFileManager
from streamlit.web.server.app_discovery import discover_asgi_app
from streamlit.web.server.starlette import starlette_websocket

from coopdash.i18n import t
from coopdash.webapp import auth, server_guards, signin_limits
from tests.conftest import ROOT, tabular
from tests.e2e.conftest import running_server
from tests.streamlit_client import Session, gather, memory_mb

MB = 1 << 20
PASSWORD = "importer-password"


@pytest.fixture(scope="module")
def fresh_server(first_run, tmp_path_factory):
    """A server nobody has used yet, without access control: its address and process id."""
    folder = tmp_path_factory.mktemp("fresh")
    shutil.copy(first_run[0], folder / "coopdash.duckdb")
    with running_server(folder / "coopdash.duckdb", folder) as (base, process):
        yield base, process.pid


@pytest.fixture(scope="module")
def signing_server(first_run, tmp_path_factory):
    """A server with local users (wang, an importer; li, a viewer) that forgets a closed tab after 2 s."""
    folder = tmp_path_factory.mktemp("signing")
    shutil.copy(first_run[0], folder / "coopdash.duckdb")
    users = folder / "users.toml"
    auth.add_user(users, "wang", PASSWORD, "importer")
    auth.add_user(users, "li", "viewer-password", "viewer")
    secrets = folder / "secrets.toml"
    secrets.write_text(f'[coopdash]\nauth = "local"\nusers_file = "{users}"\n')
    environment = {
        "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": "2",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",  # the proxy, whose X-Forwarded-For is believed
    }
    with running_server(folder / "coopdash.duckdb", folder, secrets, environment) as (base, process):
        yield base, process.pid


def failed(run) -> bool:
    return run.said("ERROR") == [t("access.login_failed", "en")]


def told_to_wait(run) -> bool:
    return any(body.startswith(t("access.wait", "en", seconds="")[:20]) for body in run.said("WARNING"))


def attempt(server: str, name: str, password: str, address: str, source: str | None = None):
    """One sign-in in a new session (a new tab), from `address` as the proxy forwards it (or from
    `source` itself, a peer that is not the proxy); what the run after it showed."""

    async def in_a_new_tab():
        async with Session(server, {"X-Forwarded-For": address}, source) as session:
            return await session.sign_in(name, password)

    return gather(in_a_new_tab())[0]


class PeakMemory:
    """The server's resident memory sampled every 20 ms while the block runs: `before`, `peak` (MB)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.before = pid, 0.0, 0.0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, memory_mb(self.pid)["VmRSS"])
            time.sleep(0.02)

    def __enter__(self) -> PeakMemory:
        self.before = memory_mb(self.pid)["VmRSS"]
        self._sampler.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._sampler.join()


def test_the_streamlit_parts_the_guards_rely_on_are_there(monkeypatch):
    """What coopdash/webapp/server_guards.py and access.client_address() take from Streamlit (and the
    uvicorn it runs on). Should an upgrade change one, this says which, before the tests below
    fail for want of it."""
    assert discover_asgi_app(ROOT / "dashboard.py").import_string == "dashboard:app"
    assert {"middleware", "lifespan"} <= set(inspect.signature(st.App).parameters)
    assert server_guards.UPLOAD.search("/_stcore/upload_file/session/file").groups() == ("session", "file")
    assert server_guards.STREAM.search("/" + starlette_websocket._ROUTE_WEBSOCKET_STREAM)
    assert "clear_cache" in BackMsg.DESCRIPTOR.fields_by_name
    assert callable(Runtime.is_active_session) and isinstance(Runtime.uploaded_file_mgr, property)
    assert callable(UploadedFileManager.remove_session_files)
    assert {"session_id", "uploaded_file_mgr"} <= {f.name for f in dataclasses.fields(ScriptRunContext)}
    assert config.get_option("server.maxUploadSize") and config.get_option("server.disconnectedSessionTTL")
    assert isinstance(type(st.context).ip_address, property)
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.5")  # the setting README tells a deployment to use
    settings = uvicorn.Config(app=None)
    assert settings.proxy_headers and settings.forwarded_allow_ips == "10.0.0.5"


# ---------------------------------------------------------------- uploads


def test_a_stranger_cannot_upload_even_before_any_page_ran(fresh_server):
    """The first thing done to a fresh server: a session that never ran a page asks for an upload
    address and sends 50 MB six times; then one that ran a page tries again."""
    server, pid = fresh_server

    async def flood(run_a_page: bool) -> tuple[list[int | None], float, float]:
        async with Session(server) as stranger:
            if run_a_page:
                await stranger.run("services")
            address = await stranger.upload_address()
            before = memory_mb(pid)["VmRSS"]
            statuses = [await stranger.put(f"{address}/file-{n}", 50 * MB) for n in range(6)]
            return statuses, before, memory_mb(pid)["VmRSS"] - before

    for ran in (False, True):
        statuses, before, grown = gather(flood(ran))[0]
        print(f"stranger uploads (a page ran first: {ran}): {statuses}; RSS {before:.0f} MB, +{grown:.0f} MB")
        assert all(status in (403, None) for status in statuses)  # refused; before the fix, 204 each
        assert grown < 20  # before the fix, +300 MB (each 50 MB kept)


async def import_through_the_page(session: Session, address: str, report: bytes):
    """What the browser sends to import one file on the import page: the upload, the uploader's
    state (the check runs), the press of "Import"; the run after the import."""
    assert await session.put(f"{address}/report", data=report) == 204
    page = await session.run("imports")
    chosen = BackMsg().rerun_script.widget_states.widgets.add()
    chosen.id = next(widget.id for key, widget in page.widgets.items() if key.startswith("upload_files"))
    uploader = FileUploaderState()
    info = uploader.uploaded_file_info.add()
    info.name, info.size, info.file_id = "tr.tsv", len(report), "report"
    info.file_urls.file_id = "report"
    info.file_urls.upload_url = info.file_urls.delete_url = f"{address}/report"
    chosen.file_uploader_state_value.CopyFrom(uploader)
    checked = await session.run("imports", widgets=[chosen])
    pressed = BackMsg().rerun_script.widget_states.widgets.add()
    pressed.id, pressed.trigger_value = checked.widgets["upload_confirm"].id, True
    return await session.run("imports", widgets=[chosen, pressed])


def test_an_importers_uploads_are_bounded_freed_after_the_import_and_when_the_tab_closes(signing_server):
    server, pid = signing_server
    budget = server_guards.upload_budget_bytes()
    big = budget // 2 - MB  # two fit in the budget, a third does not
    seen: dict = {}

    async def importer() -> None:
        async with Session(server, {"X-Forwarded-For": "192.0.2.10"}) as session:
            assert "imports" in (await session.sign_in("wang", PASSWORD)).pages
            address = await session.upload_address()
            seen["before"] = memory_mb(pid)["VmRSS"]
            seen["big"] = [await session.put(f"{address}/big-{n}", big) for n in range(3)]
            seen["held"] = memory_mb(pid)["VmRSS"] - seen["before"]
            seen["done"] = (await import_through_the_page(session, address, tabular().encode())).said(
                "SUCCESS"
            )
            # The import freed the batch: the whole budget is there again, and the count.
            seen["after"] = await session.put(f"{address}/again", budget - MB)
            limit = server_guards.MAX_FILES_PER_SESSION
            seen["count"] = [await session.put(f"{address}/small-{n}", 10) for n in range(limit)]

    gather(importer())
    # The tab is closed: after Streamlit's time for a reconnect (2 s here) its files go.
    deadline = time.monotonic() + 30
    while memory_mb(pid)["VmRSS"] > seen["before"] + 60 and time.monotonic() < deadline:
        time.sleep(0.5)
    left = memory_mb(pid)["VmRSS"] - seen["before"]
    print(
        f"importer: {seen['big']} ({big / MB:.0f} MB each), held +{seen['held']:.0f} MB; {left:+.0f} MB closed"
    )
    assert seen["big"][:2] == [204, 204] and seen["big"][2] in (413, None)
    assert seen["held"] < budget / MB + 40
    assert seen["done"] == [t("imports.all_done", "en", files=1)]
    assert seen["after"] == 204
    assert seen["count"][:-1] == [204] * (server_guards.MAX_FILES_PER_SESSION - 1)  # "again" is one
    assert seen["count"][-1] in (429, None)
    assert left < 60


def test_a_viewer_cannot_upload(signing_server):
    server, _ = signing_server

    async def viewer() -> list:
        async with Session(server, {"X-Forwarded-For": "192.0.2.11"}) as session:
            await session.sign_in("li", "viewer-password")
            address = await session.upload_address()
            return [await session.put(f"{address}/file-{n}", 20 * MB) for n in range(3)]

    assert all(status in (403, None) for status in gather(viewer())[0])


# ---------------------------------------------------------------- the shared caches


def cached_queries(server: str) -> int:
    """The bytes st.cache_data holds for the dashboard's queries, as Streamlit's metrics say
    (computed at most every 5 s: the caller waits that long)."""
    with urllib.request.urlopen(f"{server}/_stcore/metrics", timeout=30) as answer:
        text = answer.read().decode()
    lines = [
        line
        for line in text.splitlines()
        if line.startswith("cache_memory_bytes{") and 'cache="coopdash.webapp.frame._cached"' in line
    ]
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in lines)


def test_no_client_message_empties_the_readers_caches(fresh_server):
    server, _ = fresh_server

    async def reader_then_stranger() -> None:
        async with Session(server) as reader:
            assert (await reader.run("services")).finished == "FINISHED_SUCCESSFULLY"
        assert cached_queries(server) > 0  # the first look at the metrics in this server
        async with Session(server) as stranger:
            clear = BackMsg()
            clear.clear_cache = True
            await stranger.send(clear)
            await asyncio.sleep(1)

    gather(reader_then_stranger())
    time.sleep(5.5)
    assert cached_queries(server) > 0  # before the fix: 0, every reader's cache emptied


# ---------------------------------------------------------------- sign-in limits


def test_failed_sign_ins_of_one_name_count_across_sessions(signing_server):
    """Three guesses at wang's password, each from a new tab and another address; the fourth tab,
    even with the right password, must wait. Before the fix each new session started from zero."""
    server, _ = signing_server
    for n in range(signin_limits.NAME_FREE_FAILURES):
        assert failed(attempt(server, "wang", f"guess number {n}", f"203.0.113.{n}"))
    fourth = attempt(server, "wang", PASSWORD, "203.0.113.99")
    assert told_to_wait(fourth)
    assert "imports" not in fourth.pages
    # Another name from another address is not held up by wang's.
    assert failed(attempt(server, "someone", "a wrong password", "203.0.113.150"))


def test_failed_sign_ins_from_one_address_count_across_names(signing_server):
    """Guesses at many names from one address: after ten, that address waits and another does not.
    X-Forwarded-For counts only from the proxy: from elsewhere (127.0.0.2) the peer's address counts."""
    server, _ = signing_server
    for n in range(signin_limits.ADDRESS_FREE_FAILURES):
        assert failed(attempt(server, f"name-{n}", "wrong password", "198.51.100.1"))
    assert told_to_wait(attempt(server, "fresh-one", "wrong password", "198.51.100.1"))
    assert failed(attempt(server, "fresh-two", "wrong password", "198.51.100.2"))

    not_the_proxy = "127.0.0.2"  # loopback, yet not in FORWARDED_ALLOW_IPS
    for n in range(signin_limits.ADDRESS_FREE_FAILURES):  # it says it is another address each time
        assert failed(attempt(server, f"other-{n}", "wrong password", f"192.0.2.{n}", not_the_proxy))
    assert told_to_wait(attempt(server, "fresh-three", "wrong password", "192.0.2.200", not_the_proxy))


def test_many_sign_ins_at_once_do_not_exhaust_memory(signing_server):
    """Twelve wrong sign-ins at once (argon2 takes 64 MiB for each check): the checks are bounded,
    the server's memory stays bounded, and every one is answered."""
    server, pid = signing_server

    async def crowd() -> tuple[list, PeakMemory, float]:
        async with AsyncExitStack() as tabs:
            sessions = [
                await tabs.enter_async_context(Session(server, {"X-Forwarded-For": f"100.64.0.{n}"}))
                for n in range(12)
            ]
            forms = await asyncio.gather(*(session.run("services") for session in sessions))
            started = time.monotonic()
            with PeakMemory(pid) as memory:
                answers = await asyncio.gather(
                    *(
                        session.submit_sign_in(form, f"crowd-{n}", "a wrong password")
                        for n, (session, form) in enumerate(zip(sessions, forms, strict=True))
                    )
                )
            return answers, memory, time.monotonic() - started

    answers, memory, took = gather(crowd())[0]
    grown = memory.peak - memory.before
    print(
        f"12 sign-ins at once: RSS {memory.before:.0f} MB, peak +{grown:.0f} MB, all answered in {took:.1f} s"
    )
    assert all(failed(answer) for answer in answers)
    assert grown < 300  # before the fix: +770 MB (12 x 64 MiB)
