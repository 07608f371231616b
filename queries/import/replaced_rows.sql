-- Stored usage rows the staged file replaces, per earlier import: same library,
-- report and platform, in the months the file covers.
select import_id, count(*) as rows
from usage
where library_code = $library_code
    and report_id = $report_id
    and month in (select unnest(cast($months as date[])))
    and coalesce(platform, '') in (select distinct coalesce(platform, '') from stage_usage)
group by import_id
order by import_id
