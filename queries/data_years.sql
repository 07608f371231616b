-- The years with any imported data (usage, contributions, OCLC service statistics),
-- the latest first: the choices of the shared year filter.
select year
from (
    select distinct year(month) as year from usage_monthly
    union
    select distinct year(contributed_on) from contributions where contributed_on is not null
    union
    select distinct year(month) from ill_activity
    union
    select distinct year(month) from cataloguing_activity
)
order by year desc
