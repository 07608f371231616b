-- How many staged rows fall in each class, with the first lines and item names of each,
-- so a warning can say which rows were dropped and why.
select
    row_class,
    count(*) as rows,
    list(source_line order by source_line)[1:5] as lines,
    list(distinct item_name)[1:3] as names
from stage_rows
group by row_class
