-- Whether any kept row of the staged file gives no platform (such rows replace stored rows without one).
select count(*) > 0 from stage_rows where row_class = 'data' and platform is null
