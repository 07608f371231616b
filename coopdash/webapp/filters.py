"""The filters every page shares (language, year, metric, libraries, scale), chosen once in the entry."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from coopdash.i18n import DEFAULT_LANGUAGE
from coopdash.uptake import DEFAULT_METRIC

# Libraries a chart draws a bar, line or panel for: more would not be read on a screen
# (a consortium of thousands picks its libraries in the sidebar).
MOST_SHOWN = 25
OTHERS = "__others__"  # the code under which the libraries not drawn are added up


def largest(frame: pd.DataFrame, column: str, limit: int = MOST_SHOWN) -> pd.DataFrame:
    """The `limit` rows largest on `column` (all of them when there are no more)."""
    return frame.nlargest(limit, column) if len(frame) > limit else frame


def leading_codes(frame: pd.DataFrame, column: str, limit: int = MOST_SHOWN) -> list[str]:
    """The libraries with the largest sums of `column` over all rows of `frame`."""
    return list(frame.groupby("library_code")[column].sum().nlargest(limit).index)


def with_rest(frame: pd.DataFrame, keep: list[str], by: list[str], values: list[str]) -> pd.DataFrame:
    """The rows of the `keep` libraries, and the others added up under OTHERS, so totals stay whole."""
    kept = frame.library_code.isin(keep)
    if kept.all():
        return frame
    rest = frame[~kept].groupby(by, as_index=False)[values].sum().assign(library_code=OTHERS)
    return pd.concat([frame[kept], rest], ignore_index=True)


@dataclass(frozen=True)
class Filters:
    lang: str = DEFAULT_LANGUAGE
    year: int | None = None  # None: no data yet
    metric: str = DEFAULT_METRIC
    libraries: tuple[str, ...] = ()  # the chosen member libraries; none chosen means all
    per_capita: bool = False

    def chosen(self, frame: pd.DataFrame, column: str = "library_code") -> pd.DataFrame:
        """The rows of the chosen libraries (all rows when none is chosen)."""
        if not self.libraries:
            return frame
        return frame[frame[column].isin(self.libraries)]

    @property
    def label(self) -> str:
        """The column with each library's label in the chosen language."""
        return f"label_{self.lang}"
