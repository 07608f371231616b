-- How many contribution rows the staged catalogue file will store.
select count(*) from stage_contributions
