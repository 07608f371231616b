-- Set aside the stored counts the staged file replaces (see replaced_rows.sql) under import
-- $import_id, before delete_replaced.sql removes them, so a rollback can put them back.
insert into replaced_usage_counts
select $import_id, c.import_id, c.row_id, c.month, c.count
from usage_counts as c
join usage_rows as r on r.import_id = c.import_id and r.row_id = c.row_id
where c.import_id in (
        select import_id
        from imports
        where library_code = $library_code
            and report_id = $report_id
            and list_has_any(months, cast($months as date[]))
    )
    and c.month in (select unnest(cast($months as date[])))
    and list_contains($platforms, coalesce(r.platform, ''))
