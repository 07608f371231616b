-- Which library has which report for how many months of each year: the months
-- covered by the files imported (a file that reports zero use still covers its months).
with covered as (
    select distinct library_code, report_id, unnest(months) as month
    from imports
    where kind = 'counter'
)
select
    c.report_id,
    c.library_code,
    year(c.month) as year,
    count(*) as months
from covered as c
group by all
order by c.report_id, c.library_code, year
