-- Cumulative catalogue records contributed by each member library, month by
-- month, from its first contribution.
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
    sum(m.records) over (partition by m.library_code order by m.month) as cumulative
from monthly as m
order by m.library_code, m.month
