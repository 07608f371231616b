-- Remove what import $import_id stored in usage_rows (a rollback; the caller counts the rows).
delete from usage_rows where import_id = $import_id
