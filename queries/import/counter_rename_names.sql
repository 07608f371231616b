-- Write the staged file's platform and database names as already stored: each name in
-- $platforms_from / $databases_from becomes the name at the same position of the _to list.
update stage_rows
set
    platform = coalesce(list_element($platforms_to, list_position($platforms_from, platform)), platform),
    database = coalesce(list_element($databases_to, list_position($databases_from, database)), database)
where list_contains($platforms_from, platform) or list_contains($databases_from, database)
