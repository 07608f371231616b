-- The newest schema file this database has had applied: older than the app's means it is migrated.
select coalesce(max(version), 0) from schema_version
