-- The catalogue file's contribution rows as they are, when no record appears twice.
create or replace temp view stage_contributions as
select * from stage_contribution_rows
