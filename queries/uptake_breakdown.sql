-- Uptake of one metric ($metric, from the reports $reports of one family, each use
-- counted once) in year $year by the chosen libraries ($libraries), broken down by
-- $dimension: 'platform', 'database' or 'data_type'. The largest first.
select
    coalesce(nullif(case $dimension
        when 'platform' then platform
        when 'database' then database
        when 'data_type' then data_type
    end, ''), '(not given)') as item,
    sum(count)::bigint as total,
    count(distinct library_code) as libraries
from preferred_usage($reports, [$metric], make_date($year, 1, 1), make_date($year, 12, 1), $libraries)
group by item
order by total desc, item
