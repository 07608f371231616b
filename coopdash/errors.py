"""Errors a user can act on: each says which file (and where in it) and what is wrong.

The CLI and the pages print `str(error)`; nothing the user sees is a traceback.
"""

from __future__ import annotations


class CoopdashError(Exception):
    """Base of every error the app reports to a user in plain words."""


class RegistryError(CoopdashError):
    """The member registry (libraries.csv or an edit of it) is invalid."""


class ImportFailed(CoopdashError):
    """A file cannot be imported. Carries the file name and, where known, the line or record."""

    def __init__(self, message: str, *, file: str = "", line: int | None = None):
        self.file = file
        self.line = line
        self.reason = message
        super().__init__(message)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where = f"{where}, line {self.line}" if where else f"line {self.line}"
        return f"{where}: {self.reason}" if where else self.reason


class ReportFormatError(ImportFailed):
    """The file is not a readable COUNTER report, or breaks it beyond repair."""


class UnsupportedReport(ImportFailed):
    """A report we recognise but do not import (COUNTER Release 4, for one)."""


class NoReportInFile(ImportFailed):
    """The file holds a SUSHI exception (no usage, not authorised, ...) instead of a report."""


class UnknownInstitution(ImportFailed):
    """The file's institution is not a member library, and no --library was given."""


class AccessError(CoopdashError):
    """Access control is misconfigured (secrets.toml, the users file), or a user change is refused."""


class DatabaseUnreadable(CoopdashError):
    """The database file is missing its state, empty, truncated or damaged: say so, and how to recover."""

    def __init__(self, path, kind: str, reason: str, backups: list[str]):
        self.path = str(path)
        self.kind = (
            kind  # not_duckdb, cut_short, damaged, missing, other: how a page says it in either language
        )
        self.reason = reason
        self.backups = backups
        super().__init__(self.reason)

    def __str__(self) -> str:
        kept = f" Backups beside it: {', '.join(self.backups)}." if self.backups else ""
        return (
            f"{self.path} cannot be read: {self.reason}. Nothing was changed.{kept} To recover, restore a "
            "copy (python -m coopdash restore FILE), or move the file away and import the exports again "
            "(python -m coopdash import FOLDER)."
        )


class DatabaseNotWritable(CoopdashError):
    """The database's folder cannot be written (read-only, no permission): nothing can be imported."""


class SignInBusy(CoopdashError):
    """So many passwords are being checked at once that this one could not be, for now."""
