-- Per member library, its figures since the cooperation began (the month of
-- $since on): uses of $metric (from the report family $family) and catalogue
-- records contributed (original and enhanced), with the last month each reaches.
with used as (
    select library_code, sum(count) as uses, max(month) as last_use
    from usage_monthly
    where family = $family and metric_type = $metric and month >= date_trunc('month', cast($since as date))
    group by library_code
),
contributed as (
    select library_code, count(*) as records, max(contributed_on) as last_record
    from contributions
    where contributed_on >= date_trunc('month', cast($since as date))
    group by library_code
)
select
    m.library_code,
    m.level,
    m.name_en,
    m.name_zh,
    m.label_en,
    m.label_zh,
    m.population,
    coalesce(u.uses, 0) as uses,
    coalesce(c.records, 0) as records,
    u.last_use,
    c.last_record
from members as m
left join used as u on u.library_code = m.library_code
left join contributed as c on c.library_code = m.library_code
order by uses desc, m.library_code
