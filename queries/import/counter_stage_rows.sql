-- Every data row of the COUNTER file staged as `stage_raw`, with all usage columns
-- present, and `row_class` saying whether it is kept ('data') or why not:
-- 'blank', 'no_metric', 'total' (an appended total row, named so in the item's column or in
-- Metric_Type) or 'aggregate' (an "All Databases"-style row that would count the same use twice).
-- `unlisted` holds the text of the file's columns that are not COUNTER's: it is part of the
-- item_key (rows it tells apart are different items) but is not stored.
-- $master is the report family (PR, DR, TR, IR): it says which column names the item.
-- The month cells stay in stage_raw; counter_stage_counts.sql takes them from there.
-- `has_cells` (set by the loader) says whether any cell of the row holds text.
create or replace temp table stage_rows as
with raw as (
    (
        select
            * exclude (import_id, library_code, report_id, release),
            null::varchar as reporting_period_total,
            null::varchar as unlisted
        from usage_rows
        where false
    )
    union all by name
    (select columns(lambda c: not regexp_matches(c, '^m_[0-9]{4}_[0-9]{2}$')) from stage_raw)
),
named as (
    select
        * exclude (metric_type),
        nullif(trim(metric_type), '') as metric_type,
        nullif(trim(case $master when 'DR' then database when 'PR' then platform else title end), '') as item_name
    from raw
)
select
    * exclude (has_cells),
    case
        when metric_type is null and not has_cells then 'blank'
        when metric_type is null then 'no_metric'
        when regexp_full_match(metric_type, $total_pattern) then 'total'
        when regexp_full_match(coalesce(item_name, ''), $total_pattern) then 'total'
        when regexp_full_match(coalesce(item_name, ''), $aggregate_pattern) then 'aggregate'
        when item_name is null and $master <> 'PR'
            and coalesce(publisher, doi, proprietary_id, isbn, print_issn, online_issn, uri) is null
            then 'total'
        else 'data'
    end as row_class,
    hash(*columns(lambda c: c not in ('metric_type', 'item_name', 'source_line', 'row_id', 'reporting_period_total', 'has_cells')))
        as item_key
from named
