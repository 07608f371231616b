-- Set aside the stored contributions the staged file replaces under import $import_id
-- (before catalogue_delete_replaced.sql), so a rollback can put them back.
insert into replaced_contributions by name
select c.*, $import_id as replaced_by
from contributions as c
where exists (
    select 1 from stage_contributions as s
    where s.library_code = c.library_code and s.role = c.role and s.record_key = c.record_key
)
