-- Cumulative catalogue records contributed by each member library, month by
-- month, from its first contribution; with the date it joined (or had joined by).
with monthly as (
    select library_code, contributed_on as month, count(*) as records
    from contributions
    where contributed_on is not null
    group by library_code, contributed_on
)
select
    m.library_code,
    m.month,
    m.records,
    sum(m.records) over (partition by m.library_code order by m.month) as cumulative,
    coalesce(l.joined_on, l.joined_before) as joined
from monthly as m
join libraries as l on l.code = m.library_code
order by m.library_code, m.month
