"""What a COUNTER API answer means, read as CELUS learned vendors really send them.

The spec's answers (a report; an exception with HTTP 202 or 429; 3030 inside an
empty report) and what vendors send instead: the exception in an HTTP 500 body,
bare at the root, in a list, with lower-case keys or `number` for `Code`, as
JSON inside a JSON string, the whole answer wrapped in {"body": ...}, an empty
report with no exception at all. Each becomes one `Outcome` that says what the
harvester does next; a reason is a code and parameters (see labels.toml
`harvest.reason.*`), never a sentence, so it reads in either language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from coopdash.harvest.client import Answer

# What each COUNTER exception code asks of a harvester.
QUEUED = {1011}
TOO_MANY = {1020}
BUSY = {1000, 1010}
UNAUTHORISED = {1030, 2000, 2010, 2011, 2020}
UNSUPPORTED = {3000}
EMPTY = {3030}
NOT_READY = {3031}
UNAVAILABLE = {3032}
PARTIAL = {3040}
BAD_REQUEST = {3020, 3050, 3060, 3061, 3062, 3063, 3070}


@dataclass
class Outcome:
    """kind: report (import it), empty, queued, too_many, busy, unauthorised, not_ready,
    unavailable, bad_request, failed."""

    kind: str
    reason: tuple[str, dict] | None = None
    report: bytes | None = None  # what to import: the report itself, unwrapped when it came wrapped
    warnings: list[tuple[str, dict]] = field(default_factory=list)
    wait: float | None = None  # what the server asked us to wait, in seconds


def read(answer: Answer, month: date) -> Outcome:
    """The meaning of one answer to a request for `month`."""
    if answer.failure:
        return Outcome("busy" if answer.failure != "too_large" else "failed", (answer.failure, {}))
    body = answer.text()
    document = _decode(body)
    if document is _NOT_JSON:  # 202 with no body is the spec's "queued"
        return _by_status(answer) or Outcome("failed", ("not_json", {"status": answer.status}))
    report, wrapped = _find_report(document)
    wrapped = wrapped or body.lstrip()[:1] == b'"'  # the JSON came as a JSON string
    exceptions = _exceptions(report if report is not None else document)
    if report is not None:
        return _with_report(report, wrapped, body, exceptions, month, answer)
    for code, message, data in exceptions:
        outcome = _by_code(code, message, data, answer, has_data=False)
        if outcome:
            return outcome
    if exceptions:
        code, message, _ = exceptions[0]
        return Outcome("failed", ("sushi", {"code": code, "message": message}))
    return _by_status(answer) or Outcome("failed", ("no_report", {"status": answer.status}))


def _with_report(report, wrapped, body, exceptions, month: date, answer: Answer) -> Outcome:
    items = report.get("Report_Items") or []
    if not items:
        for code, message, data in exceptions:
            outcome = _by_code(code, message, data, answer, has_data=False)
            if outcome:
                return outcome
        return Outcome("empty", ("empty_report", {}))
    outcome = Outcome("report", report=json.dumps(report, ensure_ascii=False).encode() if wrapped else body)
    for code, message, _ in exceptions:
        if code in PARTIAL:
            outcome.warnings.append(("partial", {"code": code, "message": message}))
        elif code not in EMPTY:
            outcome.warnings.append(("sushi", {"code": code, "message": message}))
    if wrapped:
        outcome.warnings.append(("unwrapped", {}))
    outside = sorted(m for m in months_in(items) if m != f"{month:%Y-%m}")
    if outside:
        outcome.warnings.append(("months_outside", {"months": ", ".join(outside[:6])}))
    return outcome


def _by_code(code: int, message: str, data: str, answer: Answer, has_data: bool) -> Outcome | None:
    reason = ("sushi", {"code": code, "message": message})
    if code in QUEUED:
        return Outcome("queued", reason, wait=answer.retry_after)
    if code in TOO_MANY:
        return Outcome("too_many", reason, wait=answer.retry_after or _seconds_in(data))
    if code in BUSY:
        return Outcome("busy", reason, wait=answer.retry_after)
    if code in UNAUTHORISED:
        return Outcome("unauthorised", reason)
    if code in EMPTY:
        return Outcome("empty", reason)
    if code in NOT_READY or (code in PARTIAL and not has_data):
        return Outcome("not_ready", reason)
    if code in UNAVAILABLE:
        return Outcome("unavailable", reason)
    if code in BAD_REQUEST:
        return Outcome("bad_request", reason)
    if code in UNSUPPORTED:
        return Outcome("failed", reason)
    return None  # informational (0, 1-999) or unknown: look at the next one


def _by_status(answer: Answer) -> Outcome | None:
    status = answer.status
    if status == 202:
        return Outcome("queued", ("http", {"status": status}), wait=answer.retry_after)
    if status == 429:
        return Outcome("too_many", ("http", {"status": status}), wait=answer.retry_after)
    if status in (401, 403):
        return Outcome("unauthorised", ("http", {"status": status}))
    if status >= 500:
        return Outcome("busy", ("http", {"status": status}), wait=answer.retry_after)
    if status >= 400:
        return Outcome("failed", ("http", {"status": status}))
    return None


_NOT_JSON = object()


def _decode(body: bytes):
    """The JSON document, with JSON given as a JSON string decoded too; _NOT_JSON otherwise."""
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _NOT_JSON
    for _ in range(3):
        if not isinstance(document, str):
            break
        try:
            document = json.loads(document)
        except json.JSONDecodeError:
            return _NOT_JSON
    return document


def _find_report(document, depth: int = 0) -> tuple[dict | None, bool]:
    """The object holding Report_Header, and whether it was wrapped (in `body`, a list, a string)."""
    if isinstance(document, dict):
        if "Report_Header" in document:
            return document, depth > 0
        if depth < 3:
            for key, value in document.items():
                if key.lower() in ("body", "report", "data", "response", "result"):
                    found, _ = _find_report(
                        _decode(value.encode()) if isinstance(value, str) else value, depth + 1
                    )
                    if found is not None:
                        return found, True
    elif isinstance(document, list) and len(document) == 1 and depth < 3:
        found, _ = _find_report(document[0], depth + 1)
        return found, found is not None
    return None, False


def _exceptions(node, depth: int = 0) -> list[tuple[int, str, str]]:
    """Every exception in `node`: (code, message, data), from whatever shape the vendor chose."""
    found: list[tuple[int, str, str]] = []
    if depth > 4:
        return found
    if isinstance(node, str):
        decoded = _decode(node.encode())
        return _exceptions(decoded, depth + 1) if decoded is not _NOT_JSON else found
    if isinstance(node, list):
        for entry in node:
            found += _exceptions(entry, depth + 1)
        return found
    if not isinstance(node, dict):
        return found
    keys = {key.lower(): value for key, value in node.items()}
    code = keys.get("code", keys.get("number"))
    if code is not None and ("message" in keys or "severity" in keys or "data" in keys):
        number = _code(code)
        if number is not None:
            message, data = str(keys.get("message") or ""), str(keys.get("data") or "")
            found.append((number, f"{message} ({data})" if data else message, data))
            return found
    for key in ("report_header", "exception", "exceptions", "body", "error", "errors"):
        if key in keys:
            found += _exceptions(keys[key], depth + 1)
    return found


def _code(value) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _seconds_in(data: str) -> float | None:
    """A wait the vendor wrote in an exception's Data, like "retry after 30 seconds"."""
    digits = "".join(c if c.isdigit() else " " for c in data).split()
    return float(digits[0]) if digits and "second" in data.lower() else None


def months_in(items: list) -> set[str]:
    """Every month a report's items carry counts for (R5 Performance periods, R5.1 month keys)."""
    months: set[str] = set()

    def walk(node):
        if isinstance(node, list):
            for entry in node:
                walk(entry)
        elif isinstance(node, dict):
            period = node.get("Period")
            if isinstance(period, dict) and isinstance(period.get("Begin_Date"), str):
                months.add(period["Begin_Date"][:7])
            performance = node.get("Performance")
            if isinstance(performance, dict):
                for counts in performance.values():
                    if isinstance(counts, dict):
                        months.update(str(key)[:7] for key in counts)
            for key in ("Items", "Attribute_Performance", "Performance"):
                if isinstance(node.get(key), list):
                    walk(node[key])

    walk(items)
    return months
