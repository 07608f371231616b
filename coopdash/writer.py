"""The one way the database file changes: on a private draft, put in place whole.

DuckDB lets one process write a file, and while it writes no other process may
even read it. The dashboard must keep answering while the provincial library
imports, and an import killed half-way must leave nothing behind. So a writer
copies the file to a draft beside it, changes the draft, and replaces the file
with it in one rename. Readers that opened the old file keep reading it whole;
the next query opens the new one. Writers take turns through a lock file, so two
imports started at once are serialised, never interleaved. A writer that fails
or is killed leaves the file exactly as it was (its draft is removed by the next).
A file written by an older version of the app is migrated on its draft, and kept
as it was beside the new one (`<name>.schema-<level>.backup`).
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from coopdash import db, sql
from coopdash.errors import CoopdashError


class WriterBusy(CoopdashError):
    """Another writer holds the database and did not finish in time."""


class NoRoom(CoopdashError):
    """The disk is full: the draft could not be written; nothing changed."""


def draft_path(path: Path) -> Path:
    return path.with_name(path.name + ".draft")


@contextmanager
def writer_lock(path: Path, wait: float | None) -> Iterator[None]:
    """Hold the file's writer lock; `wait` None waits as long as it takes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+") as handle:
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() > deadline:
                    raise WriterBusy(
                        f"{path}: another import is writing the database and did not finish within "
                        f"{wait:g} seconds; try again when it has"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def writing(
    path: Path, *, wait: float | None = None, keep: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a draft of `path` (schema applied); on success the draft replaces `path`.

    `keep=False` throws the draft away: a dry run that shows what an import would
    do (rows, replacements, warnings) without doing it.
    """
    with writer_lock(path, wait):
        draft = draft_path(path)
        _remove(draft)
        level = db.schema_level(path)
        try:
            if path.exists():
                shutil.copyfile(path, draft)
            con = db.connect(draft)
        except OSError as exc:
            _remove(draft)
            raise _said(exc, path) from None
        try:
            yield con
            if keep:
                sql.execute(con, "maintenance/bump_data_version")
            con.execute("checkpoint")
        except BaseException:
            con.close()
            _remove(draft)
            raise
        con.close()
        if not keep:
            _remove(draft)
            return
        try:
            _flush(draft)
            if level is not None and level < db.SCHEMA_LEVEL:
                keep_backup(path, level)
            os.replace(draft, path)
            _flush(path.parent)
        except OSError as exc:
            _remove(draft)
            raise _said(exc, path) from None


def backup_path(path: Path, level: int) -> Path:
    return path.with_name(f"{path.name}.schema-{level}.backup")


def keep_backup(path: Path, level: int) -> None:
    """Before a database written by an older version is replaced by its migrated draft, keep it as it was."""
    backup = backup_path(path, level)
    backup.unlink(missing_ok=True)
    os.link(path, backup)  # the same bytes under a second name: instant, and the rename leaves them alone


def _remove(draft: Path) -> None:
    for leftover in (draft, draft.with_name(draft.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _flush(path: Path) -> None:
    """Make the draft's bytes (or the rename in a folder) durable before anyone relies on them."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _said(exc: OSError, path: Path) -> CoopdashError:
    if exc.errno == errno.ENOSPC:
        return NoRoom(f"{path}: the disk is full; nothing was changed. Free some space and import again.")
    return CoopdashError(f"{path}: cannot write the database ({exc.strerror or exc}); nothing was changed")
