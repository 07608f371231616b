"""Lines over time: trends, running totals, small multiples, a library against its peers."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from coopdash.consortium import Milestone
from coopdash.webapp.charts.base import (
    MILESTONE,
    NEUTRAL,
    PALETTE,
    faded,
    layout,
    mark_milestones,
    number_axis,
)


def cumulative_lines(
    df: pd.DataFrame,
    *,
    label: dict[str, str],
    colours: dict[str, str],
    milestones: tuple[Milestone, ...],
    value_label: str,
    lang: str,
    decimals: int = 0,
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
                hovertemplate=f"{label.get(code, code)}<br>%{{x|%Y-%m}}: %{{y:,.{decimals}f}}<extra></extra>",
            )
        )
    mark_milestones(fig, milestones, lang)
    if not df.empty:
        fig.update_xaxes(range=[df["month"].min(), df["month"].max()])
    fig.update_xaxes(title=None, dtick="M12", tickformat="%Y")
    fig.update_yaxes(
        title=value_label,
        rangemode="tozero",
        **number_axis(df["cumulative"].max() if not df.empty else 0, lang),
    )
    return layout(fig, height=480)


def yearly_stacks(
    df: pd.DataFrame,
    *,
    value: str,
    label: dict[str, str],
    colours: dict[str, str],
    value_label: str,
    lang: str,
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
    fig.update_yaxes(title=value_label, **number_axis(df.groupby("year")[value].sum().max(), lang))
    return layout(fig, height=440)


def yearly_lines(
    df: pd.DataFrame,
    *,
    value: str,
    label: dict[str, str],
    colours: dict[str, str],
    value_label: str,
    lang: str,
    decimals: int = 2,
) -> go.Figure:
    """Per library, a line of yearly rates (per 10,000 residents): rates of different cities do not stack."""
    fig = go.Figure()
    order = df.groupby("library_code")[value].sum().sort_values(ascending=False).index
    for code in order:
        part = df[df["library_code"] == code].sort_values("year")
        fig.add_trace(
            go.Scatter(
                x=part["year"],
                y=part[value],
                name=label.get(code, code),
                mode="lines+markers",
                line={"width": 2.5, "color": colours.get(code)},
                hovertemplate=f"{label.get(code, code)}<br>%{{x}}: %{{y:,.{decimals}f}}<extra></extra>",
            )
        )
    fig.update_xaxes(title=None, dtick=1)
    fig.update_yaxes(
        title=value_label, rangemode="tozero", **number_axis(df[value].max() if len(df) else 0, lang)
    )
    return layout(fig, height=440)


def small_multiples(
    df: pd.DataFrame,
    *,
    label: dict[str, str],
    colours: dict[str, str],
    milestones: tuple[Milestone, ...],
    shared_scale: bool,
    lang: str,
    columns: int = 4,
) -> go.Figure:
    """One small monthly chart per library, in the registry's order, the agreement marked in each.

    On one shared scale when the values are comparable (per 10,000 residents); each
    on its own otherwise, so a small city's trend is not flattened by the largest.
    """
    present = set(df["library_code"])
    codes = [code for code in label if code in present]
    rows = max(1, math.ceil(len(codes) / columns))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        shared_xaxes="all",  # one time span for all, so the joining dates line up
        shared_yaxes="all" if shared_scale else False,
        subplot_titles=[label[code] for code in codes],
        vertical_spacing=0.5 / rows / 2 if rows > 1 else 0.1,
        horizontal_spacing=0.07,
    )
    # Traces, axes and marks are handed to the figure at once: one by one, Plotly
    # validated the whole figure again for each of up to 25 panels.
    traces, axes, shapes = [], {}, []
    for index, (code, part) in enumerate(_in_order(df, codes)):
        cell = fig.get_subplot(index // columns + 1, index % columns + 1)
        x_name, y_name = cell.xaxis.plotly_name, cell.yaxis.plotly_name
        x_ref, y_ref = x_name.replace("axis", ""), y_name.replace("axis", "")
        traces.append(
            go.Scatter(
                x=part["month"],
                y=part["total"],
                mode="lines",
                line={"width": 2, "color": colours.get(code)},
                fill="tozeroy",
                fillcolor=faded(colours.get(code, PALETTE[0])),
                name=label[code],
                showlegend=False,
                hovertemplate=f"{label[code]}<br>%{{x|%Y-%m}}: %{{y:,.1f}}<extra></extra>",
                xaxis=x_ref,
                yaxis=y_ref,
            )
        )
        top = df["total"].max() if shared_scale else part["total"].max()
        axes[y_name] = {"nticks": 4, **number_axis(top, lang)}
        shapes += [
            {
                "type": "line",
                "x0": milestone.date,
                "x1": milestone.date,
                "y0": 0,
                "y1": 1,
                "xref": x_ref,
                "yref": f"{y_ref} domain",
                "line": {"color": MILESTONE, "width": 1, "dash": "dash"},
            }  # fmt: skip
            for milestone in milestones
        ]
    fig.add_traces(traces)
    fig.update_layout(shapes=shapes, **axes)
    fig.update_xaxes(dtick="M24", tickformat="%Y", showgrid=False)
    fig.update_annotations(font={"size": 14})
    layout(fig, height=170 * rows + 60)
    fig.update_layout(margin={"t": 40})
    return fig


def _in_order(df: pd.DataFrame, codes: list[str]) -> Iterator[tuple[str, pd.DataFrame]]:
    """Each library's rows by month, in the order of `codes`."""
    parts = dict(tuple(df.sort_values("month").groupby("library_code", sort=False)))
    for code in codes:
        yield code, parts[code]


def since_joining_lines(
    df: pd.DataFrame,
    *,
    label: dict[str, str],
    colours: dict[str, str],
    value_label: str,
    joined_label: str,
    axis_label: str,
    lang: str,
) -> go.Figure:
    """Each library per 10,000 residents (3-month average) by months since it joined: every line starts at 0."""
    fig = go.Figure()
    for code, part in df.groupby("library_code", sort=False):
        part = part.sort_values("months_since")
        fig.add_trace(
            go.Scatter(
                x=part["months_since"],
                y=part["per_10k_residents"].rolling(3, min_periods=1).mean(),
                name=label.get(code, code),
                mode="lines",
                line={
                    "width": 2,
                    "color": colours.get(code),
                    "dash": "solid" if part.kind.iloc[0] == "on" else "dot",
                },
                customdata=part[["month"]],
                hovertemplate=f"{label.get(code, code)}<br>%{{customdata[0]|%Y-%m}} (%{{x:+d}}): %{{y:,.1f}}<extra></extra>",
            )
        )
    fig.add_vline(x=0, line={"color": MILESTONE, "width": 2, "dash": "dash"})
    fig.add_annotation(
        x=0, xref="x", y=1, yref="paper", text=joined_label, showarrow=False, xanchor="left", yanchor="top",
        xshift=4, font={"color": MILESTONE, "size": 13}, bgcolor="rgba(255,255,255,0.8)",
    )  # fmt: skip
    fig.update_xaxes(title=axis_label, dtick=12, zeroline=False)
    fig.update_yaxes(
        title=value_label,
        rangemode="tozero",
        **number_axis(df["per_10k_residents"].max() if len(df) else 0, lang),
    )
    return layout(fig, height=460)


def province_trend(
    df: pd.DataFrame,
    *,
    milestones: tuple[Milestone, ...],
    value_label: str,
    average_label: str,
    axis_label: str,
    lang: str,
    decimals: int = 0,
) -> go.Figure:
    """The consortium's monthly total (thin) and its 12-month average (bold), from zero: season and direction apart."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=df["month"], y=df["total"], name=value_label, mode="lines", line={"width": 1.5, "color": NEUTRAL[1]},
            hovertemplate=f"%{{x|%Y-%m}}: %{{y:,.{decimals}f}}<extra></extra>",
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=df["month"], y=df["total"].rolling(12, min_periods=12).mean(), name=average_label, mode="lines",
            line={"width": 3.5, "color": NEUTRAL[0]}, hovertemplate=f"%{{x|%Y-%m}}: %{{y:,.{decimals}f}}<extra></extra>",
        )
    )  # fmt: skip
    mark_milestones(fig, milestones, lang)
    fig.update_xaxes(title=None, dtick="M12", tickformat="%Y")
    fig.update_yaxes(
        title=axis_label, rangemode="tozero", **number_axis(df["total"].max() if len(df) else 0, lang)
    )
    return layout(fig, height=380)


def compare_lines(
    df: pd.DataFrame,
    *,
    label: dict[str, str],
    colours: dict[str, str],
    value_label: str,
    reference: str | None,
    milestones: tuple[Milestone, ...],
    lang: str,
    peers_label: str = "",
    peers_count: str = "{count}",
) -> go.Figure:
    """A line per chosen library; `reference` (the peers' median, with how many peers in its `peers`
    column) dashed in grey; milestones marked; from zero.

    Where the number of peers changes (new members joined), the reference line
    breaks and restarts with how many it now counts (`peers_count`), so a new
    group is not read as the old one rising or falling.
    """
    fig = go.Figure()
    for code, part in df.groupby("library_code", sort=False):
        is_reference = code == reference
        name = label.get(code, code)
        if is_reference:
            part = _broken_where_peers_change(part)
            for start in part[part.starts].itertuples():
                fig.add_annotation(
                    x=start.month, y=start.value, text=peers_count.format(count=int(start.peers)),
                    showarrow=False, xanchor="left", yanchor="top", yshift=-4,
                    font={"size": 12, "color": NEUTRAL[0]}, bgcolor="rgba(255,255,255,0.8)",
                )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["value"],
                name=name,
                mode="lines",
                line={
                    "width": 2 if is_reference else 3,
                    "color": NEUTRAL[1] if is_reference else colours.get(code),
                    "dash": "dash" if is_reference else "solid",
                },
                customdata=part[["peers"]] if is_reference else None,
                hovertemplate=f"{name}<br>%{{x|%Y-%m}}: %{{y:,.1f}}"
                + (f" ({peers_label})" if is_reference else "")
                + "<extra></extra>",
            )
        )
    mark_milestones(fig, milestones, lang)
    fig.update_xaxes(title=None, dtick="M12", tickformat="%Y")
    fig.update_yaxes(
        title=value_label, rangemode="tozero", **number_axis(df["value"].max() if len(df) else 0, lang)
    )
    return layout(fig, height=420)


def _broken_where_peers_change(line: pd.DataFrame) -> pd.DataFrame:
    """The reference line with a gap (a point without value) before each month its count of peers
    changes, and `starts` marking the first month of each group after the first."""
    line = line.sort_values("month").reset_index(drop=True)
    changed = line.peers.ne(line.peers.shift()) & line.index.to_series().gt(0)
    gaps = line[changed].assign(month=lambda f: f.month - pd.Timedelta(days=14), value=float("nan"))
    return (
        pd.concat([line.assign(starts=changed), gaps.assign(starts=False)])
        .sort_values("month")
        .reset_index(drop=True)
    )
