-- Counts import $import_id had set aside whose place (library, report, platform and month)
-- a later import now holds: they become set aside by that import, so that rolling it back
-- in turn restores them, and they do not come back beside its counts now.
update replaced_usage_counts as s
set replaced_by = held.holder
from (
    select r.library_code, r.report_id, coalesce(r.platform, '') as platform, c.month, min(c.import_id) as holder
    from usage_counts as c
    join usage_rows as r on r.import_id = c.import_id and r.row_id = c.row_id
    where c.month in (select month from replaced_usage_counts where replaced_by = $import_id)
        and r.import_id in (
            select later.import_id
            from imports as later, (
                select distinct r2.library_code, r2.report_id
                from replaced_usage_counts as s2
                join usage_rows as r2 on r2.import_id = s2.import_id and r2.row_id = s2.row_id
                where s2.replaced_by = $import_id
            ) as scope
            where later.library_code = scope.library_code and later.report_id = scope.report_id
        )
    group by all
) as held, usage_rows as own
where s.replaced_by = $import_id
    and own.import_id = s.import_id
    and own.row_id = s.row_id
    and own.library_code = held.library_code
    and own.report_id = held.report_id
    and coalesce(own.platform, '') = held.platform
    and s.month = held.month
