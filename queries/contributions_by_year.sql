-- Catalogue records each member library contributed per year: original and
-- enhanced records (records with no date are left out).
select
    library_code,
    year(contributed_on) as year,
    count(*) filter (where role = 'original') as original,
    count(*) filter (where role = 'enhanced') as enhanced,
    count(*) as total
from contributions
where contributed_on is not null
group by library_code, year
order by year, library_code
