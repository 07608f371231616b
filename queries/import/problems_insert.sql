-- Store what an import could not read (registered as `stage_problems`) under import $import_id.
insert into import_problems by name
select *, $import_id as import_id
from stage_problems
