-- Monthly usage of one metric ($metric, from the report family $family) per
-- member library, over every month with usage: the total, and the total per
-- 10,000 residents of the library's city (NULL where no population is known).
select
    u.library_code,
    u.month,
    sum(u.count) as total,
    sum(u.count) * 10000.0 / nullif(any_value(m.population), 0) as per_10k_residents
from usage_monthly as u
join members as m on m.library_code = u.library_code
where u.family = $family and u.metric_type = $metric
group by u.library_code, u.month
order by u.month, u.library_code
