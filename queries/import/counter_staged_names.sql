-- The platform and database names the staged file's kept rows give, each once.
select distinct 'platform' as kind, platform as name
from stage_rows
where row_class = 'data' and platform is not null
union
select distinct 'database', database
from stage_rows
where row_class = 'data' and database is not null
order by kind, name
