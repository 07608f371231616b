-- Counts in the staged file for months before $joined_on (the library joined the
-- consortium then): how many cells, and the months they fall in.
select count(*) as cells, min(month) as first_month, max(month) as last_month
from stage_counts
where count > 0 and month < $joined_on
