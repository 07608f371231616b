-- Kept rows with a Unique_Title metric on an item whose Data_Type is not Book
-- (or Reference_Work, as R5.1's official samples have it): COUNTER defines
-- Unique_Title_* for books only. How many, and the first line.
select count(*) as rows, min(source_line) as first_line, list(distinct data_type)[1:3] as data_types
from stage_rows
where row_class = 'data'
    and metric_type in ('Unique_Title_Investigations', 'Unique_Title_Requests')
    and data_type is not null
    and data_type not in ('Book', 'Reference_Work')
