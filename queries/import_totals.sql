-- How much is loaded: files, the reports among them, and stored usage rows.
select
    (select count(*) from imports) as files,
    (select count(*) from imports where synthetic) as synthetic_files,
    (select count(distinct report_id) from imports) as reports,
    (select count(*) from usage) as usage_rows,
    (select min(month) from usage) as first_month,
    (select max(month) from usage) as last_month
