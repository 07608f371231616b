-- Monthly usage of one metric ($metric from the reports $reports, in order of
-- preference) per member library, over every month with usage.
select
    u.library_code,
    u.month,
    sum(u.count) as total
from usage_once($metric, $reports, date '1900-01-01', date '2999-12-01') as u
group by u.library_code, u.month
order by u.month, u.library_code
