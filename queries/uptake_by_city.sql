-- Uptake of global resources per member library in year $year, for one metric
-- ($metric, taken from the reports $reports in order of preference): the total,
-- the total per 10,000 residents, the months with usage and the files behind it.
with counted as (
    select library_code, sum(count) as total, count(distinct month) as months_with_usage
    from usage_once($metric, $reports, make_date($year, 1, 1), make_date($year, 12, 1))
    group by library_code
)
select
    l.code as library_code,
    l.level,
    l.name_en,
    l.name_zh,
    l.city_en,
    l.city_zh,
    l.population,
    coalesce(c.total, 0) as total,
    coalesce(c.total, 0) * 10000.0 / nullif(l.population, 0) as per_10k_residents,
    coalesce(c.months_with_usage, 0) as months_with_usage
from libraries as l
left join counted as c on c.library_code = l.code
order by total desc, l.code
