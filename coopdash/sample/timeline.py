"""The sample's seed and time frame, shared by the usage, catalogue and statistics generators.

One place decides when a member's sample data starts, so its usage, its
catalogue records and its OCLC statistics all begin in the same month.
"""

from __future__ import annotations

from datetime import date

from coopdash.registry import Library

SEED = 20181205
FIRST_YEAR = 2016
LAST_YEAR = 2025


def _month(year: int, month: int) -> date:
    """The first of a month given as (year, month number), the number possibly past 12."""
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def first_usage_month(library: Library) -> date:
    """Members with a joined_on date get access from the month after they joined."""
    if library.joined_on is None:
        return date(FIRST_YEAR, 1, 1)
    joined = library.joined_on
    return max(date(FIRST_YEAR, 1, 1), _month(joined.year, joined.month + 1))
