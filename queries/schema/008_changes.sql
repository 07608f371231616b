-- What changed the data, beyond imports: a version that every write moves on (the
-- dashboard's caches are keyed by it), and the log of imports rolled back.

create table if not exists data_version (
    version bigint not null            -- one row; coopdash/writer.py adds 1 on every write put in place
);
insert into data_version select 0 where not exists (select 1 from data_version);

create table if not exists rollbacks (
    import_id integer not null,        -- the import that was rolled back (its imports row is gone)
    file_name varchar not null,
    kind varchar not null,
    library_code varchar,
    report_id varchar,
    period_begin date,
    period_end date,
    rows_removed bigint not null,      -- rows of every table that held the import's data
    imported_at timestamp not null,
    rolled_back_at timestamp not null default current_timestamp,
    rolled_back_by varchar
);
