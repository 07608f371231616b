-- Count again the monthly usage of one library and report family over a span of
-- months ($reports: the family's reports in order of preference).
insert into usage_monthly
select *
from usage_counted_once([$library_code], $reports, $first_month, $last_month)
