-- Store the staged file's non-zero counts under import $import_id.
insert into usage by name
select
    * exclude (item_key, row_id, cell),
    $library_code as library_code,
    $report_id as report_id,
    $release as release,
    $import_id as import_id
from stage_usage
where count > 0
