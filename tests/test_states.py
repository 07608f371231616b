"""Readers always see the last finished write: each written state a file of its own, old ones removed when unread."""

import subprocess
import sys
import threading

import duckdb
import pytest

from coopdash import bootstrap, db, export, rollback, states
from coopdash.errors import DatabaseUnreadable
from coopdash.load import ImportContext
from coopdash.webapp import uploads
from coopdash.writer import writing
from tests.conftest import ROOT, ROWS_TR, tabular


def report(platform: str) -> uploads.Upload:
    rows = [row[:2] + [platform] + row[3:] for row in ROWS_TR]
    return uploads.Upload(f"{platform}.tsv", tabular(rows=rows).encode())


def files(path) -> int:
    with states.reading(path) as (con, _):
        con.execute("select * from usage, libraries").fetchall()  # reads every block a page may need
        return con.execute("select count(*) from imports").fetchone()[0]


@pytest.fixture()
def live(tmp_path, registry):
    path = tmp_path / "live.duckdb"
    uploads.apply(path, [report("First")], ImportContext(registry))
    return path


def test_a_reader_after_a_write_sees_it_whatever_older_readers_hold(live, registry):
    """As seen: a held connection to the database's name made later readers in the process read the old file."""
    by_name = duckdb.connect(str(live), read_only=True)  # an outside tool, or an older reader, by the name
    with states.reading(live) as (exporting, first):  # a long export pinned to the state before the import
        uploads.apply(live, [report("Second")], ImportContext(registry))
        assert files(live) == 2
        assert exporting.execute("select count(*) from imports").fetchone()[0] == 1  # its own state, whole
        with writing(live) as con:
            rollback.roll_back(con, 2, by="test")
        assert files(live) == 1
        uploads.apply(live, [report("Third")], ImportContext(registry))
        assert files(live) == 2
        assert first.exists()  # kept while the export reads it
    by_name.close()
    assert not first.exists()  # removed once its last reader let go
    assert list(states.folder(live).glob("*.duckdb")) == [states.current(live)]


def test_every_write_is_a_state_of_a_new_name(live, registry):
    seen = {states.current(live)}
    for platform in ("A", "B", "C"):
        uploads.apply(live, [report(platform)], ImportContext(registry))
        seen.add(states.current(live))
    assert len(seen) == 4


def test_an_export_reads_one_state_while_imports_go_on(live, registry):
    """The Parquet download started before an import holds the state it began on; the next reader sees the import."""
    started, finish = threading.Event(), threading.Event()
    original = states.reading

    def slow_reading(path, state=None):
        manager = original(path, state)

        class Held:
            def __enter__(self):
                value = manager.__enter__()
                started.set()
                finish.wait(30)
                return value

            def __exit__(self, *exc):
                return manager.__exit__(*exc)

        return Held()

    result = {}
    export_thread = threading.Thread(
        target=lambda: result.setdefault("zip", export.parquet_zip(live)), daemon=True
    )
    states.reading, export.states.reading = slow_reading, slow_reading
    try:
        export_thread.start()
        assert started.wait(30)
    finally:
        states.reading = export.states.reading = original
    uploads.apply(live, [report("During")], ImportContext(registry))
    assert files(live) == 2
    finish.set()
    export_thread.join(60)
    assert result["zip"]
    assert len(list(states.folder(live).glob("*.duckdb"))) == 1


# Another process holding an old state open while the database moves on.
HOLDER = """
import sys
from pathlib import Path
from coopdash import states
with states.reading(Path(sys.argv[1])) as (con, state):
    print(state, flush=True)
    sys.stdin.readline()
    print(con.execute("select count(*) from imports").fetchone()[0], flush=True)
"""


def test_a_state_another_process_reads_stays_until_it_lets_go(live, registry):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(live)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        held = holder.stdout.readline().strip()
        uploads.apply(live, [report("Second")], ImportContext(registry))
        assert files(live) == 2
        assert states.current(live) != states.folder(live) / held.rsplit("/", 1)[-1]
        assert (states.folder(live) / held.rsplit("/", 1)[-1]).exists()
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "1"  # its state, whole, to the end
    finally:
        holder.kill()
        holder.wait()
    uploads.apply(live, [report("Third")], ImportContext(registry))
    assert len(list(states.folder(live).glob("*.duckdb"))) == 1


def test_a_plain_database_file_is_adopted_in_place(tmp_path, registry):
    """A database an older version left as a plain file is read as it is; a start moves it into the layout unread."""
    path = tmp_path / "old.duckdb"
    con = db.connect(path)
    db.sync_registry(con, registry)
    con.close()
    inode = path.stat().st_ino
    assert files(path) == 0
    bootstrap.refresh(path, registry)
    assert states.is_layout(path)
    assert states.current(path).stat().st_ino == inode  # moved by a link, not copied


def test_a_reader_pinned_to_a_removed_state_is_told(live, registry):
    old = states.current(live)
    uploads.apply(live, [report("Second")], ImportContext(registry))
    assert not old.exists()
    with pytest.raises(states.StateGone), states.reading(live, old):
        pass


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda f: f.write_bytes(b""), "not a DuckDB database"),
        (lambda f: f.write_bytes(f.read_bytes()[: len(f.read_bytes()) // 3]), "cut short"),
        (lambda f: f.write_bytes(b"\0" * 4096 + f.read_bytes()[4096:]), "not a DuckDB database"),
        (lambda f: f.unlink(), "which is missing"),
    ],
    ids=["empty", "truncated", "overwritten", "state missing"],
)
def test_a_damaged_database_is_said_with_what_to_do(live, damage, said):
    damage(states.current(live))
    with pytest.raises(DatabaseUnreadable) as raised:
        files(live)
    message = str(raised.value)
    assert said in message and "python -m coopdash restore" in message and "Traceback" not in message
