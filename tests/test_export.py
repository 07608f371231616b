"""The database as Parquet: every table there, with the same rows."""

import io
import zipfile

import duckdb

from coopdash import export
from coopdash.load import ImportContext, import_file
from tests.conftest import tabular


def test_every_table_comes_out_with_its_rows(tmp_path, db_path, con, registry):
    (tmp_path / "tr.tsv").write_text(tabular())
    import_file(con, tmp_path / "tr.tsv", ImportContext(registry))
    con.close()
    bundle = zipfile.ZipFile(io.BytesIO(export.parquet_zip(db_path)))
    assert sorted(bundle.namelist()) == sorted(f"{table}.parquet" for table in export.TABLES)
    bundle.extractall(tmp_path / "out")
    check = duckdb.connect()
    usage = check.execute(
        "select sum(count) from read_parquet($p)", {"p": str(tmp_path / "out" / "usage.parquet")}
    )
    assert usage.fetchone()[0] == 168
    libraries = check.execute(
        "select count(*) from read_parquet($p)", {"p": str(tmp_path / "out" / "libraries.parquet")}
    )
    assert libraries.fetchone()[0] == len(registry.libraries)
