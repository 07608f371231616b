"""Imports from the browser: a check that changes nothing, then the import; a file's name is only a label."""

import hashlib

import pytest

from coopdash.load import ImportContext
from coopdash.webapp import uploads
from tests.conftest import tabular


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("PR_2025.tsv", "PR_2025.tsv"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\lib\\DR 2025.xlsx", "DR 2025.xlsx"),
        ("杭州图书馆_TR_2025.csv", "杭州图书馆_TR_2025.csv"),
        ("bad\x00name\n.tsv", "badname.tsv"),
        ("..", "upload"),
        ("", "upload"),
        ("a" * 300 + ".tsv", "a" * 160),
    ],
)
def test_a_file_name_is_made_a_safe_label(sent, kept):
    assert uploads.safe_name(sent) == kept


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_check_changes_nothing_and_the_import_does_what_it_said(tmp_path, registry):
    database = tmp_path / "live.duckdb"
    files = [uploads.Upload("../q1.tsv", tabular().encode()), uploads.Upload("broken.tsv", b"not a report")]
    context = ImportContext(registry)
    uploads.apply(database, [], context)  # an empty database to start from
    before = digest(database)

    checked = uploads.check(database, files, context)
    assert digest(database) == before
    assert [r.status for r in checked] == ["imported", "failed"]
    assert "broken.tsv" in checked[1].error

    done = uploads.apply(database, files, context)
    assert [(r.status, r.long_rows) for r in done] == [(r.status, r.long_rows) for r in checked]
    again = uploads.check(database, files[:1], context)
    assert again[0].status == "unchanged"  # importing it twice would count nothing twice
    table = uploads.results_table(done, "zh")
    assert list(table["状态"]) == ["已导入", "失败"]
    assert list(table["文件"]) == ["../q1.tsv", "broken.tsv"] or list(table["文件"]) == [
        "q1.tsv",
        "broken.tsv",
    ]
