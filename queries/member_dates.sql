-- The member libraries with what a fair comparison needs of them: their level
-- (who is compared with whom), residents, and when they joined (joined_on, or
-- only a date they had joined by: joined_before).
select library_code, level, population, joined_on, joined_before
from members
order by library_code
