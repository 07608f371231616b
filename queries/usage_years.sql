-- The years with any stored usage, the latest first, and how many months of each have usage.
select year(month) as year, count(distinct month) as months
from usage_monthly
group by year
order by year desc
