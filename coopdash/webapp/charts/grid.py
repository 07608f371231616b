"""The coverage matrix: libraries down, months across."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from coopdash.webapp.charts.base import NEUTRAL, layout


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
