-- Remove the stored counts the staged file replaces (see replaced_rows.sql).
-- The earlier imports' usage_rows stay: they record what those files said.
delete from usage_counts as c
using usage_rows as r
where r.import_id = c.import_id
    and r.row_id = c.row_id
    and c.import_id in (
        select import_id
        from imports
        where library_code = $library_code
            and report_id = $report_id
            and list_has_any(months, cast($months as date[]))
    )
    and c.month in (select unnest(cast($months as date[])))
    and list_contains($platforms, coalesce(r.platform, ''))
