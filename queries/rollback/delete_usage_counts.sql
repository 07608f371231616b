-- Remove what import $import_id stored in usage_counts (a rollback; the caller counts the rows).
delete from usage_counts where import_id = $import_id
