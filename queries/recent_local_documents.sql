-- The $limit most recently contributed local-document records of the libraries
-- $libraries in year $year (NULL: any year): what "local culture going global"
-- looks like, record by record.
select
    c.contributed_on,
    c.library_code,
    c.title,
    c.role,
    c.clc_class,
    c.language,
    c.place,
    c.local_rule,
    c.oclc_number,
    c.control_number,
    i.file_name
from contributions as c
join imports as i on i.import_id = c.import_id
where c.is_local_document and list_contains($libraries, c.library_code)
    and (cast($year as integer) is null or year(c.contributed_on) = $year)
order by c.contributed_on desc nulls last, c.library_code, c.record_number desc
limit $limit
