-- The kept rows of `stage_rows` in long form: one row per data row and month whose
-- cell is not blank, with the count parsed (NULL where the cell is not a count).
create or replace temp table stage_usage as
with kept as (
    select * exclude (row_class, item_name, reporting_period_total)
    from stage_rows
    where row_class = 'data'
),
cells as (
    unpivot kept on columns('^m_[0-9]{4}_[0-9]{2}$') into name month_column value cell
)
select
    * exclude (month_column, cell),
    make_date(
        cast(substr(month_column, 3, 4) as integer), cast(substr(month_column, 8, 2) as integer), 1
    ) as month,
    trim(cell) as cell,
    counter_count(cell) as count
from cells
where trim(cell) <> ''
