-- Item-months that break the COUNTER Validator's rules between metrics. Each rule
-- in $rules is a (larger, smaller) pair, e.g. Total_Item_Requests >= Unique_Item_Requests,
-- checked where the report carries both metrics: every row of the smaller metric
-- is paired with the row of the larger metric for the same item (same item_key)
-- and their months compared. Per rule broken: how many item-months, and the
-- first one (by line, then month).
with rules as (
    select unnest($rules, recursive := true)
),
present as (
    select distinct metric_type from stage_rows where row_class = 'data'
),
pairs as (
    select
        rules.larger,
        rules.smaller,
        s.row_id as smaller_row,
        l.row_id as larger_row,
        s.source_line as line,
        s.item_name as item
    from rules
    join stage_rows as s on s.metric_type = rules.smaller and s.row_class = 'data'
    left join stage_rows as l
        on l.item_key = s.item_key and l.metric_type = rules.larger and l.row_class = 'data'
    where rules.larger in (select metric_type from present)
),
breaks as (
    select
        p.larger,
        p.smaller,
        p.line,
        p.item,
        cs.month,
        coalesce(cl.count, 0) as larger_count,
        cs.count as smaller_count
    from pairs as p
    join stage_counts as cs on cs.row_id = p.smaller_row
    left join stage_counts as cl on cl.row_id = p.larger_row and cl.month = cs.month
    where coalesce(cl.count, 0) < cs.count
)
select
    larger,
    smaller,
    count(*) as breaks,
    min_by(struct_pack(line, item, month, larger_count, smaller_count), (line, month)) as first
from breaks
group by larger, smaller
order by larger, smaller
