-- preferred_usage(reports, metrics, first_month, last_month, libraries): the stored
-- usage rows behind a breakdown (by platform, database, data type, title), each use
-- counted once. `reports` are one family's reports in order of preference (a master
-- report before its views): for each library, platform and month only the first
-- present is read, the rule usage_monthly applies, so a breakdown adds up to the
-- totals the other charts show. `libraries` lists the library codes to include.
create or replace macro preferred_usage(reports, metrics, first_month, last_month, libraries) as table
with candidate as (
    select
        r.library_code,
        r.report_id,
        r.platform,
        r.database,
        r.title,
        r.publisher,
        r.data_type,
        r.metric_type,
        c.month,
        c.count
    from usage_counts as c
    join usage_rows as r on r.import_id = c.import_id and r.row_id = c.row_id
    where list_contains(reports, r.report_id)
        and list_contains(metrics, r.metric_type)
        and list_contains(libraries, r.library_code)
        and c.month between first_month and last_month
),
preferred as (
    select library_code, platform, month, arg_min(report_id, list_position(reports, report_id)) as report_id
    from candidate
    group by library_code, platform, month
)
select candidate.*
from candidate
semi join preferred
    on preferred.library_code = candidate.library_code
    and preferred.platform = candidate.platform
    and preferred.month = candidate.month
    and preferred.report_id = candidate.report_id;
