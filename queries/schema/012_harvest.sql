-- COUNTER API (SUSHI) harvesting: where each platform x library x report x month
-- stands, and whether each platform's credentials for a library were accepted.
-- No credential is ever stored here (they live in the credentials file only);
-- a reason is a code and its parameters, so each reader's language can say it.

create table if not exists harvest_status (
    platform varchar not null,          -- the platform's name in data/harvest.toml
    library_code varchar not null,
    report_id varchar not null,         -- PR, DR, TR, IR
    month date not null,                -- first day of the month
    state varchar not null,             -- harvested, empty, queued, not_ready, failed
    release varchar,                    -- 5 or 5.1
    attempts integer not null default 0,
    last_attempt_at timestamp,
    next_attempt_at timestamp,          -- when an automatic run may try again (NULL: never by itself)
    harvested_at timestamp,             -- when the month last came in (harvested or empty)
    rows bigint,                        -- data rows of the imported report
    import_id integer,                  -- the import that holds it (imports.import_id)
    reason_code varchar,                -- why not harvested, or what the harvest warned of
    reason_params varchar,              -- JSON object of the reason's parameters
    response_file varchar,              -- the response as received, gzip-compressed (provenance)
    primary key (platform, library_code, report_id, month)
);

create table if not exists harvest_access (
    platform varchar not null,
    library_code varchar not null,
    state varchar not null,             -- verified (the server answered with them) or refused
    checked_at timestamp not null,
    reason_code varchar,
    reason_params varchar,
    primary key (platform, library_code)
);
