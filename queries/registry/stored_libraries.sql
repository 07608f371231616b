-- The registry as the database holds it, one row per member library, to tell whether it needs copying in again.
select
    code, level, name_en, name_zh, city_en, city_zh, adcode, population,
    population_source, joined_on, joined_before, joined_note, aliases
from libraries
order by code
