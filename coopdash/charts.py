"""Chart functions: DataFrame in, Plotly figure out, in one visual language.

Readable on a projector (large type, few lines, direct labels), a fixed colour per
library across every chart, fonts that draw Chinese, and nothing fetched from
the network.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from coopdash.consortium import Milestone
from coopdash.filters import OTHERS
from coopdash.i18n import number, t

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


def _with_room(values: pd.Series) -> list[float] | None:
    """An axis range from zero past the largest bar (and below the smallest) with room for its label."""
    if values.empty or values.isna().all():
        return None
    low, high = min(values.min(), 0), max(values.max(), 0)
    room = (high - low) * 0.18 or 1
    return [low - room if low < 0 else 0, high + room]


def _milestones(fig: go.Figure, milestones: tuple[Milestone, ...], lang: str) -> None:
    for milestone in milestones:
        _mark(fig, milestone.date, milestone.label_zh if lang == "zh" else milestone.label_en)


def _labelled_bars(
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


def _library_colours(ordered: pd.DataFrame, colours: dict[str, str]) -> list[str]:
    return [colours.get(code, PALETTE[0]) for code in ordered["library_code"]]


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
    """Horizontal bars, largest on top, each bar labelled with its value."""
    ordered = df.sort_values(value, ascending=True)
    fig = _labelled_bars(
        ordered,
        value=value,
        label=label,
        colour=_library_colours(ordered, colours),
        text=[number(v, lang, decimals) for v in ordered[value]],
        hover=f"<b>%{{y}}</b> %{{customdata[0]}}<br>{value_label}: %{{x:,.{decimals}f}}<extra></extra>",
        customdata=ordered[["name_zh"]],
    )
    fig.update_xaxes(
        title=value_label, range=_with_room(ordered[value]), **number_axis(ordered[value].max(), lang)
    )
    fig.update_yaxes(title=None)
    return layout(fig, height=max(320, 44 * len(ordered) + 80))


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


def contribution_bars(df: pd.DataFrame, *, label: str, colours: dict[str, str], lang: str) -> go.Figure:
    """Records per library, original (solid) and enhanced (pale) stacked, largest total on top."""
    ordered = df.sort_values("total", ascending=True)
    marker = _library_colours(ordered, colours)
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
                hovertemplate=f"<b>%{{y}}</b> %{{customdata[0]}}<br>{t(f'role.{role}', lang)}: %{{x:,}}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=ordered["total"],
            y=ordered[label],
            mode="text",
            text=[number(v, lang) for v in ordered["total"]],
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(
        title=t("chart.contributed_solid_pale", lang),
        range=_with_room(ordered["total"]),
        **number_axis(ordered["total"].max(), lang),
    )
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
    df: pd.DataFrame, *, value: str, label: str, colours: dict[str, str], value_label: str
) -> go.Figure:
    """A share (0-1) per library as horizontal bars in percent, largest on top."""
    ordered = df.dropna(subset=[value]).sort_values(value, ascending=True)
    fig = _labelled_bars(
        ordered,
        value=value,
        label=label,
        colour=_library_colours(ordered, colours),
        text=[f"{v:.0%}" for v in ordered[value]],
        hover=f"<b>%{{y}}</b><br>{value_label}: %{{x:.1%}}<extra></extra>",
    )
    fig.update_xaxes(title=value_label, tickformat=".0%", range=[0, 1.05])
    return layout(fig, height=max(320, 44 * len(ordered) + 80))


def cumulative_lines(
    df: pd.DataFrame,
    *,
    label: dict[str, str],
    colours: dict[str, str],
    milestones: tuple[Milestone, ...],
    value_label: str,
    lang: str,
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
    _milestones(fig, milestones, lang)
    if not df.empty:
        fig.update_xaxes(range=[df["month"].min(), df["month"].max()])
    fig.update_xaxes(title=None, dtick="M12", tickformat="%Y")
    fig.update_yaxes(title=value_label, **number_axis(df["cumulative"].max() if not df.empty else 0, lang))
    return layout(fig, height=480)


def lent_and_borrowed(df: pd.DataFrame, *, label: str, colours: dict[str, str], lang: str) -> go.Figure:
    """Filled lending to the right, filled borrowing to the left, per library: the balance at a glance."""
    ordered = df.assign(volume=df.lending_filled + df.borrowing_filled).sort_values("volume", ascending=True)
    marker = _library_colours(ordered, colours)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=ordered["lending_filled"],
            y=ordered[label],
            orientation="h",
            name=t("ill.lent", lang),
            showlegend=False,
            marker={"color": marker},
            hovertemplate=f"<b>%{{y}}</b><br>{t('ill.lent', lang)}: %{{x:,}}<extra></extra>",
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
            hovertemplate=f"<b>%{{y}}</b><br>{t('ill.borrowed', lang)}: %{{customdata[0]:,}}<extra></extra>",
        )
    )
    fig.update_layout(barmode="relative")
    fig.add_vline(x=0, line={"color": INK, "width": 1})
    reach = max(ordered["lending_filled"].max(), ordered["borrowing_filled"].max(), 1)
    ticks = _symmetric_ticks(float(reach))
    fig.update_xaxes(
        title=t("chart.borrowed_lent_axis", lang),
        tickvals=ticks,
        ticktext=[number(abs(tick), lang) for tick in ticks],
    )
    return layout(fig, height=max(320, 44 * len(ordered) + 100))


def _symmetric_ticks(reach: float) -> list[float]:
    """Round ticks from -reach to +reach, labelled without signs by the caller."""
    step = max(1, nice_step(reach / 5))  # at most five ticks on the longer side
    count = math.ceil(reach / step)
    return [step * k for k in range(-count, count + 1)]


def activity_bars(df: pd.DataFrame, *, label: str, parts: dict[str, str], lang: str) -> go.Figure:
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
    fig.update_xaxes(**number_axis(ordered["total"].max(), lang))
    return layout(fig, height=max(320, 44 * len(ordered) + 100))


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


def growth_bars(df: pd.DataFrame, *, label: str, colours: dict[str, str], value_label: str) -> go.Figure:
    """Change on the year before per library, in percent, largest rise on top; falls point left."""
    ordered = df.dropna(subset=["growth"]).sort_values("growth", ascending=True)
    fig = _labelled_bars(
        ordered,
        value="growth",
        label=label,
        colour=_library_colours(ordered, colours),
        text=[f"{v:+.1%}" for v in ordered["growth"]],
        hover=f"<b>%{{y}}</b><br>{value_label}: %{{x:+.1%}}<extra></extra>",
    )
    fig.add_vline(x=0, line={"color": INK, "width": 1})
    fig.update_xaxes(title=value_label, tickformat="+.0%", range=_with_room(ordered["growth"]))
    return layout(fig, height=max(320, 44 * len(ordered) + 80))


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
                fillcolor=_faded(colours.get(code, PALETTE[0])),
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


def _faded(colour: str, alpha: float = 0.15) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def ranked_bars(df: pd.DataFrame, *, item: str, value: str, value_label: str, lang: str) -> go.Figure:
    """What is not a library (platforms, databases, titles) ranked in one neutral colour, largest on top."""
    ordered = df.sort_values(value, ascending=True)
    fig = _labelled_bars(
        ordered,
        value=value,
        label=item,
        colour=NEUTRAL[0],
        text=[number(v, lang) for v in ordered[value]],
        hover=f"<b>%{{y}}</b><br>{value_label}: %{{x:,}}<extra></extra>",
    )
    fig.update_xaxes(
        title=value_label,
        range=_with_room(ordered[value]),
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


def cohort_lines(
    df: pd.DataFrame,
    *,
    names: dict[tuple, str],
    milestones: tuple[Milestone, ...],
    value_label: str,
    lang: str,
) -> go.Figure:
    """Usage per 10,000 residents of each group of libraries that joined together, over the same months."""
    fig = go.Figure()
    for index, ((kind, day), part) in enumerate(df.groupby(["kind", "date"], sort=False)):
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["per_10k_residents"].rolling(3, min_periods=1).mean(),
                name=names[(kind, day)],
                mode="lines",
                line={"width": 3, "color": NEUTRAL[0] if index == 0 else MILESTONE},
                hovertemplate=f"{names[(kind, day)]}<br>%{{x|%Y-%m}}: %{{y:,.1f}}<extra></extra>",
            )
        )
    _milestones(fig, milestones, lang)
    fig.update_xaxes(title=None, dtick="M12", tickformat="%Y")
    fig.update_yaxes(title=value_label, tickformat=",")
    return layout(fig, height=420)


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
) -> go.Figure:
    """Both directions of the cooperation per library, side by side on one row each: in (solid), out (pale)."""
    ordered = df.sort_values(usage, ascending=True)
    marker = _library_colours(ordered, colours)
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.06,
        subplot_titles=[usage_label, records_label],
    )
    fig.add_trace(
        go.Bar(
            x=ordered[usage], y=ordered[label], orientation="h", marker_color=marker,
            text=[number(v, lang, 1) for v in ordered[usage]], textposition="outside", cliponaxis=False,
            hovertemplate=f"<b>%{{y}}</b><br>{usage_label}: %{{x:,.1f}}<extra></extra>",
        ),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Bar(
            x=ordered[records], y=ordered[label], orientation="h", marker={"color": marker, "opacity": 0.55},
            text=[number(v, lang) for v in ordered[records]], textposition="outside", cliponaxis=False,
            hovertemplate=f"<b>%{{y}}</b><br>{records_label}: %{{x:,}}<extra></extra>",
        ),
        row=1, col=2,
    )  # fmt: skip
    # Room on the right of each panel for the longest bar's label.
    fig.update_xaxes(range=[0, max(ordered[usage].max(), 1) * 1.22], tickformat=",", row=1, col=1)
    fig.update_xaxes(range=[0, max(ordered[records].max(), 1) * 1.22], row=1, col=2, **number_axis(0, lang))
    fig.update_annotations(font={"size": 14})
    fig.update_layout(showlegend=False)
    return layout(fig, height=max(340, 40 * len(ordered) + 100))


def province_trend(
    df: pd.DataFrame, *, milestones: tuple[Milestone, ...], value_label: str, average_label: str, lang: str
) -> go.Figure:
    """The consortium's monthly total (thin) and its 12-month average (bold): season and direction apart."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=df["month"], y=df["total"], name=value_label, mode="lines", line={"width": 1.5, "color": NEUTRAL[1]},
            hovertemplate="%{x|%Y-%m}: %{y:,}<extra></extra>",
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=df["month"], y=df["total"].rolling(12, min_periods=12).mean(), name=average_label, mode="lines",
            line={"width": 3.5, "color": NEUTRAL[0]}, hovertemplate="%{x|%Y-%m}: %{y:,.0f}<extra></extra>",
        )
    )  # fmt: skip
    _milestones(fig, milestones, lang)
    fig.update_xaxes(title=None, dtick="M12", tickformat="%Y")
    fig.update_yaxes(title=None, **number_axis(df["total"].max() if len(df) else 0, lang))
    return layout(fig, height=380)


def coverage_matrix(df: pd.DataFrame, *, label: dict[str, str], value_label: str) -> go.Figure:
    """Libraries down, months across: a filled cell where a report covers the month, empty where none does."""
    present = set(df["library_code"])
    codes = [code for code in label if code in present] or list(label)
    months = pd.date_range(df["month"].min(), df["month"].max(), freq="MS") if len(df) else []
    grid = (
        df.pivot_table(index="library_code", columns="month", values="reports", aggfunc="max")
        .reindex(index=codes, columns=months)
        .fillna(0)
    )
    peak = grid.to_numpy().max() if grid.size else 0  # none of the libraries shown has this source
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=list(months),
            y=[label[code] for code in codes],
            colorscale=[[0, "#f5f7fa"], [0.001, NEUTRAL[1]], [1, NEUTRAL[0]]],
            zmin=0,
            zmax=max(2, peak),
            xgap=1,
            ygap=2,
            # One report a month is the rule; the scale only matters where some months have more.
            showscale=bool(peak > 1),
            colorbar={"title": value_label, "thickness": 12, "dtick": 1},
            hovertemplate=f"%{{y}} %{{x|%Y-%m}}<br>{value_label}: %{{z}}<extra></extra>",
        )
    )
    fig.update_xaxes(dtick="M12", tickformat="%Y", showgrid=False)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    return layout(fig, height=max(300, 30 * len(codes) + 90))


def compare_lines(
    df: pd.DataFrame,
    *,
    label: dict[str, str],
    colours: dict[str, str],
    value_label: str,
    reference: str | None,
    milestones: tuple[Milestone, ...],
    lang: str,
) -> go.Figure:
    """A line per chosen library; `reference` (a peer average or median) dashed in grey; milestones marked."""
    fig = go.Figure()
    for code, part in df.groupby("library_code", sort=False):
        is_reference = code == reference
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["value"],
                name=label.get(code, code),
                mode="lines",
                line={
                    "width": 2 if is_reference else 3,
                    "color": NEUTRAL[1] if is_reference else colours.get(code),
                    "dash": "dash" if is_reference else "solid",
                },
                hovertemplate=f"{label.get(code, code)}<br>%{{x|%Y-%m}}: %{{y:,.1f}}<extra></extra>",
            )
        )
    _milestones(fig, milestones, lang)
    fig.update_xaxes(title=None, dtick="M12", tickformat="%Y")
    fig.update_yaxes(title=value_label, **number_axis(df["value"].max() if len(df) else 0, lang))
    return layout(fig, height=420)
