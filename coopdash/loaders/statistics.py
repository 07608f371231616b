"""Load OCLC service statistics: interlibrary loan and cataloguing activity per library and month.

The reader (importers/oclc.py) says what the file holds and for which institution;
here each row's institution becomes a member library (registry aliases, else
--library), and the figures replace those stored for the same library, month and
role (ILL) or activity (cataloguing).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from coopdash.errors import UnknownInstitution
from coopdash.importers.oclc import OclcStatistics, read_oclc_statistics
from coopdash.load import ImportContext, ImportResult, Provenance, ReadFile, Replacement, write_import
from coopdash.sample import SYNTHETIC_SIGNATURE

# kind -> (staged view, its replacement, its insert query)
_TARGETS = {
    kind: (
        f"stage_{kind}",
        Replacement(
            f"import/{kind}_replaced_rows",
            f"import/{kind}_set_aside_replaced",
            f"import/{kind}_delete_replaced",
            {},
        ),
        f"import/{kind}_insert",
    )
    for kind in ("ill", "cataloguing")
}


def read(data: bytes, file_name: str, context: ImportContext) -> tuple[OclcStatistics, bool]:
    return read_oclc_statistics(data, file_name), SYNTHETIC_SIGNATURE.encode() in data


def store(
    con: duckdb.DuckDBPyConnection, read_file: ReadFile, context: ImportContext, result: ImportResult
) -> None:
    statistics, synthetic = read_file.parsed
    result.kind, result.format = statistics.kind, statistics.format
    table = with_libraries(statistics, context, read_file.path.name)
    libraries = sorted(set(table.column("library_code").to_pylist()))
    view, replacement, insert_query = _TARGETS[statistics.kind]
    con.register(view, table)
    try:
        write_import(
            con,
            read_file,
            context,
            Provenance(
                kind=statistics.kind,
                format=statistics.format,
                encoding=statistics.encoding,
                library_code=libraries[0] if len(libraries) == 1 else None,
                report_name=statistics.report,
                institution_name=statistics.institution,
                months=statistics.months,
                period_begin=statistics.months[0] if statistics.months else None,
                period_end=statistics.months[-1] if statistics.months else None,
                rows=statistics.rows,
                skipped=statistics.skipped,
                long_rows=table.num_rows,
                warnings=list(statistics.warnings),
                synthetic=synthetic,
            ),
            replacement,
            [(insert_query, {})],
            result,
        )
    finally:
        con.unregister(view)
    if result.note:
        result.note += " (same library, month and " + ("role)" if statistics.kind == "ill" else "activity)")


def with_libraries(statistics: OclcStatistics, context: ImportContext, file_name: str) -> pa.Table:
    """The table with each row's institution replaced by the member library it is."""
    table = statistics.table
    named = table.column("institution").to_pylist()
    codes = []
    unknown: dict[str, int] = {}
    cache: dict[str | None, str | None] = {}
    for value in named:
        institution = value or statistics.institution
        if institution not in cache:
            cache[institution] = _member(institution, context)
        code = cache[institution]
        if code is None:
            unknown[institution or ""] = unknown.get(institution or "", 0) + 1
        codes.append(code)
    if unknown:
        if "" in unknown and len(unknown) == 1:
            raise UnknownInstitution(
                "the file does not say which library it is for (no Institution line or column): "
                "give --library CODE",
                file=file_name,
            )
        shown = ", ".join(f"'{name}' ({n} rows)" for name, n in sorted(unknown.items()) if name)
        raise UnknownInstitution(
            f"institution(s) {shown} are not member libraries: add them as aliases in data/libraries.csv, "
            "or give --library CODE",
            file=file_name,
        )
    keep = [name for name in table.column_names if name != "institution"]
    return table.select(keep).append_column("library_code", pa.array(codes, pa.string()))


def _member(institution: str | None, context: ImportContext) -> str | None:
    registry = context.registry
    if institution:
        found = registry.find_agency(institution) or registry.find([institution], [])
        if found and context.library and found != context.library:
            raise UnknownInstitution(
                f"the file is for '{found}' ({institution}) but --library {context.library} was given; "
                "leave out --library or correct it"
            )
        if found:
            return found
    return context.library
