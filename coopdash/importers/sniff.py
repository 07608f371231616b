"""What kind of file this is, judged by its bytes and never by its name.

Vendors and OCLC name tab-separated text `.xls`, save CSV from Excel in GB18030
or UTF-16, and wrap JSON in envelopes: the extension is a hint at best.
"""

from __future__ import annotations

import codecs
import csv
import io

from coopdash.errors import ReportFormatError

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy binary .xls
DELIMITERS = ("\t", ",", ";", "|")


def detect_format(data: bytes) -> str:
    """'xlsx', 'xls', 'json', 'xml' or 'text' (delimited text, decided later)."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE2_MAGIC):
        return "xls"
    head = data[:4096]
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    stripped = head.replace(b"\x00", b"").lstrip()
    if stripped[:1] in (b"{", b"["):
        return "json"
    if stripped[:1] == b"<":
        return "xml"
    return "text"


def decode_text(data: bytes, file_name: str) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (BOM or not), UTF-16 or GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif looks_utf16(data):
        encodings = ["utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"]
    elif b"\x00" in data[:65536]:
        raise ReportFormatError(
            "this is a binary file, not a text report (it contains NUL bytes)", file=file_name
        )
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            error = exc
            continue
        return text, encoding
    raise ReportFormatError(
        f"the text is neither UTF-8, UTF-16 nor GB18030 "
        f"(undecodable byte 0x{data[error.start]:02x} at offset {error.start})",
        file=file_name,
    )


def lines_of(text: str):
    """The lines of `text`, one at a time: io.StringIO would first copy it all, four bytes a character."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def looks_utf16(data: bytes) -> bool:
    sample = data[:200]
    return len(sample) >= 4 and (
        sample[1::2].count(0) > len(sample) // 3 or sample[0::2].count(0) > len(sample) // 3
    )


def detect_delimiter(text: str, known_first_cells: set[str]) -> str:
    """The delimiter under which the first lines split into 'Key<delim>value' rows."""
    lines = text[:20000].splitlines()[:30]
    best, best_score = "\t", -1
    for delimiter in DELIMITERS:
        rows = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
        score = 0
        for row in rows:
            if len(row) >= 2:
                score += 2 if row[0].strip().lstrip("\ufeff").strip('"') in known_first_cells else 1
        if score > best_score:
            best, best_score = delimiter, score
    return best


def looks_like_iso2709(data: bytes) -> bool:
    """A MARC (ISO 2709) record starts with a 24-byte leader: five digits of length,
    then indicator and subfield-code counts, base address digits, and '4500' style
    entry map; field terminators follow soon after."""
    head = data.lstrip(b"\r\n\t \xef\xbb\xbf")[:24]
    return len(head) == 24 and head[:5].isdigit() and head[12:17].isdigit() and b"\x1e" in data[:100_000]


def looks_like_marcxml(data: bytes) -> bool:
    head = data[:20_000]
    return (
        b"<" in head[:200]
        and (b"loc.gov/MARC21/slim" in head or b"<record" in head or b":record" in head)
        and (b"datafield" in head or b"controlfield" in head or b"<leader" in head or b":leader" in head)
    )
