-- The $limit most recent imported files of the libraries $libraries (NULL: every
-- file), the newest first: who imported it, what it is, whose, which months, how many rows it holds
-- now (after later files replaced some), and its warnings.
select
    import_id,
    imported_at,
    imported_by,
    file_name,
    kind,
    format,
    report_id,
    release,
    library_code,
    period_begin,
    period_end,
    rows,
    skipped,
    long_rows - superseded_rows as counts_in_use,
    superseded_rows,
    coalesce(len(warnings), 0) as warning_count,
    warnings,
    synthetic
from imports
where cast($libraries as varchar[]) is null or list_contains($libraries, library_code)
order by import_id desc
limit $limit
