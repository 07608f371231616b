-- Per member library, every month of $year and the year before in which it
-- contributed catalogue records (original and enhanced), with how many. What a
-- like-for-like change on the year before compares.
select library_code, contributed_on as month, count(*) as value
from contributions
where year(contributed_on) between $year - 1 and $year
group by library_code, contributed_on
order by library_code, contributed_on
