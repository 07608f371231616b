-- Kept rows that repeat an item and metric an earlier row already gave (every
-- column the same but the counts): how many, and the first repeat with the line
-- it repeats. Both are imported; summing them may count the same use twice.
with numbered as (
    select
        source_line,
        item_name,
        metric_type,
        first_value(source_line) over (partition by item_key, metric_type order by row_id) as first_line,
        row_number() over (partition by item_key, metric_type order by row_id) as seen
    from stage_rows
    where row_class = 'data'
)
select count(*) over () as rows, source_line, first_line, item_name, metric_type
from numbered
where seen > 1
order by source_line
limit 1
