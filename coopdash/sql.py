"""Load the SQL in `queries/` by name and run it with bound parameters.

Every number on screen comes from one of these files, so each is named for what
it answers. Parameters are `$name` and always bound, never formatted into the
text; a missing or surplus parameter is an error naming the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

QUERIES = Path(__file__).resolve().parent.parent / "queries"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRING_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|--[^\n]*")


class QueryError(Exception):
    """A query file is missing or was called with the wrong parameters."""


@dataclass(frozen=True)
class Query:
    name: str
    path: Path
    text: str
    params: frozenset[str]
    doc: str


@cache
def load(name: str) -> Query:
    path = QUERIES / f"{name}.sql"
    if not re.fullmatch(r"[a-z0-9_]+(/[a-z0-9_]+)*", name) or not path.is_file():
        raise QueryError(f"no query named '{name}' (looked for {path})")
    text = path.read_text(encoding="utf-8")
    doc_lines = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        doc_lines.append(line.removeprefix("--").strip())
    if not doc_lines:
        raise QueryError(f"{path.name}, line 1: a query starts with a comment saying what it answers")
    code = _STRING_OR_COMMENT.sub(" ", text)
    return Query(name, path, text, frozenset(_PARAM.findall(code)), " ".join(doc_lines))


def _bind(query: Query, params: dict) -> dict:
    given = set(params)
    if given != query.params:
        missing = sorted(query.params - given)
        surplus = sorted(given - query.params)
        raise QueryError(
            f"{query.path.name}: "
            + "; ".join(
                part
                for part in (
                    f"missing parameter(s) {', '.join(missing)}" if missing else "",
                    f"unknown parameter(s) {', '.join(surplus)}" if surplus else "",
                )
                if part
            )
        )
    return params


def execute(con: duckdb.DuckDBPyConnection, name: str, **params) -> duckdb.DuckDBPyConnection:
    """Run a statement (staging, insert, delete) and return the cursor."""
    query = load(name)
    return con.execute(query.text, _bind(query, params) or None)


def df(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run a SELECT and return its rows as a DataFrame."""
    return execute(con, name, **params).df()


def rows(con: duckdb.DuckDBPyConnection, name: str, **params) -> list[tuple]:
    return execute(con, name, **params).fetchall()


def scalar(con: duckdb.DuckDBPyConnection, name: str, **params):
    row = execute(con, name, **params).fetchone()
    return row[0] if row else None
