"""The bad-input sweep, through the import page's own functions: each file gets a clear message, nothing changes."""

import io
import json
import random
import subprocess
import sys
import tomllib
import zipfile

import duckdb
import openpyxl
import pytest

from coopdash import db, load
from coopdash.importers import workbook
from coopdash.load import ImportContext
from coopdash.registry import DEFAULT_REGISTRY, Registry, read_rows, save_rows
from coopdash.webapp import uploads
from tests.conftest import APP_TIMEOUT, CORPUS, ROOT, entry_app, tabular
from tests.importing import through_cli


@pytest.fixture()
def live(tmp_path, registry):
    """A database holding one report, and the means to check a batch changed nothing."""
    path = tmp_path / "live.duckdb"
    uploads.apply(path, [uploads.Upload("good.tsv", tabular().encode())], ImportContext(registry))
    return path


def usage(path) -> tuple:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select count(*), (select sum(count) from usage) from imports").fetchone()
    finally:
        con.close()


def refused(path, registry, name: str, data: bytes) -> str:
    """Import one bad file as the page does; it must fail with a message and leave the database alone."""
    before = usage(path)
    [result] = uploads.apply(path, [uploads.Upload(uploads.safe_name(name), data)], ImportContext(registry))
    assert result.status == "failed"
    assert result.error and "Traceback" not in result.error
    assert usage(path) == before  # only the good report, as it was
    return result.error


def garbage(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def truncated_xlsx() -> bytes:
    data = (CORPUS / "counter" / "cop5__DR_sample_r51.xlsx").read_bytes()
    return data[: len(data) // 2]


def bomb(unpacked: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * unpacked)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("truncated.tsv", tabular().encode()[:700], "truncated.tsv"),
        ("truncated.xlsx", truncated_xlsx(), "damaged"),
        ("garbage.tsv", garbage(65536, 1), "garbage.tsv"),
        ("garbage.mrc", garbage(65536, 2), "garbage.mrc"),
        ("garbage.xlsx", b"PK\x03\x04" + garbage(65536, 3), "damaged"),
        ("../../etc/passwd", garbage(4096, 4), "passwd"),
        ("empty.csv", b"", "empty.csv"),
        (  # it was read, then refused by the database as "a fault"
            "tally.csv",
            b"Institution: Zhejiang Library\nMonth,Borrowed,Lent\nJan-2024,12,40\n",
            "gives only borrowing requests, not borrowing filled and unfilled",
        ),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_changes_nothing(live, registry, name, data, message):
    assert message in refused(live, registry, name, data)


def test_a_zip_bomb_is_refused_unread(live, registry, monkeypatch):
    monkeypatch.setattr(workbook, "UNPACKED_LIMIT", 2**20)
    error = refused(live, registry, "bomb.xlsx", bomb(8 * 2**20))
    assert "would unpack to 8 MB" in error and "refused unread" in error


def test_an_oversize_upload_is_refused(live, registry, monkeypatch):
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 2**20)
    error = refused(live, registry, "huge.tsv", tabular().encode() + b"\n" * 2**20)
    assert "over the 1 MB limit" in error


def test_sql_in_a_title_is_only_text(tmp_path, registry):
    path = tmp_path / "live.duckdb"
    title = "x'); drop table usage; --"
    rows = [
        [
            title,
            "Publisher'; delete from imports; --",
            "Test Platform",
            "Book",
            "Total_Item_Requests",
            "6",
            "1",
            "2",
            "3",
        ]
    ]
    [result] = uploads.apply(
        path, [uploads.Upload("sql.tsv", tabular(rows=rows).encode())], ImportContext(registry)
    )
    assert result.status == "imported"
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select distinct title from usage").fetchall() == [(title,)]
    assert con.execute("select count(*) from imports").fetchone()[0] == 1
    con.close()


def test_the_server_s_upload_limit_is_the_importer_s():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 2**20 == load.MAX_FILE_BYTES


def test_sql_in_a_link_s_language_is_ignored(first_run, monkeypatch):
    """The filters are chosen from lists (the browser sends a position, not text); a link's ?lang= is text."""
    database, _ = first_run
    before = usage(database)
    monkeypatch.setenv(db.ENV_DB, str(database))
    at = entry_app(APP_TIMEOUT)
    at.query_params["lang"] = "zh'; drop table usage; --"
    at.run()
    assert not at.exception
    assert at.radio(key="lang").value == "en"  # an unknown language falls back to English
    assert usage(database) == before


def test_sql_in_a_member_s_name_is_only_text(tmp_path):
    """A registry name (editable by admins in the app) reaches the database as a bound value."""
    edited = [dict(row) for _, row in read_rows(DEFAULT_REGISTRY)]
    edited[1]["name_en"] = "Hangzhou'); drop table libraries; --"
    save_rows(tmp_path / "libraries.csv", edited)
    con = db.connect(tmp_path / "live.duckdb")
    try:
        db.sync_registry(con, Registry.load(tmp_path / "libraries.csv"))
        names = [name for (name,) in con.execute("select name_en from libraries order by code").fetchall()]
    finally:
        con.close()
    assert "Hangzhou'); drop table libraries; --" in names
    assert len(names) == len(edited)


# --- hostile files: refused unread, in bounded time and memory -------------------------------


def wide_counter() -> bytes:
    """A 10 MB report whose heading row has a million columns (it took 46 s and 5.1 GB)."""
    heading = tabular(rows=[], months=[]).rstrip("\n")
    return (
        heading + "\t" * 1_000_000 + "\n" + "A\tP\tPlat\tBook\tTotal_Item_Requests\t1" * 2 + "\n"
    ).encode()


def wide_statistics() -> bytes:
    return (
        "Institution: Hangzhou\nMonth\tBorrowing Requests" + "\tx" * 1_000_000 + "\n2024-01\t3\n"
    ).encode()


def many_statistics_rows() -> bytes:
    """An ILL export of 300,000 lines: the statistics reader takes some 60 microseconds a line."""
    return ("Institution: Zhejiang Library\nMonth\tBorrowing Requests\n" + "Jan-2024\t1\n" * 300_000).encode()


def long_header_field() -> bytes:
    """A 60 MB header field (the csv module's refusal was reported as a fault in coopdash)."""
    return tabular(header={"Created_By": "x" * 60_000_000}).encode()


def long_title() -> bytes:
    rows = [["T" * 300_000, "Pub", "Plat", "Book", "Total_Item_Requests", "3", "1", "1", "1"]]
    return tabular(rows=rows).encode()


def deep_json() -> bytes:
    return b'{"Report_Header": {"Report_ID": "TR"}, "Report_Items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def many_json_objects() -> bytes:
    return b'{"Report_Header": {"Report_ID": "TR"}, "Report_Items": [' + b"{}," * 200_000 + b"{}]}"


def sheet(cells: dict[tuple[int, int], object]) -> bytes:
    book = openpyxl.Workbook()
    for (row, column), value in cells.items():
        book.active.cell(row=row, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


MARCXML = (
    '<?xml version="1.0"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n<record>'
    '<leader>00000nam a2200000 a 4500</leader><controlfield tag="001">1</controlfield>{}</record>\n</collection>\n'
)


def many_fields() -> bytes:
    field = '<datafield tag="500" ind1=" " ind2=" "><subfield code="a">a</subfield></datafield>'
    return MARCXML.format(field * 300_000).encode()


def deep_xml() -> bytes:
    return MARCXML.format("<x>" * 200_000 + "</x>" * 200_000).encode()


def tiny_records() -> bytes:
    """Two million records of a leader each: every one costs as much time as a real record."""
    return b"00026nam a2200025 a 4500\x1e\x1d" * 2_000_000


def unterminated_marc() -> bytes:
    return b"00000nam a2200000 a 4500" + b"0010009000000\x1e" + b"x" * 50_000_000


# (file name, its bytes, settings, what the refusal says). The next hostile file is one more line.
HOSTILE = [
    ("wide.tsv", wide_counter, {}, "a row has 1,000,006 columns, over the limit of 2,000"),
    ("wide_statistics.tsv", wide_statistics, {}, "a row has 1,000,002 columns"),
    ("ill_lines.tsv", many_statistics_rows, {}, "the file has 300,002 lines, over the limit of 200,000"),
    ("long_field.tsv", long_header_field, {}, "longer than 131,072 characters"),
    ("long_title.tsv", long_title, {}, "a cell at line 15 is longer than 131,072 characters"),
    ("deep.json", deep_json, {}, "the JSON is nested 100,001 levels deep, over the limit of 64"),
    ("objects.json", many_json_objects, {"COOPDASH_MAX_CELLS": "100000"}, "objects and lists"),
    ("wide.xlsx", lambda: sheet({(1, 1): "Report_Name", (1, 16384): 1}), {}, "a row has 16,384 columns"),
    ("far_cell.xlsx", lambda: sheet({(1, 1): "Report_Name", (1048576, 16384): 1}), {}, "far more cells"),
    (
        "tall.xlsx",
        lambda: sheet({(1, 1): "Report_Name", (200_000, 20): 1}),
        {"COOPDASH_MAX_CELLS": "1000000"},
        "spans 200,000 rows by 20 columns, 4,000,000 cells",
    ),
    ("fields.xml", many_fields, {}, "more than 20,000 fields and subfields"),
    ("deep.xml", deep_xml, {}, "more than 20,000 fields and subfields"),
    ("unterminated.mrc", unterminated_marc, {}, "could be read"),
    ("tiny_records.mrc", tiny_records, {}, "the file holds 2,000,000 records, over the limit of 500,000"),
    (
        "empty_records.xml",
        lambda: MARCXML.format("</record><record/>" * 600_000).encode(),
        {},
        "600,001 records",
    ),
    (
        "tags.xml",
        lambda: MARCXML.format("<x/>" * 2_000_000).encode(),
        {"COOPDASH_MAX_XML_TAGS": "1000000"},
        "tags",
    ),
]
SECONDS, MEGABYTES = (
    20,
    1024,
)  # far below the 46 s and 5.1 GB of the wide file before; room for a loaded machine

MEASURED = """
import json, resource, sys, time
from pathlib import Path
from coopdash.webapp import uploads
from coopdash.load import ImportContext
from coopdash.registry import Registry
path, database = Path(sys.argv[1]), Path(sys.argv[2])
data = path.read_bytes()
start = time.monotonic()
[result] = uploads.check(database, [uploads.Upload(path.name, data)], ImportContext(Registry.load()))
seconds = time.monotonic() - start
# VmHWM is this program's own peak (ru_maxrss would carry over the pytest process's from before exec);
# the children it started (a workbook reader) are counted too.
own = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
peak = max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"status": result.status, "error": result.error, "seconds": seconds, "megabytes": peak / 1024}))
"""


@pytest.mark.parametrize(("name", "make", "settings", "message"), HOSTILE, ids=[row[0] for row in HOSTILE])
def test_a_hostile_file_is_refused_quickly_in_little_memory(
    tmp_path, monkeypatch, name, make, settings, message
):
    """Read as the server reads an upload, in a process of its own so its peak memory is its own;
    and through the command line. Each refusal names the file and what is over which limit."""
    path = tmp_path / name
    path.write_bytes(make())
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    run = subprocess.run(
        [sys.executable, "-c", MEASURED, str(path), str(tmp_path / "page.duckdb")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    page = json.loads(run.stdout)
    [cli] = through_cli(tmp_path / "cli.duckdb", path, env=settings)
    for result in (page, cli):
        assert result["status"] == "failed"
        assert result["error"].startswith(name) and message in result["error"], result["error"]
        assert "fault in coopdash" not in result["error"]
    print(f"{name}: {page['seconds']:.1f} s, {page['megabytes']:.0f} MB")
    assert page["seconds"] < SECONDS and page["megabytes"] < MEGABYTES, page
