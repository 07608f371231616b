-- The most recent import of the very same file (same sha256) for this library
-- none of whose counts were replaced since: importing it again would change nothing.
-- $library_code may be NULL when the file's library is not known yet.
select import_id, library_code
from imports
where sha256 = $sha256
    and ($library_code is null or library_code = $library_code)
    and superseded_rows = 0
order by import_id desc
limit 1
