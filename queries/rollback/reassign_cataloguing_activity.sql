-- Cataloguing counts import $import_id had set aside whose library, month and activity a later
-- import now holds: they become set aside by that import (see reassign_usage_counts.sql).
update replaced_cataloguing_activity as s
set replaced_by = a.import_id
from cataloguing_activity as a
where s.replaced_by = $import_id
    and a.library_code = s.library_code
    and a.month = s.month
    and a.activity = s.activity
