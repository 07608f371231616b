-- Store the staged file's non-zero counts under import $import_id.
insert into usage_counts (import_id, row_id, month, count)
select $import_id, row_id, month, count
from stage_counts
where count > 0
