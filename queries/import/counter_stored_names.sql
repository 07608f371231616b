-- The platform and database names stored usage rows give, each once, so that a file writing
-- one of them another way ('rtp' for 'RTP') is read as the same (coopdash/loaders/counter.py).
select distinct 'platform' as kind, platform as name
from usage_rows
where platform is not null
union
select distinct 'database', database
from usage_rows
where database is not null
order by kind, name
