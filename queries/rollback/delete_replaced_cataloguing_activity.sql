-- Remove what import $import_id had in replaced_cataloguing_activity: its rows a later import set aside
-- (a rollback; the caller counts the rows).
delete from replaced_cataloguing_activity where import_id = $import_id
