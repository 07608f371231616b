"""What every chart shares: the colours, the font that draws Chinese, number axes, milestone marks, labelled bars."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from coopdash.consortium import Milestone
from coopdash.i18n import number, t
from coopdash.peers import level_words, main_level
from coopdash.webapp.filters import OTHERS

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
# Twelve distinguishable colours (Tableau 10 plus two), assigned in registry order.
PALETTE = (
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948",
    "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC", "#1F3A93", "#8CD17D",
)  # fmt: skip
INK = "#1f2933"
# For what is not a library (roles, classes, kinds of work): shades of slate, never a city's colour.
NEUTRAL = ("#334E68", "#829AB1", "#BCCCDC", "#D9E2EC")
GRID = "#e4e7eb"
MILESTONE = "#c0392b"


# Every figure starts from this template: naming it per figure cost 10 ms each
# (Plotly copies and checks the whole template), a tenth of a page's time.
pio.templates.default = "plotly_white"


def library_colours(codes: list[str]) -> dict[str, str]:
    """One colour per library, stable: the registry order decides; the libraries added up as others are grey."""
    return {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(codes)} | {OTHERS: NEUTRAL[2]}


def layout(fig: go.Figure, *, height: int) -> go.Figure:
    """The look every chart and the city map share: Chinese-capable fonts first, light grid, tight margins."""
    fig.update_layout(
        height=height,
        font={"family": FONT, "size": 15, "color": INK},
        margin={"l": 10, "r": 30, "t": 30, "b": 10},
        hoverlabel={"font": {"family": FONT, "size": 14}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
    )
    fig.update_xaxes(gridcolor=GRID, zeroline=False)
    fig.update_yaxes(gridcolor=GRID, zeroline=False)
    return fig


def nice_step(rough: float) -> float:
    """The round step (1, 2 or 5 times a power of ten) at least `rough`."""
    base = 10 ** math.floor(math.log10(rough))
    return next(base * f for f in (1, 2, 5, 10) if base * f >= rough)


def number_axis(top: float, lang: str) -> dict:
    """Axis tick settings: thousands separators in English; in Chinese, 万 and 亿 on round ticks."""
    if lang != "zh" or not top >= 1e4:  # also when top is NaN: nothing to draw
        return {"tickformat": ","}
    step = nice_step(top / 5)
    ticks = [step * k for k in range(math.ceil(top / step) + 1)]
    return {"tickvals": ticks, "ticktext": [number(v, lang) for v in ticks]}


def with_room(values: pd.Series) -> list[float] | None:
    """An axis range from zero past the largest bar (and below the smallest) with room for its label."""
    if values.empty or values.isna().all():
        return None
    low, high = min(values.min(), 0), max(values.max(), 0)
    room = (high - low) * 0.18 or 1
    return [low - room if low < 0 else 0, high + room]


def mark_milestones(fig: go.Figure, milestones: tuple[Milestone, ...], lang: str) -> None:
    for milestone in milestones:
        mark(fig, milestone.date, milestone.label_zh if lang == "zh" else milestone.label_en)


def mark(fig: go.Figure, when: date, text: str) -> None:
    """A dated vertical line with its label (shapes, because add_vline mislabels date axes)."""
    fig.add_shape(
        type="line", xref="x", yref="paper", x0=when, x1=when, y0=0, y1=1,
        line={"color": MILESTONE, "width": 2, "dash": "dash"},
    )  # fmt: skip
    fig.add_annotation(
        x=when, xref="x", y=1, yref="paper", text=f"{when:%Y-%m-%d} {text}", showarrow=False,
        xanchor="left", yanchor="top", xshift=4, font={"color": MILESTONE, "size": 13}, bgcolor="rgba(255,255,255,0.8)",
    )  # fmt: skip


def labelled_bars(
    ordered: pd.DataFrame, *, value: str, label: str, colour, text: list[str], hover: str, customdata=None
) -> go.Figure:
    """One horizontal bar per row in the order given (the last on top), its value written beside it."""
    return go.Figure(
        go.Bar(
            x=ordered[value],
            y=ordered[label],
            orientation="h",
            marker_color=colour,
            text=text,
            textposition="outside",
            cliponaxis=False,
            customdata=customdata,
            hovertemplate=hover,
        )
    )


def library_marker_colours(ordered: pd.DataFrame, colours: dict[str, str]) -> list[str]:
    return [colours.get(code, PALETTE[0]) for code in ordered["library_code"]]


def faded(colour: str, alpha: float = 0.15) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def in_rank_order(df: pd.DataFrame, value: str, label: str) -> pd.DataFrame:
    """Rows bottom to top as a horizontal ranking draws them: the libraries of the ranked level by
    `value`, largest on top (equal values by name); the other levels below them, apart."""
    if df.empty or "level" not in df:
        return df.sort_values([value, label], ascending=[True, False], na_position="first")
    ordered = df.assign(_apart=df.level != main_level(df))
    ordered = ordered.sort_values(
        ["_apart", value, label], ascending=[False, True, False], na_position="first", kind="stable"
    )
    return ordered.drop(columns="_apart")


SPACER = "\u2002"  # the empty row between the ranked libraries and those apart, which says why


def separate_levels(fig: go.Figure, ordered: pd.DataFrame, label: str, lang: str) -> None:
    """Keep the bars in `ordered`'s order; below the ranked libraries, a dotted line and an empty
    row saying that those under it (the provincial library beside the cities) are not ranked."""
    order = list(ordered[label])
    main = main_level(ordered) if len(ordered) and "level" in ordered else None
    apart = int((ordered.level != main).sum()) if main else 0
    if apart:
        order = order[:apart] + [SPACER] + order[apart:]
        fig.add_shape(
            type="line", xref="paper", x0=0, x1=1, yref="y", y0=apart - 0.5, y1=apart - 0.5,
            line={"color": NEUTRAL[1], "width": 1, "dash": "dot"},
        )  # fmt: skip
        fig.add_annotation(
            xref="paper", x=0, yref="y", y=apart, text=t("rank.apart", lang, level=level_words(main, lang)),
            showarrow=False, xanchor="left", yanchor="middle", font={"size": 12, "color": NEUTRAL[0]},
        )  # fmt: skip
    fig.update_yaxes(categoryorder="array", categoryarray=order, range=[-0.5, len(order) - 0.5])
