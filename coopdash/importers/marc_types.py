"""What the catalogue readers hand on: records, the records not read, and what had to be repaired.

Shared by the ISO 2709 reader (marc_records.py) and the MARCXML reader (marcxml.py),
so both describe a record, a problem and a flagged leader the same way.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

import pymarc

NOTES_KEPT = 20  # flagged records listed per kind; the count covers them all


@dataclass(frozen=True)
class RecordProblem:
    """A record that was not read (or not attributed, or read but flagged): where it is and why."""

    number: int
    offset: int | None
    line: int | None
    reason: str

    @property
    def where(self) -> str:
        place = f"line {self.line}" if self.line is not None else f"byte {self.offset}"
        return f"record {self.number} ({place})"

    def shifted(self, base: int) -> RecordProblem:
        return RecordProblem(self.number + base, self.offset, self.line, self.reason)


class Field:
    """A data field decoded by pymarc (or repaired here), with the slice of mrrc's API we use."""

    __slots__ = ("indicator1", "indicator2", "tag", "_subfields")

    def __init__(self, tag: str, indicator1: str, indicator2: str, subfields: list[pymarc.Subfield]):
        self.tag = tag
        self.indicator1 = indicator1
        self.indicator2 = indicator2
        self._subfields = subfields

    def subfields(self) -> list[pymarc.Subfield]:
        return self._subfields

    def subfields_by_code(self, code: str) -> list[str]:
        return [s.value for s in self._subfields if s.code == code]


@dataclass(slots=True)
class MarcRecord:
    """One record, whichever library read it: control fields by tag, data fields in record order.

    `fields` holds mrrc fields or `Field`s; both offer `tag`, `indicator1`,
    `indicator2`, `subfields()` (items with `.code`, `.value`) and `subfields_by_code`.
    """

    number: int
    offset: int | None
    line: int | None
    raw: bytes
    leader: str
    control: dict[str, str]
    fields: list

    def digest(self) -> str:
        return hashlib.sha1(self.raw, usedforsecurity=False).hexdigest()


@dataclass
class Flagged:
    """Records read but flagged for one reason: how many, and the first NOTES_KEPT of them."""

    count: int = 0
    first: list[RecordProblem] = field(default_factory=list)

    def add(self, problem: RecordProblem) -> None:
        self.count += 1
        if len(self.first) < NOTES_KEPT:
            self.first.append(problem)

    def absorb(self, other: Flagged, base: int) -> None:
        self.count += other.count
        self.first += [p.shifted(base) for p in other.first][: NOTES_KEPT - len(self.first)]


@dataclass
class ReadStats:
    """What the reader had to repair or could not read in full, for the import's warnings."""

    format: str = "iso2709"  # or 'xml'
    length_mismatch: int = 0
    no_terminator: int = 0
    salvaged: int = 0
    encodings: Counter = field(default_factory=Counter)  # the fallbacks used, by name
    leaders_seen: int = 0  # among the records that could not be read: is this MARC at all?
    bad_leaders: Flagged = field(default_factory=Flagged)  # read as given, but the leader is malformed
    dropped_entities: Flagged = field(default_factory=Flagged)  # XML entities not expanded: text missing

    def absorb(self, other: ReadStats, base: int) -> None:
        """Add a later part's figures; its record numbers count from `base`."""
        self.length_mismatch += other.length_mismatch
        self.no_terminator += other.no_terminator
        self.salvaged += other.salvaged
        self.encodings.update(other.encodings)
        self.leaders_seen += other.leaders_seen
        self.bad_leaders.absorb(other.bad_leaders, base)
        self.dropped_entities.absorb(other.dropped_entities, base)


class NotMarc(Exception):
    """The bytes are neither ISO 2709 nor MARCXML; the message says what they look like."""


def reason(exc: BaseException) -> str:
    """A library's error as a phrase, without its own record counter."""
    text = re.sub(r"^\[record \d+\]\s*", "", str(exc)).strip()
    text = re.sub(r"\s*\(byte 0x[0-9a-f]+ / (\d+)\)$", r" (at byte \1 of the record)", text)
    return text or re.sub(r"(?<!^)(?=[A-Z])", " ", type(exc).__name__).lower()


def from_pymarc(record: pymarc.Record) -> tuple[dict, list]:
    control: dict[str, str] = {}
    fields = []
    for item in record.fields:
        if item.is_control_field():
            control.setdefault(item.tag, item.data or "")
        else:
            fields.append(
                Field(item.tag, item.indicator1 or " ", item.indicator2 or " ", list(item.subfields))
            )
    return control, fields


# What each leader position may hold, in MARC 21 and UNIMARC alike: the record length and
# base address are digits (blank in MARCXML, where lengths mean nothing), positions 10-11
# and 20-23 the fixed '22' and '4500' (UNIMARC '450 '), the coded positions a letter, digit,
# blank or fill character '|'.
_DIGIT, _CODE = "0123456789 ", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 |"
_LEADER_ALLOWED = (
    [_DIGIT] * 5 + [_CODE] * 5 + ["2 ", "2 "] + [_DIGIT] * 5 + [_CODE] * 3 + ["4 ", "5 ", "0 ", "0 "]
)


_LEADER_WELL_FORMED = re.compile("".join(f"[{re.escape(allowed)}]" for allowed in _LEADER_ALLOWED))


def leader_problem(leader: str) -> str | None:
    """What is wrong with a leader, in words (the first fault), or None when it is well formed."""
    if _LEADER_WELL_FORMED.fullmatch(leader):
        return None
    if len(leader) != 24:
        return f"the leader has {len(leader)} characters, not 24"
    for position, (character, allowed) in enumerate(zip(leader, _LEADER_ALLOWED, strict=True)):
        if character not in allowed:
            return f"leader position {position:02d} is {character!r}, which no leader holds there"
    return None
