-- The most recent import of the very same file (same sha256) for this library
-- whose counts are all still stored: importing it again would change nothing.
-- $library_code may be NULL when the file's library is not known yet.
select i.import_id, i.library_code
from imports as i
where i.sha256 = $sha256
    and ($library_code is null or i.library_code = $library_code)
    and i.long_rows = (select count(*) from usage_counts as c where c.import_id = i.import_id)
order by i.import_id desc
limit 1
