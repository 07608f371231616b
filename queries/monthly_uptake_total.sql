-- Monthly usage of one metric ($metric, from the report family $family) added up
-- over the libraries $libraries: the consortium's own trend.
select month, sum(count) as total
from usage_monthly
where family = $family and metric_type = $metric and list_contains($libraries, library_code)
group by month
order by month
