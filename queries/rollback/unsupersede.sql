-- Import $import_id has $rows of its rows back in place (a rollback restored them).
update imports
set superseded_rows = superseded_rows - $rows
where import_id = $import_id
