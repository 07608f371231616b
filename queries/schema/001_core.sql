-- Core tables of the dashboard database. Applied on every read-write open:
-- every statement is idempotent. Documented for DuckDB CLI users in docs/schema.md.

create table if not exists schema_version (
    version integer primary key,
    applied_at timestamp default current_timestamp
);

-- The member registry, copied from data/libraries.csv on every import run.
create table if not exists libraries (
    code varchar primary key,
    level varchar not null,            -- province, city, district, other
    name_en varchar not null,
    name_zh varchar not null,
    city_en varchar,
    city_zh varchar,
    adcode integer,
    population bigint,
    population_source varchar,
    joined_on date,                    -- exact date of joining, when known
    joined_before date,                -- else: the date by which it had joined
    joined_note varchar,
    aliases varchar[]                  -- 'kind:value', e.g. 'name:Hangzhou Library'
);

create sequence if not exists imports_seq start 1;

-- One row per imported file: where every stored number came from.
create table if not exists imports (
    import_id integer primary key default nextval('imports_seq'),
    kind varchar not null,             -- counter, catalogue, ill, cataloguing
    file_name varchar not null,
    sha256 varchar not null,
    bytes bigint not null,
    format varchar not null,           -- tsv, csv, xlsx, xls, json
    encoding varchar,
    report_id varchar,
    report_name varchar,
    release varchar,
    library_code varchar,              -- the library the file belongs to (NULL: several, e.g. a union catalogue export)
    institution_name varchar,
    institution_id varchar,
    period_begin date,
    period_end date,
    months date[],                     -- the months the file covers (and replaces)
    created varchar,
    created_by varchar,
    rows integer not null,             -- data rows read from the file
    skipped integer not null,          -- data rows dropped (totals, aggregates, no Metric_Type)
    long_rows bigint not null,         -- (row, month) counts stored in usage
    replaced_rows bigint not null,     -- counts of earlier imports this file replaced
    replaced_imports integer[],
    superseded_rows bigint not null default 0,  -- counts of this file later replaced by others
    warnings varchar[],
    synthetic boolean not null,        -- the file says it is generated sample data
    imported_at timestamp not null default current_timestamp,
    imported_by varchar
);

-- COUNTER usage, as two tables joined by the `usage` view below:
-- usage_rows holds one row per data row of an imported file (the item, its
-- attributes and the metric); usage_counts one row per data row and month with a
-- non-zero count. Splitting them keeps an import fast: a 60-month report writes
-- each item's description once, not sixty times.
create table if not exists usage_rows (
    import_id integer not null,        -- imports.import_id
    row_id integer not null,           -- the data row's position in the file, from 0
    library_code varchar not null,
    report_id varchar not null,        -- PR, DR, TR, IR or a standard view (TR_J1, ...)
    release varchar not null,          -- '5' or '5.1'
    platform varchar,
    database varchar,
    title varchar,                     -- Title (TR) or Item (IR)
    publisher varchar,
    publisher_id varchar,
    authors varchar,
    publication_date varchar,
    article_version varchar,
    doi varchar,
    proprietary_id varchar,
    isbn varchar,
    print_issn varchar,
    online_issn varchar,
    linking_issn varchar,
    uri varchar,
    parent_title varchar,
    parent_authors varchar,
    parent_publication_date varchar,
    parent_article_version varchar,
    parent_data_type varchar,
    parent_doi varchar,
    parent_proprietary_id varchar,
    parent_isbn varchar,
    parent_print_issn varchar,
    parent_online_issn varchar,
    parent_uri varchar,
    component_title varchar,
    component_authors varchar,
    component_publication_date varchar,
    component_data_type varchar,
    component_doi varchar,
    component_proprietary_id varchar,
    component_isbn varchar,
    component_print_issn varchar,
    component_online_issn varchar,
    component_uri varchar,
    data_type varchar,
    section_type varchar,
    yop varchar,
    access_type varchar,
    access_method varchar,
    metric_type varchar not null,
    source_line integer                -- line (text), row (spreadsheet) or item (JSON) in the file
);

create table if not exists usage_counts (
    import_id integer not null,
    row_id integer not null,
    month date not null,               -- first day of the month
    count bigint not null              -- never zero: zero counts are not stored
);

-- Usage in long form: one row per item, attribute set, metric and month.
-- Never sum one metric across report families (DR and TR count the same use twice).
create or replace view usage as
select
    r.library_code,
    r.report_id,
    r.release,
    r.platform,
    r.database,
    r.title,
    r.publisher,
    r.publisher_id,
    r.authors,
    r.publication_date,
    r.article_version,
    r.doi,
    r.proprietary_id,
    r.isbn,
    r.print_issn,
    r.online_issn,
    r.linking_issn,
    r.uri,
    r.parent_title,
    r.parent_authors,
    r.parent_publication_date,
    r.parent_article_version,
    r.parent_data_type,
    r.parent_doi,
    r.parent_proprietary_id,
    r.parent_isbn,
    r.parent_print_issn,
    r.parent_online_issn,
    r.parent_uri,
    r.component_title,
    r.component_authors,
    r.component_publication_date,
    r.component_data_type,
    r.component_doi,
    r.component_proprietary_id,
    r.component_isbn,
    r.component_print_issn,
    r.component_online_issn,
    r.component_uri,
    r.data_type,
    r.section_type,
    r.yop,
    r.access_type,
    r.access_method,
    r.metric_type,
    c.month,
    c.count,
    c.import_id,
    r.source_line
from usage_counts as c
join usage_rows as r on r.import_id = c.import_id and r.row_id = c.row_id;

insert into schema_version (version) select 1 where not exists (select 1 from schema_version where version = 1);
