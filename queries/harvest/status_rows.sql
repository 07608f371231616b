-- Every stored harvest status of the platforms $platforms (NULL: all), for the
-- scheduler to decide what is due and for the pages to show where things stand.
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
from harvest_status
where cast($platforms as varchar[]) is null or list_contains($platforms, platform)
order by platform, library_code, report_id, month
