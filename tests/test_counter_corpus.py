"""Every real COUNTER file in the corpus imports with exactly the figures FACTS.json gives."""

import json

import pytest

from coopdash.load import ImportContext, import_file
from tests.conftest import CORPUS

FACTS = [
    f for f in json.loads((CORPUS / "FACTS.json").read_text())["files"] if f["file"].startswith("counter/")
]


@pytest.mark.parametrize("fact", FACTS, ids=[f["file"] for f in FACTS])
def test_corpus_file_imports_exactly(con, registry, fact):
    facts = fact["facts"]
    # The samples are for invented institutions, as a consortium's own exports
    # would be before their identifiers are in the registry: name the library.
    result = import_file(con, CORPUS / fact["file"], ImportContext(registry, library="hangzhou"))

    assert result.status == "imported", result.error
    assert result.report_id == facts["report_id"]
    assert result.release == facts["release"]
    assert result.rows == facts["data_rows"]
    sums = dict(con.execute("select metric_type, sum(count) from usage group by metric_type").fetchall())
    assert sums == facts["metric_sums"]
    stored_months = [
        m.strftime("%Y-%m") for (m,) in con.execute("select distinct month from usage order by 1").fetchall()
    ]
    expected_months = facts.get("months") or sorted(stored_months)
    assert stored_months == expected_months
    (covered,) = con.execute("select months from imports").fetchone()
    assert [m.strftime("%Y-%m") for m in covered] == expected_months
    assert result.warnings == []


def test_three_formats_of_one_report_store_identical_rows(con, registry):
    """The validator's TR as CSV, JSON and XLSX: the same usage, whichever arrives."""
    stored = []
    for suffix in ("csv", "json", "xlsx"):
        con.execute("delete from usage_counts")
        con.execute("delete from usage_rows")
        con.execute("delete from imports")
        path = CORPUS / f"counter/counter-validator__50-Sample-TR.{suffix}"
        result = import_file(con, path, ImportContext(registry, "hangzhou"))
        assert result.status == "imported", result.error
        stored.append(
            con.execute(
                "select title, platform, isbn, yop, access_type, metric_type, month, count from usage order by all"
            ).fetchall()
        )
    assert stored[0] == stored[1] == stored[2]
    assert len(stored[0]) == 47
