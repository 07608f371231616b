-- Forget the contributions rows import $import_id had set aside, once put back.
delete from replaced_contributions where replaced_by = $import_id
