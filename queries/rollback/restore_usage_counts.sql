-- Put back the counts import $import_id had set aside (after reassign_usage_counts.sql:
-- only those whose place is free); forget_restored_usage_counts.sql then forgets them there.
insert into usage_counts (import_id, row_id, month, count)
select import_id, row_id, month, count
from replaced_usage_counts
where replaced_by = $import_id
