-- The $limit most used titles in year $year by the chosen libraries ($libraries):
-- one metric ($metric) from the title reports $reports (TR and its views, each use
-- counted once), with how many of the libraries used each title.
select
    title,
    any_value(publisher order by count desc) as publisher,
    any_value(data_type order by count desc) as data_type,
    any_value(platform order by count desc) as platform,
    sum(count)::bigint as total,
    count(distinct library_code) as libraries
from preferred_usage($reports, [$metric], make_date($year, 1, 1), make_date($year, 12, 1), $libraries)
where title is not null and title <> ''
group by title
order by total desc, title
limit $limit
