"""Catalogue records through the whole import: stored once per record and role, broken records listed."""

import json

from coopdash.cli import main
from coopdash.load import ImportContext, import_file
from tests.conftest import snapshot
from tests.test_marc import book


def contributions(con) -> list[tuple]:
    return con.execute(
        "select library_code, role, record_key, title, attributed_by from contributions order by all"
    ).fetchall()


def write(tmp_path, name: str, *records: bytes):
    path = tmp_path / name
    path.write_bytes(b"".join(records))
    return path


def test_a_library_export_stores_one_row_per_record_and_role(tmp_path, con, registry):
    path = write(
        tmp_path,
        "hangzhou.mrc",
        book("运河史", number="r1"),
        book("西湖志", number="r2", enhancers=("SYN-NBL",)),
    )
    result = import_file(con, path, ImportContext(registry))
    assert (result.status, result.kind, result.format, result.library) == (
        "imported",
        "catalogue",
        "marc21",
        "hangzhou",
    )
    assert (result.rows, result.skipped, result.long_rows) == (2, 0, 3)
    assert contributions(con) == [
        ("hangzhou", "original", "ctl:r1", "运河史", "agency"),
        ("hangzhou", "original", "ctl:r2", "西湖志", "agency"),
        ("ningbo", "enhanced", "ctl:r2", "西湖志", "agency"),
    ]


def test_the_same_record_in_another_file_is_not_counted_twice(tmp_path, con, registry):
    shared = book("西湖志", number="r2", enhancers=("SYN-NBL",))
    import_file(
        con, write(tmp_path, "hangzhou.mrc", book("运河史", number="r1"), shared), ImportContext(registry)
    )
    again = import_file(
        con, write(tmp_path, "again.mrc", book("运河史", number="r1"), shared), ImportContext(registry)
    )
    ningbo = import_file(con, write(tmp_path, "ningbo.mrc", shared), ImportContext(registry))
    assert again.status == "unchanged"
    assert (ningbo.status, ningbo.replaced_rows) == ("replaced", 2)
    assert len(contributions(con)) == 3


def test_a_broken_record_is_listed_and_the_others_kept_or_the_file_refused_with_strict(
    tmp_path, con, registry
):
    good = [book(f"书{i}", number=f"r{i}") for i in range(1, 4)]
    path = write(tmp_path, "broken.mrc", good[0], b"NOT A RECORD\x1d", good[1], good[2])
    before = snapshot(con)
    strict = import_file(con, path, ImportContext(registry, strict=True))
    assert strict.status == "failed" and strict.error.startswith("broken.mrc: record 2 (byte ")
    assert snapshot(con) == before

    result = import_file(con, path, ImportContext(registry))
    assert (result.status, result.rows, result.skipped) == ("imported", 3, 1)
    assert any(w.startswith("record 2 (byte ") and w.endswith("not imported") for w in result.warnings)
    (problem,) = con.execute("select position, source_offset, reason from import_problems").fetchall()
    assert problem[:2] == (2, len(good[0])) and "MARC leader" in problem[2]


def test_unknown_agencies_are_listed_without_library_and_attributed_with_it(tmp_path, con, registry):
    path = write(tmp_path, "other.mrc", book("运河史", agency="XYZ", number="r9"))
    listed = import_file(con, path, ImportContext(registry))
    assert (listed.status, listed.rows, listed.skipped, listed.long_rows) == ("imported", 0, 1, 0)
    assert any("XYZ (1)" in w for w in listed.warnings)
    assert con.execute("select count(*) from import_problems").fetchone() == (1,)

    given = import_file(con, path, ImportContext(registry, library="quzhou"))
    assert (given.status, given.long_rows) == ("imported", 1)
    assert contributions(con) == [("quzhou", "original", "ctl:r9", "运河史", "library_option")]


def test_cli_json_line_counts_records_imported_and_skipped(tmp_path, db_path, capsys):
    good = [book(f"书{i}", number=f"r{i}") for i in range(1, 3)]
    write(tmp_path, "x.mrc", good[0], b"NOT A RECORD\x1d", good[1])
    assert main(["import", str(tmp_path / "x.mrc"), "--db", str(db_path), "--json"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert (line["status"], line["kind"], line["rows"], line["skipped"]) == ("imported", "catalogue", 2, 1)
