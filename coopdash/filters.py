"""The filters every page shares (language, year, metric, libraries, scale), chosen once in the entry."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from coopdash.i18n import DEFAULT_LANGUAGE
from coopdash.uptake import DEFAULT_METRIC


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
