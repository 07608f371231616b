"""The dates a COUNTER header writes in words, as real vendors write them."""

from datetime import date

import pytest

from coopdash.importers.counter_dates import exception_months, parse_created, parse_period
from coopdash.importers.counter_fields import month_range

JAN, MAR31, DEC31 = date(2022, 1, 1), date(2022, 3, 31), date(2022, 12, 31)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Begin_Date=2022-01-01; End_Date=2022-12-31", (JAN, DEC31)),  # COUNTER's own form
        ("Begin_Date=2022-01-01;End_Date=2022-06-30", (JAN, date(2022, 6, 30))),
        ("begin_date = 2022-01; end_date = 2022-03", (JAN, MAR31)),  # R5.1 allows months
        ("2022-01-01 to 2022-03-31", (JAN, MAR31)),  # issue 10: it occurs in real files
        ("2022-01-01 - 2022-03-31", (JAN, MAR31)),
        ("2022-01-01/2022-03-31", (JAN, MAR31)),  # ISO 8601 interval
        ("2022-01-01T00:00:00Z to 2022-03-31T23:59:59Z", (JAN, MAR31)),
        ("2022-01 to 2022-03", (JAN, MAR31)),
        ("Jan-2022 to Mar-2022", (JAN, MAR31)),
        ("January 2022 – March 2022", (JAN, MAR31)),
        ("2022年1月至2022年3月", (JAN, MAR31)),
        ("01/01/2022 - 31/03/2022", (JAN, MAR31)),  # day first
        ("1/1/2022-3/31/2022", (JAN, MAR31)),  # month first
        ("Jan-2022", (JAN, date(2022, 1, 31))),
        ("", (None, None)),
        ("Begin_Date=2022-13-01", (None, None)),
        ("last quarter", (None, None)),
        ("2022-01-01 and some 2022-02-01 and 2022-03-01", (None, None)),  # three dates: not a period
    ],
)
def test_reporting_period(raw, expected):
    assert parse_period(raw) == expected


def test_created():
    assert parse_created("2022-04-02T10:00:00Z") == date(2022, 4, 2)
    assert parse_created("") is None and parse_created("soon") is None


H1 = month_range(date(2022, 1, 1), date(2022, 6, 30))
APR_JUN = [date(2022, 4, 1), date(2022, 5, 1), date(2022, 6, 1)]


@pytest.mark.parametrize(
    ("exception", "expected"),
    [
        (  # the Code of Practice's own example
            "3031: Usage Not Ready for Requested Dates (Request was for 2022-01-01 to 2022-06-30; "
            "however, usage is only available to 2022-03-31)",
            ("not ready", APR_JUN),
        ),
        ("3031: Usage Not Ready for Requested Dates (2022-04-01 to 2022-06-30)", ("not ready", APR_JUN)),
        ("3031: Usage not ready for April-June 2022", ("not ready", APR_JUN)),
        ("3031: Usage Not Ready (Apr-2022, May-2022 and Jun-2022)", ("not ready", APR_JUN)),
        (
            "3032: Usage No Longer Available for Requested Dates (usage is only available from 2022-03-01)",
            ("no longer available", [date(2022, 1, 1), date(2022, 2, 1)]),
        ),
        ("3040: Partial Data Returned (usage for 2022-05 is partial)", ("partial", [date(2022, 5, 1)])),
        (  # available to the middle of June: June is partial
            "3040: Partial Data Returned (usage may be incomplete; available to 2022-06-15)",
            ("partial", [date(2022, 6, 1)]),
        ),
        ("3040: Partial Data Returned", ("partial", None)),  # names no month
        (
            "3031: Usage Not Ready for Requested Dates (2023-01 to 2023-03)",
            ("not ready", None),
        ),  # none of ours
        ("3030: No Usage Available for Requested Dates", None),  # zero use: the months are covered
        ("3060: Invalid ReportFilter Value (Platform=x)", None),
    ],
)
def test_months_an_exception_names(exception, expected):
    assert exception_months(exception, H1) == expected
