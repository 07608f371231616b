-- Counts the file wrote other than as plain digits but that still read as whole
-- counts ('1,234', ' 7 ', '12.0'): how many, and the first (line, month, cell).
select count(*) over () as cells, r.source_line, c.month, c.cell
from stage_counts as c
join stage_rows as r using (row_id)
where c.cell is not null and c.count is not null
order by r.source_line, c.month
limit 1
