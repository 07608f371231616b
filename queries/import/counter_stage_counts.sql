-- The month cells of the kept rows (row_class 'data' in stage_rows), one row per
-- row and month whose cell is not blank, with the count: `plain` where the loader
-- already read a cell of plain digits, else parsed by counter_count (NULL where
-- the cell is not a count at all).
create or replace temp table stage_counts as
select
    row_id,
    month,
    case when plain is null then cell end as cell,  -- kept only where it needed reading
    case when plain is not null then plain else counter_count(cell) end as count
from stage_cells
where row_id in (select row_id from stage_rows where row_class = 'data')
