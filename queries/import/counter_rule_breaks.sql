-- The COUNTER Validator's rules between metrics, per item and month:
--   Total_Item_Investigations  >= Unique_Item_Investigations
--   Unique_Item_Investigations >= Unique_Item_Requests
--   Total_Item_Investigations  >= Total_Item_Requests
--   Total_Item_Requests        >= Unique_Item_Requests
--   Unique_Title_Investigations >= Unique_Title_Requests
-- each checked only where the report carries both of its metrics (a view such as
-- TR_J1 has requests but no investigations). Per rule broken: how many item-months,
-- and the first one (by line, then month).
with per_item_month as (
    select
        r.item_key,
        c.month,
        coalesce(sum(c.count) filter (where r.metric_type = 'Total_Item_Investigations'), 0) as tii,
        coalesce(sum(c.count) filter (where r.metric_type = 'Unique_Item_Investigations'), 0) as uii,
        coalesce(sum(c.count) filter (where r.metric_type = 'Total_Item_Requests'), 0) as tir,
        coalesce(sum(c.count) filter (where r.metric_type = 'Unique_Item_Requests'), 0) as uir,
        coalesce(sum(c.count) filter (where r.metric_type = 'Unique_Title_Investigations'), 0) as uti,
        coalesce(sum(c.count) filter (where r.metric_type = 'Unique_Title_Requests'), 0) as utr,
        min(r.source_line) as line,
        any_value(r.item_name) as item
    from stage_counts as c
    join stage_rows as r using (row_id)
    where c.count is not null
    group by r.item_key, c.month
),
present as (
    select list(distinct metric_type) as metrics from stage_rows where row_class = 'data'
),
rules (larger, smaller) as (
    values
        ('Total_Item_Investigations', 'Unique_Item_Investigations'),
        ('Unique_Item_Investigations', 'Unique_Item_Requests'),
        ('Total_Item_Investigations', 'Total_Item_Requests'),
        ('Total_Item_Requests', 'Unique_Item_Requests'),
        ('Unique_Title_Investigations', 'Unique_Title_Requests')
),
breaks as (
    select 'Total_Item_Investigations' as larger, 'Unique_Item_Investigations' as smaller,
        line, item, month, tii as larger_count, uii as smaller_count
    from per_item_month where tii < uii
    union all
    select 'Unique_Item_Investigations', 'Unique_Item_Requests', line, item, month, uii, uir
    from per_item_month where uii < uir
    union all
    select 'Total_Item_Investigations', 'Total_Item_Requests', line, item, month, tii, tir
    from per_item_month where tii < tir
    union all
    select 'Total_Item_Requests', 'Unique_Item_Requests', line, item, month, tir, uir
    from per_item_month where tir < uir
    union all
    select 'Unique_Title_Investigations', 'Unique_Title_Requests', line, item, month, uti, utr
    from per_item_month where uti < utr
)
select
    b.larger,
    b.smaller,
    count(*) as breaks,
    min_by(struct_pack(b.line, b.item, b.month, b.larger_count, b.smaller_count), (b.line, b.month)) as first
from breaks as b
join rules using (larger, smaller)
cross join present
where list_contains(present.metrics, b.larger) and list_contains(present.metrics, b.smaller)
group by b.larger, b.smaller
order by b.larger, b.smaller
