"""The bundled sample data: reproducible, labelled synthetic, and believable COUNTER.

Files are read back with csv/json/openpyxl directly, not through the importer,
so these tests say what the generator promises whatever the importer does.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from coopdash.counter_spec import CONSISTENCY_RULES, REPORTS
from coopdash.registry import ROOT, Registry
from coopdash.sample import SYNTHETIC_CREATED_BY
from coopdash.sample.counter_files import Report, UsageRow, write_tabular
from coopdash.sample.generate import (
    FIRST_YEAR,
    LAST_YEAR,
    generate,
    view_rows,
    year_usage,
)

REGISTRY = Registry.load()
COMMITTED_SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate(out, REGISTRY)
    return out


def _files(root: Path) -> dict[str, bytes]:
    paths = [*sorted((root / "usage").rglob("*.*")), root / "README.md"]
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in paths}


def _month(heading) -> date:
    if isinstance(heading, datetime):
        return heading.date()
    return datetime.strptime(heading, "%b-%Y").date()


def _read_table(rows: list[list]) -> tuple[dict[str, str], dict[date, int]]:
    """Header values and monthly totals (all rows and metrics) of a tabular report."""
    header = {}
    for index, row in enumerate(rows):
        if not any(cell not in (None, "") for cell in row):
            headings = rows[index + 1]
            body = rows[index + 2 :]
            break
        header[row[0]] = row[1]
    first = headings.index("Reporting_Period_Total") + 1
    months = [_month(heading) for heading in headings[first:] if heading]
    usage: dict[date, int] = {}
    for row in body:
        for month, value in zip(months, row[first:]):
            count = int(str(value).replace(",", "")) if value not in (None, "") else 0
            usage[month] = usage.get(month, 0) + count
    return header, usage


def read_report(path: Path) -> tuple[dict[str, str], dict[date, int]]:
    """(header values, {month: total count}) of a sample file in any of its formats."""
    if path.suffix == ".json":
        document = json.loads(path.read_text(encoding="utf-8"))
        usage: dict[date, int] = {}
        for item in document["Report_Items"]:
            for period in item.get("Performance", []):  # R5
                month = date.fromisoformat(period["Period"]["Begin_Date"])
                usage[month] = usage.get(month, 0) + sum(i["Count"] for i in period["Instance"])
            for attributes in item.get("Attribute_Performance", []):  # R5.1
                for by_month in attributes["Performance"].values():
                    for month_text, count in by_month.items():
                        month = date.fromisoformat(f"{month_text}-01")
                        usage[month] = usage.get(month, 0) + count
        return document["Report_Header"], usage
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True).active
        return _read_table([list(row) for row in sheet.iter_rows(values_only=True)])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")  # the one file saved by Excel on a Chinese Windows
    delimiter = "," if path.suffix == ".csv" else "\t"
    return _read_table(list(csv.reader(io.StringIO(text), delimiter=delimiter)))


def test_generating_twice_gives_identical_bytes(sample_dir, tmp_path):
    generate(tmp_path, REGISTRY)
    first, second = _files(sample_dir), _files(tmp_path)
    assert len(first) > 300
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_committed_sample_is_what_the_generator_writes(sample_dir):
    committed, fresh = _files(COMMITTED_SAMPLE), _files(sample_dir)
    stale = sorted(set(committed) ^ set(fresh)) + [
        name for name in committed.keys() & fresh.keys() if committed[name] != fresh[name]
    ]
    assert stale == [], "data/sample is stale: regenerate it with `python -m coopdash sample`"


def test_every_file_is_labelled_synthetic(sample_dir):
    paths = sorted((sample_dir / "usage").rglob("*.*"))
    labels = {path.name: read_report(path)[0]["Created_By"] for path in paths}
    assert set(labels.values()) == {SYNTHETIC_CREATED_BY}
    readme = (sample_dir / "README.md").read_text(encoding="utf-8")
    assert "Every file in this folder is synthetic" in readme
    assert "本目录中的所有文件均为合成数据" in readme


def test_files_cover_members_from_when_they_joined(sample_dir):
    first_usage: dict[str, date] = {}
    for path in sorted((sample_dir / "usage").rglob("*.*")):
        header, usage = read_report(path)
        code = path.name.split("_")[0]
        # The file names the member it is for, so the importer can file it correctly.
        assert REGISTRY.find([header["Institution_Name"]], []) == code, path.name
        used = [month for month, count in usage.items() if count]
        if used:
            first_usage[code] = min([*used, first_usage.get(code, date.max)])
    assert first_usage.keys() == REGISTRY.libraries.keys()
    for code, library in REGISTRY.libraries.items():
        if library.joined_on is None:
            assert first_usage[code] == date(FIRST_YEAR, 1, 1), code
        else:
            joined = library.joined_on
            month_after = date(joined.year + joined.month // 12, joined.month % 12 + 1, 1)
            assert first_usage[code] == month_after, code


def _by_item(rows: list[UsageRow]) -> dict[tuple, dict[str, dict[date, int]]]:
    items: dict[tuple, dict[str, dict[date, int]]] = {}
    for row in rows:
        items.setdefault(tuple(row.item.items()), {})[row.metric_type] = row.counts
    return items


@pytest.mark.parametrize("year", [FIRST_YEAR, 2019, 2020, LAST_YEAR - 1, LAST_YEAR])
def test_metrics_obey_the_counter_validator_rules(year):
    for library in REGISTRY.libraries.values():
        usage = year_usage(library, year)
        for report_id in ("PR", "DR", "TR"):
            for item, metrics in _by_item(usage.master(report_id)).items():
                assert set(metrics) <= set(REPORTS[report_id].metrics), item
                if any(metric.startswith("Unique_Title") for metric in metrics):
                    assert dict(item)["Data_Type"] == "Book", item
                for month in usage.months:
                    for larger, smaller in CONSISTENCY_RULES:
                        assert metrics.get(larger, {}).get(month, 0) >= metrics.get(smaller, {}).get(
                            month, 0
                        ), (library.code, report_id, item, month, larger)


def _totals(rows: list[UsageRow], columns: list[str]) -> dict[tuple, int]:
    totals: dict[tuple, int] = {}
    for row in rows:
        key = (*(row.item[c] for c in columns), row.metric_type)
        totals[key] = totals.get(key, 0) + row.total
    return totals


@pytest.mark.parametrize("year", [2018, LAST_YEAR])
def test_platform_database_and_title_reports_agree(year):
    item_metrics = set(REPORTS["PR"].metrics) - {"Searches_Platform"}
    for library in REGISTRY.libraries.values():
        usage = year_usage(library, year)
        dr_items = [row for row in usage.dr if row.metric_type in item_metrics]
        pr_items = [row for row in usage.pr if row.metric_type in item_metrics]
        by_platform = ["Platform", "Data_Type"]
        assert _totals(pr_items, by_platform) == _totals(dr_items, by_platform)
        # Each content platform's DR row carries the sum of its titles' TR rows.
        title_totals = _totals(usage.tr, ["Platform"])
        database_totals = _totals(usage.dr, ["Platform"])
        assert {key: database_totals.get(key) for key in title_totals} == title_totals
        denials = [row for row in usage.dr if row.metric_type in ("No_License", "Limit_Exceeded")]
        assert _totals(view_rows("DR_D2", usage), ["Database"]) == _totals(denials, ["Database"])
        controlled_journal_requests = [
            row
            for row in usage.tr
            if row.item["Data_Type"] == "Journal"
            and row.item["Access_Type"] == "Controlled"
            and row.metric_type in ("Total_Item_Requests", "Unique_Item_Requests")
        ]
        assert _totals(view_rows("TR_J1", usage), ["Title"]) == _totals(
            controlled_journal_requests, ["Title"]
        )


@pytest.mark.parametrize(("release", "heading_line"), [("5", 14), ("5.1", 15)])
def test_tabular_layout_matches_counter(tmp_path, release, heading_line):
    months = {date(2025, 1, 1): 7, date(2025, 3, 1): 1_234}
    report = Report(
        report_id="PR",
        release=release,
        institution_name="Sample Library",
        institution_ids=[("ISIL", "XX-0001")],
        begin=date(2025, 1, 1),
        end=date(2025, 3, 31),
        columns=["Platform"],
        rows=[
            UsageRow({"Platform": "P"}, "Searches_Platform", months),
            UsageRow({"Platform": "P"}, "Total_Item_Requests", {date(2025, 2, 1): 0}),
        ],
        created="2025-04-02T08:00:00Z",
        created_by=SYNTHETIC_CREATED_BY,
    )
    path = tmp_path / "pr.csv"
    write_tabular(report, path, delimiter=",", thousands_separator=True)
    lines = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert lines[0][:2] == ["Report_Name", REPORTS["PR"].name(release)]
    assert lines[4][:2] == ["Institution_ID", "ISIL:XX-0001"]
    assert lines[heading_line - 2] == [""] * 6
    assert lines[heading_line - 1] == [
        "Platform", "Metric_Type", "Reporting_Period_Total", "Jan-2025", "Feb-2025", "Mar-2025",
    ]  # fmt: skip
    # The all-zero row is left out; zero months are written as 0.
    assert lines[heading_line:] == [["P", "Searches_Platform", "1,241", "7", "0", "1,234"]]
    assert {len(line) for line in lines} == {6}
