"""Read a COUNTER SUSHI JSON report (R5 or R5.1 layout) into the tabular shape.

The JSON is flattened to what the tabular report of the same data would hold:
the same header strings and one row per item, attribute set and metric, so that
one path downstream checks and stores both.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pyarrow as pa

from coopdash import counter_spec
from coopdash.errors import NoReportInFile, ReportFormatError
from coopdash.importers import limits, sniff
from coopdash.importers.counter_fields import parse_date
from coopdash.importers.counter_tabular import TabularParts, cell_text

# Item_ID types (R5 list, R5.1 dict keys) -> tabular columns.
_ID_COLUMNS = {
    "doi": "DOI",
    "proprietary": "Proprietary_ID",
    "proprietary_id": "Proprietary_ID",
    "isbn": "ISBN",
    "print_issn": "Print_ISSN",
    "online_issn": "Online_ISSN",
    "linking_issn": "Linking_ISSN",
    "uri": "URI",
}
_PLAIN = (
    "Database",
    "Title",
    "Item",
    "Publisher",
    "Platform",
    "Authors",
    "Publication_Date",
    "Article_Version",
    "Data_Type",
    "Section_Type",
    "YOP",
    "Access_Type",
    "Access_Method",
)
_ATTRIBUTES = ("Data_Type", "Section_Type", "YOP", "Access_Type", "Access_Method")
_ZERO_USAGE = {"3030"}  # "No Usage Available for Requested Dates": a report of nothing


def read_json(data: bytes, file_name: str) -> TabularParts:
    text, encoding = sniff.decode_text(data, file_name)
    limits.check_json(data if encoding.startswith("utf-8") else text.encode("utf-8"), file_name)
    repeated: list[tuple[str, object, object]] = []
    try:
        document = json.loads(text, object_pairs_hook=lambda pairs: _object(pairs, repeated))
    except json.JSONDecodeError as exc:
        raise ReportFormatError(
            f"the JSON is not well-formed ({exc.msg} at line {exc.lineno}, column {exc.colno})",
            file=file_name,
        ) from None
    report, path = _find_report(document, file_name)
    header_json = report.get("Report_Header") or {}
    if not isinstance(header_json, dict):
        raise ReportFormatError("Report_Header is not an object", file=file_name)
    warnings = _repeated_keys(repeated, file_name)
    if path:
        warnings.append(f"the report was wrapped in an envelope ({' > '.join(path)}); it was unwrapped")
    header = _header(header_json)
    items = report.get("Report_Items") or []
    if not isinstance(items, list):
        raise ReportFormatError("Report_Items is not a list", file=file_name)
    r51 = str(header_json.get("Release", "")).strip().startswith("5.1") or any(
        isinstance(item, dict) and ("Attribute_Performance" in item or "Items" in item) for item in items
    )
    rows = []  # (item number, columns, metric, {month: count})
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ReportFormatError(f"Report_Items entry {number} is not an object", file=file_name)
        expand = _r51_rows if r51 else _r5_rows
        rows.extend((number, *row) for row in expand(item, file_name, number))
    return _parts(header, rows, encoding, warnings, file_name)


def _object(pairs: list[tuple[str, object]], repeated: list) -> dict:
    """A JSON object; a key it gives twice (json.loads would keep the last silently) is noted."""
    found = dict(pairs)
    if len(found) < len(pairs):
        found = {}
        for key, value in pairs:
            if key in found:
                repeated.append((key, found[key], value))
            else:
                found[key] = value
    return found


def _repeated_keys(repeated: list[tuple[str, object, object]], file_name: str) -> list[str]:
    """A key given twice in one object ('2022-01' of one metric): the rule for an item, metric and
    month given twice in any form. The same value twice is counted once, with a warning; two
    different values are refused, since either may be the right one."""
    differing = [(key, a, b) for key, a, b in repeated if a != b]
    if differing:
        key, a, b = differing[0]
        raise ReportFormatError(
            f"{len(differing)} key(s) are given twice in one object with different values (first: "
            f"'{key}': {json.dumps(a)[:40]} and {json.dumps(b)[:40]}); which is right cannot be known, "
            "so nothing was imported",
            file=file_name,
        )
    if repeated:
        key, a, _ = repeated[0]
        return [
            f"{len(repeated)} key(s) are given twice in one object with the same value (first: '{key}': "
            f"{json.dumps(a)[:40]}); each was counted once"
        ]
    return []


def _find_report(document, file_name: str) -> tuple[dict, list[str]]:
    """The one object with a Report_Header, however deep an envelope put it."""
    found: list[tuple[dict, list[str]]] = []
    exceptions: list[dict] = []

    def walk(node, path, depth):
        if isinstance(node, dict):
            if "Report_Header" in node:
                found.append((node, path))
                return
            if "Code" in node and ("Message" in node or "Severity" in node):
                exceptions.append(node)
                return
            if depth < 4:
                for key, value in node.items():
                    walk(value, path + [str(key)], depth + 1)
        elif isinstance(node, list) and depth < 4:
            for index, value in enumerate(node):
                walk(value, path + [f"[{index}]"], depth + 1)

    walk(document, [], 0)
    if len(found) > 1:
        raise ReportFormatError(
            f"the file holds {len(found)} reports; import one report per file", file=file_name
        )
    if found:
        return found[0]
    if exceptions:
        raise NoReportInFile(
            "there is no report in this file, only the SUSHI server's answer: "
            + "; ".join(_exception_text(e) for e in exceptions),
            file=file_name,
        )
    raise ReportFormatError("this JSON is not a COUNTER report (no Report_Header was found)", file=file_name)


def _exception_text(exception: dict) -> str:
    text = f"{exception.get('Code', '?')}: {exception.get('Message', '')}".strip()
    if exception.get("Data"):
        text += f" ({exception['Data']})"
    return text


def _pairs(value) -> list[tuple[str, str]]:
    """R5 [{Type, Value}] or R5.1 {ns: [values]} or {ns: value} -> [(ns, value)]."""
    pairs = []
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, dict):
                kind = entry.get("Type") or entry.get("Name")
                if kind is not None and entry.get("Value") is not None:
                    pairs.append((str(kind), str(entry["Value"])))
    elif isinstance(value, dict):
        for kind, values in value.items():
            for one in values if isinstance(values, list) else [values]:
                if one is not None:
                    pairs.append((str(kind), str(one)))
    return pairs


def _header(report_header: dict) -> dict[str, object]:
    header: dict[str, object] = {
        key: report_header.get(key)
        for key in counter_spec.HEADER_KEYS_R51
        if not isinstance(report_header.get(key), (list, dict))
    }
    header["Institution_ID"] = "; ".join(f"{k}:{v}" for k, v in _pairs(report_header.get("Institution_ID")))
    filters = report_header.get("Report_Filters")
    filter_pairs = _pairs(filters)
    begin = next((v for k, v in filter_pairs if k == "Begin_Date"), None)
    end = next((v for k, v in filter_pairs if k == "End_Date"), None)
    grouped: dict[str, list[str]] = defaultdict(list)
    for kind, value in filter_pairs:
        if kind not in ("Begin_Date", "End_Date"):
            grouped[kind].append(value)
    header["Report_Filters"] = "; ".join(f"{k}={'|'.join(v)}" for k, v in grouped.items())
    header["Report_Attributes"] = "; ".join(
        f"{k}={v}" for k, v in _pairs(report_header.get("Report_Attributes"))
    )
    if begin or end:
        header["Reporting_Period"] = f"Begin_Date={begin or ''}; End_Date={end or ''}"
    exceptions = report_header.get("Exceptions") or []
    if isinstance(exceptions, dict):
        exceptions = [exceptions]
    header["Exceptions"] = "; ".join(_exception_text(e) for e in exceptions if isinstance(e, dict))
    return header


def _ids(value, prefix: str = "") -> dict[str, str]:
    columns = {}
    for kind, ident in _pairs(value):
        column = _ID_COLUMNS.get(kind.casefold())
        if column:
            columns[prefix + column] = ident
    return columns


def _names(value) -> str | None:
    if isinstance(value, list):
        names = [str(v.get("Name") or v.get("Value") or "") for v in value if isinstance(v, dict)]
        return "; ".join(n for n in names if n) or None
    return cell_text(value)


def _typed(value, wanted: str) -> str | None:
    """R5's [{Type: 'Publication_Date', Value: ...}] lists."""
    for kind, one in _pairs(value):
        if kind == wanted:
            return one
    return None


def _item_columns(item: dict) -> dict[str, str | None]:
    columns: dict[str, str | None] = {key: cell_text(item.get(key)) for key in _PLAIN if key in item}
    if "Publisher_ID" in item:
        columns["Publisher_ID"] = "; ".join(f"{k}:{v}" for k, v in _pairs(item["Publisher_ID"])) or None
    columns.update(_ids(item.get("Item_ID")))
    if isinstance(item.get("Authors"), list):
        columns["Authors"] = _names(item["Authors"])
    if "Item_Contributors" in item:
        columns["Authors"] = _names(item["Item_Contributors"])
    if "Item_Dates" in item:
        columns["Publication_Date"] = _typed(item["Item_Dates"], "Publication_Date")
    if "Item_Attributes" in item:
        columns["Article_Version"] = _typed(item["Item_Attributes"], "Article_Version")
    return columns


def _parent_columns(parent: dict) -> dict[str, str | None]:
    columns: dict[str, str | None] = {
        "Parent_Title": cell_text(parent.get("Item_Name") or parent.get("Title")),
        "Parent_Data_Type": cell_text(parent.get("Data_Type")),
        "Parent_Authors": _names(parent.get("Item_Contributors") or parent.get("Authors")),
        "Parent_Publication_Date": cell_text(parent.get("Publication_Date"))
        or _typed(parent.get("Item_Dates"), "Publication_Date"),
        "Parent_Article_Version": cell_text(parent.get("Article_Version"))
        or _typed(parent.get("Item_Attributes"), "Article_Version"),
    }
    columns.update(_ids(parent.get("Item_ID"), "Parent_"))
    return {k: v for k, v in columns.items() if v is not None}


def _objects(value, what: str, file_name: str, number: int) -> list[dict]:
    """A JSON list of objects, as the SUSHI schema requires, or a clear refusal."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ReportFormatError(
            f"Report_Items entry {number}: {what} is not a list of objects", file=file_name
        )
    return value


def _r5_rows(item: dict, file_name: str, number: int):
    """One row per metric; a month the item gives twice for a metric starts another row, so that the
    rule for an item, metric and month given twice is the tabular file's (load: counter_repeated_cells)."""
    columns = _item_columns(item)
    if isinstance(item.get("Item_Parent"), dict):
        columns.update(_parent_columns(item["Item_Parent"]))
    by_metric: dict[str, list[dict[str, object]]] = defaultdict(list)
    for performance in _objects(item.get("Performance"), "Performance", file_name, number):
        key = _performance_month(performance.get("Period"), file_name, number)
        for instance in _objects(performance.get("Instance"), "Instance", file_name, number):
            rows = by_metric[str(instance.get("Metric_Type") or "")]
            row = next((row for row in rows if key not in row), None)
            if row is None:
                rows.append(row := {})
            row[key] = instance.get("Count")
    for metric, rows in by_metric.items():
        for counts in rows:
            yield columns, metric, counts


def _performance_month(period, file_name: str, number: int) -> str:
    """'2022-01' for a Performance period of one month; a longer period is refused, like a tabular
    report without month columns: spreading it over months, or filing it in one, would invent figures."""
    begin = parse_date(period.get("Begin_Date")) if isinstance(period, dict) else None
    if begin is None:
        raise ReportFormatError(
            f"Report_Items entry {number}: a Performance period has no valid Begin_Date", file=file_name
        )
    end = parse_date(period.get("End_Date"))
    if end is not None and (end.year, end.month) != (begin.year, begin.month):
        raise ReportFormatError(
            f"Report_Items entry {number}: a Performance period runs from {begin.isoformat()} to "
            f"{end.isoformat()}, more than one month (the report was run with Granularity=Totals): the "
            "dashboard needs monthly counts, so export it again by month, or one file per month",
            file=file_name,
        )
    return f"{begin.year:04d}-{begin.month:02d}"


def _r51_rows(item: dict, file_name: str, number: int):
    if isinstance(item.get("Items"), list):
        parent = _parent_columns(item)
        for child in item["Items"]:
            if isinstance(child, dict):
                for columns, metric, counts in _r51_rows(child, file_name, number):
                    yield {**parent, **columns}, metric, counts
        return
    columns = _item_columns(item)
    for attributes in _objects(item.get("Attribute_Performance"), "Attribute_Performance", file_name, number):
        row_columns = {**columns, **{k: cell_text(attributes[k]) for k in _ATTRIBUTES if k in attributes}}
        performance = attributes.get("Performance") or {}
        if not isinstance(performance, dict):
            raise ReportFormatError(
                f"Report_Items entry {number}: Performance is not an object of metrics", file=file_name
            )
        for metric, months in performance.items():
            if not isinstance(months, dict):
                totals = " (a total for the whole period: the report was run with Granularity=Totals; export it again by month)"
                raise ReportFormatError(
                    f"Report_Items entry {number}: Performance of {metric} is not a month -> count object"
                    + (totals if isinstance(months, (int, float, str)) else ""),
                    file=file_name,
                )
            yield row_columns, str(metric), dict(months)


def _parts(header: dict, rows: list, encoding: str, warnings: list[str], file_name: str) -> TabularParts:
    item_columns: list[str] = []
    months: list[str] = []
    for _, columns, _, counts in rows:
        for key in columns:
            if key not in item_columns:
                item_columns.append(key)
        for month in counts:
            if month not in months:
                months.append(month)
    item_columns.sort(key=list(counter_spec.ITEM_COLUMNS).index)
    months.sort()
    heading = [*item_columns, counter_spec.METRIC_COLUMN, *months]
    limits.check_columns(len(heading), file_name)
    data = {f"c{i}": [] for i in range(len(heading))}
    lines = []
    for number, columns, metric, counts in rows:
        values = (
            [columns.get(key) for key in item_columns] + [metric] + [cell_text(counts.get(m)) for m in months]
        )
        for i, value in enumerate(values):
            data[f"c{i}"].append(value)
        lines.append(number)
    table = pa.table(
        {**{k: pa.array(v, pa.string()) for k, v in data.items()}, "source_line": pa.array(lines, pa.int32())}
    )
    return TabularParts(header, heading, 0, table, "json", encoding, 0, warnings)
