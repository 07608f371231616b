-- The imported catalogue files whose records make up the contribution figures of
-- year $year (NULL: every year), with what each held and skipped.
select
    i.import_id,
    i.file_name,
    i.format,
    i.library_code,
    i.rows as records,
    i.skipped,
    i.imported_at,
    i.synthetic,
    len(i.warnings) as warnings
from imports as i
where i.kind = 'catalogue'
    and i.import_id in (
        select import_id from contributions where cast($year as integer) is null or year(contributed_on) = $year
    )
order by i.import_id
