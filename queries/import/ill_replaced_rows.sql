-- Stored ILL figures the staged file replaces, per earlier import: same library, month and role.
select a.import_id, count(*) as rows
from ill_activity as a
join stage_ill as s using (library_code, month, role)
group by a.import_id
order by a.import_id
