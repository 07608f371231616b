"""Rolling back one import: its rows go, everything else stays, and it can be imported again."""

import pytest

from coopdash import db, rollback, writer
from coopdash.errors import CoopdashError
from coopdash.load import ImportContext, import_file
from tests.conftest import CORPUS, ROWS_TR, tabular


def state(path):
    con = db.connect(path, read_only=True)
    try:
        return {
            "usage": con.execute("select * from usage order by all").fetchall(),
            "monthly": con.execute("select * from usage_monthly order by all").fetchall(),
            "contributions": con.execute("select count(*) from contributions").fetchone()[0],
            "version": con.execute("select version from data_version").fetchone()[0],
        }
    finally:
        con.close()


def test_rolling_back_an_import_restores_the_figures_without_it(tmp_path, registry):
    path = tmp_path / "live.duckdb"
    (tmp_path / "q1.tsv").write_text(tabular())
    april = tabular(
        header={"Reporting_Period": "Begin_Date=2022-04-01; End_Date=2022-04-30"},
        months=["Apr-2022"],
        rows=[row[:6] + [row[6]] for row in ROWS_TR],
    )
    (tmp_path / "apr.tsv").write_text(april)
    with writer.writing(path) as con:
        db.sync_registry(con, registry)
        import_file(con, tmp_path / "q1.tsv", ImportContext(registry))
    before = state(path)
    with writer.writing(path) as con:
        added = import_file(con, tmp_path / "apr.tsv", ImportContext(registry))
    assert state(path)["usage"] != before["usage"]

    with writer.writing(path) as con:
        done = rollback.roll_back(con, added.import_id, by="tester")

    after = state(path)
    assert after["usage"] == before["usage"] and after["monthly"] == before["monthly"]
    assert after["version"] > before["version"]  # the dashboard's caches see the change
    assert done.rows_removed > 0
    con = db.connect(path, read_only=True)
    logged = con.execute("select import_id, file_name, rolled_back_by from rollbacks").fetchall()
    con.close()
    assert logged == [(added.import_id, "apr.tsv", "tester")]
    with writer.writing(path) as con:  # the same file can come back
        assert import_file(con, tmp_path / "apr.tsv", ImportContext(registry)).status == "imported"


def test_rolling_back_catalogue_records(tmp_path, registry):
    path = tmp_path / "live.duckdb"
    marc = next(iter(sorted((CORPUS / "marc").glob("*.mrc"))))
    with writer.writing(path) as con:
        db.sync_registry(con, registry)
        result = import_file(con, marc, ImportContext(registry, library="hangzhou"))
    assert state(path)["contributions"] > 0
    with writer.writing(path) as con:
        rollback.roll_back(con, result.import_id, by=None)
    assert state(path)["contributions"] == 0


def test_an_unknown_import_is_said_plainly(tmp_path, registry):
    path = tmp_path / "live.duckdb"
    with pytest.raises(CoopdashError, match="no import #99"), writer.writing(path) as con:
        rollback.roll_back(con, 99, by=None)
