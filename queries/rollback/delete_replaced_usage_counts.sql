-- Remove what import $import_id had in replaced_usage_counts: its rows a later import set aside
-- (a rollback; the caller counts the rows).
delete from replaced_usage_counts where import_id = $import_id
