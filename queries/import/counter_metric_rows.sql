-- The metrics the kept rows carry, with their row counts and first lines.
select metric_type, count(*) as rows, min(source_line) as first_line
from stage_rows
where row_class = 'data'
group by metric_type
order by metric_type
