-- Per member library, every month of $year and the year before with interlibrary
-- loan statistics: requests lent and borrowed that were filled. What a
-- like-for-like change on the year before compares.
select
    library_code,
    month,
    coalesce(sum(filled) filter (where role = 'lending'), 0) as lending_filled,
    coalesce(sum(filled) filter (where role = 'borrowing'), 0) as borrowing_filled
from ill_activity
where year(month) between $year - 1 and $year
group by library_code, month
order by library_code, month
