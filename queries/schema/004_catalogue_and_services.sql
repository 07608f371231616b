-- Local records out, and OCLC service statistics. Applied on every read-write open.

-- What each catalogue record contributes: one row per record and library role.
-- A record is identified by record_key (its OCLC number, else its control
-- number, else a hash of it): a later file holding the same record for the same
-- library and role replaces the earlier row, so an export sent twice, or a
-- yearly export after the monthly ones, never counts a record twice.
create table if not exists contributions (
    import_id integer not null,        -- imports.import_id
    record_number integer not null,    -- the record's position in its file, from 1
    source_offset bigint,              -- byte offset of the record (binary MARC)
    source_line integer,               -- line of the <record> (MARCXML)
    record_key varchar not null,       -- 'oclc:NNN', 'ctl:AGENCY/NNN' or 'sha1:...'
    library_code varchar not null,
    role varchar not null,             -- original (040 $a, 801 ind2 0) or enhanced (040 $d, 801 ind2 2)
    agency_code varchar,               -- as written in the record
    attributed_by varchar not null,    -- agency (the code is a member's alias) or library_option (--library)
    contributed_on date,               -- month of the contribution (first day)
    control_number varchar,            -- 001
    oclc_number varchar,
    title varchar,                     -- the vernacular (880) form where there is one
    isbn varchar,
    language varchar,                  -- MARC language code (008/35-37, 041, UNIMARC 101)
    clc_class varchar,                 -- Chinese Library Classification number
    clc_top varchar,                   -- its top class, one letter (A ... Z)
    place varchar,                     -- place of publication
    is_local_document boolean not null,
    local_rule varchar,                -- the rule that matched: 'clc:K295.5', 'subject:浙江', ...
    record_format varchar not null     -- marc21 or unimarc
);

-- Interlibrary loan per library, month and role (borrowing, lending).
create table if not exists ill_activity (
    import_id integer not null,
    library_code varchar not null,
    month date not null,
    role varchar not null,             -- borrowing or lending
    requests bigint not null,
    filled bigint not null,
    unfilled bigint not null,
    turnaround_days double,            -- average days from request to supply, where given
    turnaround_requests bigint,        -- how many requests that average is over, where known
    source_line integer
);

-- Cataloguing activity per library, month and kind of work.
create table if not exists cataloguing_activity (
    import_id integer not null,
    library_code varchar not null,
    month date not null,
    activity varchar not null,         -- new_records, holdings_set, records_replaced, authority_records
    count bigint not null,
    source_line integer
);

-- Records or rows an import could not read and skipped, one row each, so that
-- nothing is ever dropped silently.
create table if not exists import_problems (
    import_id integer not null,
    position integer,                  -- record number (MARC) or line
    source_offset bigint,              -- byte offset, where known
    source_line integer,               -- line, where known
    reason varchar not null
);
