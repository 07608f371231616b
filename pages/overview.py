"""Overview: the year in headline figures, the map of cities, both directions of the cooperation, the trend."""

import streamlit as st

from coopdash import charts, citymap, contributions, overview, services, uptake
from coopdash.filters import largest
from coopdash.i18n import change, number, t
from coopdash.webapp import chart, city_shapes, consortium, how, query, registry, through_entry

f = through_entry()
lang = f.lang
st.title(t("overview.title", lang))

if f.year is None:
    st.info(t("notice.no_data", lang), icon=":material/inbox:")
    st.stop()

year, metric = f.year, f.metric
usage = f.chosen(query(uptake.uptake_by_city, year, metric))
records = f.chosen(query(contributions.by_city, year))
records_before = f.chosen(query(contributions.by_city, year - 1))
ill = f.chosen(query(services.ill_by_city, year))
ill_before = f.chosen(query(services.ill_by_city, year - 1))
figures = overview.headline(usage, records, records_before, ill, ill_before)

st.caption(t("overview.lede", lang, year=year, metric=t(f"metric.{metric}", lang)))
columns = st.columns(5)
for column, (key, value, previous, decimals) in zip(columns, figures, strict=True):
    column.metric(
        t(f"overview.{key}", lang, year=year),
        number(value, lang, decimals),
        change(value, previous, lang, year - 1),
        border=True,
    )

left, right = st.columns([1, 1])
with left:
    st.subheader(t("overview.map", lang, year=year))
    settings = consortium()
    if settings.map_file is None:
        st.info(t("overview.no_map", lang), icon=":material/map:")
    else:
        measure = st.selectbox(
            t("overview.map_measure", lang),
            overview.MAP_MEASURES,
            format_func=lambda m: t(f"overview.measure.{m}", lang),
            key="map_measure",
        )
        values = overview.map_values(usage, records, ill, measure, lang)
        chart(
            citymap.city_map(
                values,
                shapes=city_shapes(settings.map_file),
                value_label=t(f"overview.measure.{measure}", lang),
                format_value=lambda v: number(v, lang, 1 if measure == "usage_per_10k" else 0),
                no_data_text=t("overview.no_data_city", lang),
                attribution=settings.map_attribution_zh if lang == "zh" else settings.map_attribution_en,
            ),
            key="map",
        )
        st.caption(t("overview.map_note", lang))
with right:
    st.subheader(t("overview.two_way", lang, year=year))
    both = overview.two_way_table(usage, records)
    if both.empty:
        st.info(t("overview.no_two_way", lang), icon=":material/filter_alt_off:")
    else:
        chart(
            charts.two_way(
                largest(both, "total"),
                label=f.label,
                colours=charts.library_colours(list(registry().libraries)),
                usage="per_10k_residents",
                records="records",
                usage_label=t("overview.in_axis", lang),
                records_label=t("overview.out_axis", lang),
                lang=lang,
            )
        )
    st.caption(t("overview.two_way_note", lang, metric=metric))

st.subheader(t("overview.trend", lang, metric=t(f"metric.{metric}", lang)))
monthly = query(uptake.monthly_total, metric, f.libraries or tuple(registry().libraries))
chart(
    charts.province_trend(
        monthly,
        milestones=consortium().milestones,
        value_label=t("overview.monthly", lang),
        average_label=t("overview.average", lang),
        lang=lang,
    )
)
how(uptake.how_computed(uptake.MEASURES[metric], lang), lang)
