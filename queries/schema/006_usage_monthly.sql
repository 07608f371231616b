-- Usage per library, report family, metric and month, each use counted once:
-- what every usage chart reads, kept up to date by each import (and each
-- replacement) for the library, family and months it touches.

-- usage_counted_once(libraries, reports, first_month, last_month): the counts of
-- the `reports` (a list in order of preference within each family: a master report
-- before its views) per library, family (PR, DR, TR, IR), metric and month. A metric
-- can be in several reports of a family (a PR and its view PR_P1): for each
-- library, platform, metric and month only the first report present is used, so
-- a use is never counted twice. `libraries` NULL means every library.
create or replace macro usage_counted_once(libraries, reports, first_month, last_month) as table
with candidates as (
    select
        r.library_code,
        split_part(r.report_id, '_', 1) as family,
        r.platform,
        r.metric_type,
        c.month,
        r.report_id,
        sum(c.count) as count
    from usage_counts as c
    join usage_rows as r on r.import_id = c.import_id and r.row_id = c.row_id
    where (libraries is null or list_contains(libraries, r.library_code))
        and list_contains(reports, r.report_id)
        and c.month between first_month and last_month
    group by all
),
ranked as (
    select
        *,
        row_number() over (
            partition by library_code, family, platform, metric_type, month
            order by list_position(reports, report_id)
        ) as preference
    from candidates
)
select library_code, family, metric_type, month, sum(count) as count
from ranked
where preference = 1
group by library_code, family, metric_type, month;

create table if not exists usage_monthly (
    library_code varchar not null,
    family varchar not null,           -- PR, DR, TR or IR: the master report and its views
    metric_type varchar not null,
    month date not null,               -- first day of the month
    count bigint not null
);
