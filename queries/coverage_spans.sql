-- Per library of $libraries and source: the first and last month with data, how
-- many months between them have none, and the first of those missing months.
with covered as (
    select distinct library_code, source, month from coverage_months($libraries)
),
stepped as (
    select
        library_code,
        source,
        month,
        lag(month) over (partition by library_code, source order by month) as previous
    from covered
)
select
    library_code,
    source,
    min(month) as first_month,
    max(month) as last_month,
    date_diff('month', min(month), max(month)) + 1 - count(*) as missing,
    min(previous + interval 1 month) filter (where date_diff('month', previous, month) > 1) as first_missing
from stepped
group by library_code, source
order by source, library_code
