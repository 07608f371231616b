-- Set aside the stored ILL figures the staged file replaces under import $import_id
-- (before ill_delete_replaced.sql), so a rollback can put them back.
insert into replaced_ill_activity by name
select a.*, $import_id as replaced_by
from ill_activity as a
where exists (
    select 1 from stage_ill as s
    where s.library_code = a.library_code and s.month = a.month and s.role = a.role
)
