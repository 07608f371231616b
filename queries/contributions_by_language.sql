-- Catalogue records the libraries $libraries contributed in year $year (NULL: every year) by language of
-- the resource (the MARC language code; NULL where the record gives none).
select language, count(*) as total, count(*) filter (where is_local_document) as local_documents
from contributions
where (cast($year as integer) is null or year(contributed_on) = $year)
    and list_contains($libraries, library_code)
group by language
order by total desc, language
