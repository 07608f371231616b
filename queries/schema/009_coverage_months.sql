-- coverage_months(libraries): which library has which kind of data for which month.
-- Per library, month and source ('PR', 'DR', 'TR', 'IR' for the COUNTER report
-- families; 'catalogue', 'ill', 'cataloguing'), how many reports of that source
-- cover the month. COUNTER months come from the files' stated periods (a file
-- reporting zero use still covers its months); the others from the rows stored.
-- `libraries` lists the library codes to include. Shared by the matrix and the
-- gaps of the data coverage page, so the two always agree.
create or replace macro coverage_months(libraries) as table
with counter as (
    select library_code, split_part(report_id, '_', 1) as source, unnest(months) as month, report_id
    from imports
    where kind = 'counter' and long_rows > superseded_rows and list_contains(libraries, library_code)
)
select library_code, source, month, count(distinct report_id) as reports
from counter
group by all
union all
select library_code, 'catalogue', contributed_on, count(distinct import_id)
from contributions
where contributed_on is not null and list_contains(libraries, library_code)
group by all
union all
select library_code, 'ill', month, 1 from ill_activity where list_contains(libraries, library_code) group by all
union all
select library_code, 'cataloguing', month, 1
from cataloguing_activity
where list_contains(libraries, library_code)
group by all;
