-- Catalogue records each member library contributed in year $year (NULL: every
-- year): original records (it created them), enhanced records (it improved
-- another's), how many of them are local documents, and their share.
with counted as (
    select
        library_code,
        count(*) filter (where role = 'original') as original,
        count(*) filter (where role = 'enhanced') as enhanced,
        count(*) filter (where is_local_document) as local_documents
    from contributions
    where cast($year as integer) is null or year(contributed_on) = $year
    group by library_code
)
select
    m.library_code,
    m.level,
    m.name_en,
    m.name_zh,
    m.city_en,
    m.city_zh,
    m.label_en,
    m.label_zh,
    m.population,
    coalesce(c.original, 0) as original,
    coalesce(c.enhanced, 0) as enhanced,
    coalesce(c.original, 0) + coalesce(c.enhanced, 0) as total,
    coalesce(c.local_documents, 0) as local_documents,
    c.local_documents / nullif(c.original + c.enhanced, 0) as local_share
from members as m
left join counted as c on c.library_code = m.library_code
order by total desc, m.library_code
