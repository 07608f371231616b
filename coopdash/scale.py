"""Totals or per 10,000 residents: what the sidebar's switch does to a count, in one place.

A library's figure is divided by its own residents (the registry's population);
a figure of several libraries by the residents they serve together. A library
without a known population has no per-10,000 figure (NaN), never a zero.
"""

from __future__ import annotations

import pandas as pd

PER = 10000


def population_served(table: pd.DataFrame) -> int:
    """The residents the libraries of `table` serve: the province-level members' populations if
    there are any (their cities lie within them), else the members' populations added up."""
    top = table[table.level == "province"]
    if not top.empty and top.population.notna().all():
        return int(top.population.sum())
    return int(table.population.fillna(0).sum())


def per_10k(count: float | None, population: float | None) -> float | None:
    if count is None or not population or pd.isna(population):
        return None
    return float(count) * PER / float(population)


def scaled(frame: pd.DataFrame, columns: list[str], per_capita: bool, populations: pd.Series | None = None):
    """`frame` with `columns` per 10,000 residents of each row's library when `per_capita`, else as it is.

    The population comes from the frame's own `population` column, or from
    `populations` (indexed by library code) when the frame has none.
    """
    if not per_capita:
        return frame
    population = frame.population if "population" in frame else frame.library_code.map(populations)
    divisor = population.where(population > 0) / PER
    return frame.assign(**{column: frame[column] / divisor for column in columns})


def places(per_capita: bool, small: bool = False) -> int:
    """Decimals for a figure: none for counts; per 10,000 residents one, or two for small rates
    (records and loans run to a few per 10,000 residents a year)."""
    return (2 if small else 1) if per_capita else 0
