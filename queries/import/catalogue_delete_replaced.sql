-- Remove the stored contributions the staged file replaces (see catalogue_replaced_rows.sql).
delete from contributions as c
using stage_contributions as s
where c.library_code = s.library_code and c.role = s.role and c.record_key = s.record_key
