-- Item-months where metric $larger is below metric $smaller, which the COUNTER
-- Validator does not allow (e.g. Total_Item_Requests < Unique_Item_Requests):
-- how many, and the first one.
with per_item as (
    select
        item_key,
        month,
        coalesce(sum(count) filter (where metric_type = $larger), 0) as larger,
        coalesce(sum(count) filter (where metric_type = $smaller), 0) as smaller,
        min(source_line) as line,
        any_value(coalesce(title, database, platform)) as item
    from stage_usage
    where count is not null and metric_type in ($larger, $smaller)
    group by item_key, month
)
select count(*) over () as breaks, line, item, month, larger, smaller
from per_item
where larger < smaller
order by line, month
limit 1
