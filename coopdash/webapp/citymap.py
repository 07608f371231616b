"""The member cities as a choropleth, drawn as filled shapes on plain cartesian axes.

Plotly's geo and mapbox charts fetch their base map from a CDN, and the dashboard
must work with no network; so the boundaries come from the consortium's own
GeoJSON file and nothing in the figure is fetched by the browser.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale, sequential, unlabel_rgb

from coopdash.errors import RegistryError
from coopdash.webapp.charts import INK, layout, nice_step

# Light to dark, and still distinct from the grey of "no data" at its light end.
COLORSCALE = sequential.Teal
NO_DATA = "rgb(220, 220, 220)"
BORDER = "white"
DARK_FILL = 0.22  # luminance below which white type contrasts more than INK does (WCAG)
LABEL_GRID = 60  # candidate label points per side of a city's bounding box

Ring = tuple[tuple[float, ...], tuple[float, ...]]


@dataclass(frozen=True)
class CityShape:
    adcode: int
    name_en: str
    name_zh: str
    rings: tuple[Ring, ...]  # (longitudes, latitudes) per ring
    label_at: tuple[float, float]


def load_shapes(path: Path) -> dict[int, CityShape]:
    """The cities of a GeoJSON file by adcode, the key that joins them to the registry."""
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RegistryError(f"{path.name}: cannot read the city boundaries ({exc})") from None
    shapes: dict[int, CityShape] = {}
    for number, feature in enumerate(features, start=1):
        try:
            shape = _shape(feature)
        except KeyError as exc:
            raise RegistryError(f"{path.name}, feature {number}: {exc} is missing") from None
        except (ValueError, TypeError, IndexError, AttributeError) as exc:
            raise RegistryError(f"{path.name}, feature {number}: {exc}") from None
        if shape.adcode in shapes:
            raise RegistryError(f"{path.name}, feature {number}: adcode {shape.adcode} appears twice")
        shapes[shape.adcode] = shape
    if not shapes:
        raise RegistryError(f"{path.name}: no city boundaries in the file")
    return shapes


def _shape(feature: dict) -> CityShape:
    properties = feature.get("properties") or {}
    adcode = str(properties.get("adcode") or "")
    if not adcode.isdigit():
        raise ValueError(f"adcode '{adcode}' is not a number" if adcode else "no adcode in its properties")
    geometry = feature["geometry"]
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise ValueError(f"a {geometry['type']}, not a Polygon or MultiPolygon")
    rings = tuple(
        (tuple(float(p[0]) for p in ring), tuple(float(p[1]) for p in ring))
        for polygon in polygons
        for ring in polygon
    )
    if not rings:
        raise ValueError("no coordinates")
    return CityShape(
        adcode=int(adcode),
        name_en=str(properties.get("name_en", "")),
        name_zh=str(properties.get("name_zh", "")),
        rings=rings,
        # On the largest ring, so an archipelago's label sits on its main island, not in the sea.
        label_at=_inside_point(max(rings, key=lambda ring: abs(_area(ring)))),
    )


def _area(ring: Ring) -> float:
    xs, ys = ring
    return sum(xs[i - 1] * ys[i] - xs[i] * ys[i - 1] for i in range(len(xs))) / 2


def _inside_point(ring: Ring) -> tuple[float, float]:
    """The point farthest from the ring's edges (on a grid), so a label does not straddle a border.

    A centroid can fall near an edge, or outside, for the bent shapes cities have.
    """
    scale = math.cos(math.radians(sum(ring[1]) / len(ring[1])))  # a degree of longitude is shorter
    x1, y1 = np.asarray(ring[0]) * scale, np.asarray(ring[1])
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    grid_x, grid_y = np.meshgrid(
        np.linspace(x1.min(), x1.max(), LABEL_GRID), np.linspace(y1.min(), y1.max(), LABEL_GRID)
    )
    px, py = grid_x.reshape(-1, 1), grid_y.reshape(-1, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        crosses = ((y1 > py) != (y2 > py)) & (px < x1 + (py - y1) * (x2 - x1) / (y2 - y1))
    inside = crosses.sum(axis=1) % 2 == 1
    dx, dy = x2 - x1, y2 - y1
    along = np.clip(((px - x1) * dx + (py - y1) * dy) / np.maximum(dx * dx + dy * dy, 1e-18), 0, 1)
    clearance = np.hypot(px - x1 - along * dx, py - y1 - along * dy).min(axis=1)
    best = int(np.argmax(np.where(inside, clearance, -1)))
    return float(px[best, 0]) / scale, float(py[best, 0])


def city_map(
    values: pd.DataFrame,
    *,
    shapes: dict[int, CityShape],
    value_label: str,
    format_value: Callable[[float], str],
    no_data_text: str,
    attribution: str,
    height: int = 520,
) -> go.Figure:
    """Each city filled by its value (columns adcode, name, value), labelled in place for a projector."""
    rows = {int(a): (n, float(v)) for a, n, v in zip(values["adcode"], values["name"], values["value"])}
    known = [v for adcode, (_, v) in rows.items() if adcode in shapes and not math.isnan(v)]
    low, high = (min(known), max(known)) if known else (0.0, 0.0)
    fig = go.Figure()
    label_x, label_y, label_text, label_colour = [], [], [], []
    for adcode, shape in shapes.items():
        name, value = rows.get(adcode, (shape.name_en, math.nan))
        has_value = not math.isnan(value)
        fill = _colour((value - low) / (high - low) if high > low else 1.0) if has_value else NO_DATA
        shown = format_value(value) if has_value else no_data_text
        lons = [x for xs, _ in shape.rings for x in (*xs, None)]
        lats = [y for _, ys in shape.rings for y in (*ys, None)]
        fig.add_trace(
            go.Scatter(
                x=lons,
                y=lats,
                name=name,
                mode="lines",
                fill="toself",
                fillcolor=fill,
                line={"color": BORDER, "width": 1},
                hoveron="fills",
                hoverinfo="text",
                text=f"<b>{name}</b><br>{value_label}: {shown}",
            )
        )
        label_x.append(shape.label_at[0])
        label_y.append(shape.label_at[1])
        label_text.append(f"<b>{name}</b><br>{shown}")
        label_colour.append("white" if _luminance(fill) < DARK_FILL else INK)
    fig.add_trace(
        go.Scatter(
            x=label_x,
            y=label_y,
            mode="text",
            text=label_text,
            # A halo in the opposite shade keeps a label readable where it runs over a neighbour.
            textfont={"color": label_colour, "size": 13, "shadow": "auto"},
            hoverinfo="skip",
        )
    )
    if known:
        ticks = _ticks(low, high)
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                hoverinfo="skip",
                marker={
                    "colorscale": COLORSCALE,
                    "cmin": low,
                    "cmax": high if high > low else low + 1,
                    "color": [low],
                    "showscale": True,
                    # Under the map and centred like it, so it stays next to it at any page width.
                    "colorbar": {
                        "orientation": "h",
                        "x": 0.5,
                        "xanchor": "center",
                        "y": 0,
                        "yanchor": "top",
                        "len": 0.45,
                        "thickness": 12,
                        "outlinewidth": 0,
                        "title": {"text": value_label, "side": "top", "font": {"size": 14}},
                        "tickvals": ticks,
                        "ticktext": [format_value(t) for t in ticks],
                    },
                },
            )
        )
    fig.add_annotation(
        text=attribution, xref="x domain", yref="y domain", x=1, y=0, xanchor="right", yanchor="bottom",
        showarrow=False, font={"size": 11, "color": "#7b8794"},
    )  # fmt: skip
    layout(fig, height=height)
    latitudes = [y for shape in shapes.values() for _, ys in shape.rings for y in ys]
    middle = (min(latitudes) + max(latitudes)) / 2
    fig.update_layout(showlegend=False, plot_bgcolor="white")
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(math.radians(middle)))
    return fig


def _colour(share: float) -> str:
    return sample_colorscale(COLORSCALE, [share])[0]


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG), to put white type on dark fills and dark type on light ones."""
    red, green, blue = (
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        for c in (v / 255 for v in unlabel_rgb(colour))
    )
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _ticks(low: float, high: float) -> list[float]:
    """Round values inside the range, so the colour bar reads 2万, 4万, … rather than 23,417."""
    if high <= low:
        return [low]
    step = nice_step((high - low) / 4)
    first = math.ceil(low / step) * step
    return [first + k * step for k in range(int((high - first) // step) + 1)]
