-- Remove what import $import_id stored in contributions (a rollback; the caller counts the rows).
delete from contributions where import_id = $import_id
