-- Uptake of global resources per member library in year $year, for one metric
-- ($metric, counted from the report family $family: PR, DR, TR or IR): the total,
-- the total per 10,000 residents, the months with usage, and last year's total.
with this_year as (
    select library_code, sum(count) as total, count(distinct month) as months_with_usage
    from usage_monthly
    where family = $family and metric_type = $metric
        and month between make_date($year, 1, 1) and make_date($year, 12, 1)
    group by library_code
),
last_year as (
    select library_code, sum(count) as total
    from usage_monthly
    where family = $family and metric_type = $metric
        and month between make_date($year - 1, 1, 1) and make_date($year - 1, 12, 1)
    group by library_code
)
select
    m.library_code,
    m.level,
    m.name_en,
    m.name_zh,
    m.city_en,
    m.city_zh,
    m.label_en,
    m.label_zh,
    m.adcode,
    m.population,
    coalesce(t.total, 0) as total,
    coalesce(t.total, 0) * 10000.0 / nullif(m.population, 0) as per_10k_residents,
    coalesce(t.months_with_usage, 0) as months_with_usage,
    p.total as previous_total
from members as m
left join this_year as t on t.library_code = m.library_code
left join last_year as p on p.library_code = m.library_code
order by total desc, m.library_code
