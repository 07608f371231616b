"""Writing the database under load and faults: readers never blocked, writers in turn, nothing half-written."""

import errno
import hashlib
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from coopdash import bootstrap, db, states, writer
from coopdash.cli import main
from coopdash.load import ImportContext, import_file
from coopdash.registry import Registry
from tests.conftest import ROOT, ROWS_TR, tabular, title_report


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def total(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select coalesce(sum(count), 0) from usage").fetchone()[0]
    finally:
        con.close()


def report(
    tmp_path: Path, name: str, created: str = "2022-04-02T10:00:00Z", platform: str = "Test Platform"
) -> Path:
    path = tmp_path / name
    rows = [row[:2] + [platform] + row[3:] for row in ROWS_TR]
    path.write_text(tabular(rows=rows, header={"Created": created}))
    return path


# Another process reading the file: the total, then (after a line on stdin) the total again.
READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select sum(count) from usage").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("select sum(count) from usage").fetchone()[0], flush=True)
"""


@pytest.fixture()
def loaded(tmp_path, registry) -> Path:
    """A database holding one imported report."""
    path = tmp_path / "live.duckdb"
    assert main(["import", str(report(tmp_path, "first.tsv")), "--db", str(path)]) == 0
    return path


def test_an_import_goes_on_while_another_process_reads(tmp_path, loaded):
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(loaded)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        before = int(reader.stdout.readline())
        code = main(["import", str(report(tmp_path, "other.tsv", platform="Other")), "--db", str(loaded)])
        reader.stdin.write("\n")
        reader.stdin.flush()
        still = int(reader.stdout.readline())
    finally:
        reader.kill()
        reader.wait()
    assert code == 0  # the reader did not block the import
    assert still == before  # and it kept reading the file as it was, whole
    assert total(loaded) == 2 * before  # the next reader sees the new import


def test_two_imports_started_at_once_are_serialised(tmp_path, loaded):
    files = [report(tmp_path, f"p{n}.tsv", platform=f"Platform {n}") for n in range(2)]
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "coopdash", "import", str(path), "--db", str(loaded), "--json"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    con = duckdb.connect(str(loaded), read_only=True)
    platforms = {p for (p,) in con.execute("select distinct platform from usage").fetchall()}
    con.close()
    assert platforms == {"Test Platform", "Platform 0", "Platform 1"}  # neither import lost


def test_an_import_killed_half_way_leaves_the_database_as_it_was(tmp_path, loaded):
    before, counts = digest(loaded), total(loaded)
    big = tmp_path / "big.tsv"
    title_report(big, 400_000)
    run = subprocess.Popen(
        [sys.executable, "-m", "coopdash", "import", str(big), "--db", str(loaded)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not states.drafts(loaded) and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # part-way through the file
    assert run.poll() is None, "the import finished before it could be killed"
    run.send_signal(signal.SIGKILL)
    run.wait()

    assert digest(loaded) == before
    assert total(loaded) == counts
    # The next import clears what the killed one left and goes through.
    assert main(["import", str(report(tmp_path, "after.tsv", platform="After")), "--db", str(loaded)]) == 0
    assert total(loaded) == 2 * counts
    assert not states.drafts(loaded)


def test_a_writer_that_fails_changes_nothing(tmp_path, loaded, registry):
    before = digest(loaded)
    with pytest.raises(RuntimeError), writer.writing(loaded) as con:
        import_file(con, report(tmp_path, "x.tsv", platform="X"), ImportContext(registry))
        raise RuntimeError("the machine went away")
    assert digest(loaded) == before
    assert not states.drafts(loaded)


def test_a_dry_run_shows_the_import_and_keeps_nothing(tmp_path, loaded, registry):
    before = digest(loaded)
    corrected = report(tmp_path, "corrected.tsv", created="2022-05-01T00:00:00Z")
    with writer.writing(loaded, keep=False) as con:
        result = import_file(con, corrected, ImportContext(registry))
    assert result.status == "replaced" and result.replaced_rows > 0  # what it would do, exactly
    assert digest(loaded) == before


def test_a_full_disk_is_said_plainly_and_changes_nothing(tmp_path, loaded, monkeypatch, capsys):
    before = digest(loaded)

    def no_room(source, target):
        Path(target).write_bytes(Path(source).read_bytes()[:4096])  # the disk filled up part-way
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer.shutil, "copyfile", no_room)
    code = main(["import", str(report(tmp_path, "y.tsv", platform="Y")), "--db", str(loaded)])
    assert code == 2
    assert "the disk is full; nothing was changed" in capsys.readouterr().err
    assert digest(loaded) == before
    assert not states.drafts(loaded)


def test_a_second_writer_that_cannot_wait_says_so(tmp_path, loaded):
    with writer.writer_lock(loaded, wait=None), pytest.raises(writer.WriterBusy, match="another import"):
        with writer.writing(loaded, wait=0.2):
            pass


def test_the_live_file_is_never_opened_for_writing(tmp_path, loaded, registry):
    """A reader's read-only handle on the live file coexists with a writer in the same process."""
    reader = db.connect(loaded, read_only=True)
    try:
        with writer.writing(loaded) as con:
            import_file(con, report(tmp_path, "z.tsv", platform="Z"), ImportContext(registry))
        assert reader.execute("select count(distinct platform) from usage").fetchone()[0] == 1
    finally:
        reader.close()
    assert total(loaded) > 0


def test_a_database_from_an_older_version_is_migrated_and_kept_as_a_backup(tmp_path, loaded):
    con = duckdb.connect(str(loaded))
    con.execute("delete from schema_version where version > 1")  # as an early version left it
    con.execute("drop table usage_monthly")
    con.close()
    old = digest(loaded)

    assert main(["import", str(report(tmp_path, "new.tsv", platform="New")), "--db", str(loaded)]) == 0

    backup = writer.backup_path(loaded, 1)
    assert digest(backup) == old  # the file as the older version left it
    assert db.schema_level(loaded) == db.SCHEMA_LEVEL
    con = duckdb.connect(str(loaded), read_only=True)
    monthly = con.execute("select sum(count) from usage_monthly").fetchone()[0]
    con.close()
    assert monthly == total(loaded)  # the new table was filled from the stored rows


def test_a_current_database_gets_no_backup(tmp_path, loaded):
    assert main(["import", str(report(tmp_path, "new.tsv", platform="New")), "--db", str(loaded)]) == 0
    assert not list(tmp_path.glob("*.backup"))


def test_a_start_leaves_a_current_database_unwritten(tmp_path, loaded, registry):
    before = loaded.stat()
    bootstrap.refresh(loaded, registry)
    after = loaded.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_start_copies_a_changed_registry_in(tmp_path, loaded, registry):
    hangzhou = registry.libraries["hangzhou"]
    changed = Registry(
        [
            replace(lib, population=lib.population + 1) if lib is hangzhou else lib
            for lib in registry.libraries.values()
        ]
    )
    bootstrap.refresh(loaded, changed)
    con = duckdb.connect(str(loaded), read_only=True)
    try:
        stored = con.execute("select population from libraries where code = 'hangzhou'").fetchone()[0]
    finally:
        con.close()
    assert stored == hangzhou.population + 1


def test_a_start_migrates_a_database_from_an_older_version(tmp_path, loaded, registry):
    con = duckdb.connect(str(loaded))
    con.execute("delete from schema_version where version > 1")
    con.close()
    bootstrap.refresh(loaded, registry)
    assert db.schema_level(loaded) == db.SCHEMA_LEVEL
    assert writer.backup_path(loaded, 1).exists()
