-- What the dashboard rests on: files imported, and how many of them are synthetic
-- sample data (the notice on every page says so).
select
    count(*) as files,
    count(*) filter (where synthetic) as synthetic_files
from imports
