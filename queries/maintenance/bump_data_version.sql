-- Move the data version on: the dashboard's cached figures from before this write are stale.
update data_version set version = version + 1
