-- Keep one of each count the staged file gives twice with the same value (see
-- counter_repeated_cells.sql): the later ones leave stage_counts.
delete from stage_counts as s
using (
    select c.row_id, c.month
    from stage_rows as r
    join (
        select item_key, metric_type
        from stage_rows
        where row_class = 'data'
        group by item_key, metric_type
        having count(*) > 1
    ) as twice using (item_key, metric_type)
    join stage_counts as c using (row_id)
    where r.row_class = 'data' and c.count is not null
    qualify row_number() over (partition by r.item_key, r.metric_type, c.month order by c.row_id) > 1
) as later
where s.row_id = later.row_id and s.month = later.month
