"""Catalogue records (MARC 21, UNIMARC/CNMARC; binary or XML) -> what each member library contributed.

One row per record and library role: the library that created the record
(original) and each library that enhanced it, with the month, the record's
identifiers, what it is, and whether it is a local document. A record that cannot
be read is listed with its number and place in the file, never dropped silently;
`strict` refuses the whole file instead. A record whose cataloguing agencies are
all unknown to the registry goes to the `library` the import was given, or is
listed when none was.

Reading a record costs some 25 microseconds of Python around the MARC libraries,
so a large binary file is cut at record boundaries and its parts are read in
parallel by worker processes: the result is the same as reading it in one piece,
and a part whose worker fails is read here instead.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from coopdash.errors import ReportFormatError, UnknownInstitution
from coopdash.importers import limits
from coopdash.importers.contributions import Description, LocalRules, describe, facts_table
from coopdash.importers.marc_records import (
    NotMarc,
    ReadStats,
    RecordProblem,
    count_records,
    is_xml,
    read_records,
    record_starts,
)
from coopdash.importers.marc_types import Flagged
from coopdash.registry import ROOT, Registry

__all__ = ["SCHEMA", "CatalogueFile", "RecordProblem", "read_catalogue"]

SCHEMA = pa.schema(
    [
        ("record_number", pa.int32()),
        ("source_offset", pa.int64()),
        ("source_line", pa.int32()),
        ("record_key", pa.string()),
        ("library_code", pa.string()),
        ("role", pa.string()),
        ("agency_code", pa.string()),
        ("attributed_by", pa.string()),
        ("contributed_on", pa.date32()),
        ("control_number", pa.string()),
        ("oclc_number", pa.string()),
        ("title", pa.string()),
        ("isbn", pa.string()),
        ("language", pa.string()),
        ("clc_class", pa.string()),
        ("clc_top", pa.string()),
        ("place", pa.string()),
        ("is_local_document", pa.bool_()),
        ("local_rule", pa.string()),
        ("record_format", pa.string()),
    ]
)
# Files with at least this many record terminators are read in parallel parts.
PARALLEL_RECORDS = 40_000
_WORKER_START_RECORDS = 20_000  # what this process reads in the time a worker takes to start
BATCH_RECORDS = 10_000  # records held as Python objects before they become Arrow columns
_AGENCY_FIELD = {"marc21": "040 $a", "unimarc": "801 with second indicator 0, $b"}


@dataclass
class CatalogueFile:
    """A catalogue file read: `table` has one row per record and library role (columns: SCHEMA)."""

    file_name: str
    format: str  # 'marc21', 'unimarc', 'marcxml' or 'unimarc-xml'
    records: int  # records read
    table: pa.Table
    skipped: list[RecordProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Part:
    """What reading one part of a file found; parts are numbered from 1 and merged in order."""

    frames: int = 0  # records met, read or not
    read: int = 0
    tables: list[pa.Table] = field(default_factory=list)
    skipped: list[RecordProblem] = field(default_factory=list)
    unreadable: list[RecordProblem] = field(default_factory=list)
    stats: ReadStats = field(default_factory=ReadStats)
    flavours: Counter = field(default_factory=Counter)
    by_option: Counter = field(default_factory=Counter)  # 'absent' / 'unknown'
    unknown_codes: Counter = field(default_factory=Counter)
    unattributed: int = 0
    undated: int = 0

    def absorb(self, other: _Part, base: int) -> None:
        """Append a later part, whose byte offsets already count from the file's start."""
        shift = pa.scalar(base, pa.int32())
        self.tables += [
            t.set_column(0, "record_number", pc.add(t["record_number"], shift)) for t in other.tables
        ]
        for mine, theirs in ((self.skipped, other.skipped), (self.unreadable, other.unreadable)):
            mine += [RecordProblem(p.number + base, p.offset, p.line, p.reason) for p in theirs]
        self.frames += other.frames
        self.read += other.read
        self.stats.absorb(other.stats, base)
        for name in ("flavours", "by_option", "unknown_codes"):
            getattr(self, name).update(getattr(other, name))
        self.unattributed += other.unattributed
        self.undated += other.undated


def read_catalogue(
    data: bytes,
    file_name: str,
    registry: Registry,
    rules: LocalRules,
    library: str | None = None,
    strict: bool = False,
) -> CatalogueFile:
    """Read a catalogue file from its bytes; `file_name` is only for messages."""
    if library is not None and library not in registry:
        raise UnknownInstitution(
            f"--library '{library}' is not a member library (known: {', '.join(sorted(registry.libraries))})",
            file=file_name,
        )
    if is_xml(data):
        limits.check_xml_tags(data, file_name)
    limits.check_records(count_records(data), file_name)
    try:
        found = _read(data, registry, rules, library)
    except NotMarc as exc:
        raise ReportFormatError(str(exc), file=file_name) from None
    if found.unreadable and strict:
        first = found.unreadable[0]
        raise ReportFormatError(
            f"{first.where} cannot be read: {first.reason}. With --strict nothing from this file is imported",
            file=file_name,
        )
    if found.read == 0 and found.unreadable:
        if found.stats.format == "iso2709" and found.stats.leaders_seen == 0:
            raise ReportFormatError(
                "this is not a MARC file: no part of it is an ISO 2709 record or MARCXML", file=file_name
            )
        first = found.unreadable[0]
        raise ReportFormatError(
            f"none of the {len(found.unreadable)} record(s) in the file could be read ({first.where}: {first.reason})",
            file=file_name,
        )
    flavour = found.flavours.most_common(1)[0][0] if found.flavours else "marc21"
    xml_format = "marcxml" if flavour == "marc21" else "unimarc-xml"
    return CatalogueFile(
        file_name=file_name,
        format=xml_format if found.stats.format == "xml" else flavour,
        records=found.read,
        table=pa.concat_tables(found.tables) if found.tables else SCHEMA.empty_table(),
        skipped=found.skipped,
        warnings=_warnings(found, library),
    )


def _read(data: bytes, registry: Registry, rules: LocalRules, library: str | None) -> _Part:
    parts = min(4, _cpus())
    records = 0 if is_xml(data) else data.count(b"\x1d")
    starts = [0]
    if parts > 1 and records >= PARALLEL_RECORDS:
        # This process reads the first part while the workers start, so it takes a larger one.
        head_start = min(0.5, _WORKER_START_RECORDS / records)
        shares = [1 / parts + head_start * (parts - 1) / parts] + [(1 - head_start) / parts] * (parts - 1)
        starts = record_starts(data, shares)
    bounds = list(zip(starts, [*starts[1:], len(data)], strict=True))
    helpers = [_Worker(data, a, b, (a, registry, rules, library)) for a, b in bounds[1:]]
    try:
        merged = read_part(
            data, 0, registry, rules, library, end=bounds[0][1]
        )  # meanwhile, the first part here
    except BaseException:  # an interrupted import leaves no worker behind
        for helper in helpers:
            helper.stop()
        raise
    for helper, (a, b) in zip(helpers, bounds[1:], strict=True):
        part = helper.result()
        if part is None:  # the worker failed: its part is read here instead
            part = read_part(data[a:b], a, registry, rules, library)
        merged.absorb(part, merged.frames)
    return merged


def _cpus() -> int:
    """The CPUs this process may use (a container may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Worker:
    """One part of the file, read by a worker process (marc_worker.py) started at once.

    The part goes in and the result comes out through temporary files, not pipes:
    a pipe would need this process's attention (and its GIL) while it reads its own part.
    """

    def __init__(self, data: bytes, start: int, end: int, header: tuple):
        self._process: subprocess.Popen | None = None
        self._files: list = []
        paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        try:
            self._files = [tempfile.TemporaryFile() for _ in range(3)]
            given, self._output, errors = self._files
            pickled = pickle.dumps(header)
            given.write(len(pickled).to_bytes(8, "big") + pickled)
            given.write(memoryview(data)[start:end])
            given.seek(0)
            self._process = subprocess.Popen(
                [sys.executable, "-m", "coopdash.importers.marc_worker"],
                stdin=given,
                stdout=self._output,
                stderr=errors,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
            )
        except OSError:  # no temporary space, no interpreter: the part is read in this process
            self._process = None

    def result(self) -> _Part | None:
        """The worker's reading of its part, or None if it failed (the part is then read here)."""
        try:
            if self._process is None or self._process.wait() != 0:
                return None
            self._output.seek(0)
            return pickle.load(self._output)  # our own worker's output
        except Exception:  # whatever went wrong, the part is read in this process
            return None
        finally:
            self.stop()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        for file in self._files:
            file.close()


def read_part(
    data: bytes, base: int, registry: Registry, rules: LocalRules, library: str | None, end: int | None = None
) -> _Part:
    """Read the records of `data` (up to byte `end`), which starts at byte `base` of the file."""
    part = _Part()
    records: list[tuple] = []  # (number, offset, line, flavour) of each attributed record
    facts: list[tuple] = []  # its raw facts
    rows: list[tuple] = []  # (index into records, library, role, agency code, attributed_by, month)
    members: dict[str, str | None] = {}  # agency code -> library, looked up once per code
    unimarc = undated = 0
    for item in read_records(data, part.stats, end, base):
        part.frames = item.number
        if isinstance(item, RecordProblem):
            part.skipped.append(item)
            part.unreadable.append(item)
            continue
        description = describe(item)
        unimarc += description.flavour == "unimarc"
        attributed = _attribute(description, registry, members, library, part)
        if not attributed:
            reason = _unattributed(description)
            part.skipped.append(RecordProblem(item.number, item.offset, item.line, reason))
            continue
        index = len(records)
        records.append((item.number, item.offset, item.line, description.flavour))
        facts.append(description.facts)
        missing_month = False
        for row in attributed:
            rows.append((index, *row))
            missing_month = missing_month or row[4] is None
        undated += missing_month
        if len(records) == BATCH_RECORDS:
            part.tables.append(_table(records, facts, rows, rules))
            records, facts, rows = [], [], []
    if records:
        part.tables.append(_table(records, facts, rows, rules))
    part.read = part.frames - len(part.unreadable)
    part.unattributed = len(part.skipped) - len(part.unreadable)
    part.flavours.update({"marc21": part.read - unimarc, "unimarc": unimarc})
    part.undated = undated
    return part


def _attribute(
    description: Description,
    registry: Registry,
    members: dict[str, str | None],
    library: str | None,
    part: _Part,
) -> list[tuple]:
    """(library, role, agency code, attributed_by, month) for each member library in the record."""
    rows = []
    seen = set()
    unknown = {}  # a set, in record order
    for code, role, month in description.agencies:
        member = members.get(code, "")
        if member == "":
            member = members[code] = registry.find_agency(code)
        if member is None:
            unknown[code] = None
        elif member not in seen:  # a library that created and enhanced a record counts as its creator
            seen.add(member)
            rows.append((member, role, code, "agency", month))
    if unknown:
        part.unknown_codes.update(list(unknown))
    if rows or library is None:
        return rows
    agencies = description.agencies
    original = agencies[0][0] if agencies and agencies[0][1] == "original" else None
    part.by_option["unknown" if original else "absent"] += 1
    return [(library, "original", original, "library_option", description.original_month)]


def _unattributed(description: Description) -> str:
    agency_field = _AGENCY_FIELD[description.flavour]
    codes = [code for code, _, _ in description.agencies]
    if not codes:
        found = f"it names no cataloguing agency ({agency_field})"
    else:
        found = f"its cataloguing agencies ({', '.join(codes)}) are not in the registry"
    return f"no member library: {found}; give --library to attribute it to the library whose export this is"


def _table(records: list[tuple], facts: list[tuple], rows: list[tuple], rules: LocalRules) -> pa.Table:
    """One row per record and role: the record's facts, computed once, repeated for each role."""
    number, offset, line, flavour = zip(*records, strict=True)
    per_record = facts_table(facts, rules)
    index, library, role, agency, attributed_by, month = zip(*rows, strict=True)
    index = pa.array(index, type=pa.int32())
    columns = {
        "record_number": pa.array(number, type=pa.int32()).take(index),
        "source_offset": pa.array(offset, type=pa.int64()).take(index),
        "source_line": pa.array(line, type=pa.int32()).take(index),
        "library_code": pa.array(library, type=pa.string()),
        "role": pa.array(role, type=pa.string()),
        "agency_code": pa.array(agency, type=pa.string()),
        "attributed_by": pa.array(attributed_by, type=pa.string()),
        "contributed_on": pa.array(month, type=pa.date32()),
        "record_format": pa.array(flavour, type=pa.string()).take(index),
    }
    for name, column in zip(per_record.column_names, per_record.columns, strict=True):
        columns[name] = column.take(index)
    return pa.table([columns[f.name] for f in SCHEMA], schema=SCHEMA)


def _flagged(flagged: Flagged, what: str) -> list[str]:
    """One line for a kind of flagged record, then the first of them, each with its reason."""
    if not flagged.count:
        return []
    lines = [f"{flagged.count:,} record(s) {what}"]
    lines += [f"{problem.where}: {problem.reason}" for problem in flagged.first]
    if flagged.count > len(flagged.first):
        lines.append(f"... and {flagged.count - len(flagged.first):,} more such record(s)")
    return lines


def _warnings(found: _Part, library: str | None) -> list[str]:
    stats = found.stats
    notes = []
    if found.unreadable:
        first = found.unreadable[0]
        notes.append(
            f"{len(found.unreadable):,} record(s) could not be read and were skipped (listed; the first: "
            f"{first.where}: {first.reason})"
        )
    if stats.length_mismatch:
        notes.append(
            f"{stats.length_mismatch:,} record(s) declare a wrong length in their leader; "
            "they were read from their record terminators"
        )
    if stats.no_terminator:
        notes.append(
            f"{stats.no_terminator:,} record(s) have no record terminator; "
            "they were read by the length their leader declares (or to the end of the file)"
        )
    if stats.salvaged:
        notes.append(
            f"{stats.salvaged:,} record(s) are damaged (a bad directory or field); what could be salvaged was read"
        )
    for how, count in stats.encodings.most_common():
        notes.append(f"{count:,} record(s) were {how}")
    notes += _flagged(
        stats.bad_leaders, "have a malformed leader; they were read as given, so check their type and status"
    )
    notes += _flagged(
        stats.dropped_entities,
        "use XML entities that refer outside the file, which are never fetched: the text they stand for "
        "is missing from the record (the entities are named below)",
    )
    if found.by_option:
        absent, unknown = found.by_option["absent"], found.by_option["unknown"]
        why = [
            f"{absent:,} name none" if absent else "",
            f"{unknown:,} only agencies not in the registry" if unknown else "",
        ]
        notes.append(
            f"{absent + unknown:,} record(s) name no member library as cataloguing agency "
            f"({'; '.join(w for w in why if w)}): they were attributed to '{library}' (--library) "
            "as original cataloguing"
        )
    if found.unattributed:
        notes.append(
            f"{found.unattributed:,} record(s) name no member library as cataloguing agency and were not "
            "imported (listed); --library would attribute them to the library whose export this is"
        )
    if found.unknown_codes:
        shown = ", ".join(f"{code} ({count:,})" for code, count in found.unknown_codes.most_common(10))
        more = len(found.unknown_codes) - 10
        notes.append(
            "agency codes not in the registry, with the number of records naming them: "
            + shown
            + (f" and {more:,} more" if more > 0 else "")
            + "; a member's code belongs in its aliases in data/libraries.csv"
        )
    if found.undated:
        notes.append(
            f"{found.undated:,} record(s) carry no usable date (008/00-05, 005, 801 $c, 100 $a); "
            "they were imported with no contributed_on month"
        )
    return notes
