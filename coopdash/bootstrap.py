"""First run: build the database from the bundled sample exports when there is none.

Built as a writer's draft and moved into place only when complete, so a run that
is interrupted leaves no half-built database for the next start to trust.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coopdash import db, states
from coopdash.load import ImportContext, ImportResult, expand_paths, import_files
from coopdash.registry import ROOT, Registry
from coopdash.writer import writer_lock, writing

SAMPLE_DIR = ROOT / "data" / "sample"


def build_from_sample(
    path: Path,
    registry: Registry,
    sample_dir: Path = SAMPLE_DIR,
    progress: Callable[[int, int], None] | None = None,
) -> list[ImportResult]:
    """Import every sample export into a new database at `path`."""
    files = expand_paths([sample_dir])
    with writing(path) as con:
        db.sync_registry(con, registry)
        results = []
        context = ImportContext(registry, imported_by="first run (bundled sample data)")
        imported = import_files(con, files, context)
        for done, result in enumerate(imported, start=1):
            results.append(result)
            if progress:
                progress(done, len(files))
    return results


def refresh(path: Path, registry: Registry) -> None:
    """Bring an existing database up to date: schema applied, registry copied in.

    Writes only when one of them differs, since a write copies the whole file;
    skipped (WriterBusy) while an import writes: that import does the same. A
    database left as a plain file is moved into the states layout (no copy), so a
    file later replaced under it can never be mistaken for the one read before.
    """
    if db.is_current(path, registry):
        if not states.is_layout(path):
            with writer_lock(path, wait=0):
                states.adopt(path)
        return
    with writing(path, wait=0) as con:
        db.sync_registry(con, registry)
