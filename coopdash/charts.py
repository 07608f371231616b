"""Chart functions: DataFrame in, Plotly figure out, in one visual language.

Readable on a projector (large type, few lines, direct labels), a fixed colour per
library across every chart, fonts that draw Chinese, and nothing fetched from
the network.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from coopdash.consortium import Milestone

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
# Twelve distinguishable colours (Tableau 10 plus two), assigned in registry order.
PALETTE = (
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948",
    "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC", "#1F3A93", "#8CD17D",
)  # fmt: skip
INK = "#1f2933"
GRID = "#e4e7eb"
MILESTONE = "#c0392b"


def library_colours(codes: list[str]) -> dict[str, str]:
    """One colour per library, stable: the registry order decides."""
    return {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(codes)}


def _layout(fig: go.Figure, *, height: int) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        height=height,
        font={"family": FONT, "size": 15, "color": INK},
        margin={"l": 10, "r": 30, "t": 30, "b": 10},
        hoverlabel={"font": {"family": FONT, "size": 14}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
    )
    fig.update_xaxes(gridcolor=GRID, zeroline=False)
    fig.update_yaxes(gridcolor=GRID, zeroline=False)
    return fig


def uptake_bars(
    df: pd.DataFrame, *, value: str, value_label: str, label: str, colours: dict[str, str], decimals: int = 0
) -> go.Figure:
    """Horizontal bars, largest on top, each bar labelled with its value."""
    ordered = df.sort_values(value, ascending=True)
    fmt = f"{{:,.{decimals}f}}"
    fig = go.Figure(
        go.Bar(
            x=ordered[value],
            y=ordered[label],
            orientation="h",
            marker_color=[colours.get(code, PALETTE[0]) for code in ordered["library_code"]],
            text=[fmt.format(v) for v in ordered[value]],
            textposition="outside",
            cliponaxis=False,
            customdata=ordered[["name_zh"]],
            hovertemplate=f"<b>%{{y}}</b> %{{customdata[0]}}<br>{value_label}: %{{x:,.{decimals}f}}<extra></extra>",
        )
    )
    fig.update_xaxes(title=value_label, tickformat=",")
    fig.update_yaxes(title=None)
    return _layout(fig, height=max(320, 44 * len(ordered) + 80))


def monthly_trend(
    df: pd.DataFrame,
    *,
    label: dict[str, str],
    colours: dict[str, str],
    milestones: tuple[Milestone, ...],
    value_label: str,
) -> go.Figure:
    """Monthly usage stacked by library, so the consortium total is the top edge; milestones marked."""
    fig = go.Figure()
    totals = df.groupby("library_code")["total"].sum().sort_values(ascending=False)
    for code in totals.index:
        part = df[df["library_code"] == code].sort_values("month")
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["total"],
                name=label.get(code, code),
                mode="lines",
                stackgroup="usage",
                line={"width": 0.5, "color": colours.get(code)},
                fillcolor=colours.get(code),
                hovertemplate=f"{label.get(code, code)}<br>%{{x|%Y-%m}}: %{{y:,}}<extra></extra>",
            )
        )
    for milestone in milestones:
        _mark(fig, milestone.date, milestone.label_en)
    if not df.empty:
        fig.update_xaxes(range=[df["month"].min(), df["month"].max()])
    fig.update_xaxes(title=None, dtick="M12", tickformat="%Y")
    fig.update_yaxes(title=value_label, tickformat=",")
    return _layout(fig, height=480)


def _mark(fig: go.Figure, when: date, text: str) -> None:
    """A dated vertical line with its label (shapes, because add_vline mislabels date axes)."""
    fig.add_shape(
        type="line", xref="x", yref="paper", x0=when, x1=when, y0=0, y1=1,
        line={"color": MILESTONE, "width": 2, "dash": "dash"},
    )  # fmt: skip
    fig.add_annotation(
        x=when, xref="x", y=1, yref="paper", text=f"{when:%Y-%m-%d} {text}", showarrow=False,
        xanchor="left", yanchor="top", xshift=4, font={"color": MILESTONE, "size": 13}, bgcolor="rgba(255,255,255,0.8)",
    )  # fmt: skip
