-- Kept rows whose Reporting_Period_Total is not the sum of their month cells:
-- how many, and the first one.
with sums as (
    select row_id, sum(count) as month_sum
    from stage_counts
    group by row_id
),
compared as (
    select r.source_line, r.reporting_period_total, coalesce(s.month_sum, 0) as month_sum
    from stage_rows as r
    left join sums as s using (row_id)
    where r.row_class = 'data' and r.reporting_period_total is not null
)
select count(*) over () as rows, source_line, reporting_period_total, month_sum
from compared
where counter_count(reporting_period_total) is distinct from month_sum
order by source_line
limit 1
