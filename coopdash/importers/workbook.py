"""Every sheet of an XLSX or legacy XLS workbook as rows of Python values, or a plain-words refusal.

calamine reads both, but a damaged legacy XLS can make it abort the whole process:
it trusts the row count in the file's DIMENSIONS record and asks for hundreds of
gigabytes, and a failed allocation in Rust is not an exception. So a legacy XLS
is read in a child process with a memory ceiling, where an abort costs only the
child; an XLSX (a zip, whose damage calamine reports as errors) is read in place.
"""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
import zipfile

from python_calamine import CalamineWorkbook

from coopdash.errors import ReportFormatError

MEMORY_CEILING = 2 << 30  # bytes of address space for the child reading a legacy XLS
TIMEOUT_SECONDS = 60
_CHILD = f"""
import io, pickle, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CEILING}, {MEMORY_CEILING}))
except (ImportError, ValueError, OSError):
    pass
from python_calamine import CalamineWorkbook
try:
    book = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
    answer = ("sheets", [book.get_sheet_by_index(i).to_python(skip_empty_area=False)
                         for i in range(len(book.sheet_names))])
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
        sheets = _read_in_child(data) if fmt == "xls" else _read_here(data)
    except _Damaged as exc:
        raise ReportFormatError(
            f"the {fmt.upper()} workbook is damaged and cannot be read ({exc})", file=file_name
        ) from None
    if not sheets:
        raise ReportFormatError("the workbook has no sheets", file=file_name)
    return sheets


class _Damaged(Exception):
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


def _read_here(data: bytes) -> list[list[list[object]]]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [
            book.get_sheet_by_index(i).to_python(skip_empty_area=False) for i in range(len(book.sheet_names))
        ]
    except BaseException as exc:  # calamine's own errors, and its Rust panics (not an Exception)
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise _Damaged(f"{type(exc).__name__}: {exc}") from None


def _read_in_child(data: bytes) -> list[list[list[object]]]:
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD],
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
        raise _Damaged(reason[0] if reason else f"the reader stopped with code {done.returncode}") from None
    if kind == "error":
        raise _Damaged(value)
    return value
