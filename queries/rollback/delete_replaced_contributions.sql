-- Remove what import $import_id had in replaced_contributions: its rows a later import set aside
-- (a rollback; the caller counts the rows).
delete from replaced_contributions where import_id = $import_id
