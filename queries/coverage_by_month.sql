-- Which of the libraries $libraries has which kind of data for which month, with
-- how many reports cover it (the coverage_months macro of queries/schema/009).
select library_code, source, month, reports
from coverage_months($libraries)
order by source, library_code, month
