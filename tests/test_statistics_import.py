"""OCLC statistics through the whole import: detected from content, mapped to members, stored, replaced."""

from coopdash.load import ImportContext, import_file
from tests.conftest import FIXTURES, snapshot

OCLC = FIXTURES / "oclc"


def ill(con, library: str, role: str) -> list[tuple]:
    return con.execute(
        "select strftime(month, '%Y-%m'), requests, filled, unfilled from ill_activity "
        "where library_code = $l and role = $r order by month",
        {"l": library, "r": role},
    ).fetchall()


def test_an_xls_that_is_tab_delimited_text_imports_as_ill(con, registry):
    result = import_file(con, OCLC / "ill_monthly_activity.xls", ImportContext(registry))
    assert (result.status, result.kind, result.format, result.library) == (
        "imported",
        "ill",
        "tsv",
        "zhejiang",
    )
    assert result.rows == 12 and result.long_rows == 24
    assert ill(con, "zhejiang", "lending")[0] == ("2024-01", 1012, 948, 64)
    assert ill(con, "zhejiang", "borrowing")[1] == ("2024-02", 21, 18, 3)


def test_the_same_figures_in_another_format_replace_rather_than_add(con, registry):
    first = import_file(con, OCLC / "ill_monthly_activity.xls", ImportContext(registry))
    stored = con.execute("select count(*), sum(requests) from ill_activity").fetchone()
    again = import_file(con, OCLC / "ill_monthly_activity.xls", ImportContext(registry))
    other = import_file(con, OCLC / "ill_monthly_activity_gb18030.csv", ImportContext(registry))
    assert again.status == "unchanged"
    assert (other.status, other.replaced_rows) == ("replaced", 24)
    assert f"#{first.import_id}" in other.note
    assert con.execute("select count(*), sum(requests) from ill_activity").fetchone() == stored
    assert stored[0] == 24


def test_request_list_and_cataloguing_activity(con, registry):
    requests = import_file(con, OCLC / "borrower_resource_sharing_stats_2024-03.xls", ImportContext(registry))
    assert (requests.status, requests.kind, requests.library) == ("imported", "ill", "hangzhou")
    assert ill(con, "hangzhou", "borrowing") == [("2024-03", 8, 5, 3)]
    cataloguing = import_file(con, OCLC / "cataloguing_activity_2024q1.txt", ImportContext(registry))
    assert (cataloguing.status, cataloguing.kind) == ("imported", "cataloguing")
    assert cataloguing.library is None  # the file covers two libraries, one per row
    by_library = dict(
        con.execute(
            "select library_code, sum(count) from cataloguing_activity where activity = 'new_records' group by all"
        ).fetchall()
    )
    assert set(by_library) == {"hangzhou", "ningbo"}


def test_a_file_that_names_no_library_needs_library(tmp_path, con, registry):
    path = tmp_path / "ill.txt"
    path.write_text("Month\tLending Requests\tLending Filled\n2024-01\t5\t4\n")
    before = snapshot(con)
    refused = import_file(con, path, ImportContext(registry))
    assert refused.status == "failed"
    assert "ill.txt: the file does not say which library it is for" in refused.error
    assert snapshot(con) == before
    given = import_file(con, path, ImportContext(registry, library="lishui"))
    assert (given.status, given.library) == ("imported", "lishui")
    assert ill(con, "lishui", "lending") == [("2024-01", 5, 4, 1)]


def test_an_unknown_institution_is_named(tmp_path, con, registry):
    path = tmp_path / "ill.txt"
    path.write_text(
        "Institution:\tSpringfield Library\n\nMonth\tLending Requests\tLending Filled\n2024-01\t5\t4\n"
    )
    refused = import_file(con, path, ImportContext(registry))
    assert "'Springfield Library' (1 rows) are not member libraries" in refused.error


def test_text_that_is_no_kind_of_report_is_refused_naming_all_three(tmp_path, con, registry):
    path = tmp_path / "notes.txt"
    path.write_text("Minutes of the symposium\nAttendees: all member libraries\n")
    refused = import_file(con, path, ImportContext(registry))
    assert "not a COUNTER report" in refused.error
    assert "not a MARC file and not an OCLC statistics export" in refused.error
