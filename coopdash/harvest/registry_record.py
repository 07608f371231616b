"""A platform pre-filled from its COUNTER Registry record, as an admin saved it by hand (no network).

The Registry's API gives a platform record (name, the reports it offers, and its
`sushi_services`, one per release) and, for each service, a record with the
COUNTER API's `url` and which credentials it needs. An admin may save either, or
the platform record with the service records put inside its `sushi_services`;
whichever they saved, we take the newest release's service that has a URL.
"""

from __future__ import annotations

import json

from coopdash.harvest.settings import REPORTS, HarvestSettingsError, Platform


def platform_from_record(data: bytes | str, file_name: str = "the record") -> tuple[Platform, list[str]]:
    """The platform the record describes, and what the admin still has to know (credentials needed)."""
    try:
        record = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise HarvestSettingsError(f"{file_name}: not JSON; save the Registry record as JSON") from None
    if isinstance(record, list) and len(record) == 1:
        record = record[0]
    if not isinstance(record, dict):
        raise HarvestSettingsError(f"{file_name}: not a COUNTER Registry record (expected one JSON object)")
    services = record.get("sushi_services") if "sushi_services" in record else [record]
    services = [s for s in services or [] if isinstance(s, dict) and _is_api_url(s.get("url"))]
    if not services:
        raise HarvestSettingsError(
            f"{file_name}: no COUNTER API address in it; the platform record only links to its SUSHI "
            "service record: save that record too and load it, or type the address"
        )
    service = max(services, key=lambda s: str(s.get("counter_release", "")))
    release = "5.1" if str(service.get("counter_release", "")).startswith("5.1") else "5"
    offered = {
        str(r.get("report_id", "")).upper()
        for r in record.get("reports", [])
        if isinstance(r, dict) and str(r.get("counter_release", release)).startswith(release)
    }
    platform = Platform(
        name=str(record.get("name") or record.get("abbrev") or "").strip(),
        base_url=str(service["url"]).strip(),
        release=release,
        reports=tuple(r for r in REPORTS if r in offered) or REPORTS,
        registry_record=str(record.get("id", "")) if "sushi_services" in record else "",
    )
    needs = ["customer_id"]
    needs += [key for key in ("requestor_id", "api_key") if service.get(f"{key}_required")]
    if service.get("platform_attr_required"):
        needs.append("platform")
    return platform, needs


def _is_api_url(url) -> bool:
    return (
        isinstance(url, str)
        and url.startswith(("https://", "http://"))
        and "/api/v1/sushi-service/" not in url
    )
