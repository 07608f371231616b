"""Imports from the browser: files checked first (a dry run says exactly what would happen), then imported.

An uploaded file's name is only ever a label: its bytes are read from memory,
never from a path built out of what the browser sent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

import pandas as pd

from coopdash import db
from coopdash.i18n import t
from coopdash.load import ImportContext, ImportResult, read_file, store
from coopdash.writer import writing

NAME_LIMIT = 160


@dataclass(frozen=True)
class Upload:
    name: str  # made safe by safe_name: a label, never a path
    data: bytes


def safe_name(name: str) -> str:
    """The last part of what the browser called the file, without control characters or path separators."""
    last = PurePosixPath(name.replace("\\", "/")).name
    printable = "".join(ch for ch in last if unicodedata.category(ch)[0] != "C")
    cleaned = re.sub(r"\s+", " ", printable).strip(" .")
    return cleaned[:NAME_LIMIT] or "upload"


def check(path, uploads: list[Upload], context: ImportContext) -> list[ImportResult]:
    """What importing the files in this order would do, without doing it."""
    return _run(path, uploads, context, keep=False, progress=None)


def apply(
    path, uploads: list[Upload], context: ImportContext, progress: Callable[[int, int], None] | None = None
) -> list[ImportResult]:
    """Import the files in order: each all or nothing, the batch put in place in one step."""
    return _run(path, uploads, context, keep=True, progress=progress)


def _run(path, uploads, context, *, keep: bool, progress) -> list[ImportResult]:
    results = []
    with writing(path, keep=keep) as con:
        db.sync_registry(con, context.registry)
        for done, upload in enumerate(uploads, start=1):
            results.append(store(con, read_file(PurePosixPath(upload.name), context, upload.data), context))
            if progress:
                progress(done, len(uploads))
    return results


def results_table(results: list[ImportResult], lang: str) -> pd.DataFrame:
    """One row per file: what it is and what came (or would come) of it."""
    return pd.DataFrame(
        {
            t("column.file", lang): [PurePosixPath(r.path).name for r in results],
            t("imports.status", lang): [t(f"imports.status.{r.status}", lang) for r in results],
            t("column.kind", lang): [t(f"source.{r.kind}", lang) if r.kind else "" for r in results],
            t("column.library", lang): [r.library or "" for r in results],
            t("column.report", lang): [r.report_id or "" for r in results],
            t("column.period", lang): [
                f"{r.months[0]} – {r.months[-1]}" if r.months else "" for r in results
            ],
            t("column.rows", lang): [r.rows for r in results],
            t("imports.replaced", lang): [r.replaced_rows for r in results],
            t("column.warnings", lang): [len(r.warnings) for r in results],
            t("imports.what_happened", lang): [r.error or r.note or "" for r in results],
        }
    )


def warnings_table(results: list[ImportResult], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [(PurePosixPath(r.path).name, warning) for r in results for warning in r.warnings],
        columns=[t("column.file", lang), t("column.warning", lang)],
    )
