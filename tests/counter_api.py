"""A COUNTER API (SUSHI) server on 127.0.0.1 for the harvest tests and bench/harvest.py.

It serves the official samples one month at a time: the R5.1 samples of Project
COUNTER (TR from tests/fixtures/corpus, PR, DR and IR from tests/fixtures/harvest),
the same data in the R5 layout for PR, DR and IR, and the COUNTER Validator's
R5 TR (2016-01 to 2016-03). Each path's first part names a scenario that behaves
as some vendor does (a report queued before it is ready, a 429, exceptions in
odd places); scenarios keep state per report and month, as a real server would.
Paths, parameters and exception shapes follow the COUNTER API's OpenAPI file
(Project-Counter/cop5, api-specification/COUNTER_API.json, CC BY 4.0).
"""

from __future__ import annotations

import copy
import gzip
import json
import threading
import time
from collections import Counter
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES_R51 = {
    "PR": FIXTURES / "harvest" / "cop5__PR_sample_r51.json",
    "DR": FIXTURES / "harvest" / "cop5__DR_sample_r51.json",
    "TR": FIXTURES / "corpus" / "counter" / "cop5__TR_sample_r51.json",
    "IR": FIXTURES / "harvest" / "cop5__IR_sample_r51.json",
}
SAMPLE_R5_TR = FIXTURES / "corpus" / "counter" / "counter-validator__50-Sample-TR.json"
R5_NAMES = {
    "PR": "Platform Master Report",
    "DR": "Database Master Report",
    "TR": "Title Master Report",
    "IR": "Item Master Report",
}
# The credentials the server accepts; the secrets tests look for them everywhere.
CUSTOMER_ID = "cust-77"
REQUESTOR_ID = "req-secret-4711"
API_KEY = "key-secret-0815"


def exception(code: int, message: str, data: str = "") -> dict:
    found = {"Code": code, "Severity": "Error", "Message": message}
    if data:
        found["Data"] = data
    return found


# ---------------------------------------------------------------- the samples, one month at a time


@cache
def _sample(report_id: str, release: str) -> dict:
    if release == "5" and report_id == "TR":
        return json.loads(SAMPLE_R5_TR.read_text(encoding="utf-8"))
    return json.loads(SAMPLES_R51[report_id].read_text(encoding="utf-8"))


def months_available(report_id: str, release: str) -> list[str]:
    if release == "5" and report_id == "TR":
        return ["2016-01", "2016-02", "2016-03"]
    return [f"2022-{m:02d}" for m in range(1, 13)]


def month_report(report_id: str, release: str, month: str) -> dict:
    """The sample's report of one month (no items when the sample has none for it)."""
    if release == "5" and report_id == "TR":
        return _r5_month(_sample("TR", "5"), month)
    sliced = _r51_month(_sample(report_id, "5.1"), month)
    return sliced if release == "5.1" else _as_r5(sliced, report_id, month)


def _r51_month(report: dict, month: str) -> dict:
    out = copy.deepcopy(report)
    out["Report_Header"]["Report_Filters"] = {"Begin_Date": f"{month}-01", "End_Date": _end(month)}

    def keep(item: dict) -> dict | None:
        if "Items" in item:
            children = [c for c in (keep(child) for child in item["Items"]) if c]
            return {**item, "Items": children} if children else None
        sets = []
        for attributes in item.get("Attribute_Performance", []):
            performance = {
                metric: {month: counts[month]}
                for metric, counts in attributes["Performance"].items()
                if month in counts
            }
            if performance:
                sets.append({**attributes, "Performance": performance})
        return {**item, "Attribute_Performance": sets} if sets else None

    out["Report_Items"] = [kept for kept in (keep(item) for item in report["Report_Items"]) if kept]
    return out


def _r5_month(report: dict, month: str) -> dict:
    out = copy.deepcopy(report)
    out["Report_Header"]["Report_Filters"] = [
        {"Name": "Begin_Date", "Value": f"{month}-01"},
        {"Name": "End_Date", "Value": _end(month)},
    ]
    items = []
    for item in out["Report_Items"]:
        item["Performance"] = [p for p in item["Performance"] if p["Period"]["Begin_Date"].startswith(month)]
        if item["Performance"]:
            items.append(item)
    out["Report_Items"] = items
    return out


def _end(month: str) -> str:
    import calendar

    year, number = int(month[:4]), int(month[5:])
    return f"{month}-{calendar.monthrange(year, number)[1]:02d}"


def _pairs(value: dict) -> list[dict]:
    return [
        {"Type": kind, "Value": one}
        for kind, values in value.items()
        for one in (values if isinstance(values, list) else [values])
    ]


def _as_r5(report: dict, report_id: str, month: str) -> dict:
    """The R5.1 report of one month in the R5 layout: Performance periods, typed ID lists."""
    header = report["Report_Header"]
    r5_header = {
        "Report_Name": R5_NAMES[report_id],
        "Report_ID": report_id,
        "Release": "5",
        "Institution_Name": header["Institution_Name"],
        "Institution_ID": _pairs(header["Institution_ID"]),
        "Customer_ID": CUSTOMER_ID,
        "Report_Filters": [
            {"Name": "Begin_Date", "Value": f"{month}-01"},
            {"Name": "End_Date", "Value": _end(month)},
        ],
        "Created": header["Created"],
        "Created_By": header["Created_By"],
    }
    items = []

    def flat(item: dict, parent: dict | None):
        base = {
            k: v
            for k, v in item.items()
            if k
            not in (
                "Attribute_Performance",
                "Items",
                "Item_ID",
                "Publisher_ID",
                "Authors",
                "Publication_Date",
                "Article_Version",
            )
        }
        if "Item_ID" in item:
            base["Item_ID"] = _pairs(item["Item_ID"])
        if "Publisher_ID" in item:
            base["Publisher_ID"] = _pairs(item["Publisher_ID"])
        if "Authors" in item:
            base["Item_Contributors"] = [{"Type": "Author", "Name": a["Name"]} for a in item["Authors"]]
        if "Publication_Date" in item:
            base["Item_Dates"] = [{"Type": "Publication_Date", "Value": item["Publication_Date"]}]
        if "Article_Version" in item:
            base["Item_Attributes"] = [{"Type": "Article_Version", "Value": item["Article_Version"]}]
        if parent is not None:
            base["Item_Parent"] = {
                "Item_Name": parent.get("Title"),
                "Item_ID": _pairs(parent.get("Item_ID", {})),
                "Data_Type": parent.get("Data_Type"),
            }
        for attributes in item["Attribute_Performance"]:
            r5 = {**base, **{k: v for k, v in attributes.items() if k != "Performance"}}
            r5["Performance"] = [
                {
                    "Period": {"Begin_Date": f"{month}-01", "End_Date": _end(month)},
                    "Instance": [
                        {"Metric_Type": metric, "Count": counts[month]}
                        for metric, counts in attributes["Performance"].items()
                    ],
                }
            ]
            items.append(r5)

    for item in report["Report_Items"]:
        if "Items" in item:
            for child in item["Items"]:
                flat(child, item)
        else:
            flat(item, None)
    return {"Report_Header": r5_header, "Report_Items": items}


def empty_report(report_id: str, release: str, month: str, exceptions: list[dict]) -> dict:
    report = month_report(report_id, release, month)
    report["Report_Items"] = []
    header = report["Report_Header"]
    if exceptions:
        header["Exceptions"] = exceptions
    return report


@cache
def large_report(report_id: str, release: str, month: str, copies: int) -> bytes:
    """The month's report with its items `copies` times over (titles numbered): a large platform's TR."""
    report = month_report(report_id, release, month)
    items = report["Report_Items"]
    name = {"PR": "Platform", "DR": "Database", "TR": "Title", "IR": "Item"}[report_id]
    report["Report_Items"] = [
        {**item, name: f"{item.get(name, '')} copy {n}"} for n in range(copies) for item in items
    ]
    return json.dumps(report).encode()


# ---------------------------------------------------------------- the scenarios


class Reply:
    def __init__(
        self,
        status: int = 200,
        body=None,
        headers: dict | None = None,
        delay: float = 0.0,
        raw: bytes | None = None,
    ):
        self.status, self.body, self.headers, self.delay, self.raw = status, body, headers or {}, delay, raw


def scenario_reply(name: str, seen: int, report_id: str, release: str, month: str, params: dict) -> Reply:
    """What the scenario `name` answers to the `seen`-th request (1, 2, ...) for this report and month."""
    data = month_report(report_id, release, month)
    if name == "plain":
        return Reply(body=data)
    if name == "queued":  # HTTP 202 with no body, then the report
        return Reply(202, raw=b"") if seen == 1 else Reply(body=data)
    if name == "queued_1011":
        return Reply(202, exception(1011, "Report Queued for Processing")) if seen == 1 else Reply(body=data)
    if name == "too_many":  # 429 with the vendor's limit, then the report
        return (
            Reply(
                429,
                exception(1020, "Client has made too many requests", "1 request per second"),
                {"Retry-After": "0"},
            )
            if seen == 1
            else Reply(body=data)
        )
    if name == "not_ready_twice":
        if seen <= 2:
            return Reply(
                body=empty_report(
                    report_id, release, month, [exception(3031, "Usage Not Ready for Requested Dates")]
                )
            )
        return Reply(body=data)
    if name == "no_usage":
        return Reply(
            body=empty_report(
                report_id, release, month, [exception(3030, "No Usage Available for Requested Dates")]
            )
        )
    if name == "refused":  # 2010, the vendor echoing the requestor_id it refused
        return Reply(
            403,
            exception(
                2010,
                "Requestor is Not Authorized to Access Usage for Institution",
                f"requestor_id {params.get('requestor_id')} is not allowed for {params.get('customer_id')}",
            ),
        )
    if name == "full_dates":  # 3020 for YYYY-MM, as some vendors do
        if len(params.get("begin_date", "")) == 7:
            return Reply(400, exception(3020, "Invalid Date Arguments", "begin_date must be YYYY-MM-DD"))
        return Reply(body=data)
    if name == "error_500":  # the exception inside an HTTP 500
        return Reply(500, exception(3030, "No Usage Available for Requested Dates"))
    if name == "exception_string":  # JSON inside a JSON string
        return Reply(
            raw=json.dumps(json.dumps(exception(3031, "Usage Not Ready for Requested Dates"))).encode()
        )
    if name == "report_string":
        return Reply(raw=json.dumps(json.dumps(data)).encode())
    if name == "exception_list_lower":  # a list of exceptions, in lower case, `number` for Code
        return Reply(200, [{"number": 3030, "severity": "Error", "message": "no usage available"}])
    if name == "wrapped":
        return Reply(body={"body": data})
    if name == "empty_report":  # no items and no exception: no usage
        return Reply(body=empty_report(report_id, release, month, []))
    if name == "slow":  # answers after the client's read timeout
        return Reply(body=data, delay=3.0)
    if name == "gzip":
        return Reply(body=data, headers={"Content-Encoding": "gzip"})
    if name == "partial":
        report = copy.deepcopy(data)
        report["Report_Header"]["Exceptions"] = [
            exception(3040, "Partial Data Returned", "usage of the last days is still being processed")
        ]
        return Reply(body=report)
    if name == "outside":  # a month the request did not ask for
        report = copy.deepcopy(data)
        other = month_report(
            report_id,
            release,
            months_available(report_id, release)[
                -1 if month != months_available(report_id, release)[-1] else 0
            ],
        )
        report["Report_Items"] += other["Report_Items"][:1]
        return Reply(body=report)
    raise KeyError(name)


class CounterApi:
    """The server: start(), url(scenario), requests; stop() when done."""

    def __init__(self, latency: float = 0.0, large_copies: int = 1000):
        self.latency = latency
        self.large_copies = large_copies  # scenario "large": the month's items this many times (bench)
        self.requests: list[dict] = []
        self.seen: Counter = Counter()
        self.in_flight = 0
        self.peak_in_flight = 0
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                api._handle(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> CounterApi:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, scenario: str) -> str:
        return f"http://127.0.0.1:{self.port}/{scenario}"

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        params = dict(parse_qsl(parts.query))
        segments = [s for s in parts.path.split("/") if s]
        with self.lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            record = {
                "path": parts.path,
                "params": params,
                "start": time.monotonic(),
                "user_agent": handler.headers.get("User-Agent"),
            }
            self.requests.append(record)  # when it arrives: a client that gave up waiting still asked
        try:
            reply = self._reply(segments, params)
            time.sleep(self.latency + reply.delay)
            body = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
            if reply.headers.get("Content-Encoding") == "gzip":
                body = gzip.compress(body)
            handler.send_response(reply.status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            for key, value in reply.headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self.lock:
                self.in_flight -= 1
                record["end"] = time.monotonic()

    def _reply(self, segments: list[str], params: dict) -> Reply:
        scenario, rest = segments[0], segments[1:]
        release = "5.1" if rest[:1] == ["r51"] else "5"
        rest = rest[1:] if release == "5.1" else rest
        if rest == ["status"]:
            return Reply(body=[{"Description": "coopdash test COUNTER API", "Service_Active": True}])
        if (
            scenario == "refused"
            or params.get("customer_id") != CUSTOMER_ID
            or params.get("api_key") != API_KEY
            or params.get("requestor_id") != REQUESTOR_ID
        ):
            return scenario_reply("refused", 1, "PR", release, "2022-01", params)
        if rest == ["members"]:
            return Reply(body=[{"Institution_Name": "Sample Institution", "Customer_ID": CUSTOMER_ID}])
        if rest == ["reports"]:
            return Reply(
                body=[
                    {
                        "Report_Name": R5_NAMES[r],
                        "Report_ID": r,
                        "Release": release,
                        "Report_Description": r,
                        "First_Month_Available": months_available(r, release)[0],
                        "Last_Month_Available": months_available(r, release)[-1],
                    }
                    for r in ("PR", "DR", "TR", "IR")
                ]
            )
        if len(rest) == 2 and rest[0] == "reports" and rest[1].upper() in SAMPLES_R51:
            report_id, month = rest[1].upper(), params.get("begin_date", "")[:7]
            with self.lock:
                self.seen[(scenario, release, report_id, month)] += 1
                seen = self.seen[(scenario, release, report_id, month)]
            if scenario == "large":
                return Reply(raw=large_report(report_id, release, month, self.large_copies))
            return scenario_reply(scenario, seen, report_id, release, month, params)
        return Reply(404, exception(3000, "Report Not Supported"))
