-- Empty the libraries table before the registry is copied in again.
delete from libraries
