-- Forget import $import_id itself, so the same file can be imported again.
delete from imports where import_id = $import_id
