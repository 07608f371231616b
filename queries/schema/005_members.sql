-- members: the member libraries as every page shows them. `label_en` / `label_zh`
-- name a city library by its city and any other member (the provincial library)
-- by its own name, so a chart of cities reads naturally in either language.
create or replace view members as
select
    code as library_code,
    level,
    name_en,
    name_zh,
    city_en,
    city_zh,
    case when level = 'city' then city_en else name_en end as label_en,
    case when level = 'city' then city_zh else name_zh end as label_zh,
    adcode,
    population,
    joined_on,
    joined_before
from libraries;
