-- Stored contributions the staged file replaces, per earlier import: the same
-- record (record_key) for the same library and role.
select c.import_id, count(*) as rows
from contributions as c
join stage_contributions as s using (library_code, role, record_key)
group by c.import_id
order by c.import_id
