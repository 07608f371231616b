-- Count all of usage_monthly again from the stored usage ($reports: every report
-- in order of preference within its family).
insert into usage_monthly
select *
from usage_counted_once(null, $reports, date '1900-01-01', date '2999-12-01')
