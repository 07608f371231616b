-- Whether the database already has usage_monthly: one made before it existed has
-- its usage counted into it once, when the schema is applied.
select count(*) > 0 from duckdb_tables() where table_name = 'usage_monthly'
