-- The year the shared year filter starts on: the year of the latest month, up to the current
-- one, for which at least $share of the libraries with any data have some (COUNTER usage, a
-- report of zero use, catalogue records, OCLC statistics). A month only a few libraries have
-- reached so far, or a misdated one, does not move every reader to its year. NULL: no data.
with covered as (
    select distinct library_code, month
    from coverage_months((select list(code) from libraries))
    where month <= current_date
),
reporting as (
    select count(distinct library_code) as libraries from covered
),
by_month as (
    select month, count(*) as libraries from covered group by month
)
select year(max(by_month.month))
from by_month, reporting
where by_month.libraries >= $share * reporting.libraries
