"""Every sheet of an XLSX or legacy XLS workbook as rows of Python values, or a plain-words refusal.

calamine reads both, but can make the whole process abort: it trusts the row count
in a damaged XLS's DIMENSIONS record, and lays out every sheet densely, so a 5 KB
XLSX with one cell at A1 and one at XFD1048576 asks for seventeen billion cells; a
failed allocation in Rust is not an exception. So a workbook is read in a child
process with a memory ceiling, where an abort costs only the child, and the child
checks each sheet's size (limits.MAX_COLUMNS, limits.MAX_CELLS) before turning it
into Python values.
"""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
import zipfile

from coopdash.errors import ReportFormatError
from coopdash.importers import limits

MEMORY_CEILING = 2 << 30  # bytes of address space for the child reading a workbook
TIMEOUT_SECONDS = 60
_CHILD = """
import io, pickle, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, ({ceiling}, {ceiling}))
except (ImportError, ValueError, OSError):
    pass
from python_calamine import CalamineWorkbook
try:
    book = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
    answer = ("sheets", [])
    for index, name in enumerate(book.sheet_names):
        sheet = book.get_sheet_by_index(index)
        if sheet.width > {columns} or sheet.width * sheet.height > {cells}:
            answer = ("limit", (name, sheet.height, sheet.width))
            break
        answer[1].append(sheet.to_python(skip_empty_area=False))
except BaseException as exc:
    answer = ("error", f"{{type(exc).__name__}}: {{exc}}")
sys.stdout.buffer.write(pickle.dumps(answer))
"""


# An XLSX is a zip: what it unpacks to is checked before anything is unpacked, so a
# small file that would expand to gigabytes (a zip bomb) is refused, not read.
UNPACKED_LIMIT = 512 * 2**20


def read_sheets(data: bytes, file_name: str, fmt: str) -> list[list[list[object]]]:
    """The rows of each sheet, in order; `fmt` is 'xlsx' or 'xls' (from sniff.detect_format)."""
    if fmt == "xlsx":
        _check_unpacked_size(data, file_name)
    try:
        sheets = _read_in_child(data)
    except _Damaged as exc:
        raise ReportFormatError(
            f"the {fmt.upper()} workbook is damaged and cannot be read ({exc})", file=file_name
        ) from None
    except _TooLarge as exc:
        name, height, width = exc.args
        if width > limits.MAX_COLUMNS:
            limits.check_columns(width, f"{file_name}, sheet '{name}'")
        limits.check_cells(
            height * width, f"sheet '{name}' spans {height:,} rows by {width:,} columns,", file_name
        )
    if not sheets:
        raise ReportFormatError("the workbook has no sheets", file=file_name)
    return sheets


class _Damaged(Exception):
    pass


class _TooLarge(Exception):
    pass


def _check_unpacked_size(data: bytes, file_name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (
        Exception
    ) as exc:  # zipfile's many ways to say damaged: BadZipFile, NotImplementedError, EOFError...
        raise ReportFormatError(
            f"the XLSX workbook is damaged and cannot be read ({exc})", file=file_name
        ) from None
    if unpacked > UNPACKED_LIMIT:
        raise ReportFormatError(
            f"the XLSX workbook would unpack to {unpacked / 2**20:,.0f} MB from {len(data) / 2**20:,.1f} MB, "
            f"over the {UNPACKED_LIMIT // 2**20} MB limit: refused unread (a damaged or malicious file?)",
            file=file_name,
        )


def _read_in_child(data: bytes) -> list[list[list[object]]]:
    script = _CHILD.format(ceiling=MEMORY_CEILING, columns=limits.MAX_COLUMNS, cells=limits.MAX_CELLS)
    try:
        done = subprocess.run(
            [sys.executable, "-c", script],
            input=data,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env={**os.environ, "RUST_BACKTRACE": "0"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise _Damaged(f"reading it took more than {TIMEOUT_SECONDS} seconds") from None
    try:
        kind, value = pickle.loads(done.stdout)  # written by _CHILD above, never by the file
    except Exception:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if reason and reason[0].startswith("memory allocation of"):
            raise _Damaged(
                f"reading it needed more than the {MEMORY_CEILING >> 30} GB allowed: its sheets span "
                "far more cells than a report holds"
            ) from None
        raise _Damaged(reason[0] if reason else f"the reader stopped with code {done.returncode}") from None
    if kind == "error":
        raise _Damaged(value)
    if kind == "limit":
        raise _TooLarge(*value)
    return value
