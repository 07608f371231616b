-- Record on an earlier import how many of its counts a later file replaced.
update imports
set superseded_rows = superseded_rows + $rows
where import_id = $import_id
