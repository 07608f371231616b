"""Bad ground under the database: a read-only folder, a damaged file, a disk that fills. Words, never a traceback.

The read-only folder and the full disk are real: a mount namespace of the test's
own (`unshare`) with the folder bound read-only, or a small tmpfs.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from coopdash import states
from coopdash.load import ImportContext
from coopdash.registry import DEFAULT_REGISTRY
from coopdash.webapp import uploads
from tests.conftest import ROOT, app, tabular, title_report


def namespaces_work() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(
    not namespaces_work(),
    reason="needs unshare (util-linux) and user namespaces for a read-only mount or tmpfs",
)


def in_namespace(setup: str, command: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `command` after the shell lines `setup` in a mount namespace of its own."""
    line = " ".join(f"'{part}'" for part in command)
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", f"set -e; {setup}; exec {line}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def read_only(folder: Path) -> str:
    return f"mount --bind {folder} {folder}; mount -o remount,ro,bind {folder}"


@pytest.fixture()
def live(tmp_path, registry) -> Path:
    folder = tmp_path / "db"
    folder.mkdir()
    path = folder / "coopdash.duckdb"
    uploads.apply(path, [uploads.Upload("good.tsv", tabular().encode())], ImportContext(registry))
    return path


def total(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select count(*), sum(count) from usage").fetchone()
    finally:
        con.close()


@needs_namespaces
def test_an_import_into_a_read_only_folder_says_so(live, tmp_path):
    other = tmp_path / "other.tsv"
    other.write_text(tabular(header={"Created": "2022-05-01T00:00:00Z"}))
    run = in_namespace(
        read_only(live.parent), [sys.executable, "-m", "coopdash", "import", str(other), "--db", str(live)]
    )
    assert run.returncode == 2, run.stderr
    assert "cannot be written" in run.stderr and "Read-only file system" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


# The dashboard's first page as AppTest runs it, in the namespace: what it shows, as JSON.
PAGE = """
import json, sys
from tests.conftest import entry_app
at = entry_app(120)
at.query_params["lang"] = sys.argv[1]
at.run()
print(json.dumps({
    "exception": [e.value for e in at.exception],
    "error": [e.value for e in at.error],
    "warning": [w.value for w in at.warning],
    "metrics": len(at.metric),
}))
"""


@needs_namespaces
@pytest.mark.parametrize(("lang", "said"), [("en", "cannot be written"), ("zh", "不可写入")])
def test_the_dashboard_on_a_read_only_folder_shows_the_data_and_says_why_changes_wait(
    live, tmp_path, lang, said
):
    """As seen: with a registry differing from the database's copy, every page failed on the read-only folder."""
    registry = tmp_path / "libraries.csv"
    text = DEFAULT_REGISTRY.read_text(encoding="utf-8")
    registry.write_text(
        text.replace("Hangzhou Library", "Hangzhou Public Library (renamed)", 1), encoding="utf-8"
    )
    env = {
        **__import__("os").environ,
        "COOPDASH_DB": str(live),
        "COOPDASH_REGISTRY": str(registry),
        "PYTHONPATH": str(ROOT),
    }
    run = in_namespace(read_only(live.parent), [sys.executable, "-c", PAGE, lang], env=env)
    assert run.returncode == 0, run.stderr
    shown = json.loads(run.stdout.strip().splitlines()[-1])
    assert not shown["exception"] and not shown["error"]
    assert any(said in w for w in shown["warning"])
    assert shown["metrics"] > 0  # the figures are still there


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "The database cannot be read"), ("zh", "无法读取数据库")], ids=["en", "zh"]
)
@pytest.mark.parametrize("damage", ["empty", "truncated", "state missing"])
def test_a_damaged_database_at_start_is_said_on_the_page(live, monkeypatch, lang, said, damage):
    state = states.current(live)
    if damage == "empty":
        state.write_bytes(b"")
    elif damage == "truncated":
        state.write_bytes(state.read_bytes()[:4096])
    else:
        state.unlink()
    monkeypatch.setenv("COOPDASH_DB", str(live))
    at = app(live, monkeypatch) if lang == "en" else None
    if at is None:
        from tests.conftest import entry_app

        at = entry_app(60)
        at.query_params["lang"] = "zh"
        at.run()
    assert not at.exception
    [error] = at.error
    assert said in error.value and "coopdash restore" in error.value
    assert not list(live.parent.glob("*.sample*"))  # no sample database was built over it


@pytest.mark.parametrize("command", ["import", "status"])
def test_a_damaged_database_is_said_by_the_cli(live, tmp_path, command):
    states.current(live).write_bytes(b"not a database")
    other = tmp_path / "other.tsv"
    other.write_text(tabular())
    args = [str(other)] if command == "import" else []
    run = subprocess.run(
        [sys.executable, "-m", "coopdash", command, *args, "--db", str(live)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert "cannot be read: it is not a DuckDB database" in run.stderr
    assert "coopdash restore" in run.stderr
    assert "Traceback" not in run.stderr and "_duckdb" not in run.stderr


def test_restore_puts_a_copy_back_and_keeps_what_it_replaced(live, tmp_path, registry):
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(live, copy)  # a backup: a copy of the live file is one whole state
    states.current(live).write_bytes(b"\0" * 100)  # the live file damaged
    run = subprocess.run(
        [sys.executable, "-m", "coopdash", "restore", str(copy), "--db", str(live)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert total(live) == total(copy)
    [kept] = live.parent.glob("*.before-restore-*.backup")
    assert kept.read_bytes() == b"\0" * 100
    assert kept.name in run.stdout


def test_restore_refuses_what_is_not_a_coopdash_database(live, tmp_path):
    stranger = tmp_path / "stranger.duckdb"
    duckdb.connect(str(stranger)).close()
    before = total(live)
    run = subprocess.run(
        [sys.executable, "-m", "coopdash", "restore", str(stranger), "--db", str(live)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and "not one of coopdash's" in run.stderr
    assert total(live) == before


@needs_namespaces
def test_a_disk_that_fills_while_the_draft_grows_is_said_and_changes_nothing(tmp_path):
    """As seen: the import died with a raw DuckDB FATAL. The database sits on a 7 MB tmpfs; the import needs more."""
    folder = tmp_path / "small"
    folder.mkdir()
    big = tmp_path / "big.tsv"
    title_report(big, 150_000)
    script = f"""
import subprocess, sys
from coopdash.cli import main
db = "{folder}/coopdash.duckdb"
assert main(["import", "{ROOT}/tests/fixtures/corpus/counter/cop5__PR_sample_r51.tsv", "--db", db, "--library", "hangzhou"]) == 0
before = open(db, "rb").read()
code = main(["import", "{big}", "--db", db])
assert open(db, "rb").read() == before, "the database changed"
import os
assert not [n for n in os.listdir("{folder}/coopdash.duckdb.states") if n.endswith(".draft")], "a draft was left"
print("exit", code)
"""
    run = in_namespace(
        f"mount -t tmpfs -o size=7m none {folder}",
        [sys.executable, "-c", script],
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "exit 2" in run.stdout
    assert "the disk is full; nothing was changed" in run.stdout + run.stderr
    assert "FATAL" not in run.stdout + run.stderr and "Traceback" not in run.stdout + run.stderr
