-- What an earlier import read: format, report, release and its row counts.
select format, report_id, release, rows, skipped, long_rows
from imports
where import_id = $import_id
