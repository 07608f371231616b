"""Catalogue record files -> records: framing, decoding, and the two MARC libraries behind them.

Real exports break the stream readers in opposite ways. pymarc trusts each leader's
declared length, so one wrong length loses every record after it, and a record it
cannot decode becomes a silent None; mrrc is fast and never crashes, but leaves
MARC-8 escape sequences undecoded. So an ISO 2709 file is framed here by its record
terminators (0x1D), cross-checked with the declared lengths, and each framed record is
parsed by the library that decodes it right, chosen by the record's own leader:

- mrrc (about ten times faster) for UTF-8 records, the bulk of any modern export, and
  for UNIMARC, whose blank leader/09 means UTF-8 rather than MARC-8;
- pymarc for MARC-8 (CJK escapes included), GB18030 CNMARC, and whatever mrrc
  cannot read.

MARCXML (any namespace prefix, UNIMARC in MARCXML too) is read with pymarc's SAX
handler, so each record keeps the line it starts on for messages.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import re
import threading
import warnings
from collections.abc import Iterator

import pymarc
from mrrc._mrrc import MARCReader as NativeReader  # mrrc's Rust reader, without its Python wrapper
from pymarc.marc8 import marc8_to_unicode

from coopdash.importers.marc_types import (
    Field,
    MarcRecord,
    NotMarc,
    ReadStats,
    RecordProblem,
    from_pymarc,
    leader_problem,
    reason,
)
from coopdash.importers.marcxml import XML_RECORD, read_xml

__all__ = [
    "MarcRecord",
    "NotMarc",
    "ReadStats",
    "RecordProblem",
    "count_records",
    "flavour",
    "read_records",
    "record_starts",
]

TERMINATOR = 0x1D
_SEPARATORS = b"\r\n\t \x00\x1a"
# A leader: length, then the fixed digits of positions 10-16 and 20-21 ("22", base address, "45").
_LEADER = re.compile(rb"\d{5}[\x20-\x7e]{5}\d{7}[\x20-\x7e]{3}\d\d")
_MARC21_TAGS = ("245", "040", "260", "264", "041")
_UNIMARC_TAGS = ("200", "801", "101", "210", "690", "214")
# pymarc reports odd indicators through logging; the import says what matters itself.
logging.getLogger("pymarc").setLevel(logging.ERROR)
# pymarc also writes undecodable MARC-8 straight to sys.stderr, which is silenced by
# swapping sys.stderr for a moment: one thread at a time, or two swaps could
# interleave and leave the process writing its errors into a buffer for good.
_QUIET = threading.Lock()


def _head(data: bytes) -> bytes:
    return data[:200].lstrip(b"\xef\xbb\xbf" + _SEPARATORS)


def is_xml(data: bytes) -> bool:
    return _head(data).startswith(b"<")


def count_records(data: bytes) -> int:
    """How many records the file holds, near enough, before any is read: record terminators
    (ISO 2709) or record start tags (MARCXML)."""
    if is_xml(data):
        return sum(1 for _ in XML_RECORD.finditer(data))
    return data.count(b"\x1d")


def read_records(
    data: bytes, stats: ReadStats, end: int | None = None, base: int = 0
) -> Iterator[MarcRecord | RecordProblem]:
    """Every record of a binary or XML MARC file, in order, or why it was not read.

    A binary file may be read in parts: up to byte `end`, from a slice that begins at
    byte `base` of the file (offsets count from the file's start).
    """
    start = _head(data)
    if not start:
        raise NotMarc("the file is empty")
    if start.startswith(b"<"):
        return read_xml(data, stats)
    if start.startswith(b"=LDR"):
        raise NotMarc(
            "this is MARC in text form (MarcEdit .mrk), not a MARC file: export it as binary MARC (.mrc) or MARCXML"
        )
    if not _LEADER.match(start) and TERMINATOR not in data:
        raise NotMarc(
            f"this is not a MARC file: neither ISO 2709 (binary MARC) nor MARCXML (it starts {_show(start)})"
        )
    return _read_binary(data, stats, len(data) if end is None else end, base)


def record_starts(data: bytes, shares: list[float]) -> list[int]:
    """Where to cut a binary file into parts of about these shares of its bytes.

    Each cut is just after a record terminator, at the start of a leader.
    """
    starts = [0]
    for share in itertools.accumulate(shares[:-1]):
        pos = data.find(b"\x1d", int(len(data) * share))
        while pos != -1:
            start = _skip(data, pos + 1)
            if start > starts[-1] and _leader_at(data, start):
                starts.append(start)
                break
            pos = data.find(b"\x1d", pos + 1)
    return starts


def _show(head: bytes) -> str:
    text = head[:24].decode("utf-8", "replace")
    return repr("".join(c if c.isprintable() else "·" for c in text))


# ---------------------------------------------------------------- ISO 2709 framing


def _skip(data: bytes, pos: int, n: int | None = None) -> int:
    n = len(data) if n is None else n
    while pos < n and data[pos] in _SEPARATORS:
        pos += 1
    return pos


def _declared(data: bytes, pos: int) -> int | None:
    head = data[pos : pos + 5]
    return int(head) if len(head) == 5 and head.isdigit() and int(head) > 24 else None


def _leader_at(data: bytes, pos: int) -> bool:
    return _LEADER.match(data, pos) is not None


def frames(data: bytes, n: int) -> Iterator[tuple[int, int, str | None]]:
    """(start, end, note) of each record: cut at its terminator, cross-checked with its leader.

    The declared length wins only when it is evidently right: it ends on a terminator
    after a stray 0x1D inside the record, or at the next leader when a terminator is
    missing. Otherwise the terminator wins, and `note` says 'length' when the two
    disagree, 'no terminator' when the record lacks one, 'truncated' when the file
    ends before the record does. Records are read up to byte `n`.
    """
    pos = _skip(data, 0, n)
    while pos < n:
        term = data.find(b"\x1d", pos, n)
        end = n if term < 0 else term + 1
        declared = _declared(data, pos)
        note = None if term >= 0 else "no terminator"
        if declared is not None and pos + declared != end:
            note = _cross_check(data, pos, declared, end, n) or note or "length"
            if note == "no terminator" and term >= 0:
                end = _next_leader(data, pos + declared)
            elif note == "stray terminator":
                end, note = pos + declared, None
        yield pos, end, note
        pos = _skip(data, end, n)


def _cross_check(data: bytes, pos: int, declared: int, end: int, n: int) -> str | None:
    """Why a record's declared length and its terminator disagree, when the bytes say so."""
    declared_end = pos + declared
    base = data[pos + 12 : pos + 17]
    if not (base.isdigit() and declared > int(base)):
        return None  # the declared length does not even cover the directory
    if declared_end < end and _next_leader(data, declared_end) < end:
        return "no terminator"  # the next record begins where this one should end
    if end == n and data[end - 1] != TERMINATOR and declared_end > n:
        return "truncated"
    if declared_end <= n and data[declared_end - 1] == TERMINATOR and not _leader_at(data, _skip(data, end)):
        return "stray terminator"  # a 0x1D inside the record, and its real terminator further on
    return None


def _next_leader(data: bytes, cut: int) -> int:
    """Where the next record begins if this one ends at `cut`, its terminator missing: `cut`
    (or one byte earlier, when the length counted the missing terminator), else a large number."""
    for candidate in (cut, cut - 1):
        if data[candidate - 1 : candidate] == b"\x1e" and _leader_at(data, _skip(data, candidate)):
            return candidate
    return len(data) + 1


def _read_binary(data: bytes, stats: ReadStats, n: int, base: int) -> Iterator[MarcRecord | RecordProblem]:
    for number, (start, end, note) in enumerate(frames(data, n), 1):
        raw = record = data[start:end]
        if note is None and raw[9:10] == b"a":
            parsed = _utf8(raw)
            if parsed is not None:  # the bulk of any modern export
                _check_leader(raw, number, base + start, stats)
                yield MarcRecord(number, base + start, None, raw, *parsed)
                continue
        elif note == "truncated":
            declared = int(raw[:5])
            reason = f"the file ends {declared - len(raw):,} bytes before this record does (its leader declares {declared:,})"
            yield RecordProblem(number, base + start, None, reason)
            continue
        elif note is not None:
            if note == "length":
                stats.length_mismatch += 1
            else:
                stats.no_terminator += 1
                record = raw + b"\x1d"
            if len(record) <= 99999:
                record = b"%05d" % len(record) + record[5:]
        try:
            leader, control, fields, fallback, salvaged = decode(record)
        except Unreadable as exc:
            if _leader_at(raw, 0):
                stats.leaders_seen += 1
                reason = str(exc)
            else:
                reason = f"it does not begin with a MARC leader (it begins {_show(raw)})"
            yield RecordProblem(number, base + start, None, reason)
            continue
        if fallback:
            stats.encodings[fallback] += 1
        stats.salvaged += salvaged
        _check_leader(raw, number, base + start, stats)
        yield MarcRecord(number, base + start, None, raw, leader, control, fields)


def _check_leader(raw: bytes, number: int, offset: int, stats: ReadStats) -> None:
    """A record read whole whose leader is malformed is kept, and flagged (as MARCXML's are)."""
    fault = leader_problem(raw[:24].decode("latin-1"))
    if fault:
        stats.bad_leaders.add(RecordProblem(number, offset, None, fault))


def _utf8(raw: bytes) -> tuple[str, dict, list] | None:
    """(leader, control, fields) of a well-formed UTF-8 record, read by mrrc; None for any doubt."""
    try:
        raw.decode("utf-8")
        record = next(NativeReader(raw), None)
    except Exception:  # not UTF-8, or mrrc gave up: the careful path decides
        return None
    if record is None or record.errors:
        return None
    control = dict(reversed(record.control_fields()))  # the first of a repeated tag wins
    return raw[:24].decode("latin-1"), control, record.fields()


# ---------------------------------------------------------------- decoding one record


class Unreadable(Exception):
    """Neither library can read the record; the message says why."""


def decode(raw: bytes) -> tuple[str, dict, list, str | None, bool]:
    """(leader, control, fields, the fallback used or None, whether mrrc salvaged a damaged record).

    The record's own leader/09 decides: 'a' is UTF-8 (mrrc); blank is MARC-8 (pymarc)
    in MARC 21 but UTF-8 in UNIMARC. When that fails: UTF-8 text under a MARC-8 leader
    is read as UTF-8; MARC-8 escapes under a UTF-8 leader as MARC-8; UNIMARC that is
    not UTF-8 as GB18030 (what Chinese CNMARC exports often are); anything else as
    UTF-8 with replacement characters. A record pymarc cannot parse is taken as far as
    mrrc could salvage it, with any MARC-8 escapes decoded.
    """
    try:
        raw.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    escapes = b"\x1b" in raw
    utf8_leader = raw[9:10] == b"a"
    parsed = _mrrc(raw)
    clean = parsed is not None and not parsed[3]
    if clean and utf8 and (utf8_leader or (raw.isascii() and not escapes)):
        return parsed[0], parsed[1], parsed[2], None, False  # the bulk of any modern export
    unimarc = parsed is not None and flavour(parsed[1], parsed[2], parsed[0]) == "unimarc"
    declared = "utf-8" if utf8_leader or unimarc else "marc-8"
    if utf8 and not (escapes and declared == "marc-8"):
        attempts = ["utf-8"]
    elif unimarc:
        attempts = ["gb18030", "utf-8-replace"]
    elif escapes or declared == "marc-8":
        attempts = ["marc-8", "utf-8-replace"]
    else:
        attempts = ["utf-8-replace"]
    marc8_escapes = escapes and "marc-8" in attempts
    errors = []
    for encoding in attempts:
        fallback = None if encoding == declared else _fallback_name(encoding, declared, unimarc)
        if encoding.startswith("utf-8") and clean:  # mrrc decodes UTF-8, lossily if need be
            fields = _marc8_fields(parsed[2]) if marc8_escapes else parsed[2]
            return parsed[0], parsed[1], fields, fallback, False
        try:
            leader, control, fields = _pymarc(raw, encoding)
        except Exception as exc:  # pymarc raises many types for damaged bytes
            errors.append(reason(exc))
            continue
        return leader, control, fields, fallback, False
    if parsed is not None and parsed[2]:
        fields = _marc8_fields(parsed[2]) if marc8_escapes else parsed[2]
        fallback = None
        if not utf8:
            fallback = "read by mrrc alone (pymarc could not parse it): characters that are not ASCII or CJK escapes replaced"
        return parsed[0], parsed[1], fields, fallback, not clean
    reasons = ([parsed[3]] if parsed is not None and parsed[3] else []) + errors
    raise Unreadable(reasons[0] if reasons else "the record has no fields")


def _fallback_name(encoding: str, declared: str, unimarc: bool) -> str:
    says = "blank (UTF-8 in UNIMARC)" if unimarc and declared == "utf-8" else declared.upper()
    name = {
        "utf-8": "UTF-8",
        "utf-8-replace": "UTF-8 with replacement characters",
        "marc-8": "MARC-8",
        "gb18030": "GB18030",
    }[encoding]
    return f"read as {name} (leader/09 says {says})"


def _mrrc(raw: bytes) -> tuple[str, dict, list, str] | None:
    """(leader, control, fields, first error or '') from mrrc, or None if it yields nothing."""
    try:
        record = next(NativeReader(raw), None)
    except Exception:  # mrrc's permissive mode yields what it can rather than raising, mostly
        return None
    if record is None:
        return None
    control: dict[str, str] = {}
    for tag, value in record.control_fields():
        control.setdefault(tag, value)
    fields = record.fields()
    problems = record.errors
    if not control and not fields and not problems:
        return None
    return raw[:24].decode("latin-1"), control, fields, reason(problems[0]) if problems else ""


def _pymarc(raw: bytes, encoding: str) -> tuple[str, dict, list]:
    """Parse with pymarc, decoding the text as `encoding` whatever leader/09 says."""
    leader_09 = b"a" if encoding.startswith("utf-8") else b" "
    raw = raw[:9] + leader_09 + raw[10:]
    # pymarc warns about odd subfield codes and prints undecodable MARC-8 to stderr; the import says it.
    with _QUIET, warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        record = pymarc.Record(
            data=raw,
            force_utf8=encoding.startswith("utf-8"),
            utf8_handling="replace" if encoding == "utf-8-replace" else "strict",
            hide_utf8_warnings=True,
            file_encoding="gb18030" if encoding == "gb18030" else "iso8859-1",
        )
    leader = str(record.leader)
    return (leader[:9] + raw[9:10].decode("ascii") + leader[10:],) + from_pymarc(record)


def _marc8_fields(fields: list) -> list:
    """mrrc's fields of a MARC-8 record, with escape sequences decoded (diacritics are lost)."""

    def text(value: str) -> str:
        if "\x1b" not in value:
            return value
        try:
            with _QUIET, contextlib.redirect_stderr(io.StringIO()):
                return marc8_to_unicode(value.encode("latin-1", "replace"), hide_utf8_warnings=True)
        except UnicodeDecodeError:
            return value

    return [
        Field(
            f.tag, f.indicator1, f.indicator2, [pymarc.Subfield(s.code, text(s.value)) for s in f.subfields()]
        )
        for f in fields
    ]


# ---------------------------------------------------------------- MARC 21 or UNIMARC


def flavour(control: dict, fields: list, leader: str) -> str:
    """'marc21' or 'unimarc', from the tags a record uses (245/040/008 against 200/801/...)."""
    tags = {item.tag for item in fields}
    if "245" in tags:
        return "marc21"
    if "200" in tags or "801" in tags:
        return "unimarc"
    marc21 = len(tags.intersection(_MARC21_TAGS)) + ("008" in control)
    unimarc = len(tags.intersection(_UNIMARC_TAGS))
    if marc21 != unimarc:
        return "marc21" if marc21 > unimarc else "unimarc"
    # UNIMARC's leader/08 is the hierarchical level (0, 1, 2); MARC 21's is blank or 'a'.
    return "unimarc" if leader[8:9] in ("0", "1", "2") else "marc21"
