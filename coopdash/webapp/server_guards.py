"""What stands between Streamlit's server and a stranger: who may upload, how much, and which client
messages never reach the app.

`dashboard.py` hands these to `st.App` (Streamlit's documented ASGI entry: `streamlit run dashboard.py`
finds the `app` it defines) as a middleware and a lifespan, so they are in place before the server
accepts its first connection, not from the first page run on:

- Uploads (`PUT /_stcore/upload_file/<session>/<file>`): only from a session whose user may import
  (the entry says so on every run, `allow_uploads`), and within a budget per session of
  MAX_FILES_PER_SESSION files and `upload_budget_bytes()` bytes, checked against the declared
  length before a byte of the body is read. Streamlit itself accepted any live session's upload.
- The files are freed after an import (`release_uploads`), when the user loses the right, and when
  the session ends: Streamlit frees them only for sessions it shuts down, not for a closed tab
  whose session it keeps for a reconnect and then forgets, so a sweep frees those.
- A `clear_cache` message on the websocket is dropped: Streamlit would empty the st.cache_data and
  st.cache_resource of every reader (its "Clear cache" menu item, which the app does not offer).

Streamlit internals each part relies on (streamlit 1.67.0 is pinned; tests/test_server_guards.py
fails if an upgrade changes one): `st.App(middleware=, lifespan=)` and `streamlit run`'s discovery
of `app`; the route names in `streamlit.web.server.starlette.starlette_routes` (BASE_ROUTE_CORE,
BASE_ROUTE_UPLOAD_FILE) and the websocket at `_stcore/stream`; the `clear_cache` field of BackMsg;
`Runtime.is_active_session` and the uploaded-file manager's `remove_session_files`;
`ScriptRunContext.session_id` and `.uploaded_file_mgr`; the options `server.maxUploadSize` and
`server.disconnectedSessionTTL`.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from google.protobuf.message import DecodeError
from streamlit import config, runtime
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.web.server.starlette.starlette_routes import BASE_ROUTE_CORE, BASE_ROUTE_UPLOAD_FILE

MAX_FILES_PER_SESSION = 100
MULTIPART_ALLOWANCE = 64 * 1024  # the form's framing around a file, on top of the file itself
SWEEP_SECONDS = 5.0

UPLOAD = re.compile(rf"(?:^|/){re.escape(BASE_ROUTE_UPLOAD_FILE)}/([^/]+)/([^/]+)$")
STREAM = re.compile(rf"(?:^|/){re.escape(BASE_ROUTE_CORE)}/stream$")


def upload_budget_bytes() -> int:
    """What one session may hold in uploads at once: one file of the largest size Streamlit accepts
    (server.maxUploadSize, in MB), or many smaller ones up to that total."""
    return config.get_option("server.maxUploadSize") * 1024 * 1024 + MULTIPART_ALLOWANCE


# ---------------------------------------------------------------- the books: rights and uploads held


@dataclass
class _Session:
    may_upload: bool = False
    files: dict[str, int] = field(default_factory=dict)  # file id -> bytes, stored or arriving
    gone_since: float | None = None  # when the sweep first found the session no longer connected


_books: dict[str, _Session] = {}
_lock = threading.Lock()


def allow_uploads(allowed: bool) -> None:
    """Called by the entry on every run: whether this session's user may upload (import) now.
    Losing the right frees what the session had uploaded."""
    context = get_script_run_ctx()
    if context is None:
        return
    with _lock:
        books = _books.get(context.session_id)
        if books is None and not allowed:
            return  # a reader's session: nothing to keep
        books = _books.setdefault(context.session_id, _Session())
        was, books.may_upload = books.may_upload, allowed
    if was and not allowed:
        release_uploads()


def release_uploads() -> None:
    """Free every file this session uploaded (after an import: the uploader starts empty again)."""
    context = get_script_run_ctx()
    if context is None:
        return
    context.uploaded_file_mgr.remove_session_files(context.session_id)
    with _lock:
        if context.session_id in _books:
            _books[context.session_id].files.clear()


def _claim(session_id: str, file_id: str, length: int | None) -> tuple[int, str] | int | None:
    """Reserve room for an upload: the refusal (HTTP status, reason) when there is none, else the
    size of the file it replaces (None for a new one), to put back should Streamlit refuse it."""
    with _lock:
        books = _books.get(session_id)
        if books is None or not books.may_upload:
            return 403, "Uploads are for signed-in importers."
        if length is None:
            return 411, "An upload must say its length."
        others = {name: size for name, size in books.files.items() if name != file_id}
        if len(others) >= MAX_FILES_PER_SESSION:
            return 429, f"At most {MAX_FILES_PER_SESSION} files at once: import these first."
        if sum(others.values()) + length > upload_budget_bytes():
            return 413, "These files are more than one import may hold at once: import them in parts."
        previous = books.files.get(file_id)
        books.files[file_id] = length
        return previous


def _record(session_id: str, file_id: str, size: int | None) -> None:
    """What Streamlit holds for a file after it answered: `size` bytes, or nothing."""
    with _lock:
        books = _books.get(session_id)
        if books is not None:
            if size is None:
                books.files.pop(file_id, None)
            else:
                books.files[file_id] = size


def _sweep(now: float) -> None:
    """Free the uploads and forget the books of sessions that ended: gone longer than Streamlit
    keeps a closed tab's session for a reconnect."""
    active = runtime.get_instance()
    keep_for = config.get_option("server.disconnectedSessionTTL")
    with _lock:
        ended = []
        for session_id, books in _books.items():
            if active.is_active_session(session_id):
                books.gone_since = None
            elif books.gone_since is None:
                books.gone_since = now
            elif now - books.gone_since > keep_for:
                ended.append(session_id)
        for session_id in ended:
            del _books[session_id]
    for session_id in ended:
        active.uploaded_file_mgr.remove_session_files(session_id)


# ---------------------------------------------------------------- what st.App is given


class Guard:
    """ASGI middleware in front of Streamlit's own routes (st.App's `middleware=`)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "websocket" and STREAM.search(path):
            await self.app(scope, _without_cache_clearing(receive), send)
            return
        upload = UPLOAD.search(path) if scope["type"] == "http" else None
        if upload is None or scope["method"] not in ("PUT", "DELETE"):
            await self.app(scope, receive, send)
            return
        session_id, file_id = upload.groups()
        previous = None
        if scope["method"] == "PUT":
            previous = _claim(session_id, file_id, _declared_length(scope))
            if isinstance(previous, tuple):
                await _refuse(send, *previous)
                return
        status = []

        async def noting_status(message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            done = bool(status) and 200 <= status[0] < 300
            if scope["method"] == "DELETE" and done:
                _record(session_id, file_id, None)
            elif scope["method"] == "PUT" and not done:
                _record(session_id, file_id, previous)


def _without_cache_clearing(receive):
    async def receive_the_rest():
        while True:
            message = await receive()
            if message["type"] != "websocket.receive" or not _clears_cache(message.get("bytes")):
                return message

    return receive_the_rest


def _clears_cache(data: bytes | None) -> bool:
    if not data:
        return False
    try:
        return BackMsg.FromString(data).WhichOneof("type") == "clear_cache"
    except DecodeError:  # not a BackMsg at all: Streamlit closes the connection itself
        return False


def _declared_length(scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send, status: int, reason: str) -> None:
    body = reason.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            # The body was not read: the connection cannot carry another request.
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@asynccontextmanager
async def lifespan(_app):
    """While the server runs: the sweep that frees the uploads of ended sessions."""

    async def sweep() -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            _sweep(time.monotonic())

    task = asyncio.create_task(sweep())
    try:
        yield
    finally:
        task.cancel()
