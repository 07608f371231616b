-- Interlibrary loan per member library in year $year: requests it sent to other
-- libraries (borrowing) and received from them (lending), how many were filled,
-- the fill rates, the request-weighted average turnaround, and the balance of
-- filled lending over filled borrowing.
with summed as (
    select
        library_code,
        sum(requests) filter (where role = 'borrowing') as borrowing_requests,
        sum(filled) filter (where role = 'borrowing') as borrowing_filled,
        sum(requests) filter (where role = 'lending') as lending_requests,
        sum(filled) filter (where role = 'lending') as lending_filled,
        sum(turnaround_days * coalesce(turnaround_requests, filled)) filter (where role = 'borrowing')
            / nullif(sum(coalesce(turnaround_requests, filled)) filter (where role = 'borrowing' and turnaround_days is not null), 0)
            as borrowing_turnaround_days,
        sum(turnaround_days * coalesce(turnaround_requests, filled)) filter (where role = 'lending')
            / nullif(sum(coalesce(turnaround_requests, filled)) filter (where role = 'lending' and turnaround_days is not null), 0)
            as lending_turnaround_days
    from ill_activity
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
    coalesce(s.borrowing_requests, 0) as borrowing_requests,
    coalesce(s.borrowing_filled, 0) as borrowing_filled,
    coalesce(s.lending_requests, 0) as lending_requests,
    coalesce(s.lending_filled, 0) as lending_filled,
    s.borrowing_filled / nullif(s.borrowing_requests, 0) as borrowing_fill_rate,
    s.lending_filled / nullif(s.lending_requests, 0) as lending_fill_rate,
    s.borrowing_turnaround_days,
    s.lending_turnaround_days,
    coalesce(s.lending_filled, 0) - coalesce(s.borrowing_filled, 0) as balance
from members as m
left join summed as s on s.library_code = m.library_code
order by m.library_code
