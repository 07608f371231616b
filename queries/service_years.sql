-- The years with OCLC service statistics (interlibrary loan or cataloguing), the latest first.
select year
from (
    select distinct year(month) as year from ill_activity
    union
    select distinct year(month) as year from cataloguing_activity
)
order by year desc
