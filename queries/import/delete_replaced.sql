-- Remove the stored usage rows the staged file replaces (see replaced_rows.sql).
delete from usage
where library_code = $library_code
    and report_id = $report_id
    and month in (select unnest(cast($months as date[])))
    and coalesce(platform, '') in (select distinct coalesce(platform, '') from stage_usage)
