-- Cells of kept rows that hold something other than a whole, non-negative count:
-- how many, and the first few (line, month, what the cell says).
select
    count(*) over () as cells,
    r.source_line,
    c.month,
    r.metric_type,
    c.cell
from stage_counts as c
join stage_rows as r using (row_id)
where c.count is null
order by r.source_line, c.month
limit 5
