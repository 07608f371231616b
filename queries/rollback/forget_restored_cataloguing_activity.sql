-- Forget the cataloguing_activity rows import $import_id had set aside, once put back.
delete from replaced_cataloguing_activity where replaced_by = $import_id
