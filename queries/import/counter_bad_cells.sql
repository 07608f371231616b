-- Cells of kept rows that hold something other than a whole, non-negative count:
-- how many, and the first few (line, month, what the cell says).
select
    count(*) over () as cells,
    source_line,
    month,
    metric_type,
    cell
from stage_usage
where count is null
order by source_line, month
limit 5
