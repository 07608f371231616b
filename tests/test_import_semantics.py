"""Import semantics a user relies on: nothing counted twice, replacements said, failures contained."""

import json
import subprocess
import sys
from pathlib import Path

from coopdash import db
from coopdash.cli import main
from coopdash.load import ImportContext, import_file
from tests.conftest import ROWS_TR, snapshot, tabular

ROOT = Path(__file__).resolve().parent.parent


def total(con) -> int:
    return con.execute("select coalesce(sum(count), 0) from usage").fetchone()[0]


def test_reimporting_the_same_file_changes_nothing(tmp_path, con, registry):
    path = tmp_path / "tr.tsv"
    path.write_text(tabular())
    first = import_file(con, path, ImportContext(registry))
    before = snapshot(con)

    again = import_file(con, path, ImportContext(registry))

    assert first.status == "imported"
    assert again.status == "unchanged"
    assert again.import_id == first.import_id
    assert f"already imported as import #{first.import_id}" in again.note
    assert snapshot(con) == before


def test_same_file_under_another_name_is_still_the_same_report(tmp_path, con, registry):
    (tmp_path / "a.tsv").write_text(tabular())
    (tmp_path / "copy of a.tsv").write_text(tabular())
    import_file(con, tmp_path / "a.tsv", ImportContext(registry))
    assert import_file(con, tmp_path / "copy of a.tsv", ImportContext(registry)).status == "unchanged"
    assert total(con) == 168


def test_a_new_report_for_the_same_months_replaces_them_and_says_how_many(tmp_path, con, registry):
    (tmp_path / "q1.tsv").write_text(tabular())
    first = import_file(con, tmp_path / "q1.tsv", ImportContext(registry))
    corrected = [row[:5] + [str(int(row[5]) + 3), row[6], row[7], str(int(row[8]) + 3)] for row in ROWS_TR]
    (tmp_path / "q1_corrected.tsv").write_text(
        tabular(rows=corrected, header={"Created": "2022-05-01T00:00:00Z"})
    )

    second = import_file(con, tmp_path / "q1_corrected.tsv", ImportContext(registry))

    assert second.status == "replaced"
    assert second.replaced_rows == first.long_rows == 18
    assert f"import(s) #{first.import_id}" in second.note
    assert total(con) == 168 + 3 * len(ROWS_TR)
    assert con.execute("select distinct import_id from usage").fetchall() == [(second.import_id,)]
    # Provenance is kept: the first file is still listed, with what replaced it traceable.
    assert con.execute(
        "select replaced_imports from imports where import_id = $i", {"i": second.import_id}
    ).fetchone() == ([first.import_id],)


def test_other_months_platforms_and_reports_are_not_replaced(tmp_path, con, registry):
    (tmp_path / "q1.tsv").write_text(tabular())
    import_file(con, tmp_path / "q1.tsv", ImportContext(registry))
    april = tabular(
        header={"Reporting_Period": "Begin_Date=2022-04-01; End_Date=2022-04-30"},
        months=["Apr-2022"],
        rows=[row[:6] + [row[6]] for row in ROWS_TR],
    )
    (tmp_path / "apr.tsv").write_text(april)
    other_platform = tabular(rows=[row[:2] + ["Other Platform"] + row[3:] for row in ROWS_TR])
    (tmp_path / "other_platform.tsv").write_text(other_platform)
    view = tabular(
        header={"Report_ID": "TR_J3", "Report_Name": "Journal Usage by Access Type"}, rows=ROWS_TR[:4]
    )
    (tmp_path / "view.tsv").write_text(view)

    statuses = [
        import_file(con, tmp_path / name, ImportContext(registry)).status
        for name in ("apr.tsv", "other_platform.tsv", "view.tsv")
    ]

    assert statuses == ["imported", "imported", "imported"]
    assert con.execute("select count(distinct import_id) from usage").fetchone()[0] == 4


def monthly(con) -> list[tuple]:
    return con.execute("select * from usage_monthly order by all").fetchall()


def test_monthly_usage_kept_by_imports_equals_a_recount_of_the_stored_rows(tmp_path, con, registry):
    """The charts read usage_monthly: after any mix of imports it must equal the rows it came from."""
    (tmp_path / "q1.tsv").write_text(tabular())
    view = tabular(
        header={"Report_ID": "TR_J3", "Report_Name": "Journal Usage by Access Type"},
        rows=[row[:5] + [str(int(row[5]) * 2), row[6], row[7], str(int(row[8]) * 2)] for row in ROWS_TR],
    )
    (tmp_path / "view.tsv").write_text(view)
    corrected = [row[:5] + [str(int(row[5]) + 3), row[6], row[7], str(int(row[8]) + 3)] for row in ROWS_TR]
    (tmp_path / "q1_corrected.tsv").write_text(
        tabular(rows=corrected, header={"Created": "2022-05-01T00:00:00Z"})
    )
    for name in ("view.tsv", "q1.tsv", "q1_corrected.tsv"):
        import_file(con, tmp_path / name, ImportContext(registry))
    kept = monthly(con)

    db.rebuild_usage_monthly(con)

    assert kept == monthly(con)
    # The master report wins over its view for the same platform and month: not counted twice.
    tr_total = con.execute("select sum(count) from usage where report_id = 'TR'").fetchone()[0]
    assert sum(row[4] for row in kept) == tr_total


def test_a_database_from_before_monthly_usage_gets_it_counted_on_opening(tmp_path, db_path, con, registry):
    (tmp_path / "q1.tsv").write_text(tabular())
    import_file(con, tmp_path / "q1.tsv", ImportContext(registry))
    kept = monthly(con)
    con.execute("drop table usage_monthly")
    con.close()

    reopened = db.connect(db_path)
    try:
        assert monthly(reopened) == kept != []
    finally:
        reopened.close()


def test_a_failed_file_does_not_stop_the_others(tmp_path, db_path, capsys):
    (tmp_path / "a_good.tsv").write_text(tabular())
    (tmp_path / "b_bad.tsv").write_text(tabular(header={"Release": "4"}))
    (tmp_path / "c_good.tsv").write_text(tabular(header={"Institution_Name": "Ningbo Library"}))

    code = main(["import", str(tmp_path), "--db", str(db_path), "--json"])

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert [(line["status"], line["library"]) for line in lines] == [
        ("imported", "hangzhou"),
        ("failed", None),
        ("imported", "ningbo"),
    ]
    assert "b_bad.tsv: COUNTER Release 4 is not supported" in lines[1]["error"]
    for line in lines:
        assert set(line) >= {
            "path",
            "status",
            "format",
            "library",
            "report_id",
            "release",
            "rows",
            "skipped",
            "warnings",
            "error",
        }
    con = db.connect(db_path, read_only=True)
    assert con.execute("select count(*) from imports").fetchone()[0] == 2
    con.close()


def test_exit_code_zero_when_every_file_imported_or_was_there(tmp_path, db_path, capsys):
    (tmp_path / "a.tsv").write_text(tabular())
    assert main(["import", str(tmp_path / "a.tsv"), "--db", str(db_path)]) == 0
    assert main(["import", str(tmp_path / "a.tsv"), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "1 imported of 1 file(s)" in out and "1 unchanged of 1 file(s)" in out


def test_status_shows_months_covered_per_library(tmp_path, db_path, capsys):
    (tmp_path / "a.tsv").write_text(tabular())
    main(["import", str(tmp_path / "a.tsv"), "--db", str(db_path)])
    capsys.readouterr()

    assert main(["status", "--db", str(db_path)]) == 0

    out = capsys.readouterr().out
    assert "1 file(s) imported, 18 usage rows, 2022-01 to 2022-03" in out
    assert "TR: months covered per year" in out
    assert "hangzhou" in out and "2022" in out


def test_database_path_from_the_environment(tmp_path):
    """COOPDASH_DB chooses the file when --db is not given; the CLI runs as a module."""
    (tmp_path / "a.tsv").write_text(tabular())
    target = tmp_path / "env.duckdb"
    run = subprocess.run(
        [sys.executable, "-m", "coopdash", "import", str(tmp_path / "a.tsv"), "--json"],
        cwd=ROOT,
        env={"COOPDASH_DB": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["status"] == "imported"
    assert target.exists()
