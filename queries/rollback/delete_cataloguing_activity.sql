-- Remove what import $import_id stored in cataloguing_activity (a rollback; the caller counts the rows).
delete from cataloguing_activity where import_id = $import_id
