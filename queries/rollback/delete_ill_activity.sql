-- Remove what import $import_id stored in ill_activity (a rollback; the caller counts the rows).
delete from ill_activity where import_id = $import_id
