-- Catalogue records the libraries $libraries contributed in year $year (NULL: every year) by top class of
-- the Chinese Library Classification (NULL: no CLC number), original and
-- enhanced, with the local documents among them.
select
    clc_top,
    count(*) filter (where role = 'original') as original,
    count(*) filter (where role = 'enhanced') as enhanced,
    count(*) as total,
    count(*) filter (where is_local_document) as local_documents
from contributions
where (cast($year as integer) is null or year(contributed_on) = $year)
    and list_contains($libraries, library_code)
group by clc_top
order by total desc, clc_top
