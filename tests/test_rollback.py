"""Rolling back one import: its rows go, everything else stays, and it can be imported again."""

import pytest

from coopdash import db, rollback, writer
from coopdash.errors import CoopdashError
from coopdash.load import ImportContext, import_file
from coopdash.webapp import uploads
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


# --- rolling back a replacing import restores what it replaced ----------------------------------


def records(title: str) -> bytes:
    record = (
        '<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">{n}</controlfield>'
        '<controlfield tag="008">220301s2022    cc            000 0 chi d</controlfield>'
        '<datafield tag="035" ind1=" " ind2=" "><subfield code="a">(OCoLC){n}</subfield></datafield>'
        '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">{title} {n}</subfield></datafield></record>'
    )
    body = "".join(record.format(n=n, title=title) for n in (101, 102))
    return f'<collection xmlns="http://www.loc.gov/MARC21/slim">{body}</collection>'.encode()


def corrected_figures(path, first: str, second: str) -> bytes:
    return (OCLC / path).read_bytes().replace(first.encode(), second.encode(), 1)


OCLC = CORPUS.parent / "oclc"
# (kind, first file, the file correcting it, what a reader sees of that kind)
REPLACING = [
    (
        "counter",
        ("q1.tsv", tabular().encode()),
        (
            "q1_fix.tsv",
            tabular(
                rows=[r[:5] + ["60", "10", "20", "30"] if i == 2 else r for i, r in enumerate(ROWS_TR)]
            ).encode(),
        ),
        "select * from usage_monthly order by all",
    ),
    (
        "catalogue",
        ("a.xml", records("First")),
        ("b.xml", records("Corrected")),
        "select record_key, title from contributions order by all",
    ),
    (
        "ill",
        ("ill.xls", (OCLC / "ill_monthly_activity.xls").read_bytes()),
        ("ill_fix.xls", corrected_figures("ill_monthly_activity.xls", "Jan-2024\t34", "Jan-2024\t35")),
        "select * exclude (import_id) from ill_activity order by all",
    ),
    (
        "cataloguing",
        ("cat.txt", (OCLC / "cataloguing_activity_2024q1.txt").read_bytes()),
        ("cat_fix.txt", corrected_figures("cataloguing_activity_2024q1.txt", "wang.li\t12", "wang.li\t13")),
        "select * exclude (import_id) from cataloguing_activity order by all",
    ),
]


def seen(path, text: str) -> list[tuple]:
    con = db.connect(path, read_only=True)
    try:
        return con.execute(text).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    ("kind", "first", "correction", "visible"), REPLACING, ids=[row[0] for row in REPLACING]
)
def test_rolling_back_a_correction_restores_what_it_replaced(
    tmp_path, registry, kind, first, correction, visible
):
    """Rolling back a correction left its months empty (the charts silently dropped to zero)."""
    path = tmp_path / "live.duckdb"
    context = ImportContext(registry, library="hangzhou" if kind == "catalogue" else None)
    [original] = uploads.apply(path, [uploads.Upload(*first)], context)
    before = seen(path, visible)
    coverage = seen(path, "select * from coverage_months(['hangzhou', 'zhejiang']) order by all")
    [fix] = uploads.apply(path, [uploads.Upload(*correction)], context)
    assert fix.status == "replaced" and seen(path, visible) != before

    with writer.writing(path) as con:
        done = rollback.roll_back(con, fix.import_id, by="tester")

    assert seen(path, visible) == before
    assert done.rows_restored == fix.replaced_rows > 0
    assert seen(path, "select * from coverage_months(['hangzhou', 'zhejiang']) order by all") == coverage
    assert seen(path, "select rows_restored from rollbacks") == [(done.rows_restored,)]
    [again] = uploads.check(path, [uploads.Upload(*first)], context)
    assert (again.status, again.import_id) == ("unchanged", original.import_id)  # whole again


def test_a_row_replaced_twice_comes_back_only_when_both_are_rolled_back(tmp_path, registry):
    """A (Jan-Mar), B corrects Jan-Mar, C corrects February: rolling back B brings back A's January
    and March but leaves C's February; rolling back C then brings back A's February."""
    path = tmp_path / "live.duckdb"

    def quarter(add: int, months=("Jan-2022", "Feb-2022", "Mar-2022")) -> bytes:
        rows = [
            [
                "Journal A",
                "Pub",
                "Plat",
                "Journal",
                "Total_Item_Requests",
                "",
                *(str(add + n) for n in range(len(months))),
            ]
        ]
        period = {"Reporting_Period": f"{months[0]} to {months[-1]}", "Created": "2022-05-01"}
        return tabular(header=period, months=list(months), rows=rows).encode()

    def by_month() -> list[int]:
        return [n for _, n in seen(path, "select month, sum(count) from usage_monthly group by 1 order by 1")]

    context = ImportContext(registry)
    names = []
    for name, data in (("a.tsv", quarter(1)), ("b.tsv", quarter(10)), ("c.tsv", quarter(100, ("Feb-2022",)))):
        [result] = uploads.apply(path, [uploads.Upload(name, data)], context)
        names.append(result.import_id)
    a, b, c = names
    assert by_month() == [10, 100, 12]
    with writer.writing(path) as con:
        rollback.roll_back(con, b, by=None)
    assert by_month() == [1, 100, 3]
    with writer.writing(path) as con:
        rollback.roll_back(con, c, by=None)
    assert by_month() == [1, 2, 3]
    assert seen(path, "select import_id, superseded_rows from imports") == [(a, 0)]  # A whole again
