-- Rows a later import replaced are set aside here, not deleted, so that rolling that
-- import back puts them back (coopdash/rollback.py). No figure reads these tables.
-- `replaced_by` is the import whose rows took their place; the other columns are those
-- of the table the rows came from.

create table if not exists replaced_usage_counts (
    replaced_by integer not null,
    import_id integer not null,
    row_id integer not null,
    month date not null,
    count bigint not null
);

create table if not exists replaced_contributions as
select null::integer as replaced_by, * from contributions limit 0;

create table if not exists replaced_ill_activity as
select null::integer as replaced_by, * from ill_activity limit 0;

create table if not exists replaced_cataloguing_activity as
select null::integer as replaced_by, * from cataloguing_activity limit 0;

-- How many rows a rollback put back, of those its import had replaced.
alter table rollbacks add column if not exists rows_restored bigint default 0;
