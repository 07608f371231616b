-- Table macros shared by the dashboard's queries. Applied on every read-write open.

-- usage_once(metric, reports, first_month, last_month): the counts of one metric
-- per library, platform and month, each use counted once. A metric can be in
-- several reports (a PR and its view PR_P1; a DR and DR_D1): `reports` lists the
-- acceptable ones in order of preference, and for every library, platform and
-- month only the first report present is used. Months from first_month to
-- last_month inclusive.
create or replace macro usage_once(metric, reports, first_month, last_month) as table
with candidates as (
    select
        r.library_code,
        r.platform,
        c.month,
        r.report_id,
        sum(c.count) as count
    from usage_counts as c
    join usage_rows as r on r.import_id = c.import_id and r.row_id = c.row_id
    where r.metric_type = metric
        and list_contains(reports, r.report_id)
        and c.month between first_month and last_month
    group by r.library_code, r.platform, c.month, r.report_id
),
ranked as (
    select
        *,
        row_number() over (
            partition by library_code, platform, month
            order by list_position(reports, report_id)
        ) as preference
    from candidates
)
select library_code, platform, month, report_id, count
from ranked
where preference = 1;
