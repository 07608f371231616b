-- The rows import $import_id had set aside that are about to be put back, per import they
-- belong to: those imports are superseded by that many rows less (see unsupersede.sql).
select import_id, count(*) as rows
from (
    select import_id from replaced_usage_counts where replaced_by = $import_id
    union all
    select import_id from replaced_contributions where replaced_by = $import_id
    union all
    select import_id from replaced_ill_activity where replaced_by = $import_id
    union all
    select import_id from replaced_cataloguing_activity where replaced_by = $import_id
)
group by import_id
order by import_id
