"""Synthetic sample data: COUNTER files that look like real exports but are invented.

Every file the generator writes carries SYNTHETIC_CREATED_BY as its Created_By,
so the importer can tell sample data from real usage and say so: any file whose
Created_By contains SYNTHETIC_MARKER is flagged as synthetic on import.
"""

SYNTHETIC_MARKER = "SYNTHETIC"
SYNTHETIC_CREATED_BY = "coopdash sample generator (SYNTHETIC DATA, not real usage)"
