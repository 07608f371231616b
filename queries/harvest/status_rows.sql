-- Every stored harvest status of the platforms $platforms (NULL: all), for the
-- scheduler to decide what is due and for the pages to show where things stand.
-- A month whose import was rolled back since is left out: it is not in any more,
-- so it reads as not attempted and the next run that names it asks for it again.
select
    platform,
    library_code,
    report_id,
    month,
    state,
    release,
    attempts,
    last_attempt_at,
    next_attempt_at,
    harvested_at,
    rows,
    import_id,
    reason_code,
    reason_params,
    response_file
from harvest_status as s
where (cast($platforms as varchar[]) is null or list_contains($platforms, platform))
    and not (
        s.state = 'harvested'
        and s.import_id is not null
        and not exists (select 1 from imports as i where i.import_id = s.import_id)
    )
order by platform, library_code, report_id, month
