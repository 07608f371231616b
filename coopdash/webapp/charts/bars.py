"""Bars: libraries ranked, counts stacked by role or kind, both directions side by side."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from coopdash.i18n import number, t
from coopdash.webapp.charts.base import (
    INK,
    NEUTRAL,
    in_rank_order,
    labelled_bars,
    layout,
    library_marker_colours,
    nice_step,
    number_axis,
    separate_levels,
    with_room,
)


def uptake_bars(
    df: pd.DataFrame,
    *,
    value: str,
    value_label: str,
    label: str,
    colours: dict[str, str],
    lang: str,
    decimals: int = 0,
) -> go.Figure:
    """Horizontal bars, the ranked level largest on top, the others apart below; each labelled with its value."""
    ordered = in_rank_order(df, value, label)
    fig = labelled_bars(
        ordered,
        value=value,
        label=label,
        colour=library_marker_colours(ordered, colours),
        text=[number(v, lang, decimals) for v in ordered[value]],
        hover=f"<b>%{{y}}</b> %{{customdata[0]}}<br>{value_label}: %{{x:,.{decimals}f}}<extra></extra>",
        customdata=ordered[["name_zh"]],
    )
    fig.update_xaxes(
        title=value_label, range=with_room(ordered[value]), **number_axis(ordered[value].max(), lang)
    )
    fig.update_yaxes(title=None)
    separate_levels(fig, ordered, label, lang)
    return layout(fig, height=max(320, 44 * len(ordered) + 80))


ORIGINAL_OPACITY, ENHANCED_OPACITY = 1.0, 0.45


def contribution_bars(
    df: pd.DataFrame, *, label: str, colours: dict[str, str], value_label: str, lang: str, decimals: int = 0
) -> go.Figure:
    """Records per library, original (solid) and enhanced (pale) stacked, largest total on top."""
    ordered = in_rank_order(df, "total", label)
    marker = library_marker_colours(ordered, colours)
    fig = go.Figure()
    for role, opacity in (("original", ORIGINAL_OPACITY), ("enhanced", ENHANCED_OPACITY)):
        fig.add_trace(
            go.Bar(
                x=ordered[role],
                y=ordered[label],
                orientation="h",
                name=t(f"role.{role}", lang),
                showlegend=False,
                marker={"color": marker, "opacity": opacity},
                customdata=ordered[["name_zh"]],
                hovertemplate=f"<b>%{{y}}</b> %{{customdata[0]}}<br>{t(f'role.{role}', lang)}: %{{x:,.{decimals}f}}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=ordered["total"],
            y=ordered[label],
            mode="text",
            text=[number(v, lang, decimals) for v in ordered["total"]],
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(
        title=value_label, range=with_room(ordered["total"]), **number_axis(ordered["total"].max(), lang)
    )
    separate_levels(fig, ordered, label, lang)
    return layout(fig, height=max(320, 44 * len(ordered) + 100))


def class_bars(df: pd.DataFrame, *, lang: str) -> go.Figure:
    """Records per CLC top class, original and enhanced stacked, in the order of the classification."""
    ordered = df.sort_values("clc_top", ascending=False, na_position="first")
    fig = go.Figure()
    for role in ("original", "enhanced"):
        fig.add_trace(
            go.Bar(
                x=ordered[role],
                y=ordered["label"],
                orientation="h",
                name=t(f"role.{role}", lang),
                marker={"color": NEUTRAL[0] if role == "original" else NEUTRAL[2]},
                hovertemplate=f"%{{y}}<br>{t(f'role.{role}', lang)}: %{{x:,}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(
        title=t("chart.records_contributed", lang),
        **number_axis((ordered.original + ordered.enhanced).max(), lang),
    )
    return layout(fig, height=max(320, 30 * len(ordered) + 100))


def share_bars(
    df: pd.DataFrame, *, value: str, label: str, colours: dict[str, str], value_label: str, lang: str
) -> go.Figure:
    """A share (0-1) per library as horizontal bars in percent, largest on top."""
    ordered = in_rank_order(df.dropna(subset=[value]), value, label)
    fig = labelled_bars(
        ordered,
        value=value,
        label=label,
        colour=library_marker_colours(ordered, colours),
        text=[f"{v:.0%}" for v in ordered[value]],
        hover=f"<b>%{{y}}</b><br>{value_label}: %{{x:.1%}}<extra></extra>",
    )
    fig.update_xaxes(title=value_label, tickformat=".0%", range=[0, 1.05])
    separate_levels(fig, ordered, label, lang)
    return layout(fig, height=max(320, 44 * len(ordered) + 80))


def lent_and_borrowed(
    df: pd.DataFrame, *, label: str, colours: dict[str, str], value_label: str, lang: str, decimals: int = 0
) -> go.Figure:
    """Filled lending to the right, filled borrowing to the left, per library: the balance at a glance."""
    ordered = in_rank_order(df.assign(volume=df.lending_filled + df.borrowing_filled), "volume", label)
    marker = library_marker_colours(ordered, colours)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=ordered["lending_filled"],
            y=ordered[label],
            orientation="h",
            name=t("ill.lent", lang),
            showlegend=False,
            marker={"color": marker},
            hovertemplate=f"<b>%{{y}}</b><br>{t('ill.lent', lang)}: %{{x:,.{decimals}f}}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=-ordered["borrowing_filled"],
            y=ordered[label],
            orientation="h",
            name=t("ill.borrowed", lang),
            showlegend=False,
            marker={"color": marker, "opacity": ENHANCED_OPACITY},
            customdata=ordered[["borrowing_filled"]],
            hovertemplate=f"<b>%{{y}}</b><br>{t('ill.borrowed', lang)}: %{{customdata[0]:,.{decimals}f}}<extra></extra>",
        )
    )
    fig.update_layout(barmode="relative")
    fig.add_vline(x=0, line={"color": INK, "width": 1})
    reach = max(ordered["lending_filled"].max(), ordered["borrowing_filled"].max())
    ticks = _symmetric_ticks(float(reach) if reach > 0 else 1)
    fig.update_xaxes(
        title=value_label,
        tickvals=ticks,
        ticktext=[number(abs(tick), lang, decimals) for tick in ticks],
    )
    separate_levels(fig, ordered, label, lang)
    return layout(fig, height=max(320, 44 * len(ordered) + 100))


def _symmetric_ticks(reach: float) -> list[float]:
    """Round ticks from -reach to +reach, labelled without signs by the caller."""
    step = nice_step(reach / 5)  # at most five ticks on the longer side
    count = math.ceil(reach / step)
    return [step * k for k in range(-count, count + 1)]


def activity_bars(
    df: pd.DataFrame, *, label: str, parts: dict[str, str], value_label: str, lang: str, decimals: int = 0
) -> go.Figure:
    """Several counts per library stacked (parts: column -> legend name), largest total on top."""
    ordered = in_rank_order(df.assign(total=df[list(parts)].sum(axis=1)), "total", label)
    fig = go.Figure()
    for index, (column, name) in enumerate(parts.items()):
        fig.add_trace(
            go.Bar(
                x=ordered[column],
                y=ordered[label],
                orientation="h",
                name=name,
                marker_color=NEUTRAL[index % len(NEUTRAL)],
                hovertemplate=f"<b>%{{y}}</b><br>{name}: %{{x:,.{decimals}f}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=value_label, rangemode="tozero", **number_axis(ordered["total"].max(), lang))
    separate_levels(fig, ordered, label, lang)
    return layout(fig, height=max(320, 44 * len(ordered) + 100))


def growth_bars(
    df: pd.DataFrame, *, label: str, colours: dict[str, str], value_label: str, lang: str
) -> go.Figure:
    """Change on the year before per library, in percent, largest rise on top; falls point left.

    Every library is listed: one without a like-for-like figure has no bar, and
    its row says why (`why`).
    """
    ordered = in_rank_order(df, "growth", label)
    has_figure = ordered.growth.notna()
    fig = labelled_bars(
        ordered.assign(growth=ordered.growth.fillna(0)),
        value="growth",
        label=label,
        colour=library_marker_colours(ordered, colours),
        text=[  # a reason in two short lines, to fit beside a narrow chart
            f"{v:+.1%}" if known else why.replace(": ", ":<br>", 1).replace("，", "，<br>", 1)
            for v, why, known in zip(ordered.growth, ordered.why, has_figure, strict=True)
        ],
        hover=f"<b>%{{y}}</b><br>{value_label}: %{{text}}<extra></extra>",
    )
    fig.update_traces(
        textfont={
            "size": [15 if known else 12 for known in has_figure],
            "color": [INK if known else NEUTRAL[0] for known in has_figure],
        }
    )
    fig.add_vline(x=0, line={"color": INK, "width": 1})
    reach = with_room(ordered["growth"]) or [-0.1, 0.1]
    if ordered.growth.isna().any():  # room on the right for the reasons written from zero
        reach = [reach[0], max(reach[1], (reach[1] - reach[0]) * 0.9)]
    fig.update_xaxes(title=value_label, tickformat="+.0%", range=reach)
    separate_levels(fig, ordered, label, lang)
    return layout(fig, height=max(320, 44 * len(ordered) + 80))


def ranked_bars(df: pd.DataFrame, *, item: str, value: str, value_label: str, lang: str) -> go.Figure:
    """What is not a library (platforms, databases, titles) ranked in one neutral colour, largest on top."""
    ordered = df.sort_values(value, ascending=True)
    fig = labelled_bars(
        ordered,
        value=value,
        label=item,
        colour=NEUTRAL[0],
        text=[number(v, lang) for v in ordered[value]],
        hover=f"<b>%{{y}}</b><br>{value_label}: %{{x:,}}<extra></extra>",
    )
    fig.update_xaxes(
        title=value_label,
        range=with_room(ordered[value]),
        **number_axis(ordered[value].max() if len(ordered) else 0, lang),
    )
    fig.update_yaxes(automargin=True)
    return layout(fig, height=max(260, 34 * len(ordered) + 90))


def denial_bars(df: pd.DataFrame, *, lang: str) -> go.Figure:
    """Readers turned away per database: no licence (dark) and user limit reached (pale)."""
    ordered = df.assign(refused=df.no_license + df.limit_exceeded).sort_values("refused", ascending=True)
    fig = go.Figure()
    for index, metric in enumerate(("no_license", "limit_exceeded")):
        fig.add_trace(
            go.Bar(
                x=ordered[metric],
                y=ordered["database"],
                orientation="h",
                name=t(f"denial.{metric}", lang),
                marker_color=NEUTRAL[index * 2],
                hovertemplate=f"<b>%{{y}}</b><br>{t(f'denial.{metric}', lang)}: %{{x:,}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(
        title=t("denial.axis", lang), **number_axis(ordered["refused"].max() if len(ordered) else 0, lang)
    )
    return layout(fig, height=max(260, 34 * len(ordered) + 110))


def two_way(
    df: pd.DataFrame,
    *,
    label: str,
    colours: dict[str, str],
    usage: str,
    records: str,
    usage_label: str,
    records_label: str,
    lang: str,
    decimals: tuple[int, int] = (0, 0),
) -> go.Figure:
    """Both directions of the cooperation per library, side by side on one row each: in (solid), out (pale)."""
    ordered = in_rank_order(df, usage, label)
    marker = library_marker_colours(ordered, colours)
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.06,
        subplot_titles=[usage_label, records_label],
    )
    for column, (value, name, places, opacity) in enumerate(
        ((usage, usage_label, decimals[0], 1.0), (records, records_label, decimals[1], 0.55)), start=1
    ):
        fig.add_trace(
            go.Bar(
                x=ordered[value], y=ordered[label], orientation="h", marker={"color": marker, "opacity": opacity},
                text=[number(v, lang, places) for v in ordered[value]], textposition="outside", cliponaxis=False,
                hovertemplate=f"<b>%{{y}}</b><br>{name}: %{{x:,.{places}f}}<extra></extra>",
            ),
            row=1, col=column,
        )  # fmt: skip
        # Room on the right of each panel for the longest bar's label.
        top = ordered[value].max()
        fig.update_xaxes(
            range=[0, (top if top > 0 else 1) * 1.35], row=1, col=column, **number_axis(top, lang)
        )
    fig.update_annotations(font={"size": 14})
    fig.update_layout(showlegend=False)
    separate_levels(fig, ordered, label, lang)
    layout(fig, height=max(340, 40 * len(ordered) + 100))
    lines = max(usage_label.count("<br>"), records_label.count("<br>")) + 1
    return fig.update_layout(margin={"t": 30 * lines})
