-- Forget the monthly usage of one library and report family over a span of
-- months, before usage_monthly_insert.sql counts it again from the stored rows.
delete from usage_monthly
where library_code = $library_code
    and family = $family
    and month between $first_month and $last_month
