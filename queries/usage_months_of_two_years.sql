-- Per member library, every month of $year and the year before that a COUNTER
-- report of the family $family covers (a file reporting no use still covers its
-- months), with the library's $metric for the month (zero where none was
-- reported): what a like-for-like change on the year before compares.
with covered as (
    select distinct library_code, month
    from coverage_months((select list(library_code) from members))
    where source = $family and year(month) between $year - 1 and $year
),
used as (
    select library_code, month, sum(count) as total
    from usage_monthly
    where family = $family and metric_type = $metric and year(month) between $year - 1 and $year
    group by library_code, month
)
select c.library_code, c.month, coalesce(u.total, 0) as value
from covered as c
left join used as u on u.library_code = c.library_code and u.month = c.month
order by c.library_code, c.month
