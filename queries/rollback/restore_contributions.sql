-- Put back the contributions rows import $import_id had set aside (after reassign_contributions.sql: only those
-- whose place is free).
insert into contributions by name
select * exclude (replaced_by)
from replaced_contributions
where replaced_by = $import_id
