"""Import files the two ways a user can: the command line (as a process) and the Import page's functions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import duckdb

from coopdash.load import ImportContext
from coopdash.registry import Registry
from coopdash.webapp import uploads

ROOT = Path(__file__).resolve().parent.parent


def through_cli(
    database: Path, *paths: Path, library: str | None = None, env: dict | None = None
) -> list[dict]:
    """`python -m coopdash import PATH... --json`, one result per file, as the CLI prints them."""
    command = [sys.executable, "-m", "coopdash", "import", *map(str, paths), "--db", str(database), "--json"]
    if library:
        command += ["--library", library]
    run = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}
    )
    assert "Traceback" not in run.stderr, run.stderr
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(results) == len(paths), run.stdout + run.stderr
    return results


def through_page(
    database: Path, files: list[tuple[str, bytes]], registry: Registry, library: str | None = None
) -> list[dict]:
    """What the Import page does: check the files (a dry run), then import them; both must agree."""
    context = ImportContext(registry, library=library)
    sent = [uploads.Upload(uploads.safe_name(name), data) for name, data in files]
    checked = uploads.check(database, sent, context)
    done = uploads.apply(database, sent, context)
    assert [(r.status, r.error, r.warnings) for r in checked] == [
        (r.status, r.error, r.warnings) for r in done
    ]
    return [asdict(result) for result in done]


def both_ways(tmp_path: Path, registry: Registry, *files: tuple[str, bytes], library: str | None = None):
    """Import the same files, in order, into two new databases: by the CLI and by the page.

    Returns (the CLI's results, the page's results, the CLI's database, the page's database).
    """
    folder = tmp_path / "files"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files:
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    cli_db, page_db = tmp_path / "cli.duckdb", tmp_path / "page.duckdb"
    cli = [through_cli(cli_db, path, library=library)[0] for path in paths]  # one run per file, in order
    page = [through_page(page_db, [file], registry, library)[0] for file in files]
    return cli, page, cli_db, page_db


def query(database: Path, text: str) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(text).fetchall()
    finally:
        con.close()
