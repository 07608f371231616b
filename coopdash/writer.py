"""The one way the database changes: on a private draft, published whole as a new state.

DuckDB lets one process write a file, and while it writes no other process may
even read it. The dashboard must keep answering while the provincial library
imports, and an import killed half-way must leave nothing behind. So a writer
copies the current state to a draft of a new name, changes the draft, and
publishes it (coopdash/states.py: the state file, then the database's pointer,
each in one rename). Readers that opened the old state keep reading it whole;
the next reader opens the new one. Writers take turns through a lock file, so two
imports started at once are serialised, never interleaved. A writer that fails
or is killed leaves the database exactly as it was (its draft is removed by the
next). A file written by an older version of the app is migrated on its draft,
and kept as it was beside the new one (`<name>.schema-<level>.backup`).
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

from coopdash import db, sql, states
from coopdash.errors import CoopdashError, DatabaseNotWritable


class WriterBusy(CoopdashError):
    """Another writer holds the database and did not finish in time."""


class NoRoom(CoopdashError):
    """The disk is full: the draft could not be written; nothing changed."""


@contextmanager
def writer_lock(path: Path, wait: float | None) -> Iterator[None]:
    """Hold the file's writer lock; `wait` None waits as long as it takes."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_name(path.name + ".lock"), "a+")
    except OSError as exc:
        raise DatabaseNotWritable(
            f"{path.parent}: the database's folder cannot be written ({exc.strerror or exc}), so nothing "
            "can be imported or changed; the dashboard still shows the data as it is. Give the service's "
            "user write access to the folder, or set COOPDASH_DB to a database in a writable folder"
        ) from None
    with handle:
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
    path: Path, *, wait: float | None = None, keep: bool = True, start_from: Path | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a draft of the database at `path` (schema applied); on success the
    draft is published as its new state.

    `keep=False` throws the draft away: a dry run that shows what an import would
    do (rows, replacements, warnings) without doing it. `start_from` starts the
    draft from another database file instead of the current state (a restore).
    """
    with writer_lock(path, wait):
        states.remove_drafts(path)
        level = None if start_from else db.schema_level(path)
        draft, con = _open_draft(path, start_from or states.current(path))
        try:
            yield con
            if keep:
                sql.execute(con, "maintenance/bump_data_version")
            con.execute("checkpoint")
        except BaseException as exc:
            _close(con)
            states.remove_drafts(path)
            raise _abandoned(exc, path) from None
        con.close()
        if not keep:
            states.remove_drafts(path)
            return
        try:
            _flush(draft)
            if level is not None and level < db.SCHEMA_LEVEL:
                keep_backup(path, level)
            states.publish(path, draft)
            _flush(states.folder(path))
            _flush(path.parent)
        except OSError as exc:
            states.remove_drafts(path)
            raise _said(exc, path) from None
    states.remove_unread(path)


def _open_draft(path: Path, source: Path | None) -> tuple[Path, duckdb.DuckDBPyConnection]:
    """A new draft, a copy of `source` (empty without one), open with the current schema applied."""
    try:
        draft = states.new_draft(path)
        if source is not None:
            shutil.copyfile(source, draft)
        return draft, db.connect(draft)
    except OSError as exc:
        states.remove_drafts(path)
        raise _said(exc, path) from None
    except duckdb.Error as exc:  # the copy will not open: the file it was copied from is damaged
        states.remove_drafts(path)
        if is_disk_full(exc):
            raise NoRoom(_NO_ROOM.format(path=path)) from None
        raise states.unreadable(source or path, exc) from None


def _abandoned(exc: BaseException, path: Path) -> BaseException:
    """What a writer that failed part-way says: the disk filling and DuckDB giving up in words."""
    if is_disk_full(exc):
        return NoRoom(_NO_ROOM.format(path=path))
    if isinstance(exc, duckdb.FatalException):
        reason = str(exc).splitlines()[0]
        return CoopdashError(f"{path}: the database could not be written ({reason}); nothing was changed")
    return exc


def is_disk_full(exc: BaseException) -> bool:
    """Whether a failure while writing the draft was the disk filling up (DuckDB says so only in words)."""
    if isinstance(exc, OSError):
        return exc.errno == errno.ENOSPC
    return isinstance(exc, duckdb.Error) and "No space left on device" in str(exc)


def backup_path(path: Path, level: int) -> Path:
    return path.with_name(f"{path.name}.schema-{level}.backup")


def keep_backup(path: Path, level: int) -> None:
    """Before a database written by an older version is replaced by its migrated draft, keep it as it was."""
    backup = backup_path(path, level)
    backup.unlink(missing_ok=True)
    os.link(
        states.current(path), backup
    )  # the same bytes under a second name: instant, and the rename leaves them alone


def keep_replaced(path: Path) -> Path | None:
    """Before a restore replaces the database, keep its current state beside it (a link: no copy)."""
    current = states.current(path)
    if current is None or not current.exists():
        return None
    backup = path.with_name(f"{path.name}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}.backup")
    backup.unlink(missing_ok=True)
    os.link(current, backup)
    return backup


def _close(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.close()
    except duckdb.Error:
        pass  # a draft DuckDB gave up on (a fatal error): it is thrown away anyway


def _flush(path: Path) -> None:
    """Make the draft's bytes (or the rename in a folder) durable before anyone relies on them."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


_NO_ROOM = "{path}: the disk is full; nothing was changed. Free some space and import again."


def _said(exc: OSError, path: Path) -> CoopdashError:
    if exc.errno == errno.ENOSPC:
        return NoRoom(_NO_ROOM.format(path=path))
    return CoopdashError(f"{path}: cannot write the database ({exc.strerror or exc}); nothing was changed")
