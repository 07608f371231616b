-- How many non-zero counts the staged file will store.
select count(*) from stage_usage where count > 0
