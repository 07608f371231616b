-- Stored cataloguing counts the staged file replaces, per earlier import: same library, month and activity.
select a.import_id, count(*) as rows
from cataloguing_activity as a
join stage_cataloguing as s using (library_code, month, activity)
group by a.import_id
order by a.import_id
