-- Note that schema file number $version has been applied (idempotent).
insert into schema_version (version) select $version where not exists (select 1 from schema_version where version = $version)
