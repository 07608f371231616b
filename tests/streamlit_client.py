"""A client of a real `streamlit run` server without a browser: its websocket and its upload endpoint.

It speaks Streamlit's protocol (streamlit.proto) as the browser does, so a test
can act as a stranger would: open many sessions, send messages the page never
offers, upload to a session it has no right to. bench/load.py speaks the same
protocol for its readers.
"""

from __future__ import annotations

import asyncio
import http.client
import urllib.request
import uuid
from dataclasses import dataclass, field

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


@dataclass
class Run:
    """What one script run drew: its alerts (format, body), the widgets by key, the h1 and how it ended."""

    alerts: list[tuple[str, str]] = field(default_factory=list)
    widgets: dict[str, object] = field(default_factory=dict)  # by key (the end of the widget's id)
    heading: str | None = None
    pages: list[str] = field(default_factory=list)  # the addresses the sidebar offers
    exceptions: list[str] = field(default_factory=list)
    finished: str = ""

    def said(self, kind: str) -> list[str]:
        """The bodies of the alerts of one kind: "ERROR", "WARNING", "INFO", "SUCCESS"."""
        return [body for format_, body in self.alerts if format_ == kind]


class Session:
    """One websocket session, as one browser tab: `async with Session(server) as s: await s.run("uptake")`."""

    def __init__(self, server: str, headers: dict[str, str] | None = None, source: str | None = None) -> None:
        self.server = server
        self.headers = headers or {}
        self.source = source  # the local address to connect from (127.0.0.2 is loopback, yet not 127.0.0.1)
        self.id: str | None = None
        self.page_name = ""

    async def __aenter__(self) -> Session:
        self.stream = await websockets.connect(
            self.server.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"],
            origin=self.server,
            additional_headers=self.headers,
            max_size=None,
            open_timeout=60,
            **({"local_addr": (self.source, 0)} if self.source else {}),
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.stream.close()

    async def send(self, message: BackMsg) -> None:
        await self.stream.send(message.SerializeToString())

    async def run(self, page: str = "", query: str = "lang=en", widgets: list | None = None) -> Run:
        """Ask for a run of `page` (with these widget states) and read until it finished."""
        ask = BackMsg()
        ask.rerun_script.query_string = query
        ask.rerun_script.page_name = page
        ask.rerun_script.widget_states.widgets.extend(widgets or [])
        self.page_name = page
        await self.send(ask)
        run = Run()
        while True:
            message = ForwardMsg.FromString(await self.stream.recv())
            kind = message.WhichOneof("type")
            if kind == "new_session":  # a run starts (a deep link runs the entry, then the page)
                self.id = message.new_session.initialize.session_id
                run = Run()
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                which = element.WhichOneof("type")
                proto = getattr(element, which)
                if which == "alert":
                    run.alerts.append((Alert.Format.Name(proto.format), proto.body))
                elif which == "exception":
                    run.exceptions.append(f"{proto.type}: {proto.message}")
                elif which == "heading" and proto.tag == "h1" and run.heading is None:
                    run.heading = proto.body
                elif getattr(proto, "id", ""):
                    run.widgets[proto.id.rsplit("-", 1)[-1]] = proto
            elif kind == "navigation":
                run.pages = [page.url_pathname for page in message.navigation.app_pages if not page.is_hidden]
            elif kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                run.finished = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
                return run

    async def sign_in(self, name: str, password: str, page: str = "services") -> Run:
        """Draw `page`, fill the sidebar's sign-in form and submit it, as a person would."""
        return await self.submit_sign_in(await self.run(page), name, password)

    async def submit_sign_in(self, form: Run, name: str, password: str) -> Run:
        """Submit the sign-in form of a run already drawn."""
        states = []
        for key, value in (("access_name", name), ("access_password", password)):
            state = BackMsg().rerun_script.widget_states.widgets.add()
            state.id, state.string_value = form.widgets[key].id, value
            states.append(state)
        pressed = BackMsg().rerun_script.widget_states.widgets.add()
        submit = next(w for w in form.widgets.values() if getattr(w, "is_form_submitter", False))
        pressed.id, pressed.trigger_value = submit.id, True
        return await self.run(self.page_name, widgets=[*states, pressed])

    async def upload_address(self) -> str:
        """Where this session's uploads go, `/_stcore/upload_file/<session>`, asked for as the file
        uploader asks before a PUT (no page need have run)."""
        ask = BackMsg()
        ask.file_urls_request.request_id = str(uuid.uuid4())
        ask.file_urls_request.file_names.append("export.tsv")
        await self.send(ask)
        while True:
            message = ForwardMsg.FromString(await self.stream.recv())
            if message.WhichOneof("type") == "file_urls_response":
                return message.file_urls_response.file_urls[0].upload_url.rsplit("/", 1)[0]

    async def put(self, address: str, size: int = 0, data: bytes | None = None) -> int | None:
        """`put_file` without holding up the other sessions of the test."""
        return await asyncio.to_thread(put_file, self.server, address, size, data)


def xsrf_cookie(server: str) -> str:
    """The XSRF cookie Streamlit gives anyone who asks (its health check sets it, as the page load does)."""
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=30) as answer:
        cookie = answer.headers["Set-Cookie"]
    return cookie.split(";", 1)[0].split("=", 1)[1]


def put_file(server: str, address: str, size: int, data: bytes | None = None) -> int | None:
    """PUT a file to an upload address as the browser does (multipart, one file, the XSRF token of the
    cookie): `data`, else `size` bytes of filler; the HTTP status, or None when the server closed the
    connection before answering."""
    token = xsrf_cookie(server)
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.tsv"\r\n'
        "Content-Type: text/tab-separated-values\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body_size = len(data) if data is not None else size
    host, port = server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    try:
        connection.putrequest("PUT", address)
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(len(head) + body_size + len(tail)))
        connection.putheader("Cookie", f"_streamlit_xsrf={token}")
        connection.putheader("X-Xsrftoken", token)
        connection.endheaders()
        connection.send(head)
        if data is not None:
            connection.send(data)
        else:
            chunk = b"x" * (1 << 20)
            for start in range(0, size, len(chunk)):
                connection.send(chunk[: min(len(chunk), size - start)])
        connection.send(tail)
        return connection.getresponse().status
    except (BrokenPipeError, ConnectionResetError):
        try:  # the server answered before the body ended, and closed
            return connection.getresponse().status
        except (OSError, http.client.HTTPException):
            return None
    finally:
        connection.close()


def memory_mb(pid: int) -> dict[str, float]:
    """The process's resident memory now (VmRSS) and at its peak (VmHWM), in MB, from /proc."""
    status = dict(
        line.split(":", 1) for line in open(f"/proc/{pid}/status", encoding="ascii").read().splitlines()
    )
    return {key: int(status[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM")}


def gather(*coroutines):
    """Run coroutines at once from a synchronous test; their results in order."""

    async def together():
        return await asyncio.gather(*coroutines)

    return asyncio.run(together())
