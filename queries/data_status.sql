-- What the dashboard rests on: files imported, how many of them are synthetic
-- sample data, and a version that changes with every import (for caching).
select
    count(*) as files,
    count(*) filter (where synthetic) as synthetic_files,
    coalesce(max(import_id), 0) as data_version
from imports
