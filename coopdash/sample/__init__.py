"""Synthetic sample data: usage, catalogue records and OCLC statistics that look real but are invented.

Every file the generator writes is labelled so the importers can tell sample
data from real data and say so: COUNTER files carry SYNTHETIC_CREATED_BY as their
Created_By (any Created_By containing SYNTHETIC_MARKER is flagged), every MARC
record carries SYNTHETIC_RECORD_NOTE as a general note (MARC 21 500, UNIMARC 300),
and every OCLC statistics file opens with SYNTHETIC_STATISTICS_NOTE. All three
begin with SYNTHETIC_SIGNATURE, so one test of a file's bytes finds any of them.
"""

SYNTHETIC_MARKER = "SYNTHETIC"
SYNTHETIC_SIGNATURE = "coopdash sample generator (SYNTHETIC DATA"
SYNTHETIC_CREATED_BY = "coopdash sample generator (SYNTHETIC DATA, not real usage)"
SYNTHETIC_RECORD_NOTE = "coopdash sample generator (SYNTHETIC DATA, not real records)"
SYNTHETIC_STATISTICS_NOTE = "coopdash sample generator (SYNTHETIC DATA, not real statistics)"
