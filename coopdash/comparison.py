"""A change on the year before, like for like: the same libraries over the same months, and who was left out.

A year in which eight libraries joined against a year in which four reported is
not growth; it is a larger consortium. So a change compares only the libraries
with figures in both years, over the months both years have, and says which
libraries it left out and why ("joined 5 December 2018: no figures for 2018").
The raw change (every library, every month) is kept beside it, labelled as such.

Pure functions over monthly query results (library_code, month, value: one row
per month a library has figures for, zero included), returning the figures and
what was compared, for a page, a slide or a printed report alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from coopdash.i18n import long_date, t


@dataclass(frozen=True)
class LeftOut:
    code: str
    reason: str  # joined, no_previous, no_current, no_shared_months, no_figures
    joined: date | None = None

    def text(self, year: int, lang: str) -> str:
        """Why the library is not in the comparison of `year` with the year before."""
        joined = long_date(self.joined, lang) if self.joined else ""
        return t(f"change.reason.{self.reason}", lang, year=year, previous=year - 1, date=joined)


@dataclass(frozen=True)
class Change:
    """A figure of `year` against the year before, like for like, and what was compared."""

    year: int
    current: float  # the kept libraries, over the months both years have
    previous: float
    raw_current: float  # every library, every month
    raw_previous: float
    kept: tuple[str, ...]
    left_out: tuple[LeftOut, ...]
    short: tuple[tuple[str, int], ...] = ()  # kept libraries compared over fewer than 12 months

    @property
    def change(self) -> float | None:
        return self.current / self.previous - 1 if self.previous else None

    @property
    def raw_change(self) -> float | None:
        return self.raw_current / self.raw_previous - 1 if self.raw_previous else None


def library_changes(
    monthly: pd.DataFrame, members: pd.DataFrame, year: int, *, whole_years: bool = False
) -> pd.DataFrame:
    """Per member (registry order): like-for-like figures of `year` and the year before, or why there are none.

    Usage and interlibrary loan are reported month by month, so a library is
    compared over the months of the year it has figures for in both years.
    Catalogue records have no months of "no report" (a month without records is
    a month of none), so with `whole_years` a library with records in both years
    is compared over the same months of each: January to the latest month the
    later year's figures reach.
    """
    frame = monthly.assign(month=pd.to_datetime(monthly.month), value=monthly.value.astype(float)).assign(
        year=lambda f: f.month.dt.year,
        month_of_year=lambda f: f.month.dt.month,
    )
    this, before = frame[frame.year == year], frame[frame.year == year - 1]
    raw = pd.DataFrame(
        {
            "raw_current": this.groupby("library_code").value.sum(),
            "raw_previous": before.groupby("library_code").value.sum(),
        }
    )
    if whole_years:
        last = this.month_of_year.max() if len(this) else 12
        this, before = this[this.month_of_year <= last], before[before.month_of_year <= last]
        both = set(this.library_code) & set(before.library_code)
        pairs = pd.DataFrame(
            {
                "current": this[this.library_code.isin(both)].groupby("library_code").value.sum(),
                "previous": before[before.library_code.isin(both)].groupby("library_code").value.sum(),
            }
        ).assign(months=int(last) if len(this) else 0)
    else:
        paired = this.merge(before, on=["library_code", "month_of_year"], suffixes=("", "_before"))
        pairs = paired.groupby("library_code").agg(
            current=("value", "sum"), previous=("value_before", "sum"), months=("month_of_year", "nunique")
        )
    table = members[["library_code", "joined_on"]].set_index("library_code").join(pairs).join(raw)
    table["growth"] = table.current / table.previous.where(table.previous > 0) - 1
    has_current, has_previous = set(this.library_code), set(before.library_code)
    table["reason"] = [
        None if pd.notna(current) else _reason(code in has_current, code in has_previous, joined, year)
        for code, current, joined in zip(table.index, table.current, table.joined_on, strict=True)
    ]
    return table.reset_index()


def _reason(has_current: bool, has_previous: bool, joined_on, year: int) -> str:
    if has_current and has_previous:
        return "no_shared_months"
    if has_current:
        joined_late = joined_on is not None and pd.notna(joined_on) and joined_on >= date(year - 1, 1, 1)
        return "joined" if joined_late else "no_previous"
    return "no_current" if has_previous else "no_figures"


def year_on_year(
    monthly: pd.DataFrame, members: pd.DataFrame, year: int, *, whole_years: bool = False
) -> Change:
    """The libraries' figure of `year` against the year before, like for like (see library_changes)."""
    return from_library_changes(library_changes(monthly, members, year, whole_years=whole_years), year)


def from_library_changes(table: pd.DataFrame, year: int) -> Change:
    kept = table[table.reason.isna()]
    return Change(
        year=year,
        current=float(kept.current.sum()),
        previous=float(kept.previous.sum()),
        raw_current=float(table.raw_current.sum()),
        raw_previous=float(table.raw_previous.sum()),
        kept=tuple(kept.library_code),
        left_out=tuple(
            LeftOut(row.library_code, row.reason, row.joined_on if row.reason == "joined" else None)
            for row in table[table.reason.notna()].itertuples()
        ),
        short=tuple((row.library_code, int(row.months)) for row in kept[kept.months < 12].itertuples()),
    )


def percent(value: float | None) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:+.1%}"


def delta(change: Change, lang: str) -> str | None:
    """The like-for-like change, as the delta under a headline figure; None when there is nothing to compare."""
    if change.change is None:
        return None
    return t("change.like_for_like", lang, change=percent(change.change), year=change.year - 1)


def left_out_text(change: Change, labels: dict[str, str], lang: str) -> str:
    """'Wenzhou, Huzhou (joined 5 December 2018: no figures for 2018)': the libraries left out, by reason."""
    groups: dict[str, list[str]] = {}
    for left in change.left_out:
        groups.setdefault(left.text(change.year, lang), []).append(labels.get(left.code, left.code))
    return t("list.join_groups", lang).join(
        t("change.left_out_group", lang, libraries=t("list.join", lang).join(names), reason=reason)
        for reason, names in groups.items()
    )


def changes_note(named: list[tuple[str, Change]], labels: dict[str, str], lang: str) -> str:
    """What the changes on the year before compare, in a few sentences: for a caption, a slide, a report.

    Figures compared over the same libraries and months share their sentences;
    where libraries were left out, the raw changes follow, labelled as such.
    """
    groups: dict[tuple, list[tuple[str, Change]]] = {}
    for what, change in named:
        groups.setdefault((change.kept, change.left_out, change.short), []).append((what, change))
    sentences = []
    for (kept, left_out, short), group in groups.items():
        first = group[0][1]
        whats = t("list.join", lang).join(what for what, _ in group)
        sentences.append(t("change.compared", lang, what=whats, previous=first.year - 1, kept=len(kept)))
        if short:
            sentences.append(
                t(
                    "change.short",
                    lang,
                    libraries=t("list.join", lang).join(
                        t("change.months", lang, library=labels.get(code, code), months=months)
                        for code, months in short
                    ),
                )
            )
        if left_out:
            sentences.append(t("change.left_out", lang, libraries=left_out_text(first, labels, lang)))
            raw = t("list.join", lang).join(
                t("change.raw_one", lang, what=what, change=percent(change.raw_change))
                for what, change in group
            )
            sentences.append(t("change.raw", lang, changes=raw))
    return t("list.sentences", lang).join(sentences) + t("list.end", lang) if sentences else ""
