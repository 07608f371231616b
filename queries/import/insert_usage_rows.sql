-- Store the staged file's kept rows (item, attributes, metric) under import $import_id.
insert into usage_rows by name
select
    * exclude (row_class, item_name, item_key, reporting_period_total, unlisted),
    $import_id as import_id,
    $library_code as library_code,
    $report_id as report_id,
    $release as release
from stage_rows
where row_class = 'data'
