-- Contributions import $import_id had set aside whose record (library, role, record key) a
-- later import now holds: they become set aside by that import (see reassign_usage_counts.sql).
update replaced_contributions as s
set replaced_by = c.import_id
from contributions as c
where s.replaced_by = $import_id
    and c.library_code = s.library_code
    and c.role = s.role
    and c.record_key = s.record_key
