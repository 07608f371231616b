-- Stored counts the staged file replaces, per earlier import: same library,
-- report and platform ($platforms: every stored spelling of the file's platforms, '' for
-- none), in the months the file covers. Only imports whose own
-- months overlap these are looked at, so the cost does not grow with the database.
with earlier as (
    select import_id
    from imports
    where library_code = $library_code
        and report_id = $report_id
        and list_has_any(months, cast($months as date[]))
)
select c.import_id, count(*) as rows
from usage_counts as c
join usage_rows as r on r.import_id = c.import_id and r.row_id = c.row_id
where c.import_id in (select import_id from earlier)
    and c.month in (select unnest(cast($months as date[])))
    and list_contains($platforms, coalesce(r.platform, ''))
group by c.import_id
order by c.import_id
