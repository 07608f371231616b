-- counter_count(cell): the whole, non-negative count a COUNTER cell holds, or NULL.
-- Takes what vendor files write: '1234', ' 7 ', '1,234', '1 234', '1.234', '12.0'.
-- A thousands separator is only read as one between groups of exactly three digits.
create or replace macro counter_count(cell) as (
    case
        when regexp_full_match(trim(cell), '[0-9]{1,18}')
            then cast(trim(cell) as bigint)
        when regexp_full_match(trim(cell), '[0-9]{1,3}([,.'' \x{a0}][0-9]{3}){1,5}')
            then cast(regexp_replace(cell, '[^0-9]', '', 'g') as bigint)
        when regexp_full_match(trim(cell), '[0-9]{1,18}\.0*')
            then cast(split_part(trim(cell), '.', 1) as bigint)
    end
)
