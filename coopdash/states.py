"""Database states: every write a file of its own name, the database path a pointer to the current one.

Within one process DuckDB hands a new connection to a path the database instance
it already holds open for that path. When a write replaced the file under one
fixed name, a reader connecting after the write could still be given the old
file, for as long as any other connection to that name lived (an export, a slow
page): fresh readers saw old figures for minutes. So no name is ever reused:

- each written state is `<db>.states/<seq>-<random>.duckdb`, never changed once
  published;
- `<db>` (data/coopdash.duckdb) is a symbolic link to the current state, replaced
  in one rename, so `duckdb data/coopdash.duckdb` and a backup copy still work;
- a reader resolves the link once, takes a shared lock on the state file and opens
  that file by its own name, so every query of one page run reads one state, and a
  reader after a write can only be given the new one;
- a state no longer current is removed once nobody holds its lock (after each
  write, and when the last reader of an old state lets go).

A database left as a plain file (by an older version, or put there by hand) is
read as it is and moved into this layout by the next write, in place (a link,
not a copy).
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from coopdash.errors import DatabaseUnreadable

SUFFIX = ".duckdb"
DRAFT = ".draft"


class StateGone(Exception):
    """The state a reader was pinned to has been removed (a newer one replaced it and nobody held it)."""


def folder(path: Path) -> Path:
    return path.with_name(path.name + ".states")


def current(path: Path) -> Path | None:
    """The file holding the database's current state; None when there is no database at `path`."""
    if path.is_symlink():
        return path.parent / os.readlink(path)
    return path if path.exists() else None


def is_layout(path: Path) -> bool:
    """Whether `path` already points into its states folder (a write has published at least once)."""
    return path.is_symlink()


def new_draft(path: Path) -> Path:
    """A fresh, never-used name for the next state, as a draft until it is published."""
    states = folder(path)
    states.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name.split("-", 1)[0]) for p in states.glob(f"*{SUFFIX}") if p.name[:1].isdigit()]
    return states / f"{max(numbers, default=0) + 1:06d}-{secrets.token_hex(4)}{SUFFIX}{DRAFT}"


def drafts(path: Path) -> list[Path]:
    """Drafts left in the states folder (by a writer that is running, or was killed)."""
    states = folder(path)
    return sorted(states.glob(f"*{DRAFT}")) if states.is_dir() else []


def remove_drafts(path: Path) -> None:
    """Called by a writer holding the writer lock: nothing else can be writing them."""
    for draft in drafts(path):
        for leftover in (draft, draft.with_name(draft.name + ".wal")):
            leftover.unlink(missing_ok=True)


def publish(path: Path, draft: Path) -> Path:
    """Make the finished draft the current state: the state file first, then the pointer, each in one rename."""
    state = draft.with_name(draft.name.removesuffix(DRAFT))
    os.replace(draft, state)
    _point(path, state)
    return state


def adopt(path: Path) -> None:
    """Move a plain database file into the layout without copying it (called under the writer lock)."""
    if path.is_symlink() or not path.exists():
        return
    draft = new_draft(path)
    os.link(path, draft)
    publish(path, draft)


def _point(path: Path, state: Path) -> None:
    link = path.with_name(f".{path.name}.{secrets.token_hex(4)}.link")
    os.symlink(os.path.relpath(state, path.parent), link)
    try:
        os.replace(link, path)
    except OSError:
        link.unlink(missing_ok=True)
        raise


def _pin(path: Path, state: Path | None) -> tuple[Path, int]:
    """The state to read and an open handle holding a shared lock on it, so it is not removed under the reader.

    With `state` given and removed since, raises StateGone; otherwise the current
    state is looked up again until one holds (a write may replace it meanwhile).
    """
    for _ in range(50):
        chosen = state or current(path)
        if chosen is None:
            raise FileNotFoundError(errno.ENOENT, "no database", str(path))
        try:
            handle = os.open(chosen, os.O_RDONLY)
        except FileNotFoundError:
            handle = None
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_SH)
            if os.fstat(handle).st_nlink > 0:  # not removed between the open and the lock
                return chosen, handle
            os.close(handle)
        if state is not None:
            raise StateGone(str(state))
        if current(path) == chosen:  # not replaced meanwhile: the pointer leads nowhere
            raise unreadable(path, chosen)
    raise StateGone(str(path))


@contextmanager
def reading(path: Path, state: Path | None = None) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """A read-only connection to one state of the database at `path` (the current one unless `state` is given).

    Yields the connection and the state it reads; StateGone when `state` was given
    and has been removed since.
    """
    chosen, handle = _pin(path, state)
    try:
        try:
            con = duckdb.connect(str(chosen), read_only=True)
        except duckdb.Error as exc:
            if is_held_for_writing(exc):
                raise
            raise unreadable(path, exc) from None
        try:
            yield con, chosen
        except duckdb.Error as exc:
            if is_damaged(exc):  # found only when a query reaches the damaged part
                raise unreadable(path, exc) from None
            raise
        finally:
            con.close()
    finally:
        os.close(handle)
    if chosen != path:
        remove_unread(path)


def is_held_for_writing(exc: duckdb.Error) -> bool:
    """DuckDB refused a reader because a tool outside coopdash holds the file for writing."""
    return isinstance(exc, duckdb.IOException) and "Could not set lock" in str(exc)


def is_damaged(exc: duckdb.Error) -> bool:
    """Whether DuckDB failed because the file itself is damaged, not because of the query."""
    text = str(exc)
    return any(sign in text for sign in _DAMAGE)


_DAMAGE = {
    "not a valid DuckDB database file": (
        "not_duckdb",
        "it is not a DuckDB database (empty, cut short at the start, or overwritten)",
    ),
    "Could not read enough bytes": ("cut_short", "it is shorter than it should be (cut short)"),
    "Corrupt database file": ("damaged", "it is damaged (a checksum does not match its contents)"),
}


def unreadable(path: Path, cause: duckdb.Error | Path) -> DatabaseUnreadable:
    """The error a user sees for a database that cannot be read (`cause` a Path: the missing state it
    points to), with the backups kept beside it."""
    if isinstance(cause, Path):
        kind, reason = "missing", f"it points to {cause}, which is missing"
    else:
        text = str(cause)
        kind, reason = next(
            (said for sign, said in _DAMAGE.items() if sign in text), ("other", text.splitlines()[0])
        )
    return DatabaseUnreadable(path, kind, reason, backups(path))


def backups(path: Path) -> list[str]:
    """The copies kept beside the database: migrations' and restores' (see writer.py and `coopdash restore`)."""
    return sorted(p.name for p in path.parent.glob(f"{path.name}.*.backup"))


def remove_unread(path: Path) -> list[Path]:
    """Remove every state that is no longer current and that no reader holds; returns those removed."""
    states = folder(path)
    if not states.is_dir():
        return []
    live = current(path)
    removed = []
    for state in states.glob(f"*{SUFFIX}"):
        if state == live:
            continue
        try:
            handle = os.open(state, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            continue  # a reader still holds it; the next write or its last reader removes it
        try:
            if current(path) != state:
                state.unlink(missing_ok=True)
                removed.append(state)
        except OSError:
            pass  # a read-only folder: the state stays, harmlessly
        finally:
            os.close(handle)
    return removed
