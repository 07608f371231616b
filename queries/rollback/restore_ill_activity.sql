-- Put back the ill_activity rows import $import_id had set aside (after reassign_ill_activity.sql: only those
-- whose place is free).
insert into ill_activity by name
select * exclude (replaced_by)
from replaced_ill_activity
where replaced_by = $import_id
