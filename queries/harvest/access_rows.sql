-- Whether each platform's credentials for each library were last accepted or refused.
select platform, library_code, state, checked_at, reason_code, reason_params
from harvest_access
order by platform, library_code
