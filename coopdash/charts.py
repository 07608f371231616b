"""Chart functions: DataFrame in, Plotly figure out, in one visual language.

Readable on a projector (large type, few lines, direct labels), a fixed colour per
library across every chart, fonts that draw Chinese, and nothing fetched from
the network.
"""

from __future__ import annotations

import math
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
# For what is not a library (roles, classes, kinds of work): shades of slate, never a city's colour.
NEUTRAL = ("#334E68", "#829AB1", "#BCCCDC", "#D9E2EC")
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


ORIGINAL_OPACITY, ENHANCED_OPACITY = 1.0, 0.45


def contribution_bars(df: pd.DataFrame, *, label: str, colours: dict[str, str]) -> go.Figure:
    """Records per library, original (solid) and enhanced (pale) stacked, largest total on top."""
    ordered = df.sort_values("total", ascending=True)
    marker = [colours.get(code, PALETTE[0]) for code in ordered["library_code"]]
    fig = go.Figure()
    for role, opacity in (("original", ORIGINAL_OPACITY), ("enhanced", ENHANCED_OPACITY)):
        fig.add_trace(
            go.Bar(
                x=ordered[role],
                y=ordered[label],
                orientation="h",
                name=f"{role.capitalize()} records",
                showlegend=False,
                marker={"color": marker, "opacity": opacity},
                customdata=ordered[["name_zh"]],
                hovertemplate=f"<b>%{{y}}</b> %{{customdata[0]}}<br>{role}: %{{x:,}}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=ordered["total"],
            y=ordered[label],
            mode="text",
            text=[f"{v:,}" for v in ordered["total"]],
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="Records contributed: original (solid) and enhanced (pale)", tickformat=",")
    return _layout(fig, height=max(320, 44 * len(ordered) + 100))


def class_bars(df: pd.DataFrame) -> go.Figure:
    """Records per CLC top class, original and enhanced stacked, in the order of the classification."""
    ordered = df.sort_values("clc_top", ascending=False, na_position="first")
    fig = go.Figure()
    for role in ("original", "enhanced"):
        fig.add_trace(
            go.Bar(
                x=ordered[role],
                y=ordered["label"],
                orientation="h",
                name=f"{role.capitalize()} records",
                marker={"color": NEUTRAL[0] if role == "original" else NEUTRAL[2]},
                hovertemplate=f"%{{y}}<br>{role}: %{{x:,}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="Records contributed", tickformat=",")
    return _layout(fig, height=max(320, 30 * len(ordered) + 100))


def share_bars(
    df: pd.DataFrame, *, value: str, label: str, colours: dict[str, str], value_label: str
) -> go.Figure:
    """A share (0-1) per library as horizontal bars in percent, largest on top."""
    ordered = df.dropna(subset=[value]).sort_values(value, ascending=True)
    fig = go.Figure(
        go.Bar(
            x=ordered[value],
            y=ordered[label],
            orientation="h",
            marker_color=[colours.get(code, PALETTE[0]) for code in ordered["library_code"]],
            text=[f"{v:.0%}" for v in ordered[value]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"<b>%{{y}}</b><br>{value_label}: %{{x:.1%}}<extra></extra>",
        )
    )
    fig.update_xaxes(title=value_label, tickformat=".0%", range=[0, 1.05])
    return _layout(fig, height=max(320, 44 * len(ordered) + 80))


def cumulative_lines(
    df: pd.DataFrame,
    *,
    label: dict[str, str],
    colours: dict[str, str],
    milestones: tuple[Milestone, ...],
    value_label: str,
) -> go.Figure:
    """One line per library of a running total, each starting where the library started; milestones marked."""
    fig = go.Figure()
    order = df.groupby("library_code")["cumulative"].max().sort_values(ascending=False).index
    for code in order:
        part = df[df["library_code"] == code].sort_values("month")
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["cumulative"],
                name=label.get(code, code),
                mode="lines",
                line={"width": 2.5, "color": colours.get(code)},
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


def lent_and_borrowed(df: pd.DataFrame, *, label: str, colours: dict[str, str]) -> go.Figure:
    """Filled lending to the right, filled borrowing to the left, per library: the balance at a glance."""
    ordered = df.assign(volume=df.lending_filled + df.borrowing_filled).sort_values("volume", ascending=True)
    marker = [colours.get(code, PALETTE[0]) for code in ordered["library_code"]]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=ordered["lending_filled"],
            y=ordered[label],
            orientation="h",
            name="Lent (filled)",
            showlegend=False,
            marker={"color": marker},
            hovertemplate="<b>%{y}</b><br>lent: %{x:,}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=-ordered["borrowing_filled"],
            y=ordered[label],
            orientation="h",
            name="Borrowed (filled)",
            showlegend=False,
            marker={"color": marker, "opacity": ENHANCED_OPACITY},
            customdata=ordered[["borrowing_filled"]],
            hovertemplate="<b>%{y}</b><br>borrowed: %{customdata[0]:,}<extra></extra>",
        )
    )
    fig.update_layout(barmode="relative")
    fig.add_vline(x=0, line={"color": INK, "width": 1})
    reach = max(ordered["lending_filled"].max(), ordered["borrowing_filled"].max(), 1)
    ticks = _symmetric_ticks(float(reach))
    fig.update_xaxes(
        title="← borrowed (pale)      requests filled      lent (solid) →",
        tickvals=ticks,
        ticktext=[f"{abs(t):,.0f}" for t in ticks],
    )
    return _layout(fig, height=max(320, 44 * len(ordered) + 100))


def _symmetric_ticks(reach: float) -> list[float]:
    """Round ticks from -reach to +reach, labelled without signs by the caller."""
    base = 10 ** math.floor(math.log10(reach))
    # The smallest round step that needs at most five ticks on the longer side.
    step = max(1, next(base * f for f in (0.1, 0.2, 0.5, 1, 2, 5, 10) if reach / (base * f) <= 5))
    count = math.ceil(reach / step)
    return [step * k for k in range(-count, count + 1)]


def activity_bars(df: pd.DataFrame, *, label: str, parts: dict[str, str]) -> go.Figure:
    """Several counts per library stacked (parts: column -> legend name), largest total on top."""
    ordered = df.assign(total=df[list(parts)].sum(axis=1)).sort_values("total", ascending=True)
    fig = go.Figure()
    for index, (column, name) in enumerate(parts.items()):
        fig.add_trace(
            go.Bar(
                x=ordered[column],
                y=ordered[label],
                orientation="h",
                name=name,
                marker_color=NEUTRAL[index % len(NEUTRAL)],
                hovertemplate=f"<b>%{{y}}</b><br>{name}: %{{x:,}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat=",")
    return _layout(fig, height=max(320, 44 * len(ordered) + 100))


def yearly_stacks(
    df: pd.DataFrame, *, value: str, label: dict[str, str], colours: dict[str, str], value_label: str
) -> go.Figure:
    """Per year, one bar stacked by library in its colour: the consortium's total and who made it."""
    fig = go.Figure()
    order = df.groupby("library_code")[value].sum().sort_values(ascending=False).index
    for code in order:
        part = df[df["library_code"] == code].sort_values("year")
        fig.add_trace(
            go.Bar(
                x=part["year"],
                y=part[value],
                name=label.get(code, code),
                marker_color=colours.get(code),
                hovertemplate=f"{label.get(code, code)}<br>%{{x}}: %{{y:,}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=None, dtick=1)
    fig.update_yaxes(title=value_label, tickformat=",")
    return _layout(fig, height=440)
