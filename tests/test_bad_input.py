"""The bad-input sweep, through the import page's own functions: each file gets a clear message, nothing changes."""

import io
import random
import tomllib
import zipfile

import duckdb
import pytest

from coopdash import db, load, uploads
from coopdash.importers import workbook
from coopdash.load import ImportContext
from coopdash.registry import DEFAULT_REGISTRY, Registry, read_rows, save_rows
from tests.conftest import APP_TIMEOUT, CORPUS, ROOT, entry_app, tabular


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
