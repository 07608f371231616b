-- Store the staged ILL figures under import $import_id.
insert into ill_activity by name
select *, $import_id as import_id
from stage_ill
