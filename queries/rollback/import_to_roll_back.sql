-- The import $import_id as a rollback needs it: what it was and the months it covered.
select import_id, kind, file_name, library_code, report_id, months, period_begin, period_end, imported_at
from imports
where import_id = $import_id
