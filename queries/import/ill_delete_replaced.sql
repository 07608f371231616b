-- Remove the stored ILL figures the staged file replaces (see ill_replaced_rows.sql).
delete from ill_activity as a
using stage_ill as s
where a.library_code = s.library_code and a.month = s.month and a.role = s.role
