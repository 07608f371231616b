"""Chart functions: DataFrame in, Plotly figure out, in one visual language.

Readable on a projector (large type, few lines, direct labels), a fixed colour per
library across every chart, fonts that draw Chinese, and nothing fetched from
the network. One module per family of chart; pages use them all as `charts.x`.
"""

from coopdash.webapp.charts.bars import (
    activity_bars,
    class_bars,
    contribution_bars,
    denial_bars,
    growth_bars,
    lent_and_borrowed,
    ranked_bars,
    share_bars,
    two_way,
    uptake_bars,
)
from coopdash.webapp.charts.base import INK, NEUTRAL, PALETTE, layout, library_colours, nice_step, number_axis
from coopdash.webapp.charts.grid import coverage_matrix
from coopdash.webapp.charts.lines import (
    compare_lines,
    cumulative_lines,
    province_trend,
    since_joining_lines,
    small_multiples,
    yearly_lines,
    yearly_stacks,
)

__all__ = [
    "INK",
    "NEUTRAL",
    "PALETTE",
    "activity_bars",
    "class_bars",
    "compare_lines",
    "contribution_bars",
    "coverage_matrix",
    "cumulative_lines",
    "denial_bars",
    "growth_bars",
    "layout",
    "lent_and_borrowed",
    "library_colours",
    "nice_step",
    "number_axis",
    "province_trend",
    "ranked_bars",
    "share_bars",
    "since_joining_lines",
    "small_multiples",
    "two_way",
    "uptake_bars",
    "yearly_lines",
    "yearly_stacks",
]
