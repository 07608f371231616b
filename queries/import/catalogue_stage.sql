-- The catalogue file's contribution rows (registered as `stage_contribution_rows`),
-- one per record, library and role: where a record appears twice in the file,
-- its last occurrence wins.
create or replace temp table stage_contributions as
select *
from stage_contribution_rows
qualify row_number() over (partition by library_code, role, record_key order by record_number desc) = 1
