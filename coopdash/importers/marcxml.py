"""MARCXML (any namespace prefix, UNIMARC in MARCXML too) -> records, each with the line it starts on.

Read with pymarc's SAX handler through expat, which refuses entity bombs and never
fetches an external entity. What that costs a record is said, never passed over:
an entity left unexpanded (its text is missing from the record), a malformed
leader, a record with more elements than any MARC record holds (not read, so a
hostile file cannot grow without bound in memory). XML that is not well formed
is read one <record> at a time, so one bad record costs one.
"""

from __future__ import annotations

import io
import re
import xml.sax
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.expatreader import ExpatParser
from xml.sax.handler import feature_namespaces

import pymarc
from pymarc.marcxml import XmlHandler

from coopdash.importers import limits
from coopdash.importers.marc_types import (
    MarcRecord,
    NotMarc,
    ReadStats,
    RecordProblem,
    from_pymarc,
    leader_problem,
    reason,
)

XML_RECORD = re.compile(rb"<(?:[\w.-]+:)?record[\s>/]")


@dataclass
class _Found:
    """One <record> element as the handler met it."""

    line: int
    record: pymarc.Record | None
    problem: str = ""
    leader: str | None = None  # the <leader> text as written, before any padding
    entities: list[str] = field(default_factory=list)  # entities left unexpanded inside it


class _Parser(ExpatParser):
    """expat as pymarc uses it, telling the handler of each external entity it does not fetch."""

    def external_entity_ref(self, context, base, sysid, pubid):
        if context is not None:  # None: the external DTD itself, whose entities are reported as skipped
            self._cont_handler.skippedEntity(context.rsplit("\x0c", 1)[-1], sysid)
        return 1  # not fetched, never: the reference stands for nothing


class _Handler(XmlHandler):
    """pymarc's SAX handler, keeping each record's line and surviving a damaged element."""

    def __init__(self):
        super().__init__()
        self.found: list[_Found] = []
        self._locator = None
        self._current: _Found | None = None
        self._elements = 0

    def setDocumentLocator(self, locator):
        self._locator = locator

    def skippedEntity(self, name, system_id=None):
        if self._current is not None:
            source = f" ({system_id})" if system_id else ""
            self._current.entities.append(f"&{name};{source}")

    def characters(self, content):
        if self._current is not None and self._elements <= limits.MAX_RECORD_ELEMENTS:
            super().characters(content)

    def startElementNS(self, name, qname, attrs):
        if self._current is None and name[1] != "record":
            return  # outside any record nothing is kept
        if name[1] == "record":
            self._current = _Found(self._locator.getLineNumber() if self._locator else 0, None)
            self._elements = 0
        elif self._current is not None:
            self._elements += 1
            if self._elements > limits.MAX_RECORD_ELEMENTS:
                if self._record is not None:  # from here on, nothing of this record is kept
                    self._current.problem = (
                        f"the record holds more than {limits.MAX_RECORD_ELEMENTS:,} fields and subfields, "
                        "more than any MARC record can (set COOPDASH_MAX_RECORD_ELEMENTS to raise the limit)"
                    )
                    self._record = self._field = None
                return
        try:
            super().startElementNS(name, qname, attrs)
        except Exception as exc:  # a missing attribute, an odd tag: this record only
            self._fault(name[1], exc)

    def endElementNS(self, name, qname):
        element = name[1]
        current = self._current
        if current is None and element != "record":
            return
        if element == "record":  # pymarc drops a record it finds falsy; every record is counted here
            if current is not None and (self._record is not None or current.problem):
                current.record = self._record
                self.found.append(current)
            self._record, self._current, self._text, self._elements = None, None, [], 0
            return
        if self._elements > limits.MAX_RECORD_ELEMENTS:
            return
        if element == "leader" and self._record is not None:
            text = "".join(self._text)
            if current is not None:
                current.leader = text
            self._record.leader = pymarc.Leader(text.ljust(24)[:24])
            self._text = []
            return
        try:
            super().endElementNS(name, qname)
        except Exception as exc:  # as above
            self._fault(element, exc)

    def _fault(self, element: str, exc: Exception) -> None:
        if self._current is not None and not self._current.problem:
            self._current.problem = f"<{element}> is malformed ({reason(exc)})"
        self._field = None


def _parse(data: bytes, handler: _Handler) -> None:
    parser = _Parser()
    parser.setContentHandler(handler)
    parser.setFeature(feature_namespaces, 1)
    parser.parse(io.BytesIO(data))


def read_xml(data: bytes, stats: ReadStats) -> Iterator[MarcRecord | RecordProblem]:
    stats.format = "xml"
    if not XML_RECORD.search(data):
        raise NotMarc("this XML file is not MARCXML: it has no <record> elements")
    handler = _Handler()
    try:
        _parse(data, handler)
        found = handler.found
    except xml.sax.SAXParseException as exc:
        found = _recover(data, exc)
    yield from _records(found, stats)


def _records(found: list[_Found], stats: ReadStats) -> Iterator[MarcRecord | RecordProblem]:
    for number, one in enumerate(found, 1):
        record = one.record
        if record is None or one.problem:
            yield RecordProblem(number, None, one.line, one.problem or "the record is empty")
            continue
        control, fields = from_pymarc(record)
        if not control and not fields:
            yield RecordProblem(number, None, one.line, "the record has no fields")
            continue
        if one.entities:
            stats.dropped_entities.add(RecordProblem(number, None, one.line, ", ".join(one.entities)))
        fault = leader_problem(one.leader) if one.leader is not None else "it has no <leader>"
        if fault:
            stats.bad_leaders.add(RecordProblem(number, None, one.line, fault))
        yield MarcRecord(
            number, None, one.line, str(record).encode("utf-8"), str(record.leader), control, fields
        )


def _recover(data: bytes, broken: xml.sax.SAXParseException) -> list[_Found]:
    """The XML is not well-formed: read each <record> element on its own, so one bad record costs one."""
    text = data.decode("utf-8", "replace")
    pattern = re.compile(r"<(?:([\w.-]+):)?record[\s>].*?</(?:[\w.-]+:)?record\s*>", re.S)
    found: list[_Found] = []
    prefixes = set(re.findall(r"xmlns:([\w.-]+)=", text[:4000]))
    declarations = " ".join(f'xmlns:{p}="urn:coopdash:any"' for p in sorted(prefixes))
    line, counted = 1, 0
    for match in pattern.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        chunk = f"<collection {declarations}>{match.group(0)}</collection>".encode()
        handler = _Handler()
        try:
            _parse(chunk, handler)
        except xml.sax.SAXParseException as exc:
            found.append(_Found(line, None, f"the XML of this record is malformed ({exc.getMessage()})"))
            continue
        for one in handler.found:
            one.line = line
            found.append(one)
    if not found:
        raise NotMarc(f"the XML is malformed at line {broken.getLineNumber()}: {broken.getMessage()}")
    return found
