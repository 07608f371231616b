"""Write MARC 21 and UNIMARC records as ISO 2709 (UTF-8 or MARC-8) and as MARCXML, reproducibly.

The catalogue sample needs files a library system could have exported, in the
encodings importers meet: UTF-8, MARC-8 with East Asian characters (EACC), and
UNIMARC/CNMARC with a blank leader/09. pymarc reads MARC-8 but cannot write it, so
the encoder here inverts pymarc's own tables: whatever it writes, pymarc decodes
back to the same text, and a character MARC-8 cannot hold is refused, not dropped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from pymarc import marc8_mapping
from pymarc.marc8 import marc8_to_unicode

FIELD_TERMINATOR = b"\x1e"
RECORD_TERMINATOR = b"\x1d"
SUBFIELD_DELIMITER = b"\x1f"
LEADER_LENGTH = 24
# MARC-8 escape sequences: G0 to EACC (ESC $ 1), G0 back to ASCII (ESC ( B).
ESCAPE_TO_EACC = b"\x1b$1"
ESCAPE_TO_ASCII = b"\x1b(B"
EACC = 0x31
ANSEL = 0x45
MARCXML_NAMESPACE = "http://www.loc.gov/MARC21/slim"


@dataclass(frozen=True)
class Field:
    """A control field (tag below 010: data) or a data field (indicators and subfields)."""

    tag: str
    data: str = ""
    indicators: str = "  "
    subfields: tuple[tuple[str, str], ...] = ()

    @property
    def is_control(self) -> bool:
        return self.tag < "010"


def control(tag: str, data: str) -> Field:
    return Field(tag, data=data)


def datafield(tag: str, indicators: str, *subfields: tuple[str, str]) -> Field:
    """A data field; subfields with an empty value are left out."""
    return Field(tag, indicators=indicators, subfields=tuple((c, v) for c, v in subfields if v))


@cache
def _eacc_codes() -> dict[str, bytes]:
    """Unicode character -> its 3-byte EACC code; where EACC has several, the lowest."""
    codes: dict[str, bytes] = {}
    for code, (point, _combining) in sorted(marc8_mapping.CODESETS[EACC].items()):
        codes.setdefault(chr(point), code.to_bytes(3, "big"))
    return codes


@cache
def _ansel_codes() -> dict[str, bytes]:
    """Unicode character -> its ANSEL byte (the G1 set a MARC-8 reader starts with)."""
    return {chr(point): bytes([code]) for code, (point, _c) in sorted(marc8_mapping.CODESETS[ANSEL].items())}


def marc8(text: str) -> bytes:
    """Encode text in MARC-8: ASCII, ANSEL for Latin diacritics, EACC for CJK; ends in ASCII.

    Diacritics follow ANSEL's rule: the combining mark comes before its base letter.
    The result is decoded again with pymarc; text that would not come back unchanged is refused.
    """
    eacc, ansel = _eacc_codes(), _ansel_codes()
    out = bytearray()
    in_eacc = False
    for char in text:
        if " " <= char <= "~":
            code = char.encode("ascii")
        elif char in eacc:
            if not in_eacc:
                out += ESCAPE_TO_EACC
                in_eacc = True
            out += eacc[char]
            continue
        elif char in ansel:
            code = ansel[char]
        else:
            base, *marks = unicodedata.normalize("NFD", char)
            if not " " <= base <= "~" or not marks or any(mark not in ansel for mark in marks):
                raise ValueError(f"MARC-8 has no encoding for {char!r} (U+{ord(char):04X})")
            code = b"".join(ansel[mark] for mark in marks) + base.encode("ascii")
        if in_eacc:
            out += ESCAPE_TO_ASCII
            in_eacc = False
        out += code
    if in_eacc:
        out += ESCAPE_TO_ASCII
    if marc8_to_unicode(bytes(out), hide_utf8_warnings=True) != unicodedata.normalize("NFC", text):
        raise ValueError(f"MARC-8 cannot hold {text!r} so that pymarc reads it back unchanged")
    return bytes(out)


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


def iso2709(fields: list[Field], leader: str, encode: Callable[[str], bytes] = utf8) -> bytes:
    """One record in ISO 2709 transmission format; `leader` gives positions 5-11 and 17-23.

    The record length (00-04) and base address (12-16) are computed; lengths and
    offsets count bytes of the encoded data, as the standard requires.
    """
    directory = bytearray()
    body = bytearray()
    for field in fields:
        if field.is_control:
            data = encode(field.data)
        else:
            data = field.indicators.encode("ascii") + b"".join(
                SUBFIELD_DELIMITER + code.encode("ascii") + encode(value) for code, value in field.subfields
            )
        data += FIELD_TERMINATOR
        directory += f"{field.tag}{len(data):04d}{len(body):05d}".encode("ascii")
        body += data
    base = LEADER_LENGTH + len(directory) + 1
    length = base + len(body) + 1
    head = f"{length:05d}{leader[5:12]}{base:05d}{leader[17:24]}"
    return head.encode("ascii") + bytes(directory) + FIELD_TERMINATOR + bytes(body) + RECORD_TERMINATOR


def marcxml(records: list[tuple[str, list[Field]]]) -> bytes:
    """A MARC 21 slim <collection> of (leader, fields) records, UTF-8, two-space indents."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<collection xmlns="{MARCXML_NAMESPACE}">']
    for leader, fields in records:
        lines += ["  <record>", f"    <leader>{leader}</leader>"]
        for field in fields:
            if field.is_control:
                lines.append(f'    <controlfield tag="{field.tag}">{escape(field.data)}</controlfield>')
                continue
            ind1, ind2 = field.indicators
            lines.append(f'    <datafield tag="{field.tag}" ind1="{ind1}" ind2="{ind2}">')
            lines += [f'      <subfield code="{c}">{escape(v)}</subfield>' for c, v in field.subfields]
            lines.append("    </datafield>")
        lines.append("  </record>")
    lines.append("</collection>")
    return ("\n".join(lines) + "\n").encode("utf-8")
