-- One member library from the registry.
insert into libraries (
    code, level, name_en, name_zh, city_en, city_zh, adcode, population,
    population_source, joined_on, joined_before, joined_note, aliases
) values (
    $code, $level, $name_en, $name_zh, $city_en, $city_zh, $adcode, $population,
    $population_source, $joined_on, $joined_before, $joined_note, $aliases
)
