"""One COUNTER API request: the address for the release, one month, the answer streamed to a gzip file.

A thin client on httpx (see bench/harvest_client.py for why not celus-nigiri):
a plain User-Agent naming coopdash, a connect and a read timeout, the body
written to disk as it arrives (vendors send a year of a large TR in one piece)
and kept, compressed, as the provenance of what was imported. A request's
address is never logged or put in a message: its query holds the credentials.
"""

from __future__ import annotations

import calendar
import gzip
import logging
import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

from coopdash import __version__
from coopdash.harvest.credentials import Credentials
from coopdash.harvest.settings import Platform, Politeness

USER_AGENT = f"coopdash/{__version__} (COUNTER API harvester)"
# httpx logs every request's address at INFO, and ours carry the credentials in their query:
# its loggers say nothing below a warning, whatever the application's logging is set to.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)
COMPRESS_LEVEL = 1  # JSON shrinks 20-80 times even so, at a fraction of level 6's time
# Attributes_To_Show per master report and release, so that the report splits usage
# as the dashboard does (by data type, access type and method, year of publication).
ATTRIBUTES = {
    "5": {
        "PR": "Data_Type|Access_Method",
        "DR": "Data_Type|Access_Method",
        "TR": "Data_Type|Section_Type|YOP|Access_Type|Access_Method",
        "IR": "Authors|Publication_Date|Article_Version|Data_Type|YOP|Access_Type|Access_Method",
    },
    "5.1": {
        "PR": "Access_Method",
        "DR": "Access_Method",
        "TR": "YOP|Access_Type|Access_Method",
        "IR": "Authors|Publication_Date|Article_Version|YOP|Access_Type|Access_Method",
    },
}


@dataclass
class Answer:
    """What came back: the HTTP status and the body on disk, or why nothing did."""

    status: int = 0  # 0: no HTTP answer at all
    body: Path | None = (
        None  # gzip-compressed, exactly the bytes the server sent (decoded from its transfer encoding)
    )
    size: int = 0  # bytes of the body, uncompressed
    retry_after: float | None = None
    seconds: float = 0.0
    failure: str | None = None  # connect_timeout, read_timeout, connect_failed, protocol_error, too_large

    def text(self) -> bytes:
        if self.body is None:
            return b""
        with gzip.open(self.body, "rb") as handle:
            return handle.read()


def endpoint(platform: Platform, path: str) -> str:
    """The address of `path` (status, members, reports, reports/tr) for the platform's release.

    R5.1 paths are under /r51; a base URL copied from the Registry may already end in it.
    """
    base = platform.base_url.rstrip("/")
    if platform.release == "5.1" and not base.endswith("/r51"):
        base += "/r51"
    return f"{base}/{path}"


def parameters(
    platform: Platform,
    credentials: Credentials,
    report_id: str | None = None,
    month: date | None = None,
    *,
    full_dates: bool = False,
) -> dict[str, str]:
    params = {"customer_id": credentials.customer_id}
    if credentials.requestor_id:
        params["requestor_id"] = credentials.requestor_id
    if credentials.api_key:
        params["api_key"] = credentials.api_key
    if credentials.platform or platform.platform_param:
        params["platform"] = credentials.platform or platform.platform_param
    if report_id is not None and month is not None:
        last = calendar.monthrange(month.year, month.month)[1]
        params["begin_date"] = f"{month:%Y-%m}-01" if full_dates else f"{month:%Y-%m}"
        params["end_date"] = f"{month:%Y-%m}-{last:02d}" if full_dates else f"{month:%Y-%m}"
        params["attributes_to_show"] = ATTRIBUTES[platform.release][report_id]
        if report_id == "IR":
            params["include_parent_details"] = "True"
    return params


class Client:
    """One connection pool per host worker; close() when the worker is done."""

    def __init__(self, politeness: Politeness):
        self.politeness = politeness
        timeout = httpx.Timeout(
            connect=politeness.connect_timeout_seconds,
            read=politeness.read_timeout_seconds,
            write=politeness.connect_timeout_seconds,
            pool=politeness.connect_timeout_seconds,
        )
        self.http = httpx.Client(
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
            trust_env=True,  # a proxy the machine must use (HTTPS_PROXY) is honoured
        )

    def close(self) -> None:
        self.http.close()

    def get(self, url: str, params: dict[str, str], target: Path) -> Answer:
        """GET `url` and stream the body into `target` (gzip); never raises for a network failure."""
        answer = Answer()
        started = time.monotonic()
        limit = self.politeness.max_response_mb * 2**20
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        try:
            with self.http.stream("GET", url, params=params) as response:
                answer.status = response.status_code
                answer.retry_after = _seconds(response.headers.get("Retry-After"))
                with gzip.open(partial, "wb", compresslevel=COMPRESS_LEVEL) as out:
                    for chunk in response.iter_bytes(2**20):
                        answer.size += len(chunk)
                        if answer.size > limit:
                            answer.failure = "too_large"
                            break
                        out.write(chunk)
            if answer.failure is None:
                os.replace(partial, target)
                answer.body = target
        except httpx.ConnectTimeout:
            answer.failure = "connect_timeout"
        except (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout):
            answer.failure = "read_timeout"
        except httpx.ConnectError:
            answer.failure = "connect_failed"
        except (httpx.TransportError, httpx.DecodingError, httpx.TooManyRedirects):
            answer.failure = "protocol_error"  # the exception's text may quote the address: not kept
        finally:
            partial.unlink(missing_ok=True)
        answer.seconds = time.monotonic() - started
        return answer


def _seconds(value: str | None) -> float | None:
    """Retry-After as seconds (a number; an HTTP date is read as 'a while')."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
