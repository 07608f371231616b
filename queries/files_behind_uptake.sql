-- The imported COUNTER files of one report family (its reports listed in
-- $reports) with months in year $year and counts still in use: the files behind
-- the uptake figures of that year, so every number on the page can be traced.
select
    import_id,
    file_name,
    library_code,
    report_id,
    release,
    period_begin,
    period_end,
    imported_at,
    synthetic,
    len(warnings) as warnings
from imports
where kind = 'counter'
    and list_contains($reports, report_id)
    and list_has_any(months, generate_series(make_date($year, 1, 1), make_date($year, 12, 1), interval 1 month)::date[])
    and long_rows > superseded_rows
order by library_code, report_id, period_begin
