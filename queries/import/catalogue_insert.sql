-- Store the staged file's contributions under import $import_id.
insert into contributions by name
select *, $import_id as import_id
from stage_contributions
