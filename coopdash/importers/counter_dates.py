"""The dates a COUNTER header writes in words: its Reporting_Period, its Created stamp, and the
months an exception says are not ready, no longer available or partial.

Vendors write these as they please ('Begin_Date=2022-01-01; End_Date=2022-03-31',
'2022-01-01 to 2022-03-31', 'Jan-2022 - Mar-2022', '2022年1月至2022年3月'), and an
exception names its months in its Data or message ('Request was for 2022-01-01 to
2022-06-30; however, usage is only available to 2022-03-31', the Code of Practice's
own example). Each is read into dates here, or left unread (None) for the caller to say so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from coopdash.importers.counter_fields import MONTH_WORDS, month_range

_WORD = "|".join(sorted((re.escape(w) for w in MONTH_WORDS if not w[0].isdigit()), key=len, reverse=True))
# One date as headers write it; `day` is missing where only a month is given.
_DATE = re.compile(
    r"(?P<iso>(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})(?:[-/.](?P<d1>\d{1,2}))?(?!\d)"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)"
    r"|(?P<dmy>(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y2>\d{4}))"
    r"|(?P<zh>(?P<y3>\d{4})\s*年\s*(?P<m3>\d{1,2})\s*月(?:\s*(?P<d3>\d{1,2})\s*日)?)"
    r"|(?P<word>(?<![^\W\d_])(?:(?P<d4>\d{1,2})[\s\-]+)?(?P<w4>" + _WORD + r")\.?"
    r"(?![^\W\d_])(?:[\s\-/,]+(?P<y4>\d{4}|\d{2})(?!\d))?)",
    re.I,
)
_RANGE = re.compile(r"^\s*(?:to|through|thru|until|till|and|-|–|—|~|/|至|到)\s*$", re.I)
# Exceptions whose months must neither replace stored figures nor count as covered.
INCOMPLETE = {
    "3031": "not ready",
    "3032": "no longer available",
    "3040": "partial",
}


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    year: int | None
    month: int
    day: int | None


def _tokens(text: str) -> list[_Token]:
    """Every date in `text`, in order; a month word without a year takes the next token's year."""
    text = unicodedata.normalize("NFKC", text)
    found = []
    for m in _DATE.finditer(text):
        try:
            if m["iso"]:
                found.append(_Token(m.start(), m.end(), int(m["y1"]), int(m["m1"]), _int(m["d1"])))
            elif m["dmy"]:
                a, b = int(m["a"]), int(m["b"])
                day, month = (a, b) if a > 12 or (b <= 12 and b == 1 and a != 1) else (b, a)
                found.append(_Token(m.start(), m.end(), int(m["y2"]), month, day))
            elif m["zh"]:
                found.append(_Token(m.start(), m.end(), int(m["y3"]), int(m["m3"]), _int(m["d3"])))
            else:
                year = m["y4"] and (int(m["y4"]) + (2000 if len(m["y4"]) == 2 else 0))
                found.append(_Token(m.start(), m.end(), year, MONTH_WORDS[m["w4"].casefold()], _int(m["d4"])))
        except KeyError:
            continue
    for index in range(len(found) - 1, -1, -1):  # 'April-June 2022': April takes June's year
        token = found[index]
        if token.year is None:
            after = found[index + 1] if index + 1 < len(found) else None
            if after is None or after.year is None or not _RANGE.match(text[token.end : after.start]):
                del found[index]  # a month word on its own ('usage may be partial') is no date
            else:
                found[index] = _Token(token.start, token.end, after.year, token.month, token.day)
    return [t for t in found if 1 <= t.month <= 12 and 1990 <= t.year <= 2199 and _first_day(t)]


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _first_day(token: _Token) -> date | None:
    try:
        return date(token.year, token.month, token.day or 1)
    except ValueError:
        return None


def _last_day(token: _Token) -> date | None:
    if token.day:
        return _first_day(token)
    following = date(token.year + token.month // 12, token.month % 12 + 1, 1)
    return following - timedelta(days=1)


def parse_period(raw: str) -> tuple[date | None, date | None]:
    """(begin, end) of a Reporting_Period as any vendor writes it; None for a side not found.

    'Begin_Date=2022-01-01; End_Date=2022-12-31' names its sides; otherwise a text
    holding exactly two dates with a range word between them ('2022-01-01 to
    2022-03-31', 'Jan-2022 - Mar-2022') is read as from and to. An end given as a
    month means the month's last day.
    """
    text = str(raw or "")
    named = dict(re.findall(r"(begin_date|end_date)\s*[=:]\s*([^;,]*)", text, re.I))
    named = {key.lower(): value for key, value in named.items()}
    if named:
        begin = [t for t in _tokens(named.get("begin_date", ""))[:1]]
        end = [t for t in _tokens(named.get("end_date", ""))[:1]]
        return (_first_day(begin[0]) if begin else None, _last_day(end[0]) if end else None)
    tokens = _tokens(text)
    if len(tokens) == 2 and _RANGE.match(
        unicodedata.normalize("NFKC", text)[tokens[0].end : tokens[1].start]
    ):
        return _first_day(tokens[0]), _last_day(tokens[1])
    if len(tokens) == 1 and not tokens[0].day:  # one month: 'Jan-2022'
        return _first_day(tokens[0]), _last_day(tokens[0])
    return None, None


def parse_created(raw: object) -> date | None:
    """The day a report was made: '2022-04-02T10:00:00Z', '2022-04-02', an Excel date cell."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", str(raw or ""))
    try:
        return date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


def exception_months(exception: str, period: list[date]) -> tuple[str, list[date] | None] | None:
    """For an exception saying some usage is not ready, no longer available or partial:
    (what it says, the months of `period` it names, or None when it names none that can be read).
    None for any other exception.

    'usage is only available to 2022-03-31' names the months after; 'available from
    2022-04-01' those before; a range or dates given on their own name those months.
    The period it says was requested ('Request was for ... to ...') names none.
    """
    code = exception.strip()[:4]
    if code not in INCOMPLETE:
        return None
    text = unicodedata.normalize("NFKC", exception)
    asked = r"(?:request(?:ed)?\s+(?:was\s+)?for|requested\s+period\s*:?)[^;)]*"
    text = re.sub(asked, lambda m: " " * len(m[0]), text, flags=re.I)
    months: set[date] = set()
    for m in re.finditer(
        r"available\s+(?:up\s+)?(to|until|till|through|thru|from|since|after|starting)\s+", text, re.I
    ):
        following = _tokens(text[m.end() :])[:1]
        if not following or following[0].start != 0:
            continue
        token = following[0]
        if m[1].lower() in ("from", "since", "after", "starting"):
            first = _first_day(token)
            months |= {month for month in period if month < date(first.year, first.month, 1)}
            if first.day > 1 or m[1].lower() == "after":
                months.add(date(first.year, first.month, 1))
        else:
            last = _last_day(token)
            months |= {month for month in period if month > date(last.year, last.month, 1)}
            if (last + timedelta(days=1)).month == last.month:  # up to the middle of a month: it is partial
                months.add(date(last.year, last.month, 1))
        text = text[: m.start()] + " " * (m.end() - m.start() + token.end) + text[m.end() + token.end :]
    tokens = _tokens(text)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if after and _RANGE.match(text[token.end : after.start]):
            months |= set(month_range(_first_day(token), _last_day(after)))
            index += 2
        else:
            months.add(date(token.year, token.month, 1))
            index += 1
    named = sorted(month for month in months if month in period)
    return INCOMPLETE[code], (named or None)
