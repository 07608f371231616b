-- Counts the staged file gives twice for the same item, metric and month (in two rows, or in
-- two Performance entries of one JSON item): how many with the same value both times, how
-- many with different values, and the first of each (its line, the line it repeats, the item,
-- metric, month and the two counts). The same count twice is kept once; different counts
-- refuse the file, since either may be the right one (coopdash/loaders/counter.py).
with twice as (  -- items and metrics given in more than one row: few, and found on the rows alone
    select item_key, metric_type
    from stage_rows
    where row_class = 'data'
    group by item_key, metric_type
    having count(*) > 1
),
cells as (
    select r.item_key, r.metric_type, c.month, c.count, r.source_line, r.item_name, c.row_id
    from stage_rows as r
    join twice using (item_key, metric_type)
    join stage_counts as c using (row_id)
    where r.row_class = 'data' and c.count is not null
),
repeated as (
    select
        item_key,
        metric_type,
        month,
        count(distinct count) > 1 as differing,
        list(count order by row_id)[1:2] as counts,
        list(source_line order by row_id)[1:2] as lines,
        any_value(item_name) as item
    from cells
    group by item_key, metric_type, month
    having count(*) > 1
)
select
    differing,
    count(*) as cells,
    min_by(struct_pack(item, metric_type, month, counts, lines), (lines[2], month)) as first
from repeated
group by differing
order by differing desc
