-- Remember that a platform accepted (verified) or refused a library's credentials.
insert into harvest_access as a (platform, library_code, state, checked_at, reason_code, reason_params)
values ($platform, $library_code, $state, $checked_at, $reason_code, $reason_params)
on conflict (platform, library_code) do update set
    state = excluded.state,
    checked_at = excluded.checked_at,
    reason_code = excluded.reason_code,
    reason_params = excluded.reason_params
