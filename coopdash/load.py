"""Import files into the database: all or nothing per file, never the same file twice.

The only writer of the database's data. Each file is read and checked first
(outside any transaction, in a reader thread for batches), then stored in one
transaction: its provenance row in `imports`, the rows it replaces removed, its
own rows inserted. A failure anywhere rolls the whole file back and leaves the
database as it was; the next file goes ahead. What a file is (COUNTER usage,
catalogue records, OCLC statistics) is judged from its content; the loaders in
coopdash/loaders/ know each kind.
"""

from __future__ import annotations

import getpass
import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from coopdash import sql
from coopdash.errors import CoopdashError, ImportFailed, UnknownInstitution
from coopdash.importers.kinds import detect_kind
from coopdash.registry import Registry
from coopdash.writer import is_disk_full

MAX_FILE_BYTES = int(os.environ.get("COOPDASH_MAX_FILE_MB", "200")) * 1024 * 1024
IMPORTABLE_SUFFIXES = {
    ".tsv",
    ".csv",
    ".txt",
    ".xlsx",
    ".xls",
    ".json",
    ".mrc",
    ".marc",
    ".dat",
    ".iso",
    ".xml",
}


@dataclass
class ImportResult:
    """What became of one file; also the CLI's --json line."""

    path: str
    status: str  # imported, unchanged, replaced, failed
    kind: str | None = None  # counter, catalogue, ill, cataloguing
    format: str | None = None
    library: str | None = None
    report_id: str | None = None
    release: str | None = None
    rows: int = 0  # data rows read (COUNTER), records imported (MARC), rows read (statistics)
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    note: str | None = None  # what happened to stored data: replaced rows, or nothing at all
    import_id: int | None = None
    long_rows: int = 0  # rows stored
    replaced_rows: int = 0
    months: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ImportContext:
    """What the user said about a run: applies to every file of it."""

    registry: Registry
    library: str | None = None  # --library
    strict: bool = False  # --strict: refuse a catalogue file with any unreadable record
    imported_by: str | None = None


@dataclass
class ReadFile:
    """A file read and parsed, not yet stored: everything that needs no database."""

    path: Path
    sha256: str = ""
    size: int = 0
    kind: str = ""
    parsed: Any = None  # the kind's reader result, ready for its loader
    error: CoopdashError | None = None


@dataclass
class Provenance:
    """The `imports` row of one file (see queries/import/insert_import.sql)."""

    kind: str
    format: str
    library_code: str
    rows: int
    skipped: int
    long_rows: int
    warnings: list[str]
    synthetic: bool
    months: list[date]
    encoding: str | None = None
    report_id: str | None = None
    report_name: str | None = None
    release: str | None = None
    institution_name: str | None = None
    institution_id: str | None = None
    period_begin: date | None = None
    period_end: date | None = None
    created: str | None = None
    created_by: str | None = None


@dataclass(frozen=True)
class Replacement:
    """Which stored rows a new file replaces: a query counting them per import, one setting them
    aside (replaced_* tables, so that rolling the new file back restores them), one deleting them."""

    count_query: str
    set_aside_query: str
    delete_query: str
    params: dict


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and the importable files under any folder, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in IMPORTABLE_SUFFIXES and not p.name.startswith(".")
                )
            )
        else:
            files.append(path)
    return files


def _loaders() -> dict[str, Any]:
    from coopdash.loaders import catalogue, counter, statistics

    return {"counter": counter, "catalogue": catalogue, "statistics": statistics}


def read_file(path: Path, context: ImportContext, data: bytes | None = None) -> ReadFile:
    """Read and parse one file; a bad file gives a ReadFile carrying its error."""
    read = ReadFile(path)
    try:
        data = _read(path) if data is None else data
        _check_size(len(data), path.name)  # bytes handed over (an upload) are held to the same limit
        read.size = len(data)
        # Hashing a large file takes a while and releases the GIL: let it run beside the parse.
        with ThreadPoolExecutor(max_workers=1) as hasher:
            digest = hasher.submit(lambda: hashlib.sha256(data).hexdigest())
            read.kind = detect_kind(data, path.name)
            try:
                read.parsed = _loaders()[read.kind].read(data, path.name, context)
            finally:
                read.sha256 = digest.result()
    except CoopdashError as exc:
        read.error = exc
    except Exception as exc:  # a reader bug must not end the batch; say it plainly instead
        read.error = ImportFailed(
            f"the file could not be read ({type(exc).__name__}: {exc}); this is a fault in coopdash, "
            "please report it with the file",
            file=path.name,
        )
    return read


def import_file(
    con: duckdb.DuckDBPyConnection, path: Path, context: ImportContext, *, data: bytes | None = None
) -> ImportResult:
    """Import one file; never raises for a bad file, the result says what went wrong."""
    return store(con, read_file(path, context, data), context)


def import_files(
    con: duckdb.DuckDBPyConnection, paths: list[Path], context: ImportContext
) -> Iterator[ImportResult]:
    """Import files in order, reading the next one in a thread while this one is stored.

    Reading and parsing need no database and mostly run outside the GIL
    (pyarrow, calamine), so they overlap with DuckDB's work on the file before.
    """
    with ThreadPoolExecutor(max_workers=1) as reader:
        upcoming = reader.submit(read_file, paths[0], context) if paths else None
        for index in range(len(paths)):
            current = upcoming.result()
            if index + 1 < len(paths):
                upcoming = reader.submit(read_file, paths[index + 1], context)
            yield store(con, current, context)


def store(con: duckdb.DuckDBPyConnection, read: ReadFile, context: ImportContext) -> ImportResult:
    """Store one read file in its own transaction; the result says what came of it."""
    result = ImportResult(path=str(read.path), status="failed", kind=read.kind or None)
    try:
        if context.library is not None:
            context.registry.get(context.library)
        if read.sha256 and _unchanged(con, read.sha256, context.library, result):
            return result
        if read.error:
            raise read.error
        _loaders()[read.kind].store(con, read, context, result)
    except ImportFailed as exc:
        exc.file = exc.file or read.path.name
        result.error = str(exc)
    except CoopdashError as exc:
        result.error = f"{read.path.name}: {exc}"
    except duckdb.Error as exc:
        if is_disk_full(exc) or isinstance(exc, duckdb.FatalException):
            raise  # the draft itself is lost: the writer discards it and says why
        result.error = f"{read.path.name}: the database refused the import ({exc}); nothing was changed"
    except Exception as exc:  # the transaction was rolled back; keep the batch going
        result.error = (
            f"{read.path.name}: the import stopped on an unexpected {type(exc).__name__} ({exc}); "
            "nothing was changed. This is a fault in coopdash: please report it with the file"
        )
    return result


def _check_size(size: int, name: str) -> None:
    if size > MAX_FILE_BYTES:
        raise ImportFailed(
            f"the file is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit "
            "(set COOPDASH_MAX_FILE_MB to raise it)",
            file=name,
        )


def _read(path: Path) -> bytes:
    try:
        _check_size(path.stat().st_size, path.name)
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read the file ({exc.strerror})", file=path.name) from None


def _unchanged(con, sha256: str, library: str | None, result: ImportResult) -> bool:
    """The same bytes imported before, none of them replaced since: nothing to do.

    With no --library, a match for any library counts: the same bytes always
    resolve to the same library.
    """
    earlier = sql.rows(con, "import/find_unchanged", sha256=sha256, library_code=library)
    if not earlier:
        return False
    import_id, code = earlier[0]
    row = sql.rows(con, "import/import_summary", import_id=import_id)[0]
    result.status, result.import_id, result.library = "unchanged", import_id, code
    (
        result.kind,
        result.format,
        result.report_id,
        result.release,
        result.rows,
        result.skipped,
        result.long_rows,
    ) = row
    result.note = f"already imported as import #{import_id}; nothing changed"
    return True


def write_import(
    con: duckdb.DuckDBPyConnection,
    read: ReadFile,
    context: ImportContext,
    provenance: Provenance,
    replacement: Replacement,
    inserts: list[tuple[str, dict]],
    result: ImportResult,
) -> int:
    """The one transaction of an import: provenance, replaced rows set aside, new rows in.

    `inserts` are (query, params) run in order, given the new import_id when they
    ask for it; the staged data they read must already be in temp tables. Fills
    `result` from what happened.
    """
    con.execute("begin transaction")
    try:
        replaced = sql.rows(con, replacement.count_query, **replacement.params)
        import_id = sql.scalar(
            con,
            "import/insert_import",
            **asdict(provenance),
            file_name=read.path.name,
            sha256=read.sha256,
            bytes=read.size,
            replaced_rows=sum(n for _, n in replaced),
            replaced_imports=[i for i, _ in replaced],
            imported_by=context.imported_by or _user(),
        )
        if replaced:
            sql.execute(con, replacement.set_aside_query, import_id=import_id, **replacement.params)
            sql.execute(con, replacement.delete_query, **replacement.params)
        for earlier_id, rows in replaced:
            sql.execute(con, "import/mark_superseded", import_id=earlier_id, rows=rows)
        for query, params in inserts:
            given = {"import_id": import_id} if "import_id" in sql.load(query).params else {}
            sql.execute(con, query, **given, **params)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    result.status = "replaced" if replaced else "imported"
    result.import_id = import_id
    result.kind, result.format, result.library = provenance.kind, provenance.format, provenance.library_code
    result.report_id, result.release = provenance.report_id, provenance.release
    result.rows, result.skipped, result.warnings = provenance.rows, provenance.skipped, provenance.warnings
    result.long_rows = provenance.long_rows
    result.replaced_rows = sum(n for _, n in replaced)
    result.months = [m.strftime("%Y-%m") for m in provenance.months]
    if replaced:
        named = sql.rows(con, "import/imports_named", import_ids=[i for i, _ in replaced])
        result.note = f"replaced {result.replaced_rows} stored row(s) of earlier import(s) " + ", ".join(
            f"#{import_id} ({file_name})" for import_id, file_name in named
        )
    return import_id


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def resolve_library(
    registry: Registry,
    explicit: str | None,
    names: list[str],
    identifiers: list[tuple[str, str]],
    file_name: str,
) -> str:
    """The member library a file belongs to: from what it says of itself, or as the user says."""
    described = (
        " / ".join(
            part
            for part in (
                "name " + ", ".join(f"'{n}'" for n in names if n) if any(names) else "",
                "identifier " + "; ".join(f"{k}:{v}" for k, v in identifiers) if identifiers else "",
            )
            if part
        )
        or "no name or identifier"
    )
    try:
        found = registry.find([n for n in names if n], identifiers)
    except UnknownInstitution as exc:
        raise UnknownInstitution(f"{exc.reason}; give --library CODE", file=file_name) from None
    if explicit:
        if found and found != explicit:
            raise UnknownInstitution(
                f"the file belongs to '{found}' ({described}) but --library {explicit} was given; "
                "leave out --library or correct it",
                file=file_name,
            )
        return explicit
    if not found:
        raise UnknownInstitution(
            f"the institution ({described}) is not a member library: add it as an alias in "
            "data/libraries.csv, or give --library CODE",
            file=file_name,
        )
    return found


def numbers(positions: list[int], count: int) -> str:
    """'15, 16, 17 and 4 more': the first positions of something that happened `count` times."""
    text = ", ".join(str(n) for n in positions)
    return text + (f" and {count - len(positions)} more" if count > len(positions) else "")
