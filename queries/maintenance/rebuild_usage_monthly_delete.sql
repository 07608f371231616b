-- Empty usage_monthly, before rebuild_usage_monthly_insert.sql counts it all again.
delete from usage_monthly
