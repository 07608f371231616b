-- What the dashboard rests on: files imported, how many of them are synthetic
-- sample data, and the data version, which every write moves on (for caching).
select
    count(*) as files,
    count(*) filter (where synthetic) as synthetic_files,
    (select max(version) from data_version) as data_version
from imports
