-- Store the staged cataloguing counts under import $import_id.
insert into cataloguing_activity by name
select *, $import_id as import_id
from stage_cataloguing
