-- Record that import $import_id is rolled back ($rows_removed rows removed, $rows_restored rows
-- it had replaced put back, by $by), before its imports row goes.
insert into rollbacks (import_id, file_name, kind, library_code, report_id, period_begin, period_end,
    rows_removed, rows_restored, imported_at, rolled_back_by)
select import_id, file_name, kind, library_code, report_id, period_begin, period_end,
    $rows_removed, $rows_restored, imported_at, $by
from imports
where import_id = $import_id
