-- Cataloguing activity per member library in year $year, from OCLC's statistics:
-- new WorldCat records, holdings set, records replaced or enhanced, authority records.
with summed as (
    select
        library_code,
        sum(count) filter (where activity = 'new_records') as new_records,
        sum(count) filter (where activity = 'holdings_set') as holdings_set,
        sum(count) filter (where activity = 'records_replaced') as records_replaced,
        sum(count) filter (where activity = 'authority_records') as authority_records
    from cataloguing_activity
    where month between make_date($year, 1, 1) and make_date($year, 12, 1)
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
    m.population,
    coalesce(s.new_records, 0) as new_records,
    coalesce(s.holdings_set, 0) as holdings_set,
    coalesce(s.records_replaced, 0) as records_replaced,
    coalesce(s.authority_records, 0) as authority_records
from members as m
left join summed as s on s.library_code = m.library_code
order by m.library_code
