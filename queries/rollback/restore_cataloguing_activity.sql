-- Put back the cataloguing_activity rows import $import_id had set aside (after reassign_cataloguing_activity.sql: only those
-- whose place is free).
insert into cataloguing_activity by name
select * exclude (replaced_by)
from replaced_cataloguing_activity
where replaced_by = $import_id
