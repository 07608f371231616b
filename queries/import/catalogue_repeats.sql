-- Records the catalogue file holds more than once (same record key, library and
-- role): how many repeats, and the first record number repeated.
select count(*) - count(distinct (library_code, role, record_key)) as repeats, min(record_number) as first_record
from stage_contribution_rows
