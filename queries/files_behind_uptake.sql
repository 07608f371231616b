-- The imported files whose counts make up the uptake figures of year $year for
-- $metric (from the reports $reports): so every number on the page can be traced.
select
    i.import_id,
    i.file_name,
    i.library_code,
    i.report_id,
    i.release,
    i.period_begin,
    i.period_end,
    i.imported_at,
    i.synthetic,
    len(i.warnings) as warnings
from imports as i
where i.import_id in (
    select c.import_id
    from usage_counts as c
    join usage_rows as r on r.import_id = c.import_id and r.row_id = c.row_id
    where r.metric_type = $metric
        and list_contains($reports, r.report_id)
        and c.month between make_date($year, 1, 1) and make_date($year, 12, 1)
)
order by i.library_code, i.report_id, i.period_begin
