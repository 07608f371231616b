-- Remove the stored cataloguing counts the staged file replaces (see cataloguing_replaced_rows.sql).
delete from cataloguing_activity as a
using stage_cataloguing as s
where a.library_code = s.library_code and a.month = s.month and a.activity = s.activity
