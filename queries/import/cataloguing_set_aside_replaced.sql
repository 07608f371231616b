-- Set aside the stored cataloguing counts the staged file replaces under import $import_id
-- (before cataloguing_delete_replaced.sql), so a rollback can put them back.
insert into replaced_cataloguing_activity by name
select a.*, $import_id as replaced_by
from cataloguing_activity as a
where exists (
    select 1 from stage_cataloguing as s
    where s.library_code = a.library_code and s.month = a.month and s.activity = a.activity
)
