-- The years in which member libraries contributed catalogue records, the latest first.
select year(contributed_on) as year, count(*) as contributions
from contributions
where contributed_on is not null
group by year
order by year desc
