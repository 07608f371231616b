-- The file names of the imports $import_ids, to say which files an import replaced.
select import_id, file_name
from imports
where list_contains($import_ids, import_id)
order by import_id
