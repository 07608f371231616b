-- How many non-zero counts the staged file will store.
select count(*) from stage_counts where count > 0
