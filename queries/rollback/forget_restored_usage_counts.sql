-- Forget the usage counts import $import_id had set aside, once put back.
delete from replaced_usage_counts where replaced_by = $import_id
