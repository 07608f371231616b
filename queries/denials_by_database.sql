-- Unmet demand in year $year by the chosen libraries ($libraries): readers turned
-- away per database, because the library has no licence (No_License) or all its
-- licensed simultaneous users were busy (Limit_Exceeded), from the database reports
-- $reports (each use counted once). The most refused first.
select
    coalesce(nullif(database, ''), platform) as database,
    any_value(platform) as platform,
    coalesce(sum(count) filter (where metric_type = 'No_License'), 0)::bigint as no_license,
    coalesce(sum(count) filter (where metric_type = 'Limit_Exceeded'), 0)::bigint as limit_exceeded,
    count(distinct library_code) as libraries
from preferred_usage(
    $reports, ['No_License', 'Limit_Exceeded'], make_date($year, 1, 1), make_date($year, 12, 1), $libraries
)
group by 1
order by no_license + limit_exceeded desc, database
