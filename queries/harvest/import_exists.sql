-- Whether the import $import_id is still in the database (a rollback removes it).
select count(*) > 0 from imports where import_id = $import_id
