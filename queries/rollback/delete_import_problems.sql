-- Remove what import $import_id stored in import_problems (a rollback; the caller counts the rows).
delete from import_problems where import_id = $import_id
