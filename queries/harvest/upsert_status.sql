-- Record what one request for a platform x library x report x month came to,
-- counting the attempt; a month once harvested keeps its harvested_at, rows and
-- import until a later harvest replaces them.
insert into harvest_status as s (
    platform, library_code, report_id, month, state, release, attempts, last_attempt_at,
    next_attempt_at, harvested_at, rows, import_id, reason_code, reason_params, response_file
)
values (
    $platform, $library_code, $report_id, $month, $state, $release, 1, $attempted_at,
    $next_attempt_at, $harvested_at, $rows, $import_id, $reason_code, $reason_params, $response_file
)
on conflict (platform, library_code, report_id, month) do update set
    state = excluded.state,
    release = excluded.release,
    attempts = s.attempts + 1,
    last_attempt_at = excluded.last_attempt_at,
    next_attempt_at = excluded.next_attempt_at,
    harvested_at = coalesce(excluded.harvested_at, s.harvested_at),
    rows = coalesce(excluded.rows, s.rows),
    import_id = coalesce(excluded.import_id, s.import_id),
    reason_code = excluded.reason_code,
    reason_params = excluded.reason_params,
    response_file = coalesce(excluded.response_file, s.response_file)
