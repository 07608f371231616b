-- Monthly usage of one metric ($metric, from the report family $family) per
-- member library, over every month with usage.
select library_code, month, sum(count) as total
from usage_monthly
where family = $family and metric_type = $metric
group by library_code, month
order by month, library_code
