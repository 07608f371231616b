-- What an earlier import read: kind, format, report, release and its row counts.
select kind, format, report_id, release, rows, skipped, long_rows
from imports
where import_id = $import_id
