-- The catalogue file's contribution rows (registered as `stage_contribution_rows`),
-- one per record, library and role: where a record appears twice in the file,
-- its last occurrence wins. (Used only when catalogue_repeats.sql finds repeats;
-- otherwise catalogue_stage_as_read.sql stages the rows as they are.)
create or replace temp table stage_contributions as
select *
from stage_contribution_rows
qualify row_number() over (partition by library_code, role, record_key order by record_number desc) = 1
